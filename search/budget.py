"""What one request may cost: a time budget checked inside the engine's loops, and a gate for expensive queries.

The query parser's limits (`search.query`: characters, terms, expansions, phrase words)
bound what a query *asks for*; these two bound what it *costs* once it runs:

- `Deadline`: a per-request time budget. The engine's loops (postings read term by term,
  positional phrase matching, highlighting, fuzzy lookups) call `check()`, which raises
  `SearchTimeout` once the budget is spent or the client has gone away, so an expensive
  request stops working instead of finishing for nobody. The deadline in force lives
  in a context variable (`deadline_in_force`), so the loops need no extra argument and
  a caller that sets none (the Python API, the CLI) runs unbounded, as before.
- `AdmissionGate`: expensive query classes (wildcards, fuzzy words, long phrases) take
  one of a few slots per process before they run; cheap queries never wait for it. Under
  an attack of expensive queries, the gate keeps most of a worker's threads (and its
  share of the GIL) for everyone else; a query that cannot get a slot in time gets
  `SearchBusy` (the web answers 503 with `Retry-After`).
"""
from __future__ import annotations

import contextlib
import math
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Callable, Iterator

DEFAULT_TIME_BUDGET_SECONDS = 2.0  # per web request; see README "Limits"
DEFAULT_EXPENSIVE_SLOTS = 1  # expensive queries running at once, per process
DEFAULT_EXPENSIVE_QUEUE = 2  # expensive queries that may wait for a slot; more are refused at once
DEFAULT_EXPENSIVE_WAIT_SECONDS = 1.0  # how long one may wait
DISCONNECT_POLL_SECONDS = 0.05  # how often `check()` asks whether the client is still there


class SearchTimeout(Exception):
    """The request spent its time budget (or its client went away); the message is one line for the user."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SearchBusy(Exception):
    """Too many expensive queries are running; try again shortly."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Deadline:
    """A time budget from now; `gone()` (optional) says the client has disconnected."""

    seconds: float
    gone: Callable[[], bool] | None = None
    started: float = field(default_factory=time.monotonic)
    _next_poll: float = 0.0

    @property
    def expires(self) -> float:
        return self.started + self.seconds

    def check(self) -> None:
        """Raise `SearchTimeout` if the budget is spent or the client has gone; cheap enough for inner loops."""
        now = time.monotonic()
        if now > self.expires:
            raise SearchTimeout(
                f"the search took longer than its {self.seconds:g} s budget: narrow the query "
                "(fewer wildcards or fuzzy words, shorter phrases, or a filter)",
                retry_after=max(1, math.ceil(self.seconds)))
        if self.gone is not None and now >= self._next_poll:
            self._next_poll = now + DISCONNECT_POLL_SECONDS
            if self.gone():
                raise SearchTimeout("the client disconnected")


deadline_in_force: ContextVar[Deadline | None] = ContextVar("newsfacets_deadline", default=None)


def check() -> None:
    """`Deadline.check()` for the deadline in force, if any: the call the engine's loops make."""
    deadline = deadline_in_force.get()
    if deadline is not None:
        deadline.check()


@contextlib.contextmanager
def within(deadline: Deadline | None) -> Iterator[None]:
    """Run the block under `deadline` (None: no budget)."""
    token = deadline_in_force.set(deadline)
    try:
        yield
    finally:
        deadline_in_force.reset(token)


class AdmissionGate:
    """At most `slots` expensive queries at once, `queue` more waiting up to `wait` seconds; others refused.

    `slots=0` admits everything (`AdmissionGate.open()`).

    Refusing at once beyond the queue matters as much as the slots: a thread that waits
    is a server thread a cheap query cannot use, so only a few may wait.
    """

    def __init__(self, slots: int = DEFAULT_EXPENSIVE_SLOTS, queue: int = DEFAULT_EXPENSIVE_QUEUE,
                 wait: float = DEFAULT_EXPENSIVE_WAIT_SECONDS) -> None:
        if slots < 0 or queue < 0 or wait < 0:
            raise ValueError("the gate's slots, queue and wait must not be negative")
        self.slots, self.queue, self.wait = slots, queue, wait
        self._semaphore = threading.BoundedSemaphore(max(slots, 1))
        self._lock = threading.Lock()
        self._waiting = 0

    @classmethod
    def open(cls) -> AdmissionGate:
        """A gate that admits everything (`slots=0`): for callers that are not a shared server."""
        return cls(slots=0)

    @contextlib.contextmanager
    def admit(self, expensive: bool) -> Iterator[None]:
        """Hold a slot for the block if `expensive`; raise `SearchBusy` when none comes free in time."""
        if not expensive or self.slots == 0:
            yield
            return
        if not self._semaphore.acquire(blocking=False):
            with self._lock:
                if self._waiting >= self.queue:
                    raise SearchBusy(self._busy_message(), retry_after=max(1, math.ceil(self.wait)))
                self._waiting += 1
            try:
                admitted = self._semaphore.acquire(timeout=self.wait)
            finally:
                with self._lock:
                    self._waiting -= 1
            if not admitted:
                raise SearchBusy(self._busy_message(), retry_after=max(1, math.ceil(self.wait)))
        try:
            yield
        finally:
            self._semaphore.release()

    def _busy_message(self) -> str:
        return ("the server is busy with other expensive searches (wildcards, fuzzy words, long phrases): "
                "try again in a moment, or search with plain words")


__all__ = [
    "AdmissionGate", "Deadline", "SearchBusy", "SearchTimeout", "check", "within", "deadline_in_force",
    "DEFAULT_TIME_BUDGET_SECONDS",
]
