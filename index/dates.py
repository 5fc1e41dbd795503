"""Find a calendar date in free text and return it as ISO `YYYY-MM-DD`.

News files state their dates in many shapes (ISO stamps in JSON, `4/5/2017` in
FA-KES, `26-FEB-1987 15:01:01.79` in Reuters, `March 3, 2021` in bylines, `15 تشرين الأول 2025` in an
Arabic print view). Readers
need one publication date per string, so this is a single pure function with no
locale or clock dependence: an unrecognised or impossible date is None, never a guess
(and never the file's mtime). `index.entities.dates` does a different job, every date
a story mentions at the precision it gives, with its own patterns; the two share only
`MONTH_NUMBERS`.
"""
from __future__ import annotations

import re
from datetime import date

MONTH_NUMBERS = {  # the first three letters of an English month name -> its number
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Full or abbreviated English month names ("Sept." included); matched case-insensitively.
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Arabic month names, alif written bare (any hamza form matches): the Levantine/Iraqi (Syriac-derived)
# calendar, the Egyptian/Gulf forms of the Western names and the Maghreb's, each to its number.
_ARABIC_MONTHS = {
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8,
    "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7,
    "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "ماي": 5, "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12, "جانفي": 1, "فيفري": 2,
    "افريل": 4, "جوان": 6, "جويلية": 7, "اوت": 8,
}
_ALIFS = str.maketrans("أإآ", "ااا")
_ARABIC_MONTH = "|".join(re.escape(name).replace("ا", "[اأإآ]").replace(r"\ ", r"\s+")
                         for name in sorted(_ARABIC_MONTHS, key=len, reverse=True))
# Arabic-Indic and Persian digits read as the ASCII ones, character for character (spans unchanged).
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

# Ordered: unambiguous numeric forms first, then forms with month names.
_PATTERNS = [
    # 2021-03-03, 2021-03-03T10:00:00Z, 2021/03/03, 2021.03.03
    re.compile(r"(?<!\d)" + _YEAR + r"(?P<sep>[-/.])(?P<month>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)(?!\d)"),
    # 3/4/2021 or 3-4-2021 or 3.4.2021: month first (US, as in FA-KES) unless the first number > 12.
    re.compile(r"(?<![\d/.-])(?P<a>[0-3]?\d)(?P<sep>[-/.])(?P<b>[0-3]?\d)(?P=sep)" + _YEAR + r"(?!\d)"),
    # 3 March 2021, 03 Mar 2021, 26-FEB-1987, Tue, 03 Mar 2021 10:00:00 +0000
    re.compile(r"(?<![\d])" + _DAY + r"[\s-]+(?:of\s+)?" + _MONTH + r"[\s,-]+" + _YEAR + r"(?!\d)", re.I),
    # March 3, 2021 / Mar. 3rd 2021
    re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"(?!\d)", re.I),
    # 15 تشرين الأول 2025, 15 أكتوبر 2025, 15 تشرين الأول/أكتوبر 2025 (a second, equal name after a slash)
    re.compile(r"(?<!\d)(?P<day>[0-3]?\d)\s+(?P<armon>" + _ARABIC_MONTH + r")(?!\w)"
               r"(?:\s*[/(]\s*(?:" + _ARABIC_MONTH + r")\s*\)?)?\s*[,،]?\s+" + _YEAR + r"(?!\d)"),
]


def _make(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(index: int, m: re.Match[str]) -> str | None:
    year = int(m["year"])
    if index == 0:
        return _make(year, int(m["month"]), int(m["day"]))
    if index == 1:
        a, b = int(m["a"]), int(m["b"])
        month, day = (b, a) if a > 12 else (a, b)
        return _make(year, month, day)
    if m.groupdict().get("armon"):
        return _make(year, _ARABIC_MONTHS[" ".join(m["armon"].translate(_ALIFS).split())], int(m["day"]))
    return _make(year, MONTH_NUMBERS[m["mon"][:3].lower()], int(m["day"]))


def find_date(text: str) -> tuple[str, int, int] | None:
    """The earliest valid date in `text` as (`YYYY-MM-DD`, start, end), else None.

    The span lets callers tell a line that *is* a date stamp from a sentence that
    merely mentions one. Only years 1800-2099 are accepted, so prices or ids are not
    mistaken for dates; impossible dates (`2021-02-30`) are ignored.
    """
    if not text:
        return None
    text = text[:10_000].translate(_DIGITS)  # a date worth finding is near the start; bounds the regex work
    best: tuple[str, int, int] | None = None
    for index, pattern in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            iso = _from_match(index, m)
            if iso is not None:
                if best is None or m.start() < best[1]:
                    best = (iso, m.start(), m.end())
                break
    return best


def parse_date(text: str) -> str | None:
    """The first valid date found anywhere in `text`, as `YYYY-MM-DD`, else None.

    Handles ISO (with or without time), `M/D/YYYY` (day first only when the first
    number cannot be a month), `March 3, 2021`, `3 March 2021`, RFC 2822 and the
    Reuters `26-FEB-1987 15:01:01.79` form, and day, Arabic month name (Levantine, Egyptian or
    Maghreb), year.
    """
    found = find_date(text)
    return found[0] if found else None
