"""Sports tables typed by their shape (issue 10, CoNLL ORG recall): a standings heading that runs
into its first row, and a fixtures list of capitalised places paired by "AT".

Real extractor and gazetteer. The team names are invented, and the fixture cities are drawn from
the gazetteer (large cities outside the data's countries), so a rule for one listed name fails here.
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def cities(extractor, gaz) -> list[str]:
    """One-word cities of Brazil, India or Nigeria that a story finds by name alone, in capitals."""
    names = sorted({e.place.name for entries in gaz.index.values() for e in entries
                    if e.kind == "city" and e.primary and e.population > 300_000 and e.place.name.isalpha()
                    and e.place.country in ("Brazil", "India", "Nigeria")})
    return [n.upper() for n in names if [p.name for p in extractor.extract("", f"Rain fell in {n}.").places] == [n]][:8]


def test_a_standings_heading_is_no_part_of_the_first_team(extractor):
    body = ("Standings after Sunday's games : NORTHERN DIVISION W L PCT GB ZORVALE 74 59 .556 - QUIMBERTON 70 63 "
            ".526 4 SOUTHERN CONFERENCE P W D L PTS Hollandry 12 8 2 2 26 Varnesse 12 7 3 2 24")
    types = extractor.extract("", body).actor_types
    assert {"Zorvale", "Quimberton", "Hollandry", "Varnesse"} <= {n for n, t in types.items() if t == "organisation"}
    assert not any("DIVISION" in n or "PCT" in n or "PTS" in n for n in types), types


def test_the_visitors_of_a_fixtures_list_are_teams_and_the_hosts_places(extractor, cities):
    assert len(cities) >= 6, cities
    away, home = cities[0::2], cities[1::2]
    body = "SUNDAY 'S SCHEDULE " + " ".join(f"{a} AT {h}" for a, h in zip(away, home, strict=False))
    result = extractor.extract("", body)
    teams = {n.upper() for n, t in result.actor_types.items() if t == "organisation"}
    assert set(away) <= teams, (away, result.actor_types)
    assert {p.name.upper() for p in result.places} >= set(home)


def test_one_place_at_another_is_no_fixtures_list(extractor, cities):
    body = f"TALKS IN {cities[0]} AT {cities[1]} UNIVERSITY END . Delegates met in {cities[0]}."
    result = extractor.extract("", body)
    assert not result.actor_types, result.actor_types
