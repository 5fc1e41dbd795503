"""`newsfacets serve`: the web UI and JSON API on waitress, a production WSGI server.

Python runs one thread at a time per process, so one process uses one core however
many threads it has. `serve` therefore binds the socket once and forks `--workers`
processes (default: one per core) that each run waitress on it, with their own
`Searcher`; the kernel spreads connections across them. Each worker (threads do not
survive a fork, so after it) warms every new index generation in a background thread
(`web.start_warming`), so after a rebuild no request waits for it to open.

The parent only supervises. It restarts a worker that dies, after a pause that doubles
with each worker that dies soon after starting, and gives up, with the worker's one-line
reason and exit status 1, when that happens `START_FAILURES` times in a row: a worker
that cannot start will not start the next time either. On SIGTERM or Ctrl+C every
worker stops accepting connections, finishes the requests it has begun receiving
(within `--drain-seconds`), and exits.
"""
from __future__ import annotations

import argparse
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from index.processes import die_with_parent
from index.settings import Settings

THREADS = 8
# Waitress is asynchronous, so idle and half-sent connections cost a socket, not a thread;
# allow many, and drop idle ones sooner than its 120 s default (slow-loris clients).
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_SECONDS = 30
BACKLOG = 1024
SWITCH_INTERVAL_SECONDS = 0.001
REQUEST_LOOKAHEAD = 2  # requests waitress may read ahead on one connection (needed to see a hang-up)
# How long a stopping worker waits for requests it has begun to receive or answer.
DRAIN_SECONDS = 10.0
# How long after DRAIN_SECONDS the parent waits before it kills a worker still draining.
KILL_GRACE_SECONDS = 5.0
# Restarts: a worker that dies within STEADY_SECONDS of its start failed to start. The
# pause before the next start doubles from FIRST_RESTART_DELAY up to MAX_RESTART_DELAY;
# START_FAILURES such deaths in a row stop `serve` (about 4 s after the first).
STEADY_SECONDS = 10.0
FIRST_RESTART_DELAY = 0.25
MAX_RESTART_DELAY = 8.0
START_FAILURES = 5
POLL_SECONDS = 0.2
EXIT_CANNOT_START = 1
_REASON_BYTES = 1000  # well under PIPE_BUF, so one worker's line is written whole


class CannotStart(Exception):
    """This process cannot serve; the message is the one-line reason shown to the user."""


@dataclass(frozen=True)
class ServeOptions:
    """Everything a worker needs, decided once in the parent from flags and environment."""

    index_dir: str
    threads: int = THREADS
    allowed_hosts: tuple[str, ...] | None = None  # None: loopback, the bind address and $NEWSFACETS_ALLOWED_HOSTS
    drain_seconds: float = DRAIN_SECONDS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    parser.add_argument("--index", default=None, metavar="DIR",
                        help="index directory (default: $NEWSFACETS_INDEX or var/index)")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"threads per worker process (default: {THREADS})")
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: one per core)")
    parser.add_argument("--allowed-host", action="append", dest="allowed_hosts", default=None, metavar="NAME",
                        help="a name clients may use in the Host header, besides localhost, 127.0.0.1, [::1] and "
                             "--host (repeatable; default: $NEWSFACETS_ALLOWED_HOSTS, comma-separated; "
                             "'*' allows any name)")
    parser.add_argument("--drain-seconds", type=float, default=DRAIN_SECONDS, metavar="SECONDS",
                        help=f"on SIGTERM, how long to let requests in flight finish (default: {DRAIN_SECONDS:g})")


def make_server(host: str, port: int, index_dir: str, threads: int = THREADS,
                sockets: list[socket.socket] | None = None, *, warm: bool = False,
                allowed_hosts: Sequence[str] | None = None, app: Any = None):
    """A waitress server for the app, bound but not yet serving (port 0 picks a free one).

    `warm` also starts the thread that opens each new index generation before a request
    needs it (`web.start_warming`): only in the process that will serve, after any fork.
    `allowed_hosts` defaults to `web.allowed_hosts` for `host`; `app`, to a new one.
    Waitress refuses a declared body larger than the app's `MAX_CONTENT_LENGTH` before
    reading any of it (413), so no large upload is ever spooled to disk.
    """
    from waitress.server import create_server

    from web import allowed_hosts as default_hosts
    from web import create_app, start_warming
    from web.dispatch import CheapFirstDispatcher, CostlyRecently, RememberCostly
    from web.params import MAX_REQUEST_HEADER_SIZE

    if app is None:
        hosts = tuple(allowed_hosts) if allowed_hosts is not None else default_hosts(bind_host=host)
        app = create_app({"INDEX_DIR": index_dir, "ALLOWED_HOSTS": hosts})
    if warm:
        start_warming(app)
    listen = {"sockets": sockets} if sockets else {"host": host, "port": port}
    threads = max(threads, THREADS)
    # Plain searches ahead of queued wildcard ones, and requests known to be costly refused
    # at the door while the gate is full, without the app (`web.dispatch`).
    gate = getattr(app.extensions.get("newsfacets.searcher"), "gate", None)
    costly = CostlyRecently()
    dispatcher = CheapFirstDispatcher(costly, busy=gate.refusal if gate is not None else None)
    dispatcher.set_thread_count(threads)
    return create_server(RememberCostly(app, costly), threads=threads, _dispatcher=dispatcher,
                         max_request_header_size=MAX_REQUEST_HEADER_SIZE, ident="newsfacets",
                         # waitress refuses a Content-Length >= this; the app allows up to its limit.
                         max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1,
                         # Lets waitress notice a client that hangs up mid-request, so its search stops
                         # (`waitress.client_disconnected`, polled by the request's deadline in `web.limits`).
                         channel_request_lookahead=REQUEST_LOOKAHEAD,
                         clear_untrusted_proxy_headers=True, connection_limit=CONNECTION_LIMIT,
                         channel_timeout=CHANNEL_TIMEOUT_SECONDS, backlog=BACKLOG, **listen)


