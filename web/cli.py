"""`newsfacets serve`: the web UI and JSON API on waitress, a production WSGI server."""
from __future__ import annotations

import argparse
import sys

from index.store import default_index_dir

THREADS = 8
# Largest request line and headers accepted; long enough for 20 filters per facet.
MAX_REQUEST_HEADER_SIZE = 64 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    parser.add_argument("--index", default=None, metavar="DIR",
                        help="index directory (default: $NEWSFACETS_INDEX or var/index)")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"worker threads (default: {THREADS})")


def make_server(host: str, port: int, index_dir: str, threads: int = THREADS):
    """A waitress server for the app, bound but not yet serving (port 0 picks a free one)."""
    from waitress.server import create_server

    from web import create_app

    app = create_app({"INDEX_DIR": index_dir})
    return create_server(app, host=host, port=port, threads=max(threads, THREADS),
                         max_request_header_size=MAX_REQUEST_HEADER_SIZE, ident="newsfacets",
                         clear_untrusted_proxy_headers=True)


def run(args: argparse.Namespace) -> int:
    index_dir = str(args.index or default_index_dir())
    try:
        server = make_server(args.host, args.port, index_dir, args.threads)
    except OSError as error:
        print(f"newsfacets serve: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"newsfacets: serving index {index_dir} on http://{args.host}:{server.effective_port}/ (Ctrl+C to stop)",
          file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0
