#!/usr/bin/env python3
"""Convert the Reuters-21578 SGML files to JSONL that `newsfacets` can index.

Usage: import_reuters21578.py SGM_DIR OUT.jsonl [--limit N]

One JSON object per story with a non-empty BODY: id `reuters-<NEWID>`, title, body
(dateline first, " Reuter" signature removed), ISO date, source "Reuters", and the
gold labels as `gold_places`, `gold_people`, `gold_orgs` lists, which the JSONL
reader puts back into `Article.gold`. Parsing lives in `index.readers` so that
evaluation reads the SGML identically. The output is written to a temporary file
and renamed at the end, so a failed run never leaves a half-written OUT.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.article import Article  # noqa: E402
from index.readers import iter_reuters_sgml  # noqa: E402
from index.readers._base import ReadError  # noqa: E402


def _record(article: Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "date": article.date,
        "source": article.source,
        **{f"gold_{key}": values for key, values in article.gold.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reuters-21578 SGML -> JSONL")
    parser.add_argument("sgm_dir", type=Path, help="folder holding reut2-*.sgm")
    parser.add_argument("out", type=Path, help="JSONL file to write")
    parser.add_argument("--limit", type=int, default=None, help="stop after N stories")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 0:
        parser.error("--limit must be >= 0")
    files = sorted(args.sgm_dir.glob("*.sgm")) if args.sgm_dir.is_dir() else []
    if not files:
        print(f"error: no .sgm files in {args.sgm_dir}", file=sys.stderr)
        return 2
    out_dir = args.out.resolve().parent
    if not out_dir.is_dir():
        print(f"error: output folder {out_dir} does not exist", file=sys.stderr)
        return 2
    written = 0
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{args.out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for sgm in files:
                if args.limit is not None and written >= args.limit:
                    break
                for article in iter_reuters_sgml(sgm):
                    if args.limit is not None and written >= args.limit:
                        break
                    out.write(json.dumps(_record(article), ensure_ascii=False) + "\n")
                    written += 1
        os.replace(tmp, args.out)
    except (OSError, ReadError) as exc:
        os.unlink(tmp)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        os.unlink(tmp)
        raise
    print(f"wrote {written} stories from {len(files)} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
