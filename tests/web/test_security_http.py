"""Web security, server side, over real HTTP against `newsfacets serve` (issue 5).

The web engineer's tests drive the Flask app in process and the browser; these go
through the production server (waitress) as an attacker would: raw request lines that
no client library would normalise, oversized requests, expensive queries, and script
stored in every field of an article or reflected from a query.
"""
from __future__ import annotations

import http.client
import re
import socket
import time
from html.parser import HTMLParser

import pytest
import requests
from hostile import TRACEBACK, XSS_ID, XSS_RECORD, Server, write_served_corpus

from index.build import build_index

TIME_BOUND = 5.0  # a safety bound on any one answer, not a speed target
SLOW_CONNECTIONS = 150  # more than waitress's default connection_limit of 100


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("security")
    corpus = write_served_corpus(base / "corpus")
    build_index([corpus], base / "index", workers=1)
    with Server(base / "index") as running:
        yield running
        log = running.log()
    assert TRACEBACK not in log, log[-3000:]


def raw_get(server: Server, target: str, headers: dict[str, str] | None = None, *,
            follow: bool = False) -> tuple[int, str]:
    """GET with the request target sent byte for byte (no client-side normalisation).

    `follow`: follow one same-server redirect (Werkzeug answers `//` with a 308 to the
    merged path), so the test judges where the request finally lands.
    """
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIME_BOUND)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        location = response.getheader("Location", "")
        if follow and response.status in {301, 302, 307, 308} and location.startswith((server.url + "/", "/")):
            return raw_get(server, location.removeprefix(server.url), headers)
        return response.status, body
    finally:
        connection.close()


# --- Headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/search?q=ceasefire", f"/articles/{XSS_ID}", "/articles/no-such-id",
                                  "/api/search?q=ceasefire", f"/api/articles/{XSS_ID}", "/api/facets/source",
                                  "/api/openapi.json", "/api/search?page=0"])
def test_security_headers_on_every_kind_of_answer(server, path):
    response = requests.get(server.url + path, timeout=TIME_BOUND)
    assert response.status_code < 500
    headers = response.headers
    policy = {part.strip().split(" ", 1)[0]: part.strip() for part in headers["Content-Security-Policy"].split(";")}
    script = policy.get("script-src") or policy.get("default-src")
    assert script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, \
        headers["Content-Security-Policy"]
    assert "frame-ancestors" in policy or headers.get("X-Frame-Options", "").upper() in {"DENY", "SAMEORIGIN"}
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers.get("Referrer-Policy") in {"no-referrer", "same-origin", "strict-origin",
                                              "strict-origin-when-cross-origin"}
    if path.startswith("/api/"):
        assert headers["Content-Type"].startswith("application/json")


def test_server_does_not_advertise_its_software(server):
    header = requests.get(server.url + "/", timeout=TIME_BOUND).headers.get("Server", "")
    assert not re.search(r"\d+\.\d+", header), f"Server header gives away versions: {header!r}"


# --- Article ids are never paths -------------------------------------------------------------

