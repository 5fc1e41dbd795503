"""Story signatures computed for all articles at once are the ones datasketch makes article by article.

A generation's stored signatures are compared with the next build's (`--incremental`), so the
batched numpy path must give exactly what `MinHash.update_batch` gives over each article's
shingles, for every length of article: none, fewer words than a shingle, many, and more
shingles than one permuting step holds. The words are random hashes, not any corpus's.
"""
from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from index import stories
from index.stories import MINHASH_SCHEME, MINHASH_SEED, NUM_PERM, SHINGLE_WORDS, _Hasher


def _reference_shingles(word_hashes: list[int]) -> list[int]:
    """An article's shingle hashes, written out in plain Python integers (mod 2**64)."""
    mix = [0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F][:SHINGLE_WORDS]
    if not word_hashes:
        return []
    padded = word_hashes + [0] * max(0, SHINGLE_WORDS - len(word_hashes))
    found = []
    for start in range(len(padded) - SHINGLE_WORDS + 1):
        mixed = sum(h * m for h, m in zip(padded[start:start + SHINGLE_WORDS], mix, strict=True)) % (1 << 64)
        found.append((mixed ^ (mixed >> 32)) & 0xFFFFFFFF)
    return found


def _datasketch_signature(word_hashes: list[int]) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME, hashfunc=int)
    shingles = _reference_shingles(word_hashes)
    if shingles:
        minhash.update_batch(shingles)
    return minhash.hashvalues.astype(np.uint32)


def _articles(lengths: list[int], seed: int) -> list[list[int]]:
    draw = random.Random(seed)
    vocabulary = [draw.getrandbits(32) for _ in range(400)]  # repeated words, as in real text
    return [[draw.choice(vocabulary) for _ in range(length)] for length in lengths]


@pytest.mark.parametrize("lengths", [
    [0, 1, 2, 3, 4, 5, 120, 0, 7],
    [0, 0],
    [300] * 40,
])
def test_batched_signatures_equal_datasketchs_article_by_article(lengths: list[int]) -> None:
    articles = _articles(lengths, seed=len(lengths))
    batched = _Hasher().signatures(articles)
    assert batched.dtype == np.uint32 and batched.shape == (len(articles), NUM_PERM)
    for article, signature in zip(articles, batched, strict=True):
        assert np.array_equal(signature, _datasketch_signature(article))


def test_articles_split_across_permuting_steps_keep_their_own_minimum(monkeypatch) -> None:
    """A step's boundary falls between articles, and an article longer than a step is a step of its own."""
    monkeypatch.setattr(stories, "_ROWS_AT_ONCE", 50)
    articles = _articles([30, 30, 30, 200, 1, 0, 49, 51, 53], seed=7)
    batched = _Hasher().signatures(articles)
    for article, signature in zip(articles, batched, strict=True):
        assert np.array_equal(signature, _datasketch_signature(article))


def test_no_articles_give_an_empty_signature_table() -> None:
    assert _Hasher().signatures([]).shape == (0, NUM_PERM)


def _signatures_with_copies(seed: int) -> np.ndarray:
    """Random signatures, some of them near-copies of earlier ones (a share of their values changed)."""
    draw = np.random.default_rng(seed)
    rows = [draw.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32) for _ in range(60)]
    for n in range(120):
        row = rows[int(draw.integers(0, len(rows)))].copy()
        changed = draw.random(NUM_PERM) < [0.05, 0.3, 0.5, 0.7][n % 4]
        row[changed] = draw.integers(0, 1 << 32, int(changed.sum()), dtype=np.uint64).astype(np.uint32)
        rows.append(row)
    return np.vstack(rows)


def test_copy_candidates_and_jaccard_are_datasketchs_lsh_and_minhash() -> None:
    """Each article queried before it is added, as clustering does: the same candidates and estimates."""
    signatures = _signatures_with_copies(seed=3)
    copies = stories._Copies(signatures)  # noqa: SLF001
    lsh = MinHashLSH(threshold=stories.COPY_JACCARD, num_perm=NUM_PERM)
    template = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    minhashes = [MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashvalues=row, permutations=template.permutations,
                         scheme=MINHASH_SCHEME) for row in signatures]
    found_any = 0
    for i, minhash in enumerate(minhashes):
        expected = {int(key) for key in lsh.query(minhash)}
        assert copies.candidates(i) == expected
        for j in expected:
            assert copies.jaccard(i, j) == minhash.jaccard(minhashes[j])
        found_any += len(expected)
        lsh.insert(str(i), minhash)
        copies.add(i)
    assert found_any > 50  # the planted copies were found, so the comparison said something
