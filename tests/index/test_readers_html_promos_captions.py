"""Promotion boxes and image captions by shape (issue 9, blind3 set): a box the markup names a
promo ("inline-promo", "PromoUnit_wrap") is furniture inside the story; a paragraph whose box
holds an image beside it and no other text is that image's caption, whatever its class. A
story paragraph with an image inside it, and a story under a "promoted" node, stay.

Text and class names here are not in the ingest pages, so a rule for one site's words fails.
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


def _body(inside: str, container: str = "story-body") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY[:2]) + inside + "".join(f"<p>{p}</p>" for p in STORY[2:])
    return parse_html('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Libraries stay open'
                      '</title></head><body><main><article><h1>Libraries stay open</h1>'
                      f'<div class="{container}">{paragraphs}</div></article></main></body></html>').body


def test_a_promo_box_inside_the_story_goes_under_any_spelling_of_its_name():
    promo = "Get the county's morning digest in your inbox every weekday, free for residents."
    for attribute in ['class="inline-promo"', 'class="PromoUnit_wrap__k2"', 'data-role="x" class="story__promo"']:
        body = _body(f'<div {attribute}><span>{promo} <a href="/join">Join</a></span></div>')
        assert "digest" not in body and all(p in body for p in STORY), attribute
    # A word that only starts like the name is another word: a "promoted" entry is the story's.
    text = "Two of the branches will also open on Sunday afternoons from the first week of March."
    assert text in _body(f'<div class="entry promoted"><p>{text}</p></div>')


def test_a_paragraph_boxed_with_an_image_alone_is_its_caption_whatever_its_class():
    caption = "Pupils at the Elm Street branch on Wednesday evening. Photo by the county."
    for box in [f'<div class="pic"><img src="/a.jpg" alt=""><p class="pic_desc">{caption}</p></div>',
                f'<div class="media-wrap"><a href="/a.jpg"><img src="/a.jpg"></a><div>{caption}</div></div>',
                f'<span class="img"><picture><img src="/a.jpg"></picture><span>{caption}</span></span>']:
        body = _body(box)
        assert "Pupils at the Elm Street" not in body and all(p in body for p in STORY), box


def test_a_story_paragraph_holding_its_own_image_stays():
    text = "Opening hours at the smaller branches will follow in March, the board said."
    assert text in _body(f'<p><img src="/icon.png" alt="">{text}</p>')
