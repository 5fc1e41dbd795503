"""Reuters-21578 as benchmark input: exported as JSONL (a folder of articles, as users have)
and indexed once, then reused across benchmark runs."""
from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from index.build import BuildReport, build_index
from index.readers import iter_reuters_sgml
from index.store import current_generation

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SGML = REPO.parent / "shared" / "corpus" / "reuters21578"
DEFAULT_INDEX = REPO / "var" / "bench" / "reuters-index"


def export_jsonl(sgml_dir: Path, out: Path, limit: int | None = None) -> int:
    """Write the stories with a body as JSONL, without their gold labels; returns the count."""
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for sgm in sorted(sgml_dir.glob("reut2-*.sgm")):
            for article in iter_reuters_sgml(sgm):
                record = asdict(article)
                record.pop("gold", None)  # gold labels never reach the indexer
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
                if limit and count >= limit:
                    return count
    return count


def build(sgml_dir: Path, index_dir: Path, workers: int | None = None, limit: int | None = None) -> tuple[int, BuildReport]:
    """Index Reuters-21578 into `index_dir`; returns (stories exported, build report)."""
    with tempfile.TemporaryDirectory(prefix="newsfacets-bench-") as tmp:
        corpus = Path(tmp) / "reuters.jsonl"
        stories = export_jsonl(sgml_dir, corpus, limit)
        return stories, build_index([corpus], index_dir, workers=workers)


def ensure_index(index_dir: Path, sgml_dir: Path, program: str) -> bool:
    """Build the benchmark index unless one exists; False (with a message) when it cannot."""
    if current_generation(index_dir) is not None:
        return True
    if not sgml_dir.is_dir():
        print(f"{program}: no index at {index_dir} and no Reuters-21578 at {sgml_dir}", file=sys.stderr)
        return False
    started = time.perf_counter()
    _, report = build(sgml_dir, index_dir)
    print(f"built {report.indexed} articles in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return True