SECRETS = ("root:x:0:0", "[metadata]", "CONTENT_SECURITY_POLICY", "install_requires")
TRAVERSALS = [
    "/api/articles/../../../../etc/passwd",
    "/api/articles/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/api/articles/%2e%2e%2f%2e%2e%2fsetup.cfg",
    "/api/articles/%252e%252e%252f%252e%252e%252fsetup.cfg",
    "/api/articles/%25252e%25252e%25252fsetup.cfg",
    "/api/articles/..%5c..%5csetup.cfg",
    "/api/articles/..\\..\\setup.cfg",
    "/api/articles/%00",
    "/api/articles/sub%00/plain",
    "/api/articles//etc/passwd",
    "/api/articles/%2fetc%2fpasswd",
    "/api/articles/....//....//etc/passwd",
    "/api/articles/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/api/articles/sub/../../../setup.cfg/similar",
    "/articles/../../setup.cfg",
    "/articles/%2e%2e/%2e%2e/etc/passwd",
    "/articles/%2e%2e%2f%2e%2e%2fweb%2f__init__.py",
    "/static/../setup.cfg",
    "/static/%2e%2e/__init__.py",
    "/static/..%2f..%2fsetup.cfg",
    "/static//etc/passwd",
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_in_article_ids_and_static_paths_reaches_no_file(server, target):
    status, body = raw_get(server, target, follow=True)
    assert status in {400, 404}, (status, body[:300])
    for secret in SECRETS:
        assert secret not in body
    assert TRACEBACK not in body


def test_ids_with_a_slash_still_work(server):
    """The positive control: a real id that contains '/' (a file in a subfolder)."""
    response = requests.get(server.url + "/api/articles/sub/plain", timeout=TIME_BOUND)
    assert response.status_code == 200
    assert "servedsub" in response.text


# --- Request size and parameter limits -------------------------------------------------------


@pytest.mark.parametrize("query", [
    "page=0", "page=-1", "page=99999999999999999999", "page=abc", "per_page=1000000", "facet_size=100000",
    "q=" + "x" * 10_000, "sort=%3Cscript%3E", "from=2020-13-45x", "to=yesterday", "actors=typo",
    "q=a&q=b", "&".join(["actor=a"] * 500), "actor=" + "a" * 5000,
])
def test_bad_parameters_are_refused_with_400_json(server, query):
    response = requests.get(f"{server.url}/api/search?{query}", timeout=TIME_BOUND)
    assert response.status_code == 400, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json().get("error")


@pytest.mark.parametrize("query", ["page=0", "q=" + "x" * 10_000, "per_page=1000000"])
def test_bad_parameters_on_the_page_are_a_readable_400(server, query):
    response = requests.get(f"{server.url}/search?{query}", timeout=TIME_BOUND)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert TRACEBACK not in response.text


def test_a_100_kb_request_line_is_refused(server):
    status, body = raw_get(server, "/api/search?q=" + "a" * 100_000)
    assert 400 <= status < 500, status
    assert TRACEBACK not in body


def test_100_kb_of_headers_are_refused(server):
    status, _ = raw_get(server, "/api/search?q=x", headers={f"X-Junk-{n}": "j" * 1000 for n in range(100)})
    assert 400 <= status < 500, status


@pytest.mark.parametrize("size", [64 * 1024, 8 * 1024 * 1024])
def test_request_bodies_are_refused(server, size):
    started = time.monotonic()
    response = requests.post(server.url + "/api/search", data=b"x" * size, timeout=30)
    assert response.status_code in {405, 413}, response.status_code
    assert time.monotonic() - started < TIME_BOUND * 2
    assert requests.get(server.url + "/api/search?q=ceasefire", timeout=TIME_BOUND).status_code == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "OPTIONS"])
def test_other_methods_are_refused(server, method):
    response = requests.request(method, server.url + "/api/search", timeout=TIME_BOUND)
    assert response.status_code in {405, 501}, response.status_code
    if response.status_code == 405:
        assert "OPTIONS" not in response.headers["Allow"] and "GET" in response.headers["Allow"]


def test_facet_names_and_prefixes_are_bounded(server):
    assert requests.get(server.url + "/api/facets/../../setup.cfg", timeout=TIME_BOUND).status_code == 404
    assert requests.get(server.url + "/api/facets/body", timeout=TIME_BOUND).status_code == 404
    long_prefix = requests.get(server.url + "/api/facets/actor?prefix=" + "a" * 5000, timeout=TIME_BOUND)
    assert long_prefix.status_code == 400
    assert requests.get(server.url + "/api/facets/source?limit=100000", timeout=TIME_BOUND).status_code == 400


# --- Expensive queries: answered within a bound or refused, never a 5xx ---------------------

_WORDS = "ceasefire talks council minister border river treaty water harvest election court protest".split()
EXPENSIVE = {
    "leading-wildcards": "*a* *e* *o*",
    "bare-star": "*",
    "single-char-prefixes": "a* b* c* d* e* f* g* h*",
    "question-marks": "?*?*?*?",
    "or-list": " OR ".join(_WORDS * 40)[:500].rsplit(" OR ", 1)[0],
    "fuzzy-everything": " ".join(f"{word}~2" for word in _WORDS),
    "nested-parens": "(" * 120 + "ceasefire" + ")" * 120,
    "unbalanced": '"((( ceasefire ' * 20,
    "huge-date-range": "date:0001-01..9999-12",
    "field-spam": " ".join(f"title:{word}* body:*{word}" for word in _WORDS)[:500],
    "not-everything": "NOT " * 100 + "x",
}


@pytest.mark.parametrize("query", list(EXPENSIVE.values()), ids=list(EXPENSIVE))
@pytest.mark.parametrize("page", ["/api/search", "/search"])
def test_expensive_queries_are_bounded(server, query, page):
    started = time.monotonic()
    response = requests.get(server.url + page, params={"q": query, "facet_size": 100, "per_page": 100}, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code in {200, 400}, (response.status_code, response.text[:300])
    assert elapsed < TIME_BOUND, f"{elapsed:.1f}s"
    assert TRACEBACK not in response.text


# --- Stored and reflected script comes out inert ---------------------------------------------


class _Elements(HTMLParser):
    """Every element of a page with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def assert_inert_html(html: str) -> None:
    """Parsed as a browser would: no script but the product's own, no handler, no javascript: URL."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert not parser.script_text, f"inline script: {parser.script_text[:2]}"
    for tag, attrs in parser.elements:
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), (tag, attrs)
        assert tag not in {"iframe", "object", "embed", "base"}, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                plain = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                assert not plain.startswith(("javascript:", "data:text/html")), (tag, attrs)


