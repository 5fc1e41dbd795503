"""`index.segments._encode_positions` builds Whoosh's pickled positions by hand; it must be Whoosh's bytes."""
import random

from whoosh import formats

from index.segments import _encode_positions


def test_encoded_positions_are_whooshs_for_every_gap_size_and_list_length():
    """Gaps of each opcode size (one byte, two bytes, beyond), a first position of 0, lists up to and past
    pickle's 1000-item batches: byte for byte what `formats.Positions.encode` writes."""
    rng = random.Random(7)
    lists = [[0], [5], [0, 1], [3, 255, 256], [1, 300, 65535], [2, 65536], [10, 70_000, 200_000],
             sorted(rng.sample(range(5000), 1000)), sorted(rng.sample(range(5000), 1001)),
             sorted(rng.sample(range(100_000), 2500))]
    lists += [sorted(rng.sample(range(rng.choice([50, 600, 90_000])), rng.randint(2, 40))) for _ in range(500)]
    whoosh_format = formats.Positions()
    for places in lists:
        assert _encode_positions(places) == whoosh_format.encode(places), places
