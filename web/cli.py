"""`newsfacets serve`: the web UI and JSON API on waitress, a production WSGI server.

Python runs one thread at a time per process, so one process uses one core however
many threads it has. `serve` therefore binds the socket once and forks `--workers`
processes (default: one per core) that each run waitress on it, with their own
`Searcher`; the kernel spreads connections across them. Each worker (threads do not
survive a fork, so after it) warms every new index generation in a background thread
(`web.start_warming`), so after a rebuild no request waits for it to open. The parent
only supervises: it restarts a worker that dies and stops them all on Ctrl+C or SIGTERM.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import sys

from index.processes import die_with_parent
from index.store import default_index_dir

THREADS = 8
# Largest request line and headers accepted; long enough for 20 filters per facet.
MAX_REQUEST_HEADER_SIZE = 64 * 1024
# Waitress is asynchronous, so idle and half-sent connections cost a socket, not a thread;
# allow many, and drop idle ones sooner than its 120 s default (slow-loris clients).
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_SECONDS = 30
BACKLOG = 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    parser.add_argument("--index", default=None, metavar="DIR",
                        help="index directory (default: $NEWSFACETS_INDEX or var/index)")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"threads per worker process (default: {THREADS})")
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: one per core)")


def make_server(host: str, port: int, index_dir: str, threads: int = THREADS, sockets: list[socket.socket] | None = None,
                *, warm: bool = False):
    """A waitress server for the app, bound but not yet serving (port 0 picks a free one).

    `warm` also starts the thread that opens each new index generation before a request
    needs it (`web.start_warming`): only in the process that will serve, after any fork.
    """
    from waitress.server import create_server

    from web import create_app, start_warming

    app = create_app({"INDEX_DIR": index_dir})
    if warm:
        start_warming(app)
    listen = {"sockets": sockets} if sockets else {"host": host, "port": port}
    return create_server(app, threads=max(threads, THREADS),
                         max_request_header_size=MAX_REQUEST_HEADER_SIZE, ident="newsfacets",
                         clear_untrusted_proxy_headers=True, connection_limit=CONNECTION_LIMIT,
                         channel_timeout=CHANNEL_TIMEOUT_SECONDS, backlog=BACKLOG, **listen)


def _serve(listener: socket.socket, index_dir: str, threads: int) -> None:
    """Serve on `listener` in this process until stopped, warming each new index generation in the background."""
    server = make_server("", 0, index_dir, threads, sockets=[listener], warm=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _fork_worker(listener: socket.socket, index_dir: str, threads: int) -> int:
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            die_with_parent()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
            _serve(listener, index_dir, threads)
        except BaseException:  # noqa: BLE001 - a worker must never return into the parent's code
            status = 1
        finally:
            os._exit(status)
    return pid


def _supervise(listener: socket.socket, index_dir: str, threads: int, workers: int) -> None:
    """Keep `workers` processes serving until Ctrl+C or SIGTERM."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    children = {_fork_worker(listener, index_dir, threads) for _ in range(workers)}
    try:
        while children:
            pid, status = os.wait()
            children.discard(pid)
            if not stopping:
                print(f"newsfacets serve: worker {pid} exited (status {status}); starting another", file=sys.stderr)
                children.add(_fork_worker(listener, index_dir, threads))
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def run(args: argparse.Namespace) -> int:
    index_dir = str(args.index or default_index_dir())
    workers = args.workers or os.cpu_count() or 1
    if workers < 1 or args.threads < 1:
        print("newsfacets serve: --workers and --threads must be at least 1", file=sys.stderr)
        return 2
    try:
        listener = socket.create_server((args.host, args.port), backlog=BACKLOG)
    except OSError as error:
        print(f"newsfacets serve: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    port = listener.getsockname()[1]
    print(f"newsfacets: serving index {index_dir} on http://{args.host}:{port}/ with {workers} worker(s) "
          "(Ctrl+C to stop)", file=sys.stderr, flush=True)
    if workers == 1:
        _serve(listener, index_dir, args.threads)
    else:
        _supervise(listener, index_dir, args.threads, workers)
    listener.close()
    return 0
