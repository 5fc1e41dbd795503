"""Per-request cost limits: every request runs under a time budget, stopped early if its client goes away.

The engine checks the deadline in force inside its loops (`search.budget`); this module
sets one for each request, `TIME_BUDGET_SECONDS` long (configuration: `NEWSFACETS_TIME_BUDGET`,
default `search.budget.DEFAULT_TIME_BUDGET_SECONDS`), with waitress's `client_disconnected`
(when the server offers it) as the sign that nobody is waiting for the answer any more.
`web.errors` turns `SearchTimeout` and `SearchBusy` into a 503 with `Retry-After`.
"""
from __future__ import annotations

from contextvars import Token

from flask import Flask, current_app, g, request

from search.budget import Deadline, deadline_in_force


def register(app: Flask) -> None:
    @app.before_request
    def start_deadline() -> None:
        seconds = float(current_app.config["TIME_BUDGET_SECONDS"])
        if seconds > 0:
            gone = request.environ.get("waitress.client_disconnected")
            g.newsfacets_deadline = deadline_in_force.set(Deadline(seconds, gone))

    @app.teardown_request
    def end_deadline(_error: BaseException | None) -> None:
        token: Token | None = g.pop("newsfacets_deadline", None)
        if token is not None:
            deadline_in_force.reset(token)
