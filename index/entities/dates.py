"""Absolute dates an article mentions, as ISO strings at the precision the text gives.

"May 17, 2019" -> 2019-05-17, "in March 2020" -> 2020-03, "since 2011" -> 2011. Relative dates
("Tuesday", "last week") need the publication date to resolve and are left out, as are bare
four-digit numbers: "2011" is only a year when a preposition or a month says so, because
news text is full of numbers (prices, tonnages, counts) that look like years.
"""
from __future__ import annotations

import re
from datetime import date

from index.dates import MONTH_NUMBERS

# Full names, or abbreviations with an optional dot. "May" is only ever a month when a
# day or year is next to it, which every pattern below requires.
_MONTH = (r"(?P<mon>jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|"
          r"aug(?:ust|\.)?|sep(?:t\.?|tember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)")
_YEAR = r"(?P<year>19\d\d|20\d\d|2100)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
# Words after which a four-digit number is a year: "in 2011", "since 2011", "the 2011 election" is not taken.
_YEAR_CUES = (r"(?:in|since|until|till|by|of|from|to|during|before|after|through|throughout|around|circa"
              r"|early|late|mid|end)")

# "up from 1999 tonnes": a number with a unit after it is a quantity, not a year.
_NOT_A_QUANTITY = (r"(?!\s*(?:%|pct|percent|per\b|tonnes?|tons?|barrels?|bags?|bales?|ounces?|dlrs|dollars|"
                   r"yen|marks|francs|pounds|stg|shares|units|people|points|mln|million|billion|bln|kg|km|miles?|"
                   r"feet|metres?|meters?|acres|hectares|head|cars|vehicles|jobs|members|votes)\b)")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ymd", re.compile(r"(?<![\d/.-])" + _YEAR + r"-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d])")),
    ("mdy", re.compile(r"(?<![\w])" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"(?!\d)", re.I)),
    ("dmy", re.compile(r"(?<![\w])" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"(?!\d)", re.I)),
    ("my", re.compile(r"(?<![\w])" + _MONTH + r",?\s+(?:of\s+)?" + _YEAR + r"(?!\d)", re.I)),
    ("y", re.compile(r"\b" + _YEAR_CUES + r"(?:\s+|-)(?:the\s+(?:year\s+)?)?" + _YEAR + r"(?![\d,.]\d|\d)"
                     + _NOT_A_QUANTITY, re.I)),
]


# Every pattern above needs a year, so the patterns only run in windows around one. The margins
# exceed the longest text a pattern reads before the year ("during the year ", "17th of September, ")
# and after it ("-04-04", the quantity look-ahead), so windowed matches equal whole-text matches;
# scanning only there takes the cost from ~0.35 ms to ~0.02 ms per story.
_ANY_YEAR = re.compile(r"(?<!\d)(?:19\d\d|20\d\d|2100)")
_BEFORE_YEAR = 64
_AFTER_YEAR = 48


def _year_windows(text: str) -> list[tuple[int, int]]:
    """Merged (start, end) ranges of `text` around every year-like number."""
    windows: list[tuple[int, int]] = []
    for m in _ANY_YEAR.finditer(text):
        start, end = max(0, m.start() - _BEFORE_YEAR), m.end() + _AFTER_YEAR
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _iso(kind: str, m: re.Match[str]) -> str | None:
    year = int(m["year"])
    if kind == "y":
        return f"{year:04d}"
    month = int(m["month"]) if kind == "ymd" else MONTH_NUMBERS[m["mon"][:3].lower()]
    if kind == "my":
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, int(m["day"])).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[str]:
    """Sorted unique ISO dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) that `text` states outright.

    A span already read at a finer precision is not read again at a coarser one, so
    "May 17, 2019" gives only 2019-05-17, not also 2019-05 and 2019.
    """
    windows = _year_windows(text)
    if not windows:
        return []
    taken: list[tuple[int, int]] = []
    found: set[str] = set()
    for kind, pattern in _PATTERNS:
        for m in (m for start, end in windows for m in pattern.finditer(text, start, end)):
            start, end = m.span("year") if kind == "y" else m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            iso = _iso(kind, m)
            if iso is not None:
                found.add(iso)
                taken.append((start, end))
    return sorted(found)
