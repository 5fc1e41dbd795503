"""Characters an extractor damages (issue 9, blind set): zero-width joiners are spelling and
come back as the page spells them; truly invisible junk goes.

The words here are made up (in Persian and Devanagari script, and an emoji sequence), so a rule
for any listed word would fail; pages go through the real `parse_html` and `read_file`.
"""
from __future__ import annotations

from pathlib import Path

from index.readers import read_file
from index.readers._base import strip_invisible
from index.readers.html import parse_html, restore_dropped

ZWNJ, ZWJ, ZWSP = "\u200c", "\u200d", "\u200b"
# Invented words that need a joiner, and the filler they stand in.
JOINED = [f"زربان{ZWNJ}ها", f"نمی{ZWNJ}پلوشند", f"کلمیس{ZWNJ}تر", f"क{ZWJ}्षोलम", f"👩{ZWJ}🚒"]
FILLER = ("گوران سپیلو درمات کنوشه پرداس لومیر هستاک بیرون تاله سرگیس نوبار دیلمه فرازان "
          "کوهیار مهتاب رودکان سیمین آبشار خسروان ").split()


def _paragraph(seed: int) -> str:
    words = [FILLER[(seed * 7 + i * 3) % len(FILLER)] for i in range(28)]
    words[5], words[17] = JOINED[seed % len(JOINED)], JOINED[(seed + 2) % len(JOINED)]
    return " ".join(words) + "."


STORY = [_paragraph(seed) for seed in range(5)]


def _page(paragraphs: list[str], title: str = "تیتر") -> str:
    return ('<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
            f'<title>{title}</title><meta property="og:title" content="{title}">'
            '<meta property="article:published_time" content="2025-02-03T08:00:00Z"></head><body>'
            '<nav><a href="/">خانه</a> <a href="/a">ورزش</a></nav><main><article>'
            f'<h1>{title}</h1>' + "".join(f"<p>{p}</p>" for p in paragraphs) +
            '</article></main><footer>روزنامه</footer></body></html>')


def test_joiners_stay_in_body_words_of_every_script_that_spells_with_them():
    body = parse_html(_page(STORY)).body
    assert body.split("\n\n") == STORY
    for word in JOINED:
        assert word in body


def test_a_word_the_page_spells_both_ways_comes_back_as_it_is_spelt_most_often():
    plain = JOINED[0].replace(ZWNJ, "")
    page_text = f"{JOINED[0]} {plain} {plain} {JOINED[1]}"
    assert restore_dropped(f"{plain} {JOINED[1].replace(ZWNJ, '')}.", page_text) == f"{plain} {JOINED[1]}."


def test_title_and_authors_keep_their_joiners_and_lose_invisible_junk(tmp_path: Path):
    title = f"{JOINED[2]} {JOINED[0]}"
    markup = _page(STORY, title).replace(
        "</head>", f'<meta name="author" content="{ZWSP}مهرو {JOINED[1]}\ufeff"></head>')
    (tmp_path / "p.html").write_text(markup, encoding="utf-8")
    [article] = list(read_file(tmp_path / "p.html"))
    assert article.title == title
    assert article.authors == [f"مهرو {JOINED[1]}"]
    assert all(word in article.body for word in JOINED)


def test_invisible_junk_goes_but_a_thai_word_break_stays():
    assert strip_invisible(f"\ufeffBrel{ZWSP}tovka {ZWSP}Quom\u2060bar{ZWSP}") == "Breltovka Quombar"
    assert strip_invisible(f"План{ZWSP}ета") == "Планета"
    assert strip_invisible(f"กลาง{ZWSP}ทะเล") == f"กลาง{ZWSP}ทะเล"
    assert strip_invisible(f"پیش{ZWNJ}نما {JOINED[4]}") == f"پیش{ZWNJ}نما {JOINED[4]}"
