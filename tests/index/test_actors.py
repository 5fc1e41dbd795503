"""Actor normalisation and the actor dictionary (ours plus the user's)."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.entities.actors import ActorDictionary, load_dictionary, load_entries, name_key
from index.entities.chunking import is_headline, phrases, tokenize
from index.entities.extractor import EntityExtractor


def actors_of(extractor: EntityExtractor, body: str, title: str = "") -> dict[str, str]:
    return extractor.extract(title, body).actor_types


def test_key_unifies_article_prefix_hyphen_case_accent_and_possessive():
    assert name_key("Bashar al-Assad") == name_key("Bashar Al Assad") == name_key("bashar assad")
    assert name_key("Assad’s") == name_key("Assad's") == name_key("ASSAD") == "assad"
    assert name_key("Recep Tayyip Erdoğan") == name_key("Recep Tayyip Erdogan")
    assert name_key("U.N.") == name_key("UN")
    assert name_key("The Associated Press") == name_key("Associated Press")
    assert name_key("The Times") != name_key("Times")  # "the" stays when it is the name


def test_dictionary_aliases_resolve_to_one_canonical_actor():
    dictionary = load_dictionary()
    for alias in ("ISIS", "ISIL", "Daesh", "Islamic State of Iraq and the Levant", "Islamic State"):
        assert dictionary.get(alias).name == "Islamic State", alias
    assert dictionary.get("HTS").name == "Hayat Tahrir al-Sham"
    for alias in ("Hezbollah", "Hizbollah", "Hizbullah"):
        assert dictionary.get(alias).name == "Hezbollah"
    assert dictionary.get("IRGC").name == dictionary.get("Revolutionary Guards").name
    assert dictionary.get("U.N.").name == dictionary.get("UN").name == "United Nations"
    assert dictionary.get("Syria Civil Defence").name == "White Helmets"
    assert dictionary.get("SOHR").name == "Syrian Observatory for Human Rights"
    assert dictionary.get("Hezbollah").type == "armed_group"
    assert dictionary.get("Mike Pompeo").type == "person"


def test_acronym_aliases_need_capitals(extractor):
    found = actors_of(extractor, "The un-named official spoke to Un Chan at the UN on Monday.")
    assert list(found).count("United Nations") == 1


def test_titles_and_possessives_are_stripped(extractor):
    body = (
        "President Bashar Al Assad met envoys on Monday. Assad's government said the talks went well. "
        "Later, Bashar al-Assad’s office issued a statement."
    )
    found = actors_of(extractor, body)
    assert found.get("Bashar al-Assad") == "person"
    assert not [a for a in found if "Assad" in a and a != "Bashar al-Assad"]
    assert not [a for a in found if a.startswith("President")]


def test_short_form_resolves_to_full_name_seen_in_the_same_article(extractor):
    body = (
        "Foreign Minister Lorenzo Vettraino arrived in Rome on Tuesday. "
        "Vettraino told reporters that the meeting was useful."
    )
    result = extractor.extract("", body)
    assert result.actor_types.get("Lorenzo Vettraino") == "person"
    assert "Vettraino" not in result.actors
    spans = [body[m.start : m.end] for m in result.mentions if m.value == "Lorenzo Vettraino"]
    assert spans == ["Lorenzo Vettraino", "Vettraino"]


def test_user_dictionary_adds_and_overrides(tmp_path: Path):
    user = tmp_path / "entities.yaml"
    user.write_text(
        "- {name: Harbour Watch Collective, type: organisation, aliases: [HWC]}\n"
        "- {name: Hezbollah, type: organisation, aliases: [Party of God]}\n",
        encoding="utf-8",
    )
    extractor = EntityExtractor(user)
    found = actors_of(extractor, "Members of HWC and the Party of God met in Beirut, the HWC said.")
    assert found.get("Harbour Watch Collective") == "organisation"
    assert found.get("Hezbollah") == "organisation"  # the user's type wins


def test_bad_user_dictionary_is_a_clear_error(tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("- {name: Somebody, type: wizard}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="type must be one of"):
        ActorDictionary(load_entries(broken))
    with pytest.raises(ValueError, match="cannot read"):
        load_entries(tmp_path / "missing.yaml")


def test_tokenizer_splits_possessive_and_keeps_acronyms():
    words = [(t.text, t.possessive) for t in tokenize("Assad’s U.S. allies")]
    assert words == [("Assad", True), ("U.S.", False), ("allies", False)]


def test_phrases_glue_name_particles_and_organisation_connectors():
    texts = [p.text for p in phrases("He met Osama bin Laden and the Bank of England staff.", frozenset({"bank"}))]
    assert "Osama bin Laden" in texts
    assert "Bank of England" in texts


def test_title_case_headline_is_short_and_has_no_lowercase_content_word():
    assert is_headline(tokenize("Rebels Seize Key Northern Town After Week Of Heavy Fighting"))
    # a results row: "beat" is lower case, so the capitals do mark names
    assert not is_headline(tokenize("Tomas Brandl ( Austria ) beat Ivo Marek ( Slovakia ) 6-3 6-4"))
    # a squad list longer than any headline
    squad = "Squad : Tom Bale , Ian Crewe , Pete Vance , Josh Orme , Dan Lutz , Ray Pike , Sam Hoyt , Will Ames"
    assert not is_headline(tokenize(squad))


def test_names_in_a_long_results_row_are_people(extractor):
    body = ("Results : Tomas Brandl ( Austria ) beat Ivo Marek ( Slovakia ) 6-3 6-4 , "
            "Lena Holmqvist ( Sweden ) beat Carla Brites ( Portugal ) 7-5 6-2")
    types = extractor.extract("", body).actor_types
    for name in ("Tomas Brandl", "Ivo Marek", "Lena Holmqvist", "Carla Brites"):
        assert types.get(name) == "person"
