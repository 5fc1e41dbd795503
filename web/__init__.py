"""The web UI and JSON API: a Flask application factory.

    from web import create_app
    app = create_app({"INDEX_DIR": "var/index"})

Configuration comes from the `config` dict (Flask keys `INDEX_DIR`, `MAX_CONTENT_LENGTH`,
`ALLOWED_HOSTS`, `TIME_BUDGET_SECONDS`), else from `settings` (`index.settings.Settings`,
built from the environment when not given; the README's Configuration table lists its
variables). `ALLOWED_HOSTS` are the names the `Host` header may carry besides the
loopback names; `*` allows any, for a deployment behind a proxy that checks it.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, abort, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableDict
from werkzeug.exceptions import MethodNotAllowed

from index.settings import Settings
from search import Searcher
from search.budget import AdmissionGate
from web.params import MAX_QUERY_LENGTH, MAX_VALUE_LENGTH

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
# Names a browser uses for this machine. A page on another site can make its own name
# resolve to 127.0.0.1 (DNS rebinding) and read a loopback server's answers; its requests
# still carry that other name in `Host`, so answering only known names stops it.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
ANY_HOST = "*"
WILDCARD_BINDS = frozenset({"", "0.0.0.0", "::", ANY_HOST})
# host, [v6-host] or either with :port; anything else in `Host` is malformed.
_HOST_HEADER = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[^:\[\]/@\s]+))(?::\d{0,5})?")
# HTML and JSON answers show a (possibly private) corpus: no cache may keep them.
NO_STORE = "no-store"


def host_name(value: str) -> str | None:
    """The name in a `Host` header or an allow-list entry, lower-case and without port or
    trailing dot; None when it is malformed. `[::1]:5000`, `[::1]` and `::1` are all `::1`."""
    value = value.strip()
    match = _HOST_HEADER.fullmatch(value)
    if match is None:
        if value.count(":") >= 2 and re.fullmatch(r"[0-9A-Fa-f:.]+", value):  # a bare IPv6 address
            return value.lower()
        return None
    return (match.group("v6") or match.group("name")).lower().rstrip(".") or None


def allowed_hosts(names: Iterable[str] | None = None, bind_host: str | None = None) -> tuple[str, ...]:
    """The names `Host` may carry: the loopback names, the address the server binds (unless
    a wildcard), and `names`, which default to the settings' (NEWSFACETS_ALLOWED_HOSTS, comma-separated).

    `*` among them allows every name. A malformed entry is a configuration error, raised
    as `ValueError`, so a typo stops the server instead of locking every user out.
    """
    if names is None:
        names = Settings.from_environment().allowed_hosts
    hosts = list(LOOPBACK_HOSTS)
    if bind_host is not None and bind_host.strip() not in WILDCARD_BINDS:
        names = [*names, bind_host]
    for entry in names:
        entry = entry.strip()
        if not entry:
            continue
        name = ANY_HOST if entry == ANY_HOST else host_name(entry)
        if name is None:
            raise ValueError(f"not a host name: {entry!r}")
        if name not in hosts:
            hosts.append(name)
    return tuple(hosts)


# Each Flask key the settings give, computed only when `create_app`'s config lacks it (a bad
# allow-list entry is an error only when the list is used).
_FROM_SETTINGS: dict[str, Callable[[Settings], Any]] = {
    "INDEX_DIR": lambda settings: str(settings.index_dir),
    "MAX_CONTENT_LENGTH": lambda settings: settings.max_content_length,
    "ALLOWED_HOSTS": lambda settings: allowed_hosts(settings.allowed_hosts),
    # Seconds one request may work (`web.limits`); 0 means no limit.
    "TIME_BUDGET_SECONDS": lambda settings: settings.time_budget_seconds,
}


def _settings_config(settings: Settings, given: dict[str, Any]) -> dict[str, Any]:
    return {key: read(settings) for key, read in _FROM_SETTINGS.items() if key not in given}


def _relative(location: str) -> str:
    """A redirect to this server as a path, never naming a host the client chose.

    Werkzeug builds absolute redirects (`//` merged into `/`) from the request's `Host`;
    a relative one cannot point anywhere else. A leading `//` would be another host, so
    slashes there are merged too.
    """
    parts = urlsplit(location)
    path = "/" + (parts.path or "/").lstrip("/")
    return urlunsplit(("", "", path, parts.query, parts.fragment))


class _JSON(DefaultJSONProvider):
    """JSON in the order the engine builds it (`to_dict()`), which is the order the API documents."""

    sort_keys = False


class _App(Flask):
    """Flask without its automatic OPTIONS answers: every method but GET (and HEAD) is
    refused with 405, OPTIONS included. A class default, because Flask adds the static
    route in its constructor, before any configuration of ours applies."""

    default_config = ImmutableDict({**Flask.default_config, "PROVIDE_AUTOMATIC_OPTIONS": False})
    json_provider_class = _JSON


def create_app(config: dict[str, Any] | None = None, settings: Settings | None = None) -> Flask:
    """A configured application; `config` overrides `settings`, which default to the environment's.

    Nothing runs in the background: the first request after each rebuild of the index
    opens the new generation (about a second on 19,000 articles). `newsfacets serve`
    avoids that by calling `start_warming(app)` in each worker process; under another
    WSGI server, call it yourself once per process after it forks (a thread does not
    survive a fork), or call `app.extensions["newsfacets.searcher"].warm()` when you know
    the index was rebuilt.
    """
    app = _App(__name__)
    config = dict(config or {})
    settings = settings if settings is not None else Settings.from_environment()
    app.config.update(_settings_config(settings, config))
    app.config.update(config)
    app.extensions["newsfacets.settings"] = settings
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Form limits come from the engine's, so the browser never lets through what the server refuses.
    app.jinja_env.globals.update(MAX_QUERY_LENGTH=MAX_QUERY_LENGTH, MAX_VALUE_LENGTH=MAX_VALUE_LENGTH)
    # A Searcher opens nothing until its first search, so the server starts (and shows a clear
    # "index not built" page) before any index exists, and picks the index up once it appears.
    # One admission gate per process: each server worker holds back its own expensive queries.
    app.extensions["newsfacets.searcher"] = Searcher(app.config["INDEX_DIR"], gate=AdmissionGate())

    hosts = frozenset(app.config["ALLOWED_HOSTS"])

    @app.before_request
    def refuse_unknown_hosts():
        # The first hook (registered before any other), and before routing answers
        # anything, redirects included. A request without `Host` (HTTP/1.0) comes from
        # no browser, so no rebinding page can send it.
        header = request.environ.get("HTTP_HOST")
        if header is None or ANY_HOST in hosts or host_name(header) in hosts:
            return None
        return Response("400 Bad Request: this server does not answer to the name in the Host header. "
                        "Allow a name with --allowed-host NAME or NEWSFACETS_ALLOWED_HOSTS.\n",
                        400, mimetype="text/plain")

    @app.before_request
    def refuse_large_bodies():
        # Every route is a GET; refuse a body before anything reads it (waitress refuses
        # larger declared bodies before reading them: web.cli sets its limit from this one).
        if (request.content_length or 0) > app.config["MAX_CONTENT_LENGTH"]:
            abort(413)

    from web import api, errors, limits, pages, stories

    app.register_blueprint(api.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(stories.blueprint)  # issue 11: /stories/<id> and /api/stories/<id>
    errors.register(app)
    limits.register(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Static files are the same for everyone and may be cached; nothing else may.
        if request.endpoint != "static" or response.status_code >= 300:
            response.headers["Cache-Control"] = NO_STORE
        location = response.headers.get("Location")
        if location and urlsplit(location).netloc.lower() == request.host.lower():
            response.headers["Location"] = _relative(location)
        # errors.py renders its own 405 page; keep the Allow header Werkzeug would send.
        if response.status_code == 405 and "Allow" not in response.headers \
                and isinstance(request.routing_exception, MethodNotAllowed):
            response.headers["Allow"] = ", ".join(sorted(request.routing_exception.valid_methods or ()))
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
