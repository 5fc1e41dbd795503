"""The HTTP findings of a hostile probe, each checked over real HTTP against `newsfacets serve`.

A 1 GiB declared body, a `Host` the server does not answer to (DNS rebinding), redirects
and the OpenAPI document naming the client's `Host`, answers without `Cache-Control`,
`OPTIONS` answered 200, and ids and facet values the index accepts but the web refuses.
Requests are written byte for byte where a client library would normalise them.
"""
from __future__ import annotations

import json
import re
import socket
import time
from urllib.parse import quote, urlsplit

import pytest
import requests

from hostile import TRACEBACK, Server, run_newsfacets, write_served_corpus
from index.article import MAX_VALUE_LENGTH
from test_serve_process import ServeProcess

TIME_BOUND = 5.0
GIB = 1024 ** 3
LONG_ACTOR_ID = "long-actor"
LONG_SOURCE_ID = "long-source"
# Ids the web refuses, each with a word of the reason the indexer must give.
REFUSED_IDS = {
    "..": "'..'",
    "zx/../../etc/passwd": "'..'",
    "%2e%2e/%2e%2e/etc/passwd": "'..'",
    "//evil.example/x": "'/'",
    "/etc/passwd": "'/'",
    "bell\x07id": "control",
    "tab\tid": "control",
    "back\\slash": "backslash",
}


def _long_name(words: int) -> str:
    """A run of capitalised words the extractor reads as one very long name."""
    letters = "bcdfghjklmnpqrstvwxz"
    return " ".join("K" + "".join(letters[(n * 7 + i) % len(letters)] for i in range(6)) + "a" for n in range(words))


@pytest.fixture(scope="module")
def hardening(tmp_path_factory) -> dict:
    """The security corpus plus hostile ids and overlong values, indexed by `newsfacets index`."""
    base = tmp_path_factory.mktemp("hardening")
    corpus = write_served_corpus(base / "corpus")
    records = [{"id": article_id, "title": "Refused id", "body": "Ceasefire talks resumed in Geneva on Monday."}
               for article_id in REFUSED_IDS]
    records.append({"id": LONG_ACTOR_ID, "title": "A very long name",
                    "body": f"President {_long_name(400)} said on Monday that ceasefire talks would resume."})
    records.append({"id": LONG_SOURCE_ID, "title": "A very long source", "source": "S" * 5000,
                    "body": "Ceasefire talks resumed in Geneva on Monday."})
    (corpus / "refused.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    finished = run_newsfacets("index", str(corpus), "--index", str(base / "index"), "--workers", "1")
    with Server(base / "index") as server:
        yield {"server": server, "summary": finished, "index": base / "index"}
        log = server.log()
    assert TRACEBACK not in log, log[-3000:]


@pytest.fixture(scope="module")
def server(hardening) -> Server:
    return hardening["server"]


def raw(server: Server, request: bytes, *, timeout: float = TIME_BOUND) -> bytes:
    """Send `request` as is and read the whole answer (the server closes: Connection: close)."""
    with socket.create_connection((getattr(server, "host", "127.0.0.1"), server.port), timeout=timeout) as client:
        client.sendall(request)
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def get(server: Server, target: str, host: str | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request with the `Host` header chosen by the test; status, headers (lower-case names), body."""
    host = f"127.0.0.1:{server.port}" if host is None else host
    answer = raw(server, f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1"))
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


# --- 1. Request bodies are refused before they are read ----------------------------------


def test_a_declared_1_gib_body_is_refused_before_it_is_read(server):
    """Only the headers and 4 KiB are sent: a server that read (and spooled) the declared
    gigabyte first would still be waiting for it; the answer must be a prompt 413."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIME_BOUND) as client:
        client.sendall(f"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                       f"Content-Type: application/octet-stream\r\nContent-Length: {GIB}\r\n\r\n".encode() + b"x" * 4096)
        try:
            answer = client.recv(4096)
        except TimeoutError:
            pytest.fail("no answer: the server is waiting for the declared body")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 2.0
    assert requests.get(server.url + "/api/search?q=ceasefire", timeout=TIME_BOUND).status_code == 200


def test_a_body_just_over_the_limit_is_refused_unread_too(server):
    """The limit is the app's 16 KiB, not waitress's default of 1 GiB."""
    status, _, _ = get(server, "/api/search")  # the control: the server answers
    assert status == 200
    answer = raw(server, f"POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                         f"Content-Length: {16 * 1024 + 1}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


# --- 2. Host allow-list, relative redirects and servers -----------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost", "localhost.", "[::1]:{port}",
                                  "127.0.0.1"])
def test_loopback_hosts_are_served(server, host):
    status, _, _ = get(server, "/api/search?q=ceasefire", host.format(port=server.port))
    assert status == 200


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}", "localhost.attacker.example",
                                  "127.0.0.1.nip.io:{port}", "[::2]:{port}", "", "[::1", "a b", "user@localhost"])
@pytest.mark.parametrize("target", ["/", "/api/search?q=ceasefire", "/api/openapi.json", "/articles//sub/plain",
                                    "/static/style.css", "/no-such-page"])
