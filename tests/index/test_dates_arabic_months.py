"""Arabic month names in dates (issue 9, second blind set): the Levantine/Iraqi (Syriac-derived)
names beside the Egyptian/Gulf and Maghreb forms of the Western ones, with any hamza on the
alif, a second name after a slash, and Arabic-Indic digits; and an HTML page whose only full
date is such a header line, htmldate having read just the year of its copyright line.

Every month is tried, so a rule for one name fails; the page goes through the real `parse_html`.
"""
from __future__ import annotations

from index.dates import parse_date
from index.readers.html import parse_html

LEVANTINE = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
             "تشرين الأول", "تشرين الثاني", "كانون الأول"]
WESTERN = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
           "نوفمبر", "ديسمبر"]


def test_every_levantine_and_western_month_name_gives_its_number():
    for number, (levantine, western) in enumerate(zip(LEVANTINE, WESTERN, strict=True), start=1):
        for name in (levantine, western, levantine.replace("أ", "ا").replace("آ", "ا"), f"{levantine}/{western}"):
            assert parse_date(f"نشر يوم السبت 7 {name} 2024 في الصباح") == f"2024-{number:02d}-07", name


def test_arabic_indic_digits_and_an_arabic_comma():
    assert parse_date("الخميس ١٩ حزيران، ٢٠٢٩") == "2029-06-19"


def test_an_impossible_day_or_a_name_inside_a_word_is_no_date():
    assert parse_date("30 شباط 2024") is None
    assert parse_date("7 آبار 2024") is None  # wells, not August


def _print_view(header: str, copyright_year: int = 2024) -> str:
    story = "".join(f"<p>{'قالت البلدية إن أعمال الترميم في سوق الحرفيين القديم ستستمر حتى نهاية الموسم ' * 2}"
                    f"والعمل جار {n}.</p>" for n in range(4))
    return ('<html dir="rtl"><head><title>ترميم سوق الحرفيين</title></head><body><table width="600">'
            f'<tr><td><b>جريدة المرفأ</b> - {header}</td></tr><tr><td><h2>ترميم سوق الحرفيين</h2></td></tr>'
            f'<tr><td>{story}</td></tr>'
            f'<tr><td><font size="1">جميع الحقوق محفوظة لجريدة المرفأ {copyright_year}.</font></td></tr>'
            '</table></body></html>')


def test_a_print_views_header_date_refines_the_copyright_years_first_of_january():
    for number, name in enumerate(LEVANTINE, start=1):
        assert parse_html(_print_view(f"الاثنين 3 {name} 2024")).date == f"2024-{number:02d}-03", name


def test_a_header_date_of_another_year_does_not_replace_the_guess():
    assert parse_html(_print_view("الاثنين 3 أيلول 2024", copyright_year=2021)).date == "2021-01-01"
