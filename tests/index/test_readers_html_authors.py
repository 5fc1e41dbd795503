"""Authors (issue 9, blind set): a byline's cue word is no part of the name, in any of the
languages whose bylines we read or as any label with a colon; an organisation credited in
JSON-LD is no person, and a desk byline names nobody.

Names, cues and outlets here are not in the ingest pages, so a rule for a listed word fails.
"""
from __future__ import annotations

import json

from index.readers.html import parse_html
from index.readers.text import split_authors

BODY = "".join(
    f"<p>The valley's orchard growers said on Friday that the late frost had cost them a third of the "
    f"apple crop in block {n}, and asked the province for help with the cost of replanting the trees.</p>"
    for n in range(5))


def test_a_byline_cue_glued_to_the_name_is_dropped_in_any_language():
    for byline, name in [("بقلم زينة القمري", "زينة القمري"), ("Written by Orla Quennick", "Orla Quennick"),
                         ("Autorin: Mira Feldkamp", "Mira Feldkamp"), ("Texto: Inés Varquez", "Inés Varquez"),
                         ("نوشته آرین مهرزاد", "آرین مهرزاد"), ("Reportage : Jean Ploux", "Jean Ploux"),
                         ("De Vaulx Marten", "De Vaulx Marten")]:
        assert split_authors([byline]) == [name], byline


def _page(json_ld: dict, byline: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Frost costs growers</title>'
            f'<script type="application/ld+json">{json.dumps(json_ld)}</script></head><body><main><article>'
            f'<h1>Frost costs growers</h1><p class="byline">{byline}</p>{BODY}</article></main></body></html>')


def test_an_organisation_credited_as_author_is_no_person_and_a_desk_byline_names_nobody():
    org = {"@type": "NewsMediaOrganization", "name": "Valebrook Tribune"}
    story = {"@type": "NewsArticle", "headline": "Frost costs growers", "datePublished": "2025-04-11",
             "author": org, "publisher": org}
    for desk in ["Rédaction", "Redazione", "Newsroom"]:
        page = parse_html(_page(story, f'By <span class="author">{desk}</span> — Orchardvale'))
        assert page.authors == (), desk
        assert "Orchardvale" not in page.body
    person = {**story, "author": [org, {"@type": "Person", "name": "Tamsin Orlowe"}]}
    assert parse_html(_page(person, "By Tamsin Orlowe")).authors == ("Tamsin Orlowe",)


def test_an_arabic_wrote_label_is_a_byline_but_a_sentence_opening_with_wrote_is_story():
    """A print view's header cell 'كتب: NAME' names the author; 'كتب الوزير ...' (the minister wrote) is a
    sentence, and a 'wrote' with no colon never takes a name out of the story."""
    body = "".join(f"<p>قال مزارعو الوادي يوم الجمعة إن الصقيع المتأخر أتلف ثلث محصول التفاح في القطعة {n} "
                   f"وطلبوا من المحافظة المساعدة في كلفة إعادة الزراعة.</p>" for n in range(5))
    for cue in ("كتب", "كتبت"):
        page = parse_html('<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>الصقيع</title></head>'
                          f'<body><table><tr><td><font>{cue}: سلمى الورداني</font></td></tr>'
                          f'<tr><td>{body}</td></tr></table></body></html>')
        assert page.authors == ("سلمى الورداني",), cue
        assert "سلمى الورداني" not in page.body
    sentence = "كتب الوزير رسالة إلى المزارعين يعدهم فيها بتعويض عن خسائر الصقيع قبل نهاية الشهر الجاري"
    page = parse_html('<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>الصقيع</title></head>'
                      f'<body><article><p>{sentence}</p>{body}</article></body></html>')
    assert page.authors == () and sentence in page.body
