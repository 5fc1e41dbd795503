"""Time-aware aliases (issue 10): an alias may carry valid_from / valid_to; a mention resolves with
the article's date. Tested on a user's file with made-up people, so no shipped entry decides it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from entities_support import user_extractor

from index.entities import EntityExtractor
from index.entities.actors import ActorDictionary, DictionaryError, load_entries

USER = """
- {name: Ilse Varga, type: person, aliases: [{name: Chancellor Varga, valid_to: 2004-03-01}, {name: Varga, valid_to: 2004-03-01}]}
- {name: Petra Varga, type: person, aliases: [{name: Varga, valid_from: 2004-03-01}]}
- {name: Northern Guard, type: armed_group, aliases: [{name: Northern Militia, valid_to: 2010}]}
"""


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> EntityExtractor:
    return user_extractor(tmp_path_factory, USER)


@pytest.mark.parametrize(
    ("published", "who"),
    [("1999-05-02", "Ilse Varga"), (date(2004, 2, 29), "Ilse Varga"), ("2004-03-01", "Petra Varga"), ("2019", "Petra Varga")],
)
def test_an_alias_resolves_with_the_articles_date(extractor, published, who):
    result = extractor.extract("", "Varga said the budget would pass.", published)
    assert result.actors == (who,)


def test_without_a_date_the_latest_stated_date_decides_and_else_today(extractor):
    assert extractor.extract("", "In March 1998 Varga said the budget would pass.").actors == ("Ilse Varga",)
    assert extractor.extract("", "Varga said the budget would pass.").actors == ("Petra Varga",)


def test_undated_aliases_still_match_any_date(extractor):
    assert extractor.extract("", "Northern Guard fighters took the ridge.", "2021-01-01").actors == ("Northern Guard",)
    assert extractor.extract("", "Northern Militia fighters took the ridge.", "2009-05-05").actors == ("Northern Guard",)


def test_shipped_assad_depends_on_the_date():
    extractor = EntityExtractor()
    body = "President Assad met the envoy in Damascus."
    assert extractor.extract("", body, "1987-04-01").actors[0] == "Hafez al-Assad"
    assert extractor.extract("", body, "2015-04-01").actors[0] == "Bashar al-Assad"


@pytest.mark.parametrize(
    "entry",
    [
        "- {name: X Y, type: person, aliases: [{name: Y, valid_from: someday}]}",
        "- {name: X Y, type: person, aliases: [{name: Y, valid_from: 2010-01-01, valid_to: 2009-01-01}]}",
        "- {name: X Y, type: person, aliases: [{valid_from: 2010-01-01}]}",
    ],
)
def test_bad_periods_are_clear_errors(tmp_path: Path, entry):
    path = tmp_path / "bad.yaml"
    path.write_text(entry + "\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match="X Y"):
        ActorDictionary(load_entries(path))
