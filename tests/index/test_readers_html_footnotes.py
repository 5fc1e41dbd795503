"""Footnotes (issue 9, blind3 set): a marker in the story linking to a note that links back is a
footnote, whatever the site calls it; the marker leaves its sentence and the note the body. An
in-page link that nothing links back from (a table of contents, a "jump to" link) is no footnote.

Class names, markers and text here are not in the ingest pages, so a rule for one site's markup fails.
"""
from __future__ import annotations

from index.readers.html import parse_html

STORY = [
    "The valley's orchard growers said on Friday that the late frost had cost them a third of the apple "
    f"crop in block {n}, and asked the province for help with the cost of replanting the trees."
    for n in range(5)
]


def _page(article: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Frost costs growers</title></head>'
            f"<body><main><article><h1>Frost costs growers</h1>{article}</article></main></body></html>")


def test_a_footnote_marker_and_its_note_leave_the_body_whatever_their_markup():
    note = "The province counts a block as lost when more than half of its trees bear no fruit."
    for marker, back in [('<sup id="r1"><a href="#n1">[1]</a></sup>', '<a href="#r1">↑</a>'),
                         ('<a id="ref-a" href="#note-a">*</a>', '<a href="#ref-a">*</a>')]:
        target = "n1" if "n1" in marker else "note-a"
        article = (f"<p>{STORY[0][:-1]}{marker}.</p>" + "".join(f"<p>{p}</p>" for p in STORY[1:])
                   + f'<ol class="endnotes-list"><li id="{target}">{back} {note}</li></ol>')
        body = parse_html(_page(article)).body
        assert STORY[0] in body and note not in body, marker
        assert "[1]" not in body and "*" not in body, marker


def test_an_in_page_link_without_a_way_back_is_no_footnote():
    article = ('<p>Contents: <a href="#part-2">2</a></p>' + "".join(f"<p>{p}</p>" for p in STORY[:3])
               + '<h2 id="part-2">Replanting</h2>' + "".join(f"<p>{p}</p>" for p in STORY[3:]))
    body = parse_html(_page(article)).body
    assert all(p in body for p in STORY)
