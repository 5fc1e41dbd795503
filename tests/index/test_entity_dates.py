"""Absolute dates mentioned in text, at the precision the text gives."""
from __future__ import annotations

import pytest

from index.entities.dates import find_dates


@pytest.mark.parametrize("text, expected", [
    ("The attack on May 17, 2019 killed ten.", ["2019-05-17"]),
    ("It began on 17 May 2019.", ["2019-05-17"]),
    ("Talks resumed in March 2020.", ["2020-03"]),
    ("The war has raged since 2011.", ["2011"]),
    ("Filed 2017-04-04T10:00:00Z.", ["2017-04-04"]),
    ("Sept. 3, 2015 and in 2016", ["2015-09-03", "2016"]),
    ("from March 2011 until 2014, and on Jan 5, 2012", ["2011-03", "2012-01-05", "2014"]),
])
def test_absolute_dates(text, expected):
    assert find_dates(text) == expected


@pytest.mark.parametrize("text", [
    "He spoke on Tuesday and again last week.",
    "Exports were 2011 tonnes, up from 1999 tonnes.",
    "The 2016 election was close.",
    "Prices rose in 1850 and by 2200 units.",
    "February 30, 2019 is not a day.",
])
def test_no_relative_dates_or_bare_numbers(text):
    found = find_dates(text)
    assert all(not d.startswith(("2011", "1999", "2016", "1850", "2200")) for d in found)
    assert "2019-02-30" not in found


def test_sorted_unique_and_no_coarser_duplicates():
    assert find_dates("May 2019, then May 17, 2019, again May 17, 2019 and in 2018") == ["2018", "2019-05", "2019-05-17"]
