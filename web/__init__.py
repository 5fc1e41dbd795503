"""The web UI and JSON API: a Flask application factory.

    from web import create_app
    app = create_app({"INDEX_DIR": "var/index"})

Configuration comes from the `config` dict, else from environment variables:
`NEWSFACETS_INDEX` (index directory, default `var/index`), `NEWSFACETS_MAX_CONTENT_LENGTH`
(bytes of request body accepted, default 16 KiB: every route is a GET).
"""
from __future__ import annotations

import os
import threading
import time
from typing import Any

from flask import Flask, abort, current_app, request

from index.store import default_index_dir
from search import Searcher
from search.query import MAX_QUERY_LENGTH
from search.searcher import MAX_VALUE_LENGTH

# Every resource comes from this server; no inline script or style anywhere.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# How often a warming thread looks at CURRENT (one small file read when nothing changed).
WARM_INTERVAL_SECONDS = 1.0


def _env_config() -> dict[str, Any]:
    return {
        "INDEX_DIR": str(default_index_dir()),
        "MAX_CONTENT_LENGTH": int(os.environ.get("NEWSFACETS_MAX_CONTENT_LENGTH") or 16 * 1024),
    }


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A configured application; `config` overrides the environment.

    Nothing runs in the background: the first request after each rebuild of the index
    opens the new generation (about a second on 19,000 articles). `newsfacets serve`
    avoids that by calling `start_warming(app)` in each worker process; under another
    WSGI server, call it yourself once per process after it forks (a thread does not
    survive a fork), or call `app.extensions["newsfacets.searcher"].warm()` when you know
    the index was rebuilt.
    """
    app = Flask(__name__)
    app.config.update(_env_config())
    app.config.update(config or {})
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Form limits come from the engine's, so the browser never lets through what the server refuses.
    app.jinja_env.globals.update(MAX_QUERY_LENGTH=MAX_QUERY_LENGTH, MAX_VALUE_LENGTH=MAX_VALUE_LENGTH)
    # A Searcher opens nothing until its first search, so the server starts (and shows a clear
    # "index not built" page) before any index exists, and picks the index up once it appears.
    app.extensions["newsfacets.searcher"] = Searcher(app.config["INDEX_DIR"])

    from web import api, errors, pages

    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)
    errors.register(app)

    @app.before_request
    def refuse_large_bodies():
        # Every route is a GET; refuse a body before anything reads it.
        if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            abort(413)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def searcher() -> Searcher:
    """The shared searcher of the current app; raises `IndexProblem` subclasses when there is no index."""
    return current_app.extensions["newsfacets.searcher"]


def start_warming(app: Flask, interval: float = WARM_INTERVAL_SECONDS) -> threading.Thread:
    """Start a daemon thread that warms each new index generation before a request needs it.

    It calls `Searcher.warm()` now and then every `interval` seconds, so a rebuilt
    index is opened, and its lengths and vocabulary built, in the background. A missing
    or unreadable index is left for the requests to report (they answer 503 and say
    why); the thread just tries again after the interval, so it never spins.
    """
    searcher = app.extensions["newsfacets.searcher"]

    def keep_warm() -> None:
        while True:
            try:
                searcher.warm()
            except Exception:  # noqa: BLE001 - no index yet, or a damaged one: the requests say so
                pass
            time.sleep(interval)

    thread = threading.Thread(target=keep_warm, name="newsfacets-warm", daemon=True)
    thread.start()
    return thread
