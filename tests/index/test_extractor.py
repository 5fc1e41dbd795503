"""The public extractor: states acting, typing, junk rejection, cues, places, and the seeds."""
from __future__ import annotations

from pathlib import Path

import pytest

import index.entities.extractor as extractor_module
from index.entities import Entities, EntityExtractor, extract


def test_demonym_and_backed_make_the_state_an_actor(extractor):
    body = "Israeli warplanes struck a depot near Homs, while Iran-backed forces and Russian-backed units moved north."
    result = extractor.extract("", body)
    assert result.actor_types.get("Israel") == "state"
    assert result.actor_types.get("Iran") == "state"
    assert result.actor_types.get("Russia") == "state"
    assert "Israel" in result.countries  # a state acting adds its country
    demonym = [m for m in result.mentions if m.value == "Israel" and m.facet == "actor"]
    assert [body[m.start : m.end] for m in demonym] == ["Israeli"]


def test_a_place_is_never_an_actor(extractor):
    body = "Shelling hit Homs on Monday. Homs was quiet by evening, residents in Homs said."
    result = extractor.extract("", body)
    assert not [a for a in result.actors if "Homs" in a]
    assert any(p.name == "Homs" and p.country == "Syria" for p in result.places)


def test_unknown_names_are_found_by_cues(extractor):
    body = (
        "\u201cThe convoy was hit twice,\u201d said Tarek Oumeyri, director of the Levant Monitoring Centre. "
        "According to Dr. Selin Varga, the figures are reliable. "
        "Mr Obiora Nwankwo, a local teacher, was among the wounded, Nwankwo told reporters."
    )
    result = extractor.extract("", body)
    types = result.actor_types
    assert types.get("Tarek Oumeyri") == "person"
    assert types.get("Selin Varga") == "person"
    assert types.get("Obiora Nwankwo") == "person"
    assert types.get("Levant Monitoring Centre") == "organisation"
    assert "Nwankwo" not in types  # resolved to the full name


def test_organisation_suffixes_and_armed_groups(extractor):
    body = "The Northern Hills Brigade said the Ministry of Water Resources had cut supplies to the valley."
    types = extractor.extract("", body).actor_types
    assert types.get("Northern Hills Brigade") == "armed_group"
    assert types.get("Ministry of Water Resources") == "organisation"


def test_junk_is_rejected(extractor):
    body = (
        "However, the talks resumed on Wednesday in March. But The officials said nothing. "
        "BREAKING NEWS: MARKETS RALLY AS TALKS RESUME\n"
        "According to the agency, A. was absent. The ( ) report came on Monday."
    )
    result = extractor.extract("", body)
    junk = {"However", "But", "The", "According", "Wednesday", "March", "Monday", "A", "BREAKING NEWS", "MARKETS"}
    assert not junk & set(result.actors)
    assert all(any(c.isalpha() for c in a) and len(a) > 1 for a in result.actors)


def test_title_counts_for_facets_but_spans_are_body_only(extractor):
    title = "Hezbollah fighters killed in strike"
    body = "Two fighters died, a monitor said."
    result = extractor.extract(title, body)
    assert "Hezbollah" in result.actors
    assert all(0 <= m.start < m.end <= len(body) for m in result.mentions)


def test_person_consistency_one_type_throughout(extractor):
    body = "Kwame Asante-Boateng said on Friday the deal was done. Later Asante-Boateng flew home."
    result = extractor.extract("", body)
    assert result.actor_types.get("Kwame Asante-Boateng") == "person"
    assert [m.value for m in result.mentions if m.kind == "person"] == ["Kwame Asante-Boateng"] * 2


def test_environment_variable_selects_user_dictionary(tmp_path: Path, monkeypatch):
    user = tmp_path / "entities.yaml"
    user.write_text("- {name: Blue River Cooperative, type: organisation, aliases: [BRC]}\n", encoding="utf-8")
    monkeypatch.setenv("NEWSFACETS_ENTITIES", str(user))
    extractor_module.default_extractor.cache_clear()
    try:
        assert extract("", "Farmers of the BRC protested.").actor_types.get("Blue River Cooperative") == "organisation"
    finally:
        monkeypatch.delenv("NEWSFACETS_ENTITIES")
        extractor_module.default_extractor.cache_clear()
    assert "Blue River Cooperative" not in extract("", "Farmers of the BRC protested.").actors


def test_extract_is_deterministic_and_typed(extractor):
    body = "UN envoy Geir Pedersen met Syrian officials in Damascus, the United Nations said."
    first, second = extractor.extract("", body), extractor.extract("", body)
    assert isinstance(first, Entities) and first == second
    assert first.actors.count("United Nations") == 1
    assert first.actor_types.get("Geir Pedersen") == "person"


def _seed(path: Path) -> tuple[str, str]:
    with open(path, encoding="utf-8") as handle:
        title, _, body = handle.read().strip().partition("\n")
    return title, body


