"""Places no gazetteer we ship lists (issue 10, "Small places missing"): villages and city
quarters the text itself calls places ("the village of X", "the X neighbourhood of Aleppo",
"villages including X and Y").

Real gazetteer and extractor. The names are invented (none is in GeoNames), so a rule written
for the villages of the audit would fail here.
"""
from __future__ import annotations

import pytest

from index.entities.places import MIN_SKELETON, _skeleton, name_key

INVENTED = ("Qarvoun", "Zelbiyeh", "Hadroush", "Tell Wazrin", "Kafr Moudeh")


def _places(extractor, body: str) -> dict:
    return {p.value: p for p in extractor.extract("", body).places}


def test_the_names_are_unknown_to_the_gazetteer(gaz):
    for name in INVENTED:
        assert name_key(name) not in gaz.index and not gaz.minor("Syria").by_key.get(name_key(name))


@pytest.mark.parametrize("name", INVENTED)
@pytest.mark.parametrize("frame", [
    "Helicopters dropped barrel bombs on the village of {name} in Syria on Monday.",
    "Rebels shelled the town of {name}, Syria, as fighting raged.",
    "Government forces entered the {name} district in northern Syria.",
])
def test_a_settlement_noun_makes_an_unknown_name_a_place_of_the_storys_country(extractor, name, frame):
    place = _places(extractor, frame.format(name=name)).get(f"{name}, Syria")
    assert place is not None and place.geonameid is None and place.country == "Syria"


def test_a_quarter_of_a_named_city_lies_in_its_division(extractor):
    for name in INVENTED:
        places = _places(extractor, f"Barrel bombs hit the {name} neighbourhood of Aleppo, Syria.")
        assert places[f"{name}, Syria"].division == "Aleppo Governorate"
        places = _places(extractor, f"Six died in the rebel-held district of {name} in east Homs, Syria.")
        assert places[f"{name}, Syria"].division == "Homs Governorate"


def test_every_name_of_a_list_after_a_plural_noun(extractor):
    a, b, c = INVENTED[:3]
    for body in (f"The army took villages including {a}, {b} and {c} north of Hama in Syria.",
                 f"Strikes targeted three villages {a}, {b}, and {c} in Syria."):
        assert {f"{n}, Syria" for n in (a, b, c)} <= set(_places(extractor, body)), body


def test_two_names_run_together_by_a_lost_comma_are_two_places(extractor):
    values = set(_places(extractor, "Shells fell on the districts of Qarm al-Zelb Dahr al-Woun in Aleppo, Syria."))
    assert {"Qarm al-Zelb, Syria", "Dahr al-Woun, Syria"} <= values
    values = set(_places(extractor, "Jets struck the villages of Hadroush Hama in Syria."))
    assert "Hadroush, Syria" in values and "Hadroush Hama, Syria" not in values


def test_no_country_in_the_story_no_place(extractor):
    assert not any(v.startswith("Qarvoun") for v in _places(extractor, "Jets struck the village of Qarvoun."))


@pytest.mark.parametrize("body", [
    "Clashes broke out in the Zorvanian district of Aleppo, Syria.",   # a people's adjective
    "Clashes broke out in the Qarvounish quarter of Aleppo, Syria.",
    "Fighters entered the Qarvoun-held district of Aleppo, Syria.",     # a compound adjective
    "Huge Blast Erupts Village Of Aleppo In Syria",                     # a Title Case headline
    "The Monday village of Aleppo, Syria, was quiet.",                  # an ordinary word
    "the Northern district of Aleppo, Syria was shelled.",             # a direction
])
def test_words_that_only_look_like_names_are_no_place(extractor, body):
    values = set(_places(extractor, body))
    assert values <= {"Aleppo, Syria", "Syria"}, values


