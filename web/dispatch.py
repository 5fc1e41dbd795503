"""Waitress's side of admission control: cheap requests first; a request known to be costly, refused at the door.

Two things cost a worker under an attack of expensive queries even though the admission
gate (`search.budget.AdmissionGate`) refuses them at once:

- **Order.** Every waitress thread is busy and requests wait in its task queue, first
  come first served, so a plain search waits behind every queued wildcard request.
  `CheapFirstDispatcher` puts a request whose query has no wildcard, fuzzy word or phrase
  (the expensive classes, told from the URL alone, `looks_expensive`) ahead of those that
  do, after the cheap ones already waiting, so cheap requests keep their arrival order.
- **Going through the app to be refused.** A refusal from the gate still costs a thread
  and a few milliseconds of the interpreter in Flask (measured on Reuters-21578 under 20
  hostile clients: 3 to 6 ms for each 503), and a request that looks cheap but is not (30
  misspelt words: 50 ms of spelling suggestions each time, answered 200 without its fuzzy
  retry) costs all of that every time it comes back. So `RememberCostly`, around the app,
  notes each request target (path and query string, as sent) that the app refused for its
  cost (503 with `Retry-After`: busy, or over the time budget) or that cost more CPU than
  the gate lets a request use without a slot (`search.budget.PROMOTE_AFTER_CPU_SECONDS`);
  twice in a row makes it known, and running cheaply once forgets it. While the gate would
  refuse an expensive query, such a target is answered 503 by waitress itself
  (`DoorRefusal`): no Flask, no search, the gate's own line and `Retry-After`.
  Known-costly targets also queue behind cheap ones.

What the door refuses is what the gate refuses (an expensive query, while every slot is
held), judged by what the same request cost last time rather than by its first 50 ms.

waitress takes a dispatcher through `create_server(_dispatcher=...)`; this subclasses its
`ThreadedTaskDispatcher` (waitress 3.x: the queued task is the channel, whose first
request is the one to serve; a request with `error` set is answered by waitress's
`ErrorTask` from that error, which also closes the connection).
"""
from __future__ import annotations

import html
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from waitress.task import ThreadedTaskDispatcher
from waitress.utilities import Error

from search.budget import PROMOTE_AFTER_CPU_SECONDS, SearchBusy
from web.errors import BUSY_HINT

# Characters that mark a wildcard, a fuzzy word or a phrase in a query string.
_EXPENSIVE_MARKS = ("*", "~", '"')
# How long a costly request target is remembered, and how many are (the oldest go first).
REMEMBER_SECONDS = 60.0
REMEMBER_TARGETS = 4096
COSTLY_RUNS = 2  # costly runs in a row before a target is known to be costly (see `CostlyRecently`)


def looks_expensive(query_string: str) -> bool:
    """Whether a request's query string may hold an expensive query class (a guess that only orders the queue)."""
    text = unquote_plus(query_string or "")
    return any(mark in text for mark in _EXPENSIVE_MARKS)


class CostlyRecently:
    """Request targets (path and query string, as sent) known to be costly, each for `seconds` after it last was.

    Known means costly on `runs` runs in a row: one costly run can be the worker's, not
    the request's (the first request of a fresh worker or index generation may open and
    build what later ones reuse; measured on Reuters-21578: a 5 ms plain search cost
    0.48 s once), and a plain search must not be refused for that. Bounded in size, so an
    attacker varying its queries only pushes out the oldest.
    """

    def __init__(self, seconds: float = REMEMBER_SECONDS, size: int = REMEMBER_TARGETS, runs: int = COSTLY_RUNS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.size, self.runs, self._clock = seconds, size, runs, clock
        self._seen: OrderedDict[str, tuple[int, float]] = OrderedDict()  # target -> (costly runs in a row, until)
        self._lock = threading.Lock()

    def add(self, target: str) -> None:
        """One more costly run of `target`."""
        with self._lock:
            runs, until = self._seen.pop(target, (0, 0.0))
            now = self._clock()
            self._seen[target] = (runs + 1 if until >= now else 1, now + self.seconds)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)

    def discard(self, target: str) -> None:
        """`target` ran cheaply: it is not known to be costly any more."""
        with self._lock:
            self._seen.pop(target, None)

    def __contains__(self, target: object) -> bool:
        if not isinstance(target, str):
            return False
        with self._lock:
            runs, until = self._seen.get(target, (0, 0.0))
            if until and until < self._clock():
                del self._seen[target]
                return False
            return runs >= self.runs