def test_seed_articles(seeds_dir: Path, extractor):
    results = [extractor.extract(*_seed(path)) for path in sorted(seeds_dir.glob("*.txt"))]
    assert len(results) == 5
    types: dict[str, str] = {}
    for result in results:
        types.update(result.actor_types)
    assert types.get("Israel") == "state"
    assert types.get("Iran") == "state"
    assert types.get("Hezbollah") == "armed_group"
    assert types.get("Bashar al-Assad") == "person"
    assert types.get("Mike Pompeo") == "person"
    assert types.get("Syrian Observatory for Human Rights") == "organisation"
    for result in results:  # one value per person: no "Assad", "Bashar Al Assad" variants
        assert not [a for a in result.actors if "Assad" in a and a != "Bashar al-Assad"]
        assert not {"Homs", "Palmyra", "Damascus", "The", "According", "Wednesday"} & set(result.actors)
    places = {(p.name, p.country) for r in results for p in r.places}
    assert any(name == "Palmyra" and country == "Syria" for name, country in places)
    assert any(name.startswith("Homs") and country == "Syria" for name, country in places)
    assert all("Syria" in r.countries for r in results)


def test_places_are_resolved_in_context(extractor):
    body = "A tornado struck Paris, Texas, on Monday. Paris officials said schools would stay shut."
    result = extractor.extract("", body)
    paris = [p for p in result.places if p.name == "Paris"]
    assert paris and all(p.country == "United States" and p.geonameid is not None for p in paris)
    assert "France" not in result.countries


@pytest.mark.parametrize("title, body, actor, place_word", [
    ("", "The Bank of England raised rates, the bank said on Thursday.", "Bank of England", "England"),
    ("Bank of England raises rates", "Rates rose on Thursday.", "Bank of England", "England"),
    ("", "Researchers at Tel Aviv University published the study on Monday.", "Tel Aviv University", "Tel Aviv"),
])
def test_an_actor_name_beats_the_place_inside_it(extractor, title, body, actor, place_word):
    result = extractor.extract(title, body)
    assert actor in result.actors
    assert not [p for p in result.places if p.name == place_word]
    assert not [m for m in result.mentions if m.facet != "actor" and place_word in body[m.start:m.end]]


@pytest.mark.parametrize("body, team", [
    ("Soccer results on Saturday : Bristol 2 Norwich 1 , Ipswich 0 Reading 0", "Norwich"),
    ("Standings : Portsmouth 4 3 1 0 9 2 , Southampton 4 2 1 1 6 5", "Southampton"),
    ("Marseille beat Lyon in a tense derby on Sunday night.", "Lyon"),
    ("Fixtures for Saturday : Hull v Sheffield , Derby v Coventry .", "Sheffield"),
    ("Bordeaux manager Anton Mirel said his side had deserved the point.", "Bordeaux"),
    ("Kessler scored a late goal for Hamburg to seal the match.", "Hamburg"),
    ("After two heavy defeats Marseille are bottom of the table.", "Marseille"),
])
def test_a_city_playing_sport_is_a_team(extractor, body, team):
    result = extractor.extract("", body)
    assert result.actor_types.get(team) == "organisation"
    assert not [m for m in result.mentions if m.facet != "actor" and body[m.start:m.end] == team]


def test_a_country_playing_stays_a_country_and_prose_numbers_are_not_scores(extractor):
    result = extractor.extract("", "Brazil 2 Argentina 1 in Rio. Unemployment in Chicago 3 percent higher, said officials.")
    assert "Brazil" in result.countries and "Brazil" not in result.actor_types
    assert "Chicago" not in result.actor_types
    assert any(p.name == "Chicago" for p in result.places)


def test_home_nations_and_products_with_numbers_are_not_clubs(extractor):
    result = extractor.extract("", "Rugby : England 21 Wales 9 . The laptop ships with Vortex 95 , the maker said .")
    assert "England" not in result.actor_types and "Wales" not in result.actor_types
    assert "Vortex" not in result.actor_types


@pytest.mark.parametrize("body, organisation", [
    ("Trading was heavy as Quorvex shares fell 5 percent on Tuesday.", "Quorvex"),
    ("The drug was developed by Merrow Laboratories in Ohio.", "Merrow Laboratories"),
    ("The contract was confirmed by a Halvatek spokesman late on Monday.", "Halvatek"),
])
def test_what_follows_a_name_can_make_it_a_company(extractor, body, organisation):
    assert extractor.extract("", body).actor_types.get(organisation) == "organisation"


def test_a_user_entry_for_a_shipped_actor_adds_aliases_and_keeps_ours(tmp_path: Path):
    user = tmp_path / "entities.yaml"
    user.write_text("- {name: Bashar al-Assad, type: person, aliases: [Bashar]}\n", encoding="utf-8")
    extractor = EntityExtractor(user)
    result = extractor.extract("", "President Assad spoke on Monday. Later Bashar said the talks would go on.")
    assert result.actors == ("Bashar al-Assad",)
    assert sum(m.value == "Bashar al-Assad" for m in result.mentions) == 2  # ours ("Assad") and theirs ("Bashar")
