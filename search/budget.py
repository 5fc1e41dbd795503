"""What one request may cost: a time budget checked inside the engine's loops, and a gate for expensive queries.

The query parser's limits (`search.query`: characters, terms, expansions, phrase words)
bound what a query *asks for*; these two bound what it *costs* once it runs:

- `Deadline`: a per-request time budget (CPU, with a wall-clock cap). The engine's loops (postings read term by term,
  positional phrase matching, highlighting, fuzzy lookups) call `check()`, which raises
  `SearchTimeout` once the budget is spent or the client has gone away, so an expensive
  request stops working instead of finishing for nobody. The deadline in force lives
  in a context variable (`deadline_in_force`), so the loops need no extra argument and
  a caller that sets none (the Python API, the CLI) runs unbounded, as before.
- `AdmissionGate`: expensive query classes (wildcards, fuzzy words, long phrases) take
  one of a few slots, shared by all the server's processes, before they run; cheap queries never wait for it. Under
  an attack of expensive queries, the gate keeps most of a worker's threads (and its
  share of the GIL) for everyone else; a query that cannot get a slot in time gets
  `SearchBusy` (the web answers 503 with `Retry-After`).
"""
from __future__ import annotations

import contextlib
import fcntl
import math
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from index.settings import DEFAULT_TIME_BUDGET_SECONDS  # CPU seconds per web request; see README "Limits"

