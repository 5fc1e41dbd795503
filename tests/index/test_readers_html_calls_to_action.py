"""Calls to action inside the story's container (issue 9, second blind set: a member card, an
app box): found by shape, a short box of its own ending in a button's label, whatever its
words and class say, or by a call-to-action name in its markup; a story paragraph ending in a
short link, repeated boxes (live entries with a share link) and a further-reading box stay.

Words and class names are made up, so a rule for one phrase or one name fails; pages go
through the real `parse_html`.
"""
from __future__ import annotations

from index.readers.html import parse_html

STORY = [
    "The Quellin valley council agreed on Tuesday to reopen the footbridge over the Marrow stream "
    "in April, two years after floodwater tore away its middle span and split the village in two.",
    "Walkers have since gone round by the road bridge at Tessock, a detour of six kilometres that "
    "the parents of the valley school say keeps their children off the path in the dark months.",
    "The new span will be made of larch from the council's own plantation above the village and "
    "will stand half a metre higher than the old one, the engineer told the meeting.",
    "The council will pay for most of the work from its reserve and has asked the river board for "
    "the rest, which the board is expected to decide on before the end of the month.",
]


def _page(inside: str = "", end: str = "", paragraph=lambda text: f"<p>{text}</p>") -> str:
    """The story's page with `inside` between its paragraphs and `end` after its last, in its container."""
    paragraphs = ("".join(map(paragraph, STORY[:2])) + inside + "".join(map(paragraph, STORY[2:])) + end)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Footbridge to reopen</title>'
            '<meta property="article:published_time" content="2026-02-03T10:00:00Z"></head><body>'
            f'<main><article><h1>Footbridge to reopen</h1><div class="zentro">{paragraphs}</div>'
            '</article></main></body></html>')


SHAPED = [
    '<div class="blomk"><p>Flimber the Quellin Post app for glarbish alerts and the tide table.</p>'
    '<a href="/zop">Get it now</a></div>',
    '<div id="w7"><div class="qa"><h4>Trask with us</h4><p>Vornel readers keep the Post free to read for '
    'everyone in the valley.</p></div><div class="qb"><a href="/v">Vorn</a> <button>Trask</button></div></div>',
]
NAMED = ["kg-cta-card", "call-to-action", "membershipPrompt", "article__download"]


def test_a_short_box_ending_in_a_buttons_label_goes_wherever_it_stands():
    for box in SHAPED:
        for where in ("inside", "end"):
            page = parse_html(_page(**{where: box}))
            assert page.body.split("\n\n") == STORY, (box, where)


def test_a_box_named_a_call_to_action_goes_even_when_its_link_is_mid_sentence():
    for name in NAMED:
        box = (f'<div class="{name}"><div><p>The Post is free because readers chip in. '
               '<a href="#/join">Become a grelling member</a> from four quid a month.</p></div></div>')
        page = parse_html(_page(inside=box))
        assert page.body.split("\n\n") == STORY, name


def test_a_story_paragraph_ending_in_a_short_link_stays():
    def linked(text: str) -> str:
        return f'<p>{text[:-1]}, <a href="/report">the report says</a>.</p>'
    page = parse_html(_page(paragraph=linked))
    assert len(page.body.split("\n\n")) == len(STORY)


def test_repeated_boxes_with_a_share_link_stay():
    def entry(text: str) -> str:
        return f'<div class="tiklo"><div class="tiklo-text"><p>{text}</p></div><a href="#">Sharn</a></div>'
    page = parse_html(_page(paragraph=entry))
    assert page.body.split("\n\n") == STORY
