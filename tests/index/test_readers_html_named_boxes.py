"""Boxes a CMS names by what they are (issue 9, blind set): a standfirst above the story, and
captions, notices, newsletter and paywall boxes, end marks wherever they stand, found by the
words of their class/id/itemprop markup in any spelling (dashes, underscores, camelCase); a
standfirst-like name on a story paragraph below the first stays.

Text is made up and each box is tried under several names, so a rule for one name fails;
pages go through the real `parse_html`.
"""
from __future__ import annotations

from index.readers.html import parse_html

STORY = [
    "The Brennick county board voted on Thursday to keep its four branch libraries open until nine "
    "in the evening from February, after students asked for a warm place to study after school.",
    "The change will cost about two hundred thousand a year, which the board will take from its "
    "reserve fund rather than raise the library levy that homeowners pay with their property tax.",
    "Librarians said the busiest hours were already the last ones before closing, when pupils "
    "come in from the buses and workers stop on their way home from the plants in the valley.",
    "The board will look at the visitor counts again in the summer and decide then whether the "
    "longer hours should become permanent or be cut back to two evenings a week.",
]


def _page(before: str = "", inside: str = "", end: str = "") -> str:
    """The story's page, with `before` above its container, `inside` between its paragraphs and
    `end` after its last paragraph, in the container."""
    paragraphs = ("".join(f"<p>{p}</p>" for p in STORY[:2]) + inside + "".join(f"<p>{p}</p>" for p in STORY[2:])
                  + end)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Libraries stay open</title>'
            '<meta property="article:published_time" content="2026-01-09T10:00:00Z"></head><body>'
            f'<main><article><h1>Libraries stay open</h1>{before}<div class="story-body">{paragraphs}</div>'
            '</article></main></body></html>')


def test_a_standfirst_above_the_story_goes_under_any_of_its_names():
    dek = "Evening hours return to every branch, paid for from the reserve fund, after pupils asked."
    for attribute in ['class="c-standfirst"', 'class="article__deck"', 'class="field--name-field-sumario"',
                      'class="ArticleSubtitle_root__x9"', 'itemprop="abstract"']:
        for overline in ["", '<div class="rubrica">After the winter vote</div>']:  # a short line above it
            body = parse_html(_page(before=f"{overline}<p {attribute}>{dek}</p>")).body
            assert body.split("\n\n") == STORY, (attribute, overline)


def test_a_story_paragraph_with_a_lead_like_name_below_the_first_stays():
    markup = _page(inside=f'<p class="intro-note">{STORY[1]} It was the second vote this winter.</p>')
    assert f"{STORY[1]} It was the second vote this winter." in parse_html(markup).body


def test_captions_notices_newsletter_and_paywall_boxes_go_under_any_of_their_names():
    boxes = [
        ('<div class="media-legend">Readers at the Eastbrook branch. '
         '<span class="photoCredit">Pel Ruan</span></div>', "inside"),
        ('<div class="SignupBox_root__q"><p class="SignupBox_title__a">Evening Digest</p>'
         '<p class="SignupBox_pitch__b">Our county stories each weekday at six.</p></div>', "inside"),
        ('<p class="paywall-meter">You have opened 3 of 6 stories this month.</p>', "inside"),
        ('<div class="rights-notice">Reuse of this story on other sites needs a link to the Post.</div>', "end"),
        ('<div class="article-disclaimer">Views in reader columns are the writers\' alone.</div>', "end"),
        ('<p class="end-mark">◆</p>', "end"),
    ]
    for box, where in boxes:
        body = parse_html(_page(**{where: box})).body
        assert body.split("\n\n") == STORY, box