def test_other_hosts_get_a_plain_400_naming_the_problem(server, host, target):
    """A page on attacker.example that rebinds its name to 127.0.0.1 reads nothing, not even a redirect."""
    status, headers, body = get(server, target, host.format(port=server.port))
    assert status == 400, (status, body[:200])
    assert headers["content-type"].startswith("text/plain")
    assert b"Host header" in body and b"--allowed-host" in body
    assert b"ceasefire" not in body.lower() and "location" not in headers


def test_redirects_are_relative(server):
    """`//` in a path is merged by a redirect, which must not name the Host the client sent."""
    for target, expected in [("/articles//sub/plain", "/articles/sub/plain"),
                             ("/api/articles//sub/plain", "/api/articles/sub/plain"),
                             ("/articles///evil.example//x", "/articles/evil.example/x")]:
        status, headers, _ = get(server, target, f"localhost:{server.port}")
        assert status == 308, (target, status)
        location = headers["location"]
        parts = urlsplit(location)
        assert not parts.scheme and not parts.netloc and not location.startswith("//"), location
        assert location == expected
    # Followed, the relative redirect lands on the article.
    response = requests.get(server.url + "/api/articles//sub/plain", timeout=TIME_BOUND)
    assert response.status_code == 200 and "servedsub" in response.text


def test_openapi_servers_never_echo_the_host(server):
    status, _, body = get(server, "/api/openapi.json", f"localhost:{server.port}")
    assert status == 200
    document = json.loads(body)
    assert document["servers"] == [{"url": "/"}]
    assert b"localhost" not in body


def test_allowed_hosts_come_from_the_environment_and_the_flag(hardening, tmp_path):
    """A public deployment names itself; loopback keeps working; everything else is still refused."""
    index = str(hardening["index"])
    env_server = Server(hardening["index"], env={"NEWSFACETS_ALLOWED_HOSTS": "news.example.org, search.example.org"})
    with env_server, ServeProcess("--index", index, "--workers", "1", "--allowed-host", "news.example.org",
                                  "--allowed-host", "[2001:db8::1]") as flag_server:
        for running in (env_server, flag_server):
            assert get(running, "/api/search", "news.example.org")[0] == 200
            assert get(running, "/api/search", "NEWS.example.org:443")[0] == 200
            assert get(running, "/api/search", f"127.0.0.1:{running.port}")[0] == 200
            assert get(running, "/api/search", "attacker.example")[0] == 400
        assert get(env_server, "/api/search", "search.example.org")[0] == 200
        assert get(flag_server, "/api/search", "[2001:db8::1]:8080")[0] == 200
        # The flag replaces the environment's list rather than adding to it.
        assert get(flag_server, "/api/search", "search.example.org")[0] == 400


def test_the_bound_address_is_allowed_and_a_star_allows_all(hardening):
    index = str(hardening["index"])
    with ServeProcess("--index", index, "--workers", "1", host="127.0.0.2") as bound, \
            ServeProcess("--index", index, "--workers", "1", "--allowed-host", "*") as anything:
        assert get(bound, "/api/search", f"127.0.0.2:{bound.port}")[0] == 200
        assert get(bound, "/api/search", "127.0.0.3")[0] == 400
        assert get(anything, "/api/search", "attacker.example")[0] == 200


def test_a_malformed_allowed_host_stops_serve_with_one_line(hardening):
    finished = run_newsfacets("serve", "--index", str(hardening["index"]), "--allowed-host", "bad name/x", timeout=30)
    assert finished.returncode == 2, finished.output
    assert finished.output.strip().splitlines() == ["newsfacets serve: bad setting: not a host name: 'bad name/x'"]


# --- 3. Cache-Control ---------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/", "/search?q=ceasefire", "/articles/sub/plain", "/articles/no-such-id",
                                    "/search?page=0", "/api/search?q=ceasefire", "/api/articles/sub/plain",
                                    "/api/articles/sub/plain/similar", "/api/facets/source", "/api/openapi.json",
                                    "/api/search?page=0", "/api/no-such", "/static/no-such.css"])
def test_html_and_json_answers_are_not_stored(server, target):
    status, headers, _ = get(server, target)
    assert status < 500
    assert headers["content-type"].startswith(("text/html", "application/json"))
    assert "no-store" in headers.get("cache-control", ""), headers


def test_static_assets_may_be_cached(server):
    status, headers, body = get(server, "/static/style.css")
    assert status == 200 and body
    assert "no-store" not in headers.get("cache-control", "")


# --- 4. OPTIONS is refused like every other method; HEAD is GET without the body ----------


def _every_route() -> list[str]:
    """One concrete path per route of the real app (converters filled in), whoever added it."""
    from web import create_app

    app = create_app({"INDEX_DIR": "unused", "ALLOWED_HOSTS": ()})
    paths = {re.sub(r"<[^>]+>", "source", re.sub(r"<path:[^>]+>", "sub/plain", rule.rule))
             for rule in app.url_map.iter_rules()}
    return sorted(path.replace("/static/sub/plain", "/static/style.css") for path in paths)


