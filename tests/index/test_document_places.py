"""A document's stored places are what `dataclasses.asdict` makes of them, value for value and byte for byte.

`to_document` builds them directly, without asdict's deep copy; this holds the stored form (and
so the index's stored fields) unchanged. The places are made up, not any gazetteer's.
"""
from __future__ import annotations

import pickle
from dataclasses import asdict, fields

import pytest

from index.article import Article
from index.document import stored_place, to_document
from index.entities import Entities
from index.entities.model import Place

PLACES = [
    Place(4711, "Velmora", "Quendia", "Velmora, Quendia", "Ostrava Vale Province, Quendia", "QD-OV", 12.5, -3.25),
    Place(None, "Tarsk Hills", None, "Tarsk Hills"),
    Place(0, "Orrin", "Quendia", "Orrin, Quendia", None, None, 0.0, None),
]


@pytest.mark.parametrize("place", PLACES, ids=lambda place: place.name)
def test_a_stored_place_is_asdict_of_it(place: Place) -> None:
    assert stored_place(place) == asdict(place)
    assert list(stored_place(place)) == [field.name for field in fields(Place)]
    assert pickle.dumps(stored_place(place)) == pickle.dumps(asdict(place))


def test_every_place_field_is_a_plain_value_so_a_flat_copy_is_a_deep_one() -> None:
    """A field holding a list or another dataclass would need asdict's recursion: this fails first."""
    for place in PLACES:
        for field in fields(Place):
            assert isinstance(getattr(place, field.name), (int, float, str, type(None)))


def test_the_document_stores_its_places_as_asdict_would() -> None:
    article = Article("quendia-1", "Floods in Velmora", "Rain flooded Velmora and the Tarsk Hills.", "2031-05-02")
    document = to_document(article, Entities(places=tuple(PLACES)))
    assert pickle.dumps(document["places"]) == pickle.dumps([asdict(place) for place in PLACES])
