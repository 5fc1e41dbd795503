"""Every failure becomes a clear answer: JSON under /api/, an HTML page elsewhere.

Users see one line saying what went wrong and what to do; never a traceback.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from index.store import IndexMissing, IndexProblem
from search import QueryError
from search.budget import SearchBusy, SearchTimeout
from web.params import ParamError

log = logging.getLogger(__name__)

BUSY_HINT = "Narrow the search, or try again in a moment."  # with every 503 for cost (also `web.dispatch`'s)

_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    500: "Something went wrong",
    503: "Search is unavailable",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, hint: str | None = None):
    """The JSON or HTML answer for an error, by where the request went."""
    if wants_json():
        body = {"error": message, "status": status}
        if hint:
            body["hint"] = hint
        return jsonify(body), status
    page = render_template("error.html", status=status, title=_TITLES.get(status, "Error"), message=message, hint=hint)
    return page, status


def register(app: Flask) -> None:
    @app.errorhandler(ParamError)
    def bad_parameter(error: ParamError):
        return error_response(400, str(error))

    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return error_response(400, str(error), "Check quotes and brackets, or search with plain words.")

    @app.errorhandler(SearchTimeout)
    @app.errorhandler(SearchBusy)
    def over_budget(error: SearchTimeout | SearchBusy):
        response, status = error_response(503, str(error), BUSY_HINT)
        response = make_response(response, status)
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(IndexProblem)
    def index_problem(error: IndexProblem):
        if isinstance(error, IndexMissing):
            return error_response(503, "The search index has not been built yet.",
                                  "Build it with: newsfacets index PATH --index DIR")
        log.error("index problem: %s", error)
        return error_response(503, "The search index is unreadable.",
                              "Rebuild it with: newsfacets index PATH --index DIR")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            404: "There is no page at this address.",
            405: f"{request.method} is not allowed here; use GET.",
            413: "The request is too large.",
        }
        status = error.code or 500
        return error_response(status, messages.get(status, error.description or "Bad request"))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error on %s", request.path)
        return error_response(500, "An unexpected error occurred; it has been logged.")
