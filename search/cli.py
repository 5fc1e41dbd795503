"""`newsfacets search`: the search engine from the shell.

Prints a readable listing (title, date, source, snippet with the matches emphasised,
then the facets), or with `--json` exactly the JSON the HTTP API returns.
Exit codes: 0 answered (even with no hits); 2 a query or argument we refuse, or a
search over its `--time-budget`; 1 no usable index. Errors are one line on stderr.

Unlike the web, the command sets no time budget by default: the person waiting is the
one who asked, the query's parser limits already bound what it may ask for (README
"Limits"), and Ctrl+C stops it. `--time-budget` is for scripts on a shared machine that
would rather have a clear refusal than a slow answer.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path

from index.schema import FACET_FIELDS
from index.settings import Settings
from index.store import IndexProblem
from search.budget import Deadline, SearchTimeout, within
from search.query import QueryError
from search.results import RELAXED_NOTICE, SearchResult
from search.searcher import SORTS, Searcher

EXIT_OK, EXIT_NO_INDEX, EXIT_BAD_QUERY = 0, 1, 2
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAG = re.compile(r"<[^>]*>")
# Control characters (ANSI escapes included) an article might carry into the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BOLD, RESET = "\x1b[1m", "\x1b[0m"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default="",
                        help="query (see README: Query syntax); empty browses everything")
    for facet in FACET_FIELDS:
        parser.add_argument(f"--{facet}", action="append", default=[], metavar="V",
                            help=f"only articles with this {facet}; repeat for several (OR)")
    for facet in FACET_FIELDS:
        parser.add_argument(f"--not-{facet}", dest=f"not_{facet}", action="append", default=[], metavar="V",
                            help=f"leave out articles with this {facet}; repeatable")
    parser.add_argument("--from", dest="date_from", metavar="DATE",
                        help="published on or after: YYYY, YYYY-MM or YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="DATE",
                        help="published on or before (--to 2020 includes all of 2020)")
    parser.add_argument("--sort", choices=SORTS, default="relevance")
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--facet-size", type=int, default=10)
    parser.add_argument("--index", type=Path, default=None,
                        help="index directory (default: $NEWSFACETS_INDEX or var/index)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON (as the HTTP API does)")
    parser.add_argument("--no-collapse", action="store_true",
                        help="show every article, not one hit per story (see README: Stories)")
    parser.add_argument("--time-budget", type=_seconds, default=0.0, metavar="SECONDS",
                        help="stop a search that uses more CPU than this, with an error (default: 0, no limit)")


def _seconds(text: str) -> float:
    """A budget in seconds for argparse: a finite number, 0 or more (0: no budget)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or a positive number of seconds, not {text!r}")
    return seconds


def terminal_text(markup: str, tty: bool) -> str:
    """Safe HTML from the engine -> terminal text: <mark> as bold on a tty, *word* otherwise."""
    def emphasise(match: re.Match[str]) -> str:
        inner = match.group(1)
        return f"{BOLD}{_plain(inner)}{RESET}" if tty else f"*{_plain(inner)}*"

    parts = []
    position = 0
    for match in _MARK.finditer(markup):
        parts.append(_plain(markup[position : match.start()]))
        parts.append(emphasise(match))
        position = match.end()
    parts.append(_plain(markup[position:]))
    return "".join(parts)


def _plain(markup: str) -> str:
    return _CONTROL.sub("", html.unescape(_TAG.sub("", markup)))


def render(result: SearchResult, tty: bool) -> str:
    """The listing a person reads in a terminal."""
    lines = []
    shown = f" for {result.query!r}" if result.query else ""
    lines.append(f"{result.total} result{'s' if result.total != 1 else ''}{shown} ({result.took_ms:.1f} ms)")
    if result.collapse == "story" and result.articles not in (None, result.total):
        lines.append(f"{result.total} stor{'y' if result.total == 1 else 'ies'}, {result.articles} articles "
                     "(one hit per story; --no-collapse shows every article)")
    if result.suggestion:
        lines.append(f"Did you mean: {_plain(result.suggestion)}")
    if result.relaxed:
        lines.append(RELAXED_NOTICE)
    if result.fuzzy:
        lines.append("Nothing matched as typed; showing close spellings.")
    first = (result.page - 1) * result.per_page
    for n, hit in enumerate(result.hits, start=first + 1):
        lines.append("")
        lines.append(f"{n}. {terminal_text(hit.title_html, tty) or '(untitled)'}")
        meta = [hit.date or "undated"] + [_plain(v) for v in (hit.source, hit.url) if v]
        lines.append("   " + " · ".join(meta))
        if hit.versions > 1:
            outlets = ", ".join(_plain(o) for o in hit.outlets)
            listed = f": {outlets}" if outlets else ""
            lines.append(f"   {hit.versions} versions{listed} (newsfacets story {hit.story})")
        if hit.snippet:
            lines.append("   " + terminal_text(hit.snippet, tty))
        lines.append(f"   id: {_plain(hit.id)}")
    if not result.hits and result.total:
        lines.append(f"\n(no hits on page {result.page})")
    pages = -(-result.total // result.per_page)
    if pages > 1:
        lines.append(f"\nPage {result.page} of {pages}")
    facet_lines = [
        f"  {name}: " + ", ".join(f"{_plain(v['value'])} ({v['count']})" for v in values)
        for name, values in result.facets.items() if values
    ]
    if facet_lines:
        lines.append("\nFacets:")
        lines.extend(facet_lines)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    index_dir = Settings.from_arguments(args).index_dir
    keywords = {facet: args.__dict__[facet] for facet in FACET_FIELDS}
    keywords.update({f"not_{facet}": args.__dict__[f"not_{facet}"] for facet in FACET_FIELDS})
    try:
        with Searcher(index_dir) as searcher:
            deadline = None
            if args.time_budget > 0:
                searcher.warm()  # the budget is for the search, not for opening the index (about 1 s on Reuters)
                deadline = Deadline(args.time_budget)
            with within(deadline):
                result = searcher.search(
                    args.query, date_from=args.date_from, date_to=args.date_to, sort=args.sort, page=args.page,
                    per_page=args.per_page, facet_size=args.facet_size,
                    collapse="none" if args.no_collapse else "story", **keywords,
                )
    except (QueryError, SearchTimeout) as error:
        print(f"newsfacets search: {error}", file=sys.stderr)
        return EXIT_BAD_QUERY
    except IndexProblem as error:
        print(f"newsfacets search: {error}", file=sys.stderr)
        return EXIT_NO_INDEX
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(result, sys.stdout.isatty()))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsfacets search", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