def _check_index_readable(index_dir: str) -> None:
    """Refuse to serve an index directory this user may not read.

    A missing index is fine (pages say "not built yet" until one appears), and so is a
    damaged one (503 until it is rebuilt); but no rebuild fixes a directory the server's
    user cannot open, so that is a deployment error, reported at start.
    """
    try:
        with os.scandir(index_dir):
            pass
    except (FileNotFoundError, NotADirectoryError):
        return
    except PermissionError:
        raise CannotStart(f"cannot read the index directory {index_dir}: permission denied for this user") from None


def _start(listener: socket.socket, app: Any, options: ServeOptions):
    """The worker's waitress server on `listener`, or `CannotStart` with the reason."""
    try:
        _check_index_readable(options.index_dir)
        return make_server("", 0, options.index_dir, options.threads, sockets=[listener], warm=True, app=app)
    except CannotStart:
        raise
    except Exception as error:  # noqa: BLE001 - whatever it is, the user needs its one line
        raise CannotStart(f"{type(error).__name__}: {error}") from error


def _serve_until_stopped(server: Any, drain_seconds: float, stop_signals: Sequence[signal.Signals]) -> None:
    """Run `server` until one of `stop_signals` arrives, then drain it (see `_drain`)."""
    from waitress import wasyncore

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    for signum in stop_signals:
        signal.signal(signum, stop)
    while not stopping:  # server.run(), checking the flag between polls
        wasyncore.loop(timeout=POLL_SECONDS, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)
    _drain(server, drain_seconds)


def _drain(server: Any, seconds: float) -> None:
    """Stop accepting, let begun requests finish within `seconds`, then close everything.

    A request is in flight from its first byte until its answer is flushed: the client
    has started it, so it gets its answer. Idle keep-alive connections are closed at once.
    """
    from waitress import wasyncore

    wasyncore.dispatcher.close(server)  # this process's copy of the listening socket: accept no more
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        busy = False
        for channel in list(server.active_channels.values()):
            if channel.requests or channel.total_outbufs_len or channel.request is not None:
                busy = True
            else:
                channel.will_close = True  # closed by the loop, as waitress closes timed-out channels
        if not busy:
            break
        wasyncore.loop(timeout=0.05, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)
    wasyncore.loop(timeout=0.05, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)  # close idle ones
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=max(0.0, deadline - time.monotonic()))
    wasyncore.close_all(server._map)


