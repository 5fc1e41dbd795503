"""scripts/audit_entities.py: location recall counted through the place tree.

An expected division is found when the article gives a place inside it (the product's division
filter finds that article), never the other way round, and never through a place of another
division; an expected spelling the gazetteer files under the very place given (same geonameid) is
that place. Real extractor and gazetteer; tiny hand-written expected lists, no shared data.
"""
from __future__ import annotations

import pytest
from test_audit_entities import audit  # the script, loaded once as its own tests load it

from index.entities import extract
from index.entities.places import Gazetteer

TEXTS = {
    "town": "Clashes were reported in the Jordanian city of Irbid on Monday, officials said.",
    "division": "Fighting raged in Irbid Governorate on Monday, Jordanian officials said.",
    "other": "Clashes were reported in Zarqa, Jordan, on Monday, officials said.",
}


@pytest.fixture(scope="module")
def extracted():
    current, places = {}, {}
    for aid, text in TEXTS.items():
        entities = extract("", text, "2016-01-01")
        current[aid], places[aid] = audit.triples_of(entities), entities.places
    return current, places


def _recall(tmp_path, extracted, rows: list[tuple[str, str]]) -> dict:
    path = tmp_path / "expected.tsv"
    audit.write_tsv(path, audit.EXPECTED_COLUMNS, [(aid, "location", value) for aid, value in rows])
    expected = audit.read_tsv(path, audit.EXPECTED_COLUMNS)
    current, places = extracted
    return audit.score(current, [], expected, places, audit.gazetteer_ids(Gazetteer.load()))["recall"]["location"]


def test_the_articles_give_what_the_cases_need(extracted):
    _, places = extracted
    assert [p.value for p in places["town"]] == ["Irbid, Jordan"]
    assert [p.value for p in places["division"]] == ["Irbid Governorate, Jordan"]
    assert [p.value for p in places["other"]] == ["Zarqa, Jordan"]


def test_division_found_through_a_town_inside_it(tmp_path, extracted):
    r = _recall(tmp_path, extracted, [("town", "Irbid Governorate, Jordan"), ("town", "Jordan")])
    assert (r["found"], r["found_tree"], r["recall_tree"]) == (0, 2, 1.0)
    assert r["missed_tree"] == [] and len(r["missed"]) == 2


def test_town_not_found_through_its_division(tmp_path, extracted):
    r = _recall(tmp_path, extracted, [("division", "Irbid, Jordan"), ("division", "Irbid Governorate, Jordan")])
    assert (r["found"], r["found_tree"]) == (1, 1)
    assert r["missed_tree"] == ["division | Irbid, Jordan"]


def test_place_in_another_division_does_not_count(tmp_path, extracted):
    r = _recall(tmp_path, extracted,
                [("other", "Irbid Governorate, Jordan"), ("other", "Az Zarqa Governorate, Jordan")])
    assert r["missed_tree"] == ["other | Irbid Governorate, Jordan"]
    assert r["found_tree"] == 1 and r["found"] == 0


def test_an_alias_of_the_very_place_is_that_place_and_a_lookalike_is_not(tmp_path, extracted):
    """'Zerka' is a gazetteer name of the Zarqa given (same geonameid); 'Zurqa' is no name of it."""
    r = _recall(tmp_path, extracted, [("other", "Zerka, Jordan"), ("other", "Zurqa, Jordan"),
                                      ("town", "Zerka, Jordan")])
    assert r["found"] == 0
    assert r["missed_tree"] == ["other | Zurqa, Jordan", "town | Zerka, Jordan"]


def test_without_places_only_the_strict_figure_is_given(extracted):
    current, _ = extracted
    result = audit.score(current, [], [{"article_id": "town", "facet": "location", "value": "Irbid, Jordan"}])
    assert result["recall"]["location"]["recall"] == 1.0 and "recall_tree" not in result["recall"]["location"]