def test_a_spelling_of_a_village_the_gazetteer_has_is_that_village(extractor, gaz):
    # villages of Syria whose consonant skeleton is theirs alone, written with other vowels
    table = gaz.minor("Syria")
    checked = 0
    for key, entries in sorted(table.by_key.items()):
        if checked == 5:
            break
        skeleton = _skeleton(key)
        unique = len({e.place.value for e in table.by_skeleton[skeleton]}) == 1
        if " " in key or len(key) < 6 or key in gaz.index or not unique:
            continue
        variant = key[0] + key[1:].replace("a", "e").replace("i", "ee")
        if variant == key or name_key(variant) in gaz.index or _skeleton(name_key(variant)) != skeleton \
                or len(skeleton) < MIN_SKELETON:
            continue
        village = entries[0].place
        assert village.value in _places(extractor, f"Rebels shelled the village of {variant.title()} in Syria.")
        checked += 1
    assert checked == 5


def test_a_village_of_another_country_the_story_names_is_never_invented_in_the_leading_one(extractor, gaz):
    # Syrian villages (unknown to the main gazetteer) in a story whose towns lie in Turkey
    table = gaz.minor("Syria")
    # (outside the division of Qamishli, which the story names: so no village rule takes them)
    keys = [k for k in sorted(table.by_key) if " " not in k and len(k) > 5 and k not in gaz.index
            and all(e.place.division not in (None, gaz.lookup("Qamishli").division) for e in table.by_key[k])][:5]
    assert len(keys) == 5
    for key in keys:
        body = (f"Ankara and Istanbul, Turkey, backed the push on the border town of {key.title()} in Syria. "
                "Officials in Izmir, Bursa and Qamishli agreed.")
        assert f"{key.title()}, Turkey" not in _places(extractor, body)


@pytest.mark.parametrize(("written", "names"), [
    # plain words: one or two to a name
    ("Tell Wazrin Qarvoun and Hadroush", ["Tell Wazrin", "Qarvoun", "Hadroush"]),
    ("Kafr Moudeh Tell Wazrin Zelbiyeh", ["Kafr Moudeh", "Tell Wazrin", "Zelbiyeh"]),
    # an article-glued word ends the name of the word before it
    ("Zelbiyeh Dahr al-Woun and Hadroush", ["Zelbiyeh", "Dahr al-Woun", "Hadroush"]),
    ("al-Qarvoun Zelbiyeh Dahr al-Woun", ["Al-Qarvoun", "Zelbiyeh", "Dahr al-Woun"]),
])
def test_a_list_that_lost_its_commas_splits_into_its_names(extractor, written, names):
    values = set(_places(extractor, f"Jets pounded the towns of {written} in Syria on Monday."))
    assert {f"{n}, Syria" for n in names} <= values, values


def test_two_glued_words_or_a_name_joined_by_abu_stay_one_name(extractor):
    values = set(_places(extractor, "Jets pounded the districts of al-Hajar al-Zelbi and Qarvoun in Syria."))
    assert "Al-Hajar al-Zelbi, Syria" in values, values
    values = set(_places(extractor, "Jets pounded the villages of Qarvoun Abu Wazrin and Hadroush in Syria."))
    assert {"Qarvoun Abu Wazrin, Syria", "Hadroush, Syria"} <= values, values


@pytest.mark.parametrize("name", INVENTED)
def test_a_settlement_noun_after_the_name_behind_a_place_preposition(extractor, name):
    place = _places(extractor, f"A bomber struck a wedding hall in {name} village in northern Syria.").get(
        f"{name}, Syria")
    assert place is not None and place.country == "Syria"


@pytest.mark.parametrize("name", INVENTED)
def test_a_place_preposition_in_running_text_makes_an_unknown_name_a_place(extractor, name):
    places = _places(extractor, f"Fighting raged in {name} while jets struck Homs, Syria.")
    assert f"{name}, Syria" in places, places
    assert f"{name}, Syria" in _places(extractor, f"Rebels were meeting at {name} when Homs, Syria, was hit.")


@pytest.mark.parametrize("body", [
    "Five Dead In Qarvoun Fighting As Homs Burns, Syria",    # a Title Case headline capitalises every word
    "Jets struck Homs, Syria. Qarvoun Says in Zelbiyeh Talks", # ... even after a sentence of running text
    "Jets struck Homs, Syria, in qarvoun season; in Qarvoun the rest were safe.",  # a word written in lower case
])
def test_a_place_preposition_outside_running_text_makes_no_place(extractor, body):
    values = set(_places(extractor, body))
    assert values <= {"Homs, Syria", "Syria"}, values
