"""Which place a name means (issue 10, "Province vs city" and "Wrong referent").

Real gazetteer and extractor. The names are drawn from the gazetteer itself (every division
named like its capital, every place whose name carries an Arabic article), so a rule written for
the examples of the audit would fail here.
"""
from __future__ import annotations

from index.analysis import fold
from index.entities.places import ARTICLES, HUGE_CITY, name_key


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
