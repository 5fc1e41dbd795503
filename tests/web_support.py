"""Helpers for the web and browser tests: a real index and a real waitress server.

The index is built once per test session from examples/corpus (in the repo, so a clone
without ../shared runs every web test) plus a few articles written here (dated, so the
histogram has bars, and one hostile article whose title and body carry script), and
served on a free loopback port.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOSTILE_ID = "hostile-xss"
HOSTILE_TITLE = 'Evil <script>window.__xss = 1; alert("title")</script> <img src=x onerror="window.__xss=2"> headline'
HOSTILE_BODY = (
    "Damascus residents reported <script>window.__xss = 3; alert('body')</script> strikes overnight.\n\n"
    '<img src=x onerror="window.__xss=4"><a href="javascript:window.__xss=5">click</a> '
    "<iframe src=\"https://example.invalid\"></iframe> The Syrian army said the attack near Homs was repelled."
)

# Our own short articles (not from any research corpus), dated across years and months.
EXTRA_ARTICLES = [
    {"id": "wire-2019-geneva", "title": "Ceasefire talks on Syria resume in Geneva",
     "body": "Delegations met in Geneva on Monday as the United Nations pressed for a ceasefire in Syria. "
             "Officials from Russia and Turkey attended the talks.\n\nThe Syrian government sent a small delegation.",
     "date": "2019-03-04", "source": "Example Wire", "url": "https://example.org/geneva"},
    {"id": "wire-2019-aleppo", "title": "Aid convoy reaches Aleppo after weeks of delay",
     "body": "A United Nations aid convoy reached Aleppo on Thursday. The Red Crescent said food and medicine "
             "were delivered to thousands of families in Syria.",
     "date": "2019-11-21", "source": "Example Wire", "url": "https://example.org/aleppo"},
    {"id": "wire-2021-beirut", "title": "Beirut port inquiry stalls again",
     "body": "The judge leading the inquiry into the Beirut port explosion suspended his work on Tuesday. "
             "Lebanon has seen protests by families of the victims.",
     "date": "2021-10-12", "source": "Daily Example", "url": "javascript:alert(1)"},
    {"id": HOSTILE_ID, "title": HOSTILE_TITLE, "body": HOSTILE_BODY, "date": "2021-05-02",
     "source": "Hostile <b>Source</b>"},
]

_BUILT: dict[str, Path] = {}


def build_test_index(tmp_path_factory, corpus_dir: Path) -> Path:
    """The session's index of `corpus_dir` (the `examples_dir` fixture) and EXTRA_ARTICLES, built once."""
    key = str(corpus_dir)
    if key not in _BUILT:
        from index.build import build_index

        root = tmp_path_factory.mktemp("web-index")
        extra = root / "extra"
        extra.mkdir()
        (extra / "articles.jsonl").write_text(
            "\n".join(json.dumps(article) for article in EXTRA_ARTICLES) + "\n", encoding="utf-8")
        report = build_index([corpus_dir, extra], root / "index", workers=1)
        assert report.status == "ok", report.skipped
        _BUILT[key] = root / "index"
    return _BUILT[key]


@contextmanager
def serve(index_dir: Path) -> Iterator[str]:
    """Run `newsfacets serve`'s waitress server in a thread; yields its base URL."""
    from web.cli import make_server

    server = make_server("127.0.0.1", 0, str(index_dir))
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
