"""Which place a name means (issue 10, "Province vs city" and "Wrong referent").

Real gazetteer and extractor. The names are drawn from the gazetteer itself (every division
named like its capital, every place whose name carries an Arabic article), so a rule written for
the examples of the audit would fail here.
"""
from __future__ import annotations

from index.analysis import fold
from index.entities.places import ARTICLES, HUGE_CITY, _base_key, name_key


def _values(extractor, body: str) -> list[str]:
    return [p.value for p in extractor.extract("", body).places]


def _divisions_named_like_their_capital(gaz, country: str) -> list[tuple[str, str, str]]:
    """(written name, division value, capital value) for the divisions of `country` whose capital
    city bears their name and has fewer than half a million people."""
    out = []
    for (base, in_country), entry in sorted(gaz.admin_by_base.items()):
        if in_country != country:
            continue
        cities = [e for e in gaz.index.get(base, ()) if e.kind == "city" and e.primary and e.place.country == country]
        if cities and all(e.population < HUGE_CITY // 2 for e in cities):
            city = max(cities, key=lambda e: e.population).place
            out.append((city.name, entry.place.value, city.value))
    return out


def test_a_story_that_names_a_province_means_it_by_every_bare_mention(extractor, gaz):
    cases = _divisions_named_like_their_capital(gaz, "Syria") + _divisions_named_like_their_capital(gaz, "Iraq")
    assert len(cases) >= 6
    for name, division, city in cases:
        values = _values(extractor, f"Jets struck {name} province on Monday. A truce in {name} did not hold.")
        assert division in values and city not in values, (name, values)


def test_a_city_cue_keeps_the_city_beside_its_province(extractor, gaz):
    for name, division, city in _divisions_named_like_their_capital(gaz, "Syria")[:5]:
        body = f"Jets struck {name} province. Shelling hit the city of {name}. Fighting in {name}."
        values = _values(extractor, body)
        assert {division, city} <= set(values), (name, values)
        # with no province named, the bare name stays the city
        assert city in _values(extractor, f"A truce in {name}, Syria, did not hold.")


def test_a_province_cue_holds_whatever_name_follows_it(extractor, gaz):
    # scraped text loses commas: "the province of X Nusra Front members..." still names the province
    for name, division, _ in _divisions_named_like_their_capital(gaz, "Syria")[:5]:
        body = f"In the northern province of {name} Zorvan Brigade fighters took a town."
        assert division in _values(extractor, body)


def test_a_plural_admin_word_after_a_list_makes_each_member_a_division(extractor, gaz):
    cases = _divisions_named_like_their_capital(gaz, "Syria")
    assert len(cases) >= 3
    (a, da, ca), (b, db, cb), (c, dc, cc) = cases[:3]
    values = set(_values(extractor, f"Strikes hit areas in {a}, {b} and {c} provinces, including farms."))
    assert {da, db, dc} <= values and not {ca, cb, cc} & values


def test_a_place_word_that_only_begins_a_longer_name_is_no_place(extractor, gaz):
    # places whose own name carries an article ("Al X"), written bare before another name: the
    # head of a longer name the gazetteer lacks ("Bab al-Nayrab", "Tall Tawil"), even after "in"
    heads = sorted({e.place.name for entries in gaz.index.values() for e in entries
                    if e.kind == "city" and e.primary and e.place.country == "Syria"
                    and len(parts := fold(e.place.name).replace("-", " ").split()) == 2 and parts[0] in ARTICLES})
    assert len(heads) >= 5
    for name in heads[:8]:
        bare = name.replace("-", " ").split()[1]
        if name_key(bare) != name_key(name):
            continue
        place = gaz.lookup(name)
        for body in (f"Shelling hit {bare} Qarvoun in Syria.", f"Shelling hit {bare} al-Qarvoun in Syria.",
                     f"Shelling in {bare} Qarvoun, Syria."):
            assert place.value not in _values(extractor, body), (name, body)
        # the place written as itself, or before a lost comma (a country), is still found
        assert place.value in _values(extractor, f"Shelling hit {name}, in Syria.")
        assert place.value in _values(extractor, f"In Syria, shelling in {bare} Syrian troops said.")


def test_another_languages_name_of_a_small_town_needs_a_story_about_its_country(extractor, gaz):
    # foreign alternate names (not the town's own) of towns under 100,000, in countries other than Syria
    alternates = sorted(k for k, entries in gaz.index.items()
                        if len(entries) == 1 and not entries[0].primary and entries[0].kind == "city"
                        and entries[0].population < 100_000 and entries[0].place.country not in (None, "Syria")
                        and " " not in k and len(k) > 5)
    assert len(alternates) >= 20
    checked = 0
    for key in alternates[::max(1, len(alternates) // 10)][:10]:
        town = gaz.index[key][0].place
        if town.country is None:
            continue
        body = f"Troops reached {key.title()} in Syria. Syria said the {town.country} envoy left Damascus, Syria."
        assert town.value not in _values(extractor, body), key
        checked += 1
    assert checked >= 5


def _divisions_named_like_a_city_of_a_million(gaz) -> list[tuple[str, str, str]]:
    """(written name, division value, city value) for the cities of a million people or more whose
    first-level division bears their name (ours or GeoNames')."""
    out = set()
    for key, entries in gaz.index.items():
        for e in entries:
            big = e.kind == "city" and e.primary and e.population >= HUGE_CITY
            if big and e.admin1 and name_key(e.place.name) == key:
                division = gaz.admin_of_code.get((e.place.country, e.admin1))
                if division is not None and _base_key(division.name) == key:
                    out.add((e.place.name, division.value, e.place.value))
    return sorted(out)


def test_a_side_of_a_town_named_like_its_province_is_the_province(extractor, gaz):
    cases = _divisions_named_like_their_capital(gaz, "Syria") + _divisions_named_like_their_capital(gaz, "Iraq")
    assert len(cases) >= 6
    for name, division, city in cases:
        for side in ("northern", "east", "North-Eastern", "Southern"):
            values = _values(extractor, f"Clashes in {side} {name} killed five fighters.")
            assert division in values and city not in values, (side, name, values)
        # the town's own centre is the town
        assert city in _values(extractor, f"Clashes in central {name}, Syria, killed five fighters.")


def test_a_side_of_a_city_of_a_million_is_the_city(extractor, gaz):
    cases = _divisions_named_like_a_city_of_a_million(gaz)
    assert len(cases) >= 3
    for name, division, city in cases[:8]:
        values = _values(extractor, f"Residents of east {name} fled the shelling.")
        assert city in values and division not in values, (name, values)


def test_the_region_of_a_province_town_is_the_province(extractor, gaz):
    for name, division, city in _divisions_named_like_their_capital(gaz, "Syria")[:5]:
        values = _values(extractor, f"Jets struck a village in the {name} region on Tuesday.")
        assert division in values and city not in values, (name, values)


def test_a_match_opening_on_an_article_after_a_name_word_ends_a_longer_name(extractor, gaz):
    # places whose own name is an article and one word ("Al Qarvan"): after another capitalised
    # word they end a name the gazetteer lacks ("Jabhat Zorvan Al Qarvan"), and are not the place
    named = sorted({e.place.name for entries in gaz.index.values() for e in entries
                    if e.kind == "city" and e.primary and e.place.country == "Syria"
                    and len(parts := e.place.name.split()) == 2 and parts[0].lower() in ("al", "el")})
    assert len(named) >= 3
    for name in named[:6]:
        place = gaz.lookup(name)
        assert place.value not in _values(extractor, f"Jabhat Zorvan {name} fighters attacked a post in Syria."), name
        assert place.value in _values(extractor, f"Fighters attacked a post in {name}, Syria."), name


def test_a_headline_town_takes_the_sense_the_body_gives_its_name(gaz):
    from index.entities.places import in_body_sense, locate

    def titled(title: str, body: str) -> list[str]:
        return [p.value for _, p in in_body_sense(title, locate(title, gaz), locate(body, gaz)) if p.value != "Syria"]

    cases = _divisions_named_like_their_capital(gaz, "Syria")
    assert len(cases) >= 4
    for name, division, city in cases:
        province = f"Jets struck villages in {name} province on Monday."
        for title in (f"Ceasefire in Syria's {name} holds", f"Syria: {name} ceasefire holds"):
            assert titled(title, province) == [division], title
        located = in_body_sense(f"Ceasefire in Syria's {name}", locate(f"Ceasefire in Syria's {name}", gaz),
                                locate(province, gaz))
        mention = located[-1][0]
        assert mention.value == division and f"Ceasefire in Syria's {name}"[mention.start:mention.end] == name
        # the headline's own city cue, or a body that also means the town, keeps the town
        assert titled(f"Syria: shelling hits {name} city", province) == [city]
        assert titled(f"Ceasefire in Syria's {name} holds", f"{province} Shelling hit the city of {name}.") == [city]
        # a body that names no province of that name leaves the headline alone
        assert titled(f"Ceasefire in Syria's {name} holds", f"Jets struck villages near {name}, Syria.") == [city]


def test_a_day_or_month_after_a_place_is_a_date_not_part_of_a_name(extractor, gaz):
    cases = _divisions_named_like_their_capital(gaz, "Syria")[:4]
    for name, _, city in cases:
        for when in ("Saturday", "Monday", "March"):
            assert city in _values(extractor, f"Jets struck rebel areas east of {name} {when} in Syria."), (name, when)
    # a name word after it still makes it part of a longer name
    name, _, city = cases[0]
    assert city not in _values(extractor, f"Jets struck rebel areas east of {name} Zorvanli in Syria.")


def test_a_place_after_operation_is_the_operations_code_name(extractor, gaz):
    # towns of the United States under 100,000 named in two words, in a story that names the country
    towns = sorted({e.place.name for entries in gaz.index.values() for e in entries
                    if e.kind == "city" and e.primary and e.place.country == "United States"
                    and 15_000 < e.population < 100_000 and len(e.place.name.split()) == 2})[:6]
    assert len(towns) >= 4
    for town in towns:
        value = f"{town}, United States"
        assert value in _values(extractor, f"The United States sent troops to {town} in Texas."), town
        assert value not in _values(extractor, f"The United States backed Operation {town} in Syria."), town
