#!/usr/bin/env python3
"""Index Reuters-21578 end to end and write articles/s, time per stage, memory and size.

The SGML is first converted to JSONL (untimed: it stands for "a folder of articles");
the timed part is exactly what `newsfacets index` does: read, extract, analyse, write,
publish. Stage times for extract/analyse are summed over worker processes, so they can
exceed the wall time.

`--pages N` instead times web pages (section "Pages"): N Reuters stories are set into
the chrome of real news sites (cookie banner, navigation, JSON-LD, share bar, related
links, comments, footer), written untimed once as a folder of `.html` files and once as
one `.warc.gz`, and each is indexed in full. Then `--profile` pages are taken through
the same steps in this one process, one after another, to say where a page's CPU time
goes (reading: trafilatura, htmldate, our HTML reader, language detection; then entity
extraction, analysis, writing) and what that allows on this machine's cores.
"""
from __future__ import annotations

import argparse
import cProfile
import html
import io
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from report import machine, publish  # noqa: E402
from reuters import DEFAULT_SGML, build  # noqa: E402

from index.article import Article  # noqa: E402
from index.build import BuildReport, build_index  # noqa: E402
from index.readers import Unit, iter_reuters_sgml, read_unit  # noqa: E402

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Bench Courier</title>
<meta property="og:site_name" content="Bench Courier"><meta property="og:title" content="{title}">
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{title}","datePublished":"{date}",
"author":{{"@type":"Person","name":"Staff Reporter"}}}}</script><script>var ads = [];</script></head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience. By continuing you accept our cookie policy.</p>
<button>Accept all</button></div><nav><a href="/">Home</a> | <a href="/world">World</a> | \
<a href="/business">Business</a></nav>
<main><article><h1>{title}</h1><p class="byline">By Staff Reporter | {date}</p>
<div class="share">Share on Facebook Twitter Email</div>{paragraphs}
<div class="related"><h3>Related</h3><ul><li><a href="#">Markets close higher</a></li>\
<li><a href="#">Oil steady</a></li></ul></div>
</article><section class="comments"><h3>Comments (2)</h3><p>First!</p>\
<p>Great article, thanks for sharing it with us.</p></section></main>
<aside><h3>Most read</h3><ol><li>One</li><li>Two</li></ol></aside>\
<footer>&copy; Bench Courier. All rights reserved.</footer>
</body></html>"""


def write_pages(sgml_dir: Path, folder: Path, warc: Path, count: int) -> int:
    """The first `count` Reuters stories as HTML pages, in `folder` and in one WARC; returns how many."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir(parents=True)
    written = 0
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for sgm in sorted(sgml_dir.glob("reut2-*.sgm")):
            for article in iter_reuters_sgml(sgm):
                paragraphs = "".join(f"<p>{html.escape(' '.join(p.split()))}</p>"
                                     for p in article.body.split("\n\n") if p.strip())
                page = PAGE.format(title=html.escape(article.title), date=article.date or "", paragraphs=paragraphs)
                data = page.encode("utf-8")
                (folder / f"{article.id}.html").write_bytes(data)
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                           protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(f"https://bench.example/{article.id}", "response",
                                                              payload=io.BytesIO(data), http_headers=headers))
                written += 1
                if written >= count:
                    return written
    return written


# Where parsing time goes, by function: (label, module path fragment, function name).
# Cumulative times, so a function's callees count in it; "trafilatura" is its body
# extraction including the backup extractors it compares against (readability, jusText).
_PARSE_PARTS = (
    ("parsing the page into one lxml tree (shared by all below)", "index/readers/html.py", "_tree"),
    ("trafilatura body extraction (bare_extraction)", "trafilatura/core.py", "bare_extraction"),
    ("  of which backup extractors (readability, jusText)", "trafilatura/external.py", "compare_extraction"),
    ("trafilatura metadata and htmldate (pages that state no date)", "trafilatura/metadata.py", "extract_metadata"),
    ("our metadata reading (JSON-LD, meta, time, microdata)", "index/readers/html.py", "_collect"),
    ("our element-based body (when trafilatura's is empty or one paragraph)", "index/readers/html.py", "_our_body"),
    ("news rules on the body (furniture, header zone, bylines)", "index/readers/text.py", "clean_news_body"),
    ("language detection (py3langid)", "py3langid/langid.py", "classify"),
)


def _cumulative(stats: pstats.Stats, fragment: str, name: str) -> float:
    return sum(entry[3] for (path, _line, function), entry in stats.stats.items()  # type: ignore[attr-defined]
               if function == name and fragment in path)


def profile_pages(folder: Path, count: int) -> tuple[list[tuple[str, float]], float]:
    """CPU milliseconds per page for each step, one process, no other work: (rows, total)."""
    from whoosh import index as whoosh_index

    from index.document import to_document
    from index.entities.extractor import default_extractor
    from index.schema import index_schema
    from index.segments import SegmentBuilder  # the writer each worker process uses

    units = [Unit(path, folder) for path in sorted(folder.glob("*.html"))[:count]]
    extractor = default_extractor()
    read_unit(units[0])  # imports and first-use caches out of the timing
    started = time.process_time()
    articles = [item for unit in units for item in read_unit(unit) if isinstance(item, Article)]
    reading = time.process_time() - started
    profiler = cProfile.Profile()
    profiler.enable()
    for unit in units:
        read_unit(unit)
    profiler.disable()
    stats = pstats.Stats(profiler)
    profiled = _cumulative(stats, "index/readers/__init__.py", "read_unit")
    started = time.process_time()
    entities = [extractor.extract(a.title, a.body, a.date) for a in articles]
    extracting = time.process_time() - started
    started = time.process_time()
    documents = [to_document(article, found) for article, found in zip(articles, entities, strict=True)]
    analysing = time.process_time() - started
    with tempfile.TemporaryDirectory(prefix="newsfacets-bench-profile-") as tmp:
        writer = SegmentBuilder(whoosh_index.create_in(tmp, index_schema()), _lk=False)
        started = time.process_time()
        for document in documents:
            writer.add_document(**document)
        writer._finalize_segment()  # noqa: SLF001 - what a worker does at the end, without the parent's commit
        writing = time.process_time() - started
    per_page = 1000 / len(articles)
    rows = [("reading a page (all of the below and the rest of the reader)", reading * per_page)]
    rows += [(label, reading * per_page * _cumulative(stats, fragment, name) / profiled)
             for label, fragment, name in _PARSE_PARTS]
    rows += [("entity extraction", extracting * per_page), ("analysis (tokens, stems, fields)", analysing * per_page),
             ("writing (Whoosh postings, the segment finished as a worker does)", writing * per_page)]
    return rows, (reading + extracting + analysing + writing) * per_page


