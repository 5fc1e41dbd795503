"""Villages and loose spellings (issue 10): GeoNames places under the cities' floor are found
only where they can be told apart from words and from bigger namesakes.

Real gazetteer and extractor; where a rule is about a kind of name, the examples are drawn
from the gazetteer itself, so a rule written for the words below would fail.
"""
from __future__ import annotations

from index.analysis import STOP_WORDS, fold
from index.entities import EntityExtractor
from index.entities.actors import first_names
from index.entities.chunking import COMMON_WORDS
from index.entities.places import MIN_SKELETON, _skeleton, name_key


def _values(extractor: EntityExtractor, body: str) -> list[str]:
    return [p.value for p in extractor.extract("", body).places]


def test_a_village_after_a_place_word_in_a_country_the_text_names(extractor):
    places = {p.value: p for p in extractor.extract("", "Clashes near Atareb, in northern Syria, killed five.").places}
    village = places["Al Atarib, Syria"]
    assert village.division == "Aleppo Governorate" and village.geonameid and village.latitude
    assert "Al Atarib, Syria" in _values(extractor, "Shelling hit the village of Atareb in Syria.")


def test_no_village_without_its_country_or_without_a_place_word(extractor):
    assert "Al Atarib, Syria" not in _values(extractor, "Clashes near Atareb killed five.")
    assert "Al Atarib, Syria" not in _values(extractor, "Atareb residents fled Syria last week.")
    assert "Al Atarib, Syria" not in _values(extractor, "Clashes near Atareb, in northern Iraq, killed five.")


def test_spelling_variants_meet_through_the_consonants(extractor, gaz):
    assert "Eastern Ghouta, Syria" in _values(extractor, "Air strikes in East Ghota, Syria, killed ten.")
    assert "Maarrat an Numan, Syria" in _values(extractor, "Protests in Maaret al-Nouman, Syria, went on.")
    assert _skeleton(name_key("Yacoubiyeh")) == _skeleton(name_key("Yaqubiyah"))


def test_villages_named_like_common_words_are_never_taken(extractor, gaz):
    words = sorted(k for k in gaz.minor("United States").by_key if k in COMMON_WORDS and k not in gaz.index
                   and k not in STOP_WORDS)[:8]
    assert len(words) >= 2  # the gazetteer has such villages: the rule is tested on them
    for word in words:
        found = _values(extractor, f"Storms in {word.title()}, in the United States, closed roads.")
        assert all(not v.startswith(word.title() + ",") for v in found), (word, found)
    # a word the text also writes in lower case is a word
    table = gaz.minor("Syria")
    village = next(e.place for _, entries in sorted(table.by_key.items()) for e in entries
                   if (key := name_key(e.place.name)) == e.place.name.lower() and len(key) > 4 and " " not in key
                   and key not in gaz.index and len({x.place.value for x in table.by_key[key]}) == 1)
    body = f"Shelling in {village.name}, Syria, went on."
    assert village.value in _values(extractor, body)
    assert village.value not in _values(extractor, f"{body} Nobody said {name_key(village.name)} was the aim.")


def test_a_bigger_namesake_abroad_is_left_to_the_cities_rules(extractor, gaz):
    # villages of Syria named like a place abroad the main gazetteer knows under its own name: never the village
    clashes = sorted(k for k in gaz.minor("Syria").by_key
                     if any(e.primary for e in gaz.index.get(k, ())) and all(e.place.country != "Syria"
                                                                            for e in gaz.index[k]))[:5]
    assert clashes
    for key in clashes:
        village = gaz.minor("Syria").by_key[key][0].place
        assert village.value not in _values(extractor, f"Shelling in {key.title()}, Syria, went on.")


def test_another_languages_name_of_a_town_abroad_leaves_the_village_alone(extractor, gaz):
    # keys the main gazetteer has only as a foreign alternate name of a town abroad (how some
    # other language writes it), and that name exactly one Syrian village: the village is meant
    keys = sorted(k for k, entries in gaz.minor("Syria").by_key.items()
                  if k in gaz.index and not any(e.primary for e in gaz.index[k])
                  and all(e.place.country != "Syria" for e in gaz.index[k])
                  and len({e.place.value for e in entries}) == 1 and " " not in k and k not in COMMON_WORDS)
    assert len(keys) >= 3
    found = 0
    for key in keys[:5]:
        village = gaz.minor("Syria").by_key[key][0].place
        values = _values(extractor, f"Shelling in {key.title()}, Syria, went on.")
        assert not {e.place.value for e in gaz.index[key]} & set(values)  # never the town abroad
        found += village.value in values
    assert found >= 3


def test_two_places_of_one_name_in_the_country_give_no_value(extractor, gaz):
    table = gaz.minor("Syria")
    twins = sorted(k for k, entries in table.by_key.items() if len({e.place.value for e in entries}) > 1
                   and k not in gaz.index and k not in COMMON_WORDS)
    assert twins
    values = {e.place.value for e in table.by_key[twins[0]]}
    found = _values(extractor, f"Shelling in {twins[0].title()}, Syria, went on.")
    assert not values & set(found)


