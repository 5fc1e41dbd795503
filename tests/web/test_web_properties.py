"""Property tests over the real app (issue 5): any query string, in the pages or the API, is
answered (200 or a 400 with a message, never a 5xx), and no page carries markup other than
what our templates put there."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_support import HOSTILE_ID, build_test_index

from web import create_app

# Fragments an attacker or a confused user might type, mixed with arbitrary text.
PIECES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"', "'", "<", ">", "&", "javascript:",
          "<mark>", "</mark>", "actor:", "date:", "2020..", "(", ")", "*", "~", "-", " OR ", "NOT ", "syria",
          "homs", "assad", "\u202e", "\x00", " "]
QUERIES = st.lists(st.sampled_from(PIECES), max_size=10).map("".join) | st.text(max_size=60)
# What our templates emit (web/templates/, and <option> in the type-ahead list); anything else
# in a page came from data or the query.
TEMPLATE_TAGS = {"a", "article", "aside", "body", "button", "code", "datalist", "details", "div", "footer", "form",
                 "h1", "h2", "h3", "head", "header", "html", "input", "label", "li", "link", "main", "mark", "meta",
                 "nav", "ol",
                 "option", "p", "q", "rect", "script", "section", "span", "summary", "svg", "time", "title", "ul"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TEMPLATE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            ours = tag == "link" and value == "data:,"  # the template's empty favicon
            scripted = value and value.strip().lower().startswith(("javascript:", "data:"))
            if name in ("href", "src", "action") and scripted and not ours:
                self.problems.append(f"{tag} {name}={value}")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.problems.append("inline <script>")


@pytest.fixture(scope="module")
def client(tmp_path_factory, examples_dir):
    return create_app({"INDEX_DIR": str(build_test_index(tmp_path_factory, examples_dir))}).test_client()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_any_query_is_answered_and_pages_stay_inert(client, query):
    page = client.get("/search", query_string={"q": query})
    api = client.get("/api/search", query_string={"q": query})
    assert page.status_code in (200, 400), page.status_code
    assert api.status_code in (200, 400), api.status_code
    if api.status_code == 400:
        assert api.json["error"] and "\n" not in api.json["error"]
    article = client.get(f"/articles/{HOSTILE_ID}", query_string={"q": query})
    assert article.status_code in (200, 400), article.status_code
    for response in (page, article):
        tags = _Tags()
        tags.feed(response.get_data(as_text=True))
        assert tags.problems == []