def pages_section(sgml_dir: Path, count: int, workers: int | None, profile: int) -> str:
    """Index the same pages as a folder of HTML files and as one WARC; the "Pages" section."""
    rows = []
    cores = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="newsfacets-bench-pages-") as tmp:
        pages = write_pages(sgml_dir, Path(tmp) / "html", Path(tmp) / "crawl.warc.gz", count)
        for label, source in (("folder of .html files", Path(tmp) / "html"),
                              ("one .warc.gz", Path(tmp) / "crawl.warc.gz")):
            before = os.times()
            report: BuildReport = build_index([source], Path(tmp) / f"index-{source.name}", workers=workers)
            after = os.times()
            # CPU of this process and of its reaped children (workers, parsers): all of the build's.
            cpu = sum(getattr(after, part) - getattr(before, part)
                      for part in ("user", "system", "children_user", "children_system"))
            rate = report.indexed / report.seconds
            rows.append(f"| {label} | {report.indexed} | {report.seconds:.1f} s | **{rate:.0f} pages/s** "
                        f"| {1000 * cpu / report.indexed:.1f} ms | {report.stages['parse']:.1f} s |")
        load = os.getloadavg()
        steps, total = profile_pages(Path(tmp) / "html", profile)
    profile_rows = "\n".join(f"| {label} | {ms:.1f} ms |" for label, ms in steps)
    return f"""
`python benchmarks/bench_index.py --pages {count}` on {machine()}.

{pages} Reuters-21578 stories set into news-site chrome (cookie banner, navigation, JSON-LD,
share bar, related links, comments, footer); {cores} worker processes; full build (parse with
trafilatura -> extract entities -> analyse -> write -> publish). Target >= 100 pages/s.

| input | pages indexed | wall time | throughput | CPU per page, all processes | parent waiting on parsing |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Load average when the runs ended: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1, 5, 15 minutes). On a
shared machine the wall time measures our share of it; CPU per page (every process of the
build, the parent's included) depends far less on the others' load, though shared caches
still raise it under load.

Both inputs are parsed in worker processes as many as the indexing workers: HTML files 64
a task (`index.readers.FILES_PER_UNIT`), the WARC in windows of 64 pages that each task
reads from its byte offset (`index.readers.read_unit`). The parent only walks the paths,
applies the duplicate and unchanged rules and hands out batches; "parent waiting on
parsing" is the time it spent waiting for parsed articles.

Where a page's CPU time goes ({profile} of the pages, one after another in one process;
parts of reading from cProfile, as shares of the unprofiled reading time):

| step | CPU per page |
| --- | --- |
{profile_rows}
| **all steps** | **{total:.1f} ms** |

At {total:.1f} ms of CPU per page, {cores} cores can index at most {cores * 1000 / total:.0f} pages/s
before any hand-over between processes.
"""


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reuters", type=Path, default=DEFAULT_SGML)
    parser.add_argument("--limit", type=int, default=None, help="index only the first N stories")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-write", action="store_true", help="print figures, leave docs/BENCHMARKS.md alone")
    parser.add_argument("--pages", type=int, default=None, metavar="N", help="time N web pages instead (section Pages)")
    parser.add_argument("--profile", type=int, default=300, metavar="N",
                        help="pages profiled step by step (with --pages)")
    args = parser.parse_args()
    if not args.reuters.is_dir():
        print(f"error: Reuters-21578 not found at {args.reuters}", file=sys.stderr)
        return 1
    if args.pages:
        publish("Pages", pages_section(args.reuters, args.pages, args.workers, args.profile), write=not args.no_write)
        return 0
    with tempfile.TemporaryDirectory(prefix="newsfacets-bench-") as tmp:
        stories, report = build(args.reuters, Path(tmp) / "index", workers=args.workers, limit=args.limit)
        size = directory_size(report.generation)
    peak_mib = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) / 1024
    rate = report.indexed / report.seconds
    workers = args.workers or os.cpu_count()
    stages = "\n".join(f"| {name} | {seconds:.1f} s |" for name, seconds in report.stages.items())
    body = f"""
`python benchmarks/bench_index.py` on {machine()}.

Reuters-21578, {stories} stories with a body, as JSONL; {workers} worker processes; full build
(read -> extract entities -> analyse -> write -> publish).

| measure | value |
| --- | --- |
| articles indexed | {report.indexed} (skipped {len(report.skipped)}) |
| wall time | {report.seconds:.1f} s |
| **throughput** | **{rate:.0f} articles/s** (target >= 300) |
| peak memory (largest process) | {peak_mib:.0f} MiB |
| index size | {size / 2**20:.1f} MiB |

Time per stage (extract and analyse summed over workers, so they may exceed wall time):

| stage | time |
| --- | --- |
{stages}
"""
    publish("Indexing", body, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