def test_a_village_lies_in_a_division_the_text_names_when_it_names_some(extractor, gaz):
    # Al Atarib lies in Aleppo Governorate
    assert "Al Atarib, Syria" in _values(extractor, "Clashes near Atareb and in Aleppo, Syria, killed five.")
    assert "Al Atarib, Syria" not in _values(extractor, "Clashes near Atareb and in Homs, Syria, killed five.")


def test_a_first_vowel_written_otherwise_meets_through_the_consonants(extractor, gaz):
    # Syrian villages whose one-word name opens on "a" and a consonant, alone under their skeleton,
    # written with "E" after a place word
    table = gaz.minor("Syria")
    keys = sorted(k for k, entries in table.by_key.items()
                  if " " not in k and k[0] == "a" and k[1] not in "aeiou" and len(_skeleton(k)) >= MIN_SKELETON
                  and len({e.place.value for e in table.by_skeleton[_skeleton(k)]}) == 1
                  and len({e.place.value for e in entries}) == 1 and not gaz.skeletons.get(("Syria", _skeleton(k))))
    assert len(keys) >= 3
    for key in keys[:6]:
        written = "E" + key[1:]
        if name_key(written) in gaz.index or gaz.villages("Syria", name_key(written)):
            continue
        village = table.by_key[key][0].place.value
        assert village in _values(extractor, f"Fighting raged near {written} in northern Syria."), written


def test_a_two_word_village_outside_the_divisions_named_is_still_that_village(extractor, gaz):
    # Iraqi villages of two-word names, alone under their key, beside a big Iraqi city of another
    # division: a two-word name is rarely shared by chance (a one-word one keeps to the divisions)
    table = gaz.minor("Iraq")
    names = first_names()
    city = max((e for entries in gaz.index.values() for e in entries
                if e.kind == "city" and e.primary and e.place.country == "Iraq"), key=lambda e: e.population).place
    tried = 0
    for key, entries in sorted(table.by_key.items()):
        village = entries[0].place
        words = village.name.split()
        if len(key.split()) != 2 or len({e.place.value for e in entries}) != 1 or key in gaz.index \
                or village.division in (None, city.division) or name_key(village.name) != key \
                or not all(w[0].isupper() and name_key(w) not in gaz.index and fold(w) not in names for w in words):
            continue  # (a word that is a place or a given name is judged by other rules)
        found = _values(extractor, f"Fighting near {village.name} and in {city.name}, Iraq, went on.")
        assert village.value in found, (village.name, found)
        tried += 1
    assert tried >= 2  # the gazetteer has such villages: the rule is tested on them


def test_a_village_named_with_its_article_as_a_word_is_found_without_it(extractor, gaz):
    # Iraqi villages GeoNames names "As X", "Ar X", "An X" (the article assimilated to a sun letter, as a
    # word of its own), written without the article: the village, not an unlisted "X"
    table = gaz.minor("Iraq")
    tried = 0
    for key, entries in sorted(table.by_key.items()):
        article, _, rest = key.partition(" ")
        village = entries[0].place
        if article not in {"as", "ar", "an", "at", "ad", "az", "ash"} or " " in rest or len(rest) < MIN_SKELETON \
                or len({e.place.value for e in entries}) != 1 or rest in gaz.index or table.by_key.get(rest) \
                or rest in COMMON_WORDS or rest in STOP_WORDS or rest in gaz.stop:
            continue
        found = _values(extractor, f"Fighting near {rest.title()} in northern Iraq went on.")
        assert village.value in found, (rest, found)
        tried += 1
    assert tried >= 3  # the gazetteer has such villages: the rule is tested on them


def test_an_article_glued_on_without_its_hyphen_is_still_the_article(extractor, gaz):
    # villages of Arabic-speaking countries named "X al-Y" / "X al Y", written "X AlY" (the hyphen lost in
    # scraping), alone under their consonant skeleton
    names = first_names()
    tried = 0
    for country in ("Iraq", "Lebanon", "Jordan", "Yemen", "Egypt", "Saudi Arabia", "Libya", "Oman"):
        table = gaz.minor(country)
        for entries in table.by_key.values():
            village = entries[0].place
            words = village.name.replace("-", " ").split()
            if len(words) != 3 or words[1].lower() != "al" or not words[2][:1].isupper() or words[2][0] in "AEIOU" \
                    or len({e.place.value for e in table.by_skeleton.get(_skeleton(name_key(village.name)), ())}) != 1 \
                    or gaz.skeletons.get((country, _skeleton(name_key(village.name)))) \
                    or name_key(words[0]) in gaz.index or fold(words[0]) in names:
                continue  # (a given name before it makes a person, judged by other rules)
            written = f"{words[0]} Al{words[2].lower()}"
            found = _values(extractor, f"Fighting near {written} in {country} went on.")
            assert village.value in found, (written, found)
            tried += 1
            break
    assert tried >= 3  # the gazetteer has such villages: the rule is tested on them
