"""The story stated in JSON-LD `articleBody` (issue 9, second blind set): a page whose HTML shows
only a teaser above a paywall or app box gets the stated story, split into its paragraphs;
a page whose HTML body is already whole, or whose `articleBody` is a summary or another
text, keeps the body read from its HTML.

Words are made up; pages go through the real `parse_html`.
"""
from __future__ import annotations

import json

from index.readers.html import parse_html

STORY = [
    "VELMORA - The Quisting river ferry between Dornhal and Saberk stopped running on Monday after "
    "the landing stage at Dornhal cracked under a loaded grain lorry, the harbour office said.",
    "About four hundred people cross on the ferry each morning, most of them workers at the "
    "brickyards on the Saberk bank, who now face a detour of forty kilometres over the Tavel bridge.",
    "The harbour office said divers would inspect the pilings this week before it decides whether "
    "the stage can be propped up or has to be rebuilt, which could take until the spring.",
    "Until then two buses an hour will run from the Dornhal square to the brickyards, paid for by "
    "the district, and the ferry crew will help the bus company with its timetable.",
    "The brickyard owners asked the district to open the old railway halt at Saberk for the winter, "
    "a request the district council will discuss at its meeting on the ninth.",
]


def _page(shown: list[str], stated: str, box: str = "") -> str:
    """A page showing the `shown` paragraphs (then `box`) and stating `stated` as its articleBody."""
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Ferry stops at Dornhal",
            "datePublished": "2026-03-02T08:00:00Z", "articleBody": stated}
    paragraphs = "".join(f"<p>{p}</p>" for p in shown)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Ferry stops at Dornhal</title>'
            f'<script type="application/ld+json">{json.dumps(data)}</script></head><body>'
            f'<article><h1>Ferry stops at Dornhal</h1><div class="story-body">{paragraphs}</div>{box}'
            '</article></body></html>')


TEASER_BOX = ('<div class="unlock"><h3>Zorvel the whole story with Velmora Plus</h3>'
              '<p>Brantic members grelp every story without limits for a small monthly fee.</p>'
              '<a href="/plus">Join</a></div>')


def test_a_teaser_gets_the_stated_story_in_its_paragraphs():
    for stated in ["\n".join(STORY), "".join(f"<p>{p}</p>" for p in STORY)]:  # plain lines or markup
        page = parse_html(_page([STORY[0], STORY[1][:60] + "..."], stated, TEASER_BOX))
        assert page.body.split("\n\n") == STORY


def test_a_whole_html_body_is_kept_beside_the_same_story_stated_in_one_block():
    page = parse_html(_page(STORY, " ".join(STORY)))
    assert page.body.split("\n\n") == STORY


def test_a_stated_summary_does_not_replace_the_story():
    page = parse_html(_page(STORY, "The Dornhal ferry stopped after its landing stage cracked."))
    assert page.body.split("\n\n") == STORY


def test_a_longer_stated_text_that_is_not_the_teasers_story_is_not_used():
    other = "\n".join(" ".join(reversed(p.split())) for p in STORY * 2)  # the same words, no sentence of them
    page = parse_html(_page(STORY[:2], other))
    assert page.body.split("\n\n") == STORY[:2]
