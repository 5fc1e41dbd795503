"""A story's own list survives extraction (issue 9, blind set): the items of a `<ul>`/`<ol>`
right after a paragraph ending in a colon are the story's, and come back after that paragraph
when the extractor dropped them (a live blog's entry lost its list of shelters).

Text is made up; the page goes through the real `parse_html`.
"""
from __future__ import annotations

from index.readers.html import parse_html, restore_introduced_lists

ENTRY = [
    "Civil protection in Marrowby raised the flood alert to its highest level for six districts of the "
    "low town on Monday morning, as the river rose another half metre in an hour.",
    "People living near the banks were told to leave their homes and go to the shelters the town opened:",
]
ITEMS = ["Quillan Street primary school", "The old tannery hall on Brack Lane", "Saint Ivo parish rooms"]
LATER = [
    "The mayor, Edda Varrow, said buses on two routes had been sent to collect residents who had no way "
    "of leaving, and that nobody would be left behind in the low town overnight.",
    "Firefighters said they had brought eleven people down from the roofs of a block of flats in the "
    "Weirside district by boat. None of them was hurt, the brigade said in a statement.",
]


def _live_page() -> str:
    entries = [
        ('<div class="live-post"><div class="live-post__time"><time datetime="2026-02-02T11:48:00Z">11:48</time></div>'
         '<div class="live-post__content"><h3 class="live-post__title">Top alert</h3>'
         f'<p>{ENTRY[0]}</p><p>{ENTRY[1]}</p><ul>' + "".join(f"<li>{i}</li>" for i in ITEMS) + '</ul></div></div>'),
        *(f'<div class="live-post"><div class="live-post__time"><time>1{n}:00</time></div>'
          f'<div class="live-post__content"><p>{text}</p></div></div>' for n, text in enumerate(LATER)),
    ]
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Floods in Marrowby: live</title>'
            '<meta property="article:published_time" content="2026-02-02T09:00:00Z"></head><body><main>'
            '<h1>Floods in Marrowby: live</h1><div class="live-feed">' + "".join(entries)
            + '</div></main></body></html>')


def test_an_introduced_list_in_a_live_entry_stays_in_the_body_in_order():
    """The whole page: the list stays once, in its place (put back or never lost)."""
    body = parse_html(_live_page()).body
    for item in ITEMS:
        assert item in body
    assert body.index(ENTRY[1]) < body.index(ITEMS[0]) < body.index(ITEMS[-1]) < body.index(LATER[0])


def test_a_list_is_put_back_only_where_a_colon_introduces_it_and_only_if_missing():
    import lxml.html  # type: ignore[import-untyped]

    tree = lxml.html.fromstring("<div><p>Zorb said:</p><ul><li>Alpha one</li></ul>"
                                "<p>No colon here</p><ul><li>Beta two</li></ul></div>")
    assert restore_introduced_lists("Zorb said:\n\nNo colon here", tree) == "Zorb said:\n\nAlpha one\n\nNo colon here"
    assert restore_introduced_lists("Zorb said:\n\n- Alpha one", tree) == "Zorb said:\n\n- Alpha one"