class RememberCostly:
    """WSGI middleware: notes in `costly` each target the app refused for cost or that cost over `cpu_seconds`.

    Refused for cost is a 503 with `Retry-After` (busy, over the time budget); a 503
    without it (no index yet, an unreadable one) says nothing about the request. CPU is
    the serving thread's own (`time.thread_time`), so a loaded machine does not make a
    cheap request look costly. A target that runs cheaply is forgotten.
    """

    def __init__(self, app: Callable[..., Any], costly: CostlyRecently,
                 cpu_seconds: float = PROMOTE_AFTER_CPU_SECONDS) -> None:
        self.app, self.costly, self.cpu_seconds = app, costly, cpu_seconds

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        refused = False

        def noting(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal refused
            refused = status.startswith("503") and any(name.lower() == "retry-after" for name, _ in headers)
            return start_response(status, headers, exc_info)

        target = environ.get("REQUEST_URI", "")
        started = time.thread_time()
        try:
            return self.app(environ, noting)
        finally:
            if refused or time.thread_time() - started > self.cpu_seconds:
                self.costly.add(target)
            else:
                self.costly.discard(target)


class DoorRefusal(Error):
    """The gate's 503, written by waitress without the app: JSON under /api/, a one-line page elsewhere.

    With `Retry-After`, `Cache-Control: no-store`, `nosniff` and a CSP that allows nothing, as the app's own refusals;
    waitress closes the connection after it.
    """

    code = 503
    reason = "Service Unavailable"

    def __init__(self, busy: SearchBusy, api: bool) -> None:
        super().__init__(str(busy))
        self.retry_after, self.api = busy.retry_after, api

    def to_response(self, ident: str | None = None) -> tuple[str, list[tuple[str, str]], bytes]:
        if self.api:
            content_type = "application/json"
            body = json.dumps({"error": self.body, "status": self.code, "hint": BUSY_HINT})
        else:
            content_type = "text/html; charset=utf-8"
            body = (f"<!doctype html><title>Search is unavailable</title><h1>Search is unavailable</h1>"
                    f"<p>{html.escape(self.body)}</p><p>{html.escape(BUSY_HINT)}</p>")
        headers = [("Content-Type", content_type), ("Retry-After", str(self.retry_after)),
                   ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                   ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")]
        return f"{self.code} {self.reason}", headers, body.encode("utf-8")


class CheapFirstDispatcher(ThreadedTaskDispatcher):
    """`ThreadedTaskDispatcher` that orders cheap requests first and refuses known-costly ones at the door.

    `costly` is filled by `RememberCostly` around the app; `busy` says what the gate
    would answer an expensive query now (`AdmissionGate.refusal`). Without `busy` the
    dispatcher only orders the queue (see the module).
    """

    def __init__(self, costly: CostlyRecently | None = None,
                 busy: Callable[[], SearchBusy | None] | None = None) -> None:
        super().__init__()
        self.costly = costly if costly is not None else CostlyRecently()
        self.busy = busy

    def _is_cheap(self, task: object) -> bool:
        requests = getattr(task, "requests", None)
        request = requests[0] if requests else None
        if request is None or getattr(request, "error", None) is not None:
            return True  # waitress answers it from the error: no app, no search
        return not looks_expensive(getattr(request, "query", "") or "") \
            and getattr(request, "request_uri", None) not in self.costly

    def _refuse_at_the_door(self, task: object) -> None:
        """Set a `DoorRefusal` on the task's request if its target is known costly and the gate would refuse it."""
        requests = getattr(task, "requests", None)
        request = requests[0] if requests else None
        if self.busy is None or request is None or getattr(request, "error", None) is not None \
                or getattr(request, "request_uri", None) not in self.costly:
            return
        busy = self.busy()
        if busy is not None:
            request.error = DoorRefusal(busy, api=(getattr(request, "path", "") or "").startswith("/api/"))

    def add_task(self, task) -> None:
        self._refuse_at_the_door(task)
        if not self._is_cheap(task):
            super().add_task(task)
            return
        with self.lock:
            position = 0
            for waiting in self.queue:  # the queue is short: at most a few per connection
                if not self._is_cheap(waiting):
                    break
                position += 1
            self.queue.insert(position, task)
            self.queue_cv.notify()