def assert_html_fields_have_only_mark(value) -> None:
    """Snippets and highlighted titles are HTML whose only tag is <mark>."""
    if isinstance(value, str):
        tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", value))
        assert tags <= {"mark"}, (tags, value[:200])


def test_stored_script_is_inert_in_the_article_page(server):
    response = requests.get(f"{server.url}/articles/{XSS_ID}", timeout=TIME_BOUND)
    assert response.status_code == 200
    assert_inert_html(response.text)
    assert "7*7" in response.text  # template syntax in data stays text
    assert "Ceasefire talks" in response.text  # the text itself survives, as text


@pytest.mark.parametrize("query", ["ceasefire", "xssbody", "script alert", "mark", "evil source"])
def test_stored_script_is_inert_in_search_pages_and_json(server, query):
    page = requests.get(server.url + "/search", params={"q": query, "facet_size": 100}, timeout=TIME_BOUND)
    assert page.status_code == 200
    assert_inert_html(page.text)
    api = requests.get(server.url + "/api/search", params={"q": query, "facet_size": 100}, timeout=TIME_BOUND)
    assert api.status_code == 200
    assert api.headers["Content-Type"].startswith("application/json")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    for hit in api.json()["hits"]:
        for key, value in hit.items():
            if "snippet" in key or key.endswith("_html"):
                assert_html_fields_have_only_mark(value)


def test_stored_script_is_inert_in_the_json_article(server):
    response = requests.get(f"{server.url}/api/articles/{XSS_ID}", params={"q": "ceasefire"}, timeout=TIME_BOUND)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    data = response.json()
    # The article JSON is plain text only: each field carries the text exactly as it was
    # written (a client must escape it), never HTML; matches are spans, not <mark> markup.
    for key in ("title", "body", "source", "url"):
        assert data[key] == XSS_RECORD[key], key
    assert not [key for key in data if "snippet" in key or key.endswith("_html")]
    assert data["hits"] and all(0 <= start < end <= len(data["body"]) for start, end in data["hits"])
    assert {data["body"][start:end].lower() for start, end in data["hits"]} == {"ceasefire"}
    for mention in data["mentions"]:
        assert data["body"][mention["start"]:mention["end"]]  # spans into the text as written


REFLECTED = [
    "<script>alert('xssq')</script>",
    '"><img src=x onerror=alert(1)>',
    "';alert(1);//",
    "</title><script>alert(1)</script>",
    "javascript:alert(1)",
    '" onfocus="alert(1)" autofocus="',
    "<svg/onload=alert(1)>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "{{7*7}}",
]


@pytest.mark.parametrize("payload", REFLECTED)
def test_reflected_script_is_inert(server, payload):
    for path, params in [
        ("/search", {"q": payload}),
        ("/search", {"q": "ceasefire", "actor": payload}),
        ("/search", {"q": "ceasefire", "source": payload, "from": "2020"}),
        (f"/articles/{XSS_ID}", {"q": payload}),
        ("/articles/" + requests.utils.quote(payload, safe=""), {}),
    ]:
        response = requests.get(server.url + path, params=params, timeout=TIME_BOUND)
        assert response.status_code in {200, 400, 404}, (path, response.status_code)
        assert_inert_html(response.text)
        assert "49" not in re.findall(r">\s*(49)\s*<", response.text)  # no template evaluation
    api = requests.get(server.url + "/api/search", params={"q": payload}, timeout=TIME_BOUND)
    assert api.status_code in {200, 400}
    assert api.headers["Content-Type"].startswith("application/json")
    if api.status_code == 200:
        for hit in api.json()["hits"]:
            for key, value in hit.items():
                if "snippet" in key or key.endswith("_html"):
                    assert_html_fields_have_only_mark(value)


def test_idle_and_half_sent_requests_do_not_starve_others(server):
    """Slow-loris: connections that send half a request and wait must not block a real one."""
    stalled = []
    try:
        for _ in range(SLOW_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIME_BOUND)
            sock.sendall(b"GET /api/search?q=ceasefire HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            stalled.append(sock)
        started = time.monotonic()
        response = requests.get(server.url + "/api/search?q=ceasefire", timeout=TIME_BOUND)
        assert response.status_code == 200
        assert time.monotonic() - started < TIME_BOUND
    finally:
        for sock in stalled:
            sock.close()
