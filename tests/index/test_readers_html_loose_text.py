"""A body written as loose text between `<br>`s in one element (Blogger's post body, issue 9,
second blind set): each run of text is that element's paragraph, so the story's container is
found and a date header standing above it, wherever the extractor puts it, is not kept.

Words are made up (the header's day and month too, so no date rule is what drops it); pages go
through the real `parse_html`.
"""
from __future__ import annotations

from index.readers.html import parse_html

STORY = [
    "The Pellow hill farmers met in the chapel hall on Saturday to share out the work of clearing the "
    "old pond, which has silted up so far that the cattle can no longer drink from it in August.",
    "Every house will send one person for two hours each morning until the end of the month, and the "
    "parish has lent a pump and a trailer for the mud, the farmers' spokesman said.",
    "The oldest farmer in the hamlet remembers the pond full all year round when she was young, and "
    "says the springs that fed it were blocked when the lane was widened in the seventies.",
    "Next week the volunteers will start on the drains along the lane, so that the first autumn rains "
    "run into the pond again rather than down the road to the valley.",
]


def _blog_page(header: str) -> str:
    """A blog's post page: its date header above the post, the post body loose text and `<br>`s."""
    body = "<br />\n".join(STORY)
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Pellow Notes: The pond</title>"
            "<meta property='og:title' content='The pond'>"
            "<meta property='article:published_time' content='2026-07-14T19:42:00Z'></head><body>"
            "<div class='main section' id='main'><div class='widget Blog' id='Blog1'><div class='blog-posts hfeed'>"
            f"<div class='date-outer'><h2 class='date-hed'><span>{header}</span></h2>"
            "<div class='date-posts'><div class='post-outer'><div class='post hentry'>"
            "<h3 class='post-title'>The pond</h3>"
            f"<div class='post-body entry-content'><div dir='ltr'>{body}</div></div>"
            "<div class='post-footer'>Posted by Quill at 7:42 pm</div></div></div></div></div>"
            "</div></div></div></body></html>")


def test_a_header_above_a_body_of_loose_text_is_not_kept():
    for header in ["Blorsday, 14 Quintember 2026", "Vesk 3 Oraln", "Frimday the ninth"]:
        page = parse_html(_blog_page(header))
        assert page.body.split("\n\n") == STORY, header