@pytest.mark.parametrize("path", _every_route())
def test_options_is_a_405_with_allow_on_every_route(server, path):
    status, headers, body = get(server, path, method="OPTIONS")
    assert status == 405, (path, status, body[:200])
    allowed = {method.strip() for method in headers["allow"].split(",")}
    assert {"GET", "HEAD"} <= allowed and "OPTIONS" not in allowed


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_every_refused_method_says_what_is_allowed(server, method):
    status, headers, _ = get(server, "/api/search", method=method)
    assert status == 405 and "GET" in headers["allow"]


@pytest.mark.parametrize("target", ["/", "/search?q=ceasefire", "/articles/sub/plain", "/api/search?q=ceasefire",
                                    "/api/articles/sub/plain", "/static/style.css", "/articles/no-such-id"])
def test_head_answers_as_get_does_without_a_body(server, target):
    get_status, get_headers, get_body = get(server, target)
    head_status, head_headers, head_body = get(server, target, method="HEAD")
    assert head_status == get_status
    assert head_body == b"" and get_body
    assert head_headers["content-type"] == get_headers["content-type"]
    assert head_headers.get("cache-control") == get_headers.get("cache-control")


# --- 5. Ids and values the web would refuse never reach the index -------------------------


def test_the_build_summary_names_each_refused_id(hardening):
    finished = hardening["summary"]
    assert finished.returncode == 3, finished.output  # partial: some records skipped
    skipped = [line for line in finished.stdout.splitlines() if line.startswith("skipped ") and "refused.jsonl" in line]
    assert len(skipped) == len(REFUSED_IDS), finished.stdout
    for line, word in zip(skipped, REFUSED_IDS.values()):
        assert word in line, line


def _all_hits(server: Server) -> list[dict]:
    response = requests.get(server.url + "/api/search", params={"per_page": 100}, timeout=TIME_BOUND)
    assert response.status_code == 200
    return response.json()["hits"]


def test_every_listed_article_opens(server):
    hits = _all_hits(server)
    ids = {hit["id"] for hit in hits}
    assert {LONG_ACTOR_ID, LONG_SOURCE_ID, "sub/plain"} <= ids  # the control: the rest was indexed
    assert not ids & set(REFUSED_IDS)
    for article_id in sorted(ids):
        for prefix in ("/articles/", "/api/articles/"):
            response = requests.get(server.url + prefix + quote(article_id, safe="/"), timeout=TIME_BOUND)
            assert response.status_code == 200, (article_id, response.status_code)


def test_every_listed_facet_value_can_be_clicked(server):
    """The long actor and the 5,000-character source are dropped at index time; every value
    listed in facets, hits or an article's mentions passes the engine's filter cap."""
    facets = requests.get(server.url + "/api/search", params={"facet_size": 100}, timeout=TIME_BOUND).json()["facets"]
    listed = {(facet, bucket["value"]) for facet in ("actor", "location", "country", "source") for bucket in facets[facet]}
    article = requests.get(server.url + "/api/articles/" + LONG_ACTOR_ID, timeout=TIME_BOUND).json()
    assert article["actors"] == [] or all(len(actor) <= MAX_VALUE_LENGTH for actor in article["actors"])
    assert all(len(mention["value"]) <= MAX_VALUE_LENGTH for mention in article["mentions"])
    source = requests.get(server.url + "/api/articles/" + LONG_SOURCE_ID, timeout=TIME_BOUND).json()
    assert source["source"] is None
    assert ("source", "Daily Wire Service") in listed or ("source", "Coastal Post") in listed  # the control
    for facet, value in sorted(listed):
        assert len(value) <= MAX_VALUE_LENGTH, (facet, len(value))
        response = requests.get(server.url + "/search", params={facet: value}, timeout=TIME_BOUND)
        assert response.status_code == 200, (facet, value[:80], response.status_code)


def test_the_build_report_counts_dropped_values(tmp_path):
    """The count behind the summary: one actor and one source too long, each counted once."""
    from index.build import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [{"id": "a", "title": "Long name", "body": f"President {_long_name(400)} said on Monday that talks resume."},
               {"id": "b", "title": "Long source", "source": "S" * 5000, "body": "Talks resumed in Geneva on Monday."},
               {"id": "c", "title": "Fine", "source": "Wire", "body": "Talks resumed in Geneva on Monday."}]
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = build_index([corpus], tmp_path / "index", workers=1)
    assert report.status == "ok" and report.indexed == 3
    assert report.dropped_values == {"actor": 1, "source": 1}



def test_the_index_command_says_which_facet_values_it_left_out(tmp_path):
    """What the user sees: `newsfacets index` names the count per facet, so nothing is dropped silently."""
    from hostile import run_newsfacets

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(json.dumps({"id": "b", "title": "Long source", "source": "S" * 5000,
                                                "body": "Talks resumed in Geneva on Monday."}) + "\n", encoding="utf-8")
    finished = run_newsfacets("index", str(corpus), "--index", str(tmp_path / "index"), "--workers", "1")
    assert finished.returncode == 0, finished.output
    assert f"left out facet values longer than {MAX_VALUE_LENGTH} characters" in finished.output
    assert "1 source" in finished.output