WALL_FACTOR = 3.0  # a request also ends after this many times its budget of wall-clock time
GATE_POLL_SECONDS = 0.01  # how often a waiting expensive query looks for a free slot
YIELD_EVERY_CPU_SECONDS = 0.01  # an admitted expensive query sleeps this long after each such slice of CPU
PROMOTE_AFTER_CPU_SECONDS = 0.05  # a request that has used this much CPU is expensive, whatever it looked like
DEFAULT_EXPENSIVE_QUEUE = 0  # expensive queries that may wait for a slot (per process); more are refused at once
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
    """A request's budget from now: `seconds` of its own CPU, and at most WALL_FACTOR times that of wall time.

    CPU time (of the thread doing the work) is what a request costs the server, whatever
    else the machine runs: a shared or busy machine stretches the wall time of the same
    work, and a wall-clock budget alone would refuse ordinary queries exactly when the
    server is loaded. The wall cap still ends a request that waits too long (for the
    interpreter, or a searcher). `gone()` (optional) says the client has disconnected.
    """

    seconds: float
    gone: Callable[[], bool] | None = None
    started: float = field(default_factory=time.monotonic)
    cpu_started: float = field(default_factory=time.thread_time)
    _next_poll: float = 0.0

    @property
    def expires(self) -> float:
        """The wall-clock end (`time.monotonic()`), for waits."""
        return self.started + WALL_FACTOR * self.seconds

    def check(self) -> None:
        """Raise `SearchTimeout` if the budget is spent or the client has gone; cheap enough for inner loops."""
        now = time.monotonic()
        if now > self.expires or time.thread_time() - self.cpu_started > self.seconds:
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
    """`Deadline.check()` for the deadline in force, if any, and the gate's turn: the call the engine's loops make.

    Under a gate (`AdmissionGate.admit`), a request that has used more than
    PROMOTE_AFTER_CPU_SECONDS of CPU takes a slot here, whatever its query looked like
    (`SearchBusy` when none comes free), and a request holding a slot gives way: after
    each YIELD_EVERY_CPU_SECONDS of its own CPU it sleeps as long, so it takes at most
    about half a core and cheap requests keep theirs (sleeping costs none of its budget).
    """
    deadline = deadline_in_force.get()
    if deadline is not None:
        deadline.check()
    ticket = _admission.get()
    if ticket is not None:
        ticket.turn()


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

    The slots are lock files (`flock`), so one gate created before `newsfacets serve` forks
    its workers is shared by all of them: the limit is for the machine, not per process.
    That matters on few cores: one expensive query per worker on a 2-core machine is both
    cores, and cheap queries then wait for the CPU however free the threads are. The
    default is one slot per two cores (at least one), leaving the rest for everyone else.
    `slots=0` admits everything (`AdmissionGate.open()`).

    Refusing at once beyond the queue (counted per process) matters as much as the slots:
    a thread that waits is a server thread a cheap query cannot use, so only a few may wait.
    """

    def __init__(self, slots: int | None = None, queue: int = DEFAULT_EXPENSIVE_QUEUE,
                 wait: float = DEFAULT_EXPENSIVE_WAIT_SECONDS) -> None:
        slots = max(1, (os.cpu_count() or 1) // 2) if slots is None else slots
        if slots < 0 or queue < 0 or wait < 0:
            raise ValueError("the gate's slots, queue and wait must not be negative")
        self.slots, self.queue, self.wait = slots, queue, wait
        self._lock = threading.Lock()
        self._waiting = 0
        self._paths: list[str] = []
        if slots:
            directory = tempfile.mkdtemp(prefix="newsfacets-gate-")
            self._paths = [os.path.join(directory, f"slot-{n}") for n in range(slots)]
            for path in self._paths:
                open(path, "w").close()
            # Removed when the process that made it ends (forked workers leave with os._exit).
            weakref.finalize(self, shutil.rmtree, directory, True)

    @classmethod
    def open(cls) -> AdmissionGate:
        """A gate that admits everything (`slots=0`): for callers that are not a shared server."""
        return cls(slots=0)

    def _try_slot(self) -> int | None:
        """An open, locked slot file's descriptor, or None when every slot is held."""
        for path in self._paths:
            fd = os.open(path, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                os.close(fd)
        return None

    @contextlib.contextmanager
    def admit(self, expensive: bool) -> Iterator[None]:
        """Run the block under the gate: after taking a slot if `expensive`, else at once (see `check`).

        Nested blocks share the outer one's admission; an expensive inner block (the
        fuzzy retry of a plain query) takes the slot then, if the outer one has none.
        """
        ticket = _admission.get()
        if self.slots == 0 or (ticket is not None and ticket.gate is not self):
            yield
            return
        if ticket is not None:
            if expensive:
                ticket.take()
            yield
            return
        ticket = _Ticket(self)
        token = _admission.set(ticket)
        try:
            if expensive:
                ticket.take()
            yield
        finally:
            _admission.reset(token)
            ticket.release()

    def acquire(self) -> int:
        """A held slot (a locked descriptor), waiting as the queue allows; `SearchBusy` when none comes free."""
        fd = self._try_slot()
        if fd is not None:
            return fd
        with self._lock:
            if self._waiting >= self.queue:
                raise self._busy()
            self._waiting += 1
        try:
            until = time.monotonic() + self.wait
            while fd is None and time.monotonic() < until:
                time.sleep(GATE_POLL_SECONDS)
                fd = self._try_slot()
        finally:
            with self._lock:
                self._waiting -= 1
        if fd is None:
            raise self._busy()
        return fd

    def refusal(self) -> SearchBusy | None:
        """The `SearchBusy` an expensive query would get now (every slot held and no place to wait), else None.

        For the server's door (`web.dispatch`): it repeats the gate's answer without
        running the app. Only a look (a free slot is locked and released at once, so a
        query asking in that instant is refused as if it were held); nothing is kept.
        """
        if not self.slots:
            return None
        with self._lock:
            if self._waiting < self.queue:
                return None
        fd = self._try_slot()
        if fd is None:
            return self._busy()
        os.close(fd)
        return None

    def _busy(self) -> SearchBusy:
        return SearchBusy("the server is busy with other expensive searches (wildcards, fuzzy words, long phrases): "
                          "try again in a moment, or search with plain words", retry_after=max(1, math.ceil(self.wait)))


class _Ticket:
    """One request's admission: its slot once it has one, and when it last gave way."""

    def __init__(self, gate: AdmissionGate) -> None:
        self.gate = gate
        self.fd: int | None = None
        self.cpu_started = self.yielded_at = time.thread_time()

    def take(self) -> None:
        if self.fd is None:
            self.fd = self.gate.acquire()
            self.yielded_at = time.thread_time()

    def turn(self) -> None:
        now = time.thread_time()
        if self.fd is None:
            if now - self.cpu_started > PROMOTE_AFTER_CPU_SECONDS:
                self.take()
        elif now - self.yielded_at >= YIELD_EVERY_CPU_SECONDS:
            time.sleep(YIELD_EVERY_CPU_SECONDS)
            self.yielded_at = time.thread_time()

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases its lock
            self.fd = None


_admission: ContextVar[_Ticket | None] = ContextVar("newsfacets_admission", default=None)


__all__ = [
    "AdmissionGate", "Deadline", "SearchBusy", "SearchTimeout", "check", "within", "deadline_in_force",
    "DEFAULT_TIME_BUDGET_SECONDS",
]
