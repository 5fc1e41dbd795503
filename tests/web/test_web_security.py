"""Web security: headers, XSS in stored and reflected text, ids as paths, limits, no index."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests
from web_support import HOSTILE_ID, HOSTILE_TITLE, build_test_index, serve

from web import CONTENT_SECURITY_POLICY, create_app
from web.params import MAX_QUERY_LENGTH, MAX_VALUES

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, examples_dir):
    return build_test_index(tmp_path_factory, examples_dir)


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir)}).test_client()


class _Elements(HTMLParser):
    """Every element and attribute of a page as a browser's parser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def _no_markup_but_ours(html: str) -> None:
    """Hostile text may appear as text, never as elements, handlers or script URLs."""
    for tag, attrs in _Elements(html).found:
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        assert tag != "svg" or attrs.get("class") == "histogram", attrs
        assert tag != "script" or set(attrs) == {"src", "defer"}, attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            assert not attrs.get(name, "").strip().lower().startswith(("javascript:", "data:text")), (tag, attrs)


@pytest.mark.parametrize("path", ["/", "/search?q=x", "/articles/nope", "/api/search", "/api/openapi.json"])
def test_security_headers_everywhere(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_script_or_style():
    for template in (Path(__file__).parents[2] / "web" / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), template.name
        assert " style=" not in text and "<style" not in text, template.name
        assert not re.search(r"\son[a-z]+=", text), template.name


def test_stored_xss_inert_in_pages_and_json(client):
    results = client.get("/search?q=evil").get_data(as_text=True)
    assert HOSTILE_ID in results
    _no_markup_but_ours(results)
    article = client.get(f"/articles/{HOSTILE_ID}").get_data(as_text=True)
    assert "&lt;script&gt;" in article  # shown as text, not run
    _no_markup_but_ours(article)
    data = client.get(f"/api/articles/{HOSTILE_ID}")
    assert data.mimetype == "application/json"
    assert data.get_json()["title"] == HOSTILE_TITLE  # plain text as written, not HTML (a client escapes it)
    assert not [key for key in data.get_json() if key.endswith("_html") or "snippet" in key]
    hit = client.get("/api/search?q=evil").get_json()["hits"][0]
    assert hit["title"] == HOSTILE_TITLE  # JSON carries the text as text
    for html in (hit["snippet"], hit["title_html"]):
        _no_markup_but_ours(html)
        assert "<script" not in html and "<img" not in html


@pytest.mark.parametrize("query", [SCRIPT, '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
                                   "</title><script>x</script>"])
def test_reflected_xss_inert(client, query):
    for path in ("/search", "/articles/" + HOSTILE_ID):
        response = client.get(path, query_string={"q": query})
        html = response.get_data(as_text=True)
        _no_markup_but_ours(html)
    api = client.get("/api/search", query_string={"q": query})
    assert api.mimetype == "application/json"


@pytest.mark.parametrize("article_id, status", [
    ("..%2F..%2Fetc%2Fpasswd", 400),
    ("%2e%2e%2fsetup.cfg", 400),
    ("%252e%252e%252fsetup.cfg", 400),
    ("..%5C..%5Cwindows", 400),
    ("a%00b", 400),
    ("x" * 400, 400),
    ("not-there", 404),
])
def test_article_ids_are_not_paths(client, article_id, status):
    for prefix in ("/articles/", "/api/articles/"):
        response = client.get(prefix + article_id)
        assert response.status_code in (status, 404), (prefix, article_id)
        assert response.status_code != 500


def test_raw_traversal_over_http(index_dir):
    import socket

    with serve(index_dir) as base:
        host, port = base.rsplit(":", 1)
        for target in ("/articles/../../setup.cfg", "/api/articles/..%2f..%2fsetup.cfg", "/api/articles/%00"):
            with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as sock:
                sock.sendall(f"GET {target} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            status = int(answer.split()[1])
            assert status in (400, 404), target
            assert b"[metadata]" not in answer


def test_limits_answer_400_not_500(client):
    too_long = client.get("/api/search", query_string={"q": "a" * (MAX_QUERY_LENGTH + 1)})
    assert too_long.status_code == 400 and "too long" in too_long.get_json()["error"]
    many = client.get("/api/search", query_string=[("actor", f"a{i}") for i in range(MAX_VALUES + 1)])
    assert many.status_code == 400 and "too many" in many.get_json()["error"]
    page = client.get("/search", query_string=[("actor", f"a{i}") for i in range(MAX_VALUES + 1)])
    assert page.status_code == 400 and "too many" in page.get_data(as_text=True)
    body = client.get("/api/search", data=b"x" * 100_000)
    assert body.status_code == 413 and body.get_json()["status"] == 413
    assert client.get("/api/search?q=*a*").status_code in (200, 400)


def test_oversized_request_line_over_http(index_dir):
    with serve(index_dir) as base:
        response = requests.get(base + "/api/search", params={"q": "a" * 100_000}, timeout=30)
        assert 400 <= response.status_code < 500


def test_missing_index_gives_503_page_and_json(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "never-built")}).test_client()
    page = client.get("/search?q=x")
    assert page.status_code == 503 and "has not been built" in page.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and "not been built" in api.get_json()["error"]
    assert client.get("/api/articles/x").status_code == 503


def test_corrupt_index_gives_503(tmp_path, index_dir):
    broken = tmp_path / "broken"
    shutil.copytree(index_dir, broken)
    (broken / "CURRENT").write_text("../elsewhere\n", encoding="utf-8")
    client = create_app({"INDEX_DIR": str(broken)}).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503 and "unreadable" in response.get_json()["error"]
    page = client.get("/")
    assert page.status_code == 503 and "unreadable" in page.get_data(as_text=True)


def test_index_built_after_start_is_picked_up(tmp_path, index_dir):
    client = create_app({"INDEX_DIR": str(tmp_path / "later")}).test_client()
    assert client.get("/api/search").status_code == 503
    shutil.copytree(index_dir, tmp_path / "later")
    assert client.get("/api/search").status_code == 200


def test_location_tree_values_are_escaped(app):
    """Tree values reach the page as text, whatever a gazetteer or supplement holds."""
    from flask import render_template

    from search.results import SearchResult
    from web.presenters import present_search
    from web.state import SearchState

    place = {"value": "<b>x</b>", "count": 1}
    division = {"value": f'"><img src=x onerror=alert(1)>, {SCRIPT}', "count": 1, "children": [place]}
    hostile = [{"value": SCRIPT, "count": 2, "children": [division]}]
    result = SearchResult(query="", total=2, page=1, per_page=10, took_ms=1.0, suggestion=None, fuzzy=False, hits=[],
                          facets={}, location_tree=hostile)
    with app.test_request_context("/search"):
        html = render_template("search.html", **present_search(SearchState(), result))
    _no_markup_but_ours(html)
    assert "&lt;script&gt;" in html and "&lt;b&gt;x&lt;/b&gt;" in html and SCRIPT not in html
