"""A headline's bare town takes the sense the body gives its name (issue 10, "Province vs city").

Through `EntityExtractor.extract` with the real gazetteer. The names are every division named like
its capital in countries other than Syria (the audited stories' country), and the other words are
invented, so a rule for one listed name would fail here.
"""
from __future__ import annotations

from index.entities.places import HUGE_CITY


def _cases(extractor, gaz, limit: int = 12) -> list[tuple[str, str, str]]:
    """(written name, division value, town value), one per country outside Syria: one-word towns under
    half a million people that "in X" reads as the town and "in X province" as a division."""
    out: dict[str, tuple[str, str, str]] = {}
    for key, entries in sorted(gaz.index.items()):
        towns = [e for e in entries if e.kind == "city" and e.primary and 50_000 < e.population < HUGE_CITY // 2]
        if len(towns) != 1 or " " in key or towns[0].place.country in (None, "Syria", *out):
            continue
        town = towns[0].place
        read = extractor.extract("", f"Rain fell in {town.name} province.").places
        if len(read) == 1 and read[0].division == read[0].name and read[0].country == town.country \
                and read[0].value != town.value \
                and [p.value for p in extractor.extract("", f"Rain fell in {town.name}.").places] == [town.value]:
            out[town.country] = (town.name, read[0].value, town.value)
            if len(out) == limit:
                break
    return list(out.values())


def _places(extractor, title: str, body: str) -> list[str]:
    return [p.value for p in extractor.extract(title, body).places]


def test_a_headline_town_means_the_province_the_body_names(extractor, gaz):
    cases = _cases(extractor, gaz)
    assert len(cases) >= 6
    for name, division, city in cases:
        body = f"Zorvan militias shelled farms in {name} province on Monday, local officials said."
        values = _places(extractor, f"Truce in {name} collapses", body)
        assert division in values and city not in values, (name, values)


def test_a_headline_city_cue_or_a_body_town_keeps_the_town(extractor, gaz):
    for name, _, city in _cases(extractor, gaz, 6):
        province = f"Zorvan militias shelled farms in {name} province on Monday."
        assert city in _places(extractor, f"Shelling hits {name} city", province), name
        town = f"{province} Shelling also hit the city of {name}."
        assert city in _places(extractor, f"Truce in {name} collapses", town), name
        # a body that names no province of that name leaves the headline's town alone
        assert city in _places(extractor, f"Truce in {name} collapses", f"Militias shelled farms near {name}."), name