def _worker(listener: socket.socket, app: Any, options: ServeOptions, reasons: int, parent: int) -> NoReturn:
    """A forked worker: serve until SIGTERM, or write why it cannot to `reasons` and exit 1."""
    status = 0
    try:
        die_with_parent(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # until the server runs, stopping is instant
        # Hand the interpreter lock over more often than Python's 5 ms: a request that runs
        # for a second (an expensive query) then delays a cheap one by less at each turn.
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        try:
            server = _start(listener, app, options)
        except CannotStart as error:
            line = " ".join(str(error).split())[:_REASON_BYTES]
            os.write(reasons, f"{os.getpid()} {line}\n".encode("utf-8", "replace"))
            status = EXIT_CANNOT_START
        else:
            _serve_until_stopped(server, options.drain_seconds, (signal.SIGTERM,))
    except BaseException:  # noqa: BLE001 - a worker must never return into the parent's code
        status = 1
    finally:
        os._exit(status)


def _fork_worker(listener: socket.socket, app: Any, options: ServeOptions, reasons: tuple[int, int]) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(reasons[0])
        _worker(listener, app, options, reasons[1], parent)
    return pid


def _read_reasons(fd: int, into: dict[int, str]) -> None:
    """Collect the `pid reason` lines workers wrote on failing to start."""
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return
    for line in data.decode("utf-8", "replace").splitlines():
        pid, _, reason = line.partition(" ")
        if pid.isdigit():
            into[int(pid)] = reason


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"status {os.waitstatus_to_exitcode(status)}"


def _stop_workers(children: dict[int, float], wait_seconds: float) -> None:
    """SIGTERM every worker, give them `wait_seconds` to drain, then SIGKILL what is left."""
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait_seconds
    while children:
        for pid in list(children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                del children[pid]
        if not children:
            break
        if time.monotonic() >= deadline:
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            break
        time.sleep(0.05)


def _supervise(listener: socket.socket, app: Any, options: ServeOptions, workers: int) -> int:
    """Keep `workers` processes serving until Ctrl+C or SIGTERM; 1 if they cannot start."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    reasons = os.pipe()
    os.set_blocking(reasons[0], False)
    children: dict[int, float] = {}  # pid -> when it started
    due: list[float] = []  # when to start each replacement
    said: dict[int, str] = {}
    failures = 0
    gave_up: str | None = None

    def start() -> None:
        children[_fork_worker(listener, app, options, reasons)] = time.monotonic()

    try:
        for _ in range(workers):
            start()
        while not stopping and gave_up is None:
            readable, _, _ = select.select([reasons[0]], [], [], POLL_SECONDS)
            if readable:
                _read_reasons(reasons[0], said)
            while gave_up is None:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if not pid:
                    break
                _read_reasons(reasons[0], said)
                started = children.pop(pid, time.monotonic())
                reason = said.pop(pid, None) or f"worker exited ({_describe(status)})"
                failures = failures + 1 if time.monotonic() - started < STEADY_SECONDS else 1
                if failures >= START_FAILURES:
                    gave_up = reason
                    break
                delay = min(FIRST_RESTART_DELAY * 2 ** (failures - 1), MAX_RESTART_DELAY)
                print(f"newsfacets serve: worker {pid} stopped: {reason}; starting another in {delay:.2g} s",
                      file=sys.stderr, flush=True)
                due.append(time.monotonic() + delay)
            for when in [when for when in due if when <= time.monotonic()]:
                if stopping or gave_up is not None:
                    break
                due.remove(when)
                start()
            if failures and children and all(time.monotonic() - t >= STEADY_SECONDS for t in children.values()):
                failures = 0  # every worker has stayed up: the next death is a new story
    finally:
        _stop_workers(children, options.drain_seconds + KILL_GRACE_SECONDS)
        os.close(reasons[0])
        os.close(reasons[1])
    if gave_up is not None:
        print(f"newsfacets serve: workers cannot start ({START_FAILURES} in a row): {gave_up}",
              file=sys.stderr, flush=True)
        return EXIT_CANNOT_START
    return 0


def _serve_here(listener: socket.socket, app: Any, options: ServeOptions) -> int:
    """One worker: serve in this process (no supervisor), draining on SIGTERM or Ctrl+C."""
    try:
        server = _start(listener, app, options)
    except CannotStart as error:
        print(f"newsfacets serve: cannot start: {error}", file=sys.stderr, flush=True)
        return EXIT_CANNOT_START
    _serve_until_stopped(server, options.drain_seconds, (signal.SIGTERM, signal.SIGINT))
    return 0


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_arguments(args)
    except ValueError as error:
        print(f"newsfacets serve: bad setting: {error}", file=sys.stderr)
        return 2
    index_dir = str(settings.index_dir)
    workers = args.workers or os.cpu_count() or 1
    if workers < 1 or args.threads < 1:
        print("newsfacets serve: --workers and --threads must be at least 1", file=sys.stderr)
        return 2
    if args.drain_seconds < 0:
        print("newsfacets serve: --drain-seconds cannot be negative", file=sys.stderr)
        return 2
    # Every setting is read here, once, in the parent: a bad one stops `serve` with one
    # line before any worker forks, and the workers share one app (and its imports).
    try:
        from web import allowed_hosts, create_app

        hosts = allowed_hosts(settings.allowed_hosts, bind_host=args.host)
        app = create_app({"INDEX_DIR": index_dir, "ALLOWED_HOSTS": hosts}, settings=settings)
    except ValueError as error:
        print(f"newsfacets serve: bad setting: {error}", file=sys.stderr)
        return 2
    options = ServeOptions(index_dir, args.threads, hosts, args.drain_seconds)
    try:
        listener = socket.create_server((args.host, args.port), backlog=BACKLOG)
    except OSError as error:
        print(f"newsfacets serve: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    port = listener.getsockname()[1]
    shown = "*" if "*" in hosts else ", ".join(hosts)
    print(f"newsfacets: serving index {Path(index_dir)} on http://{args.host}:{port}/ with {workers} worker(s), "
          f"answering to Host {shown} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        if workers == 1:
            return _serve_here(listener, app, options)
        return _supervise(listener, app, options, workers)
    finally:
        listener.close()
