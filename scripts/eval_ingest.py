"""Article-body fidelity of HTML ingest (issue 9, "How it is measured").

Every page in `tests/data/ingest/pages/` has a hand-made gold body in
`tests/data/ingest/gold/<name>.txt` (and its date, authors and language in
`gold/meta.json`). The pages are indexed with the real indexer (`build_index`) and
read back with `search.Searcher.article()`, exactly what a user sees; trafilatura is
run alone on the same pages as the baseline.

Body F1 is the usual measure for article extraction: precision and recall of the
extracted body's word 4-gram shingles against the gold body's (counted as multisets),
F1 per page, averaged over pages. "Dated" is the fraction of pages that state a date
whose extracted date equals the gold one.

    python scripts/eval_ingest.py [--pages DIR] [--json]

Four sets, each a `pages/` folder beside its `gold/`: the development pages (the default),
`tests/data/ingest/heldout/pages`, `tests/data/ingest/fresh/pages` and `tests/data/ingest/blind/pages`
(held out: written with their gold bodies before the rules were run on them; see the fresh and
blind sets' READMEs).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import trafilatura

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from index.build import build_index  # noqa: E402
from search import Searcher  # noqa: E402

DEFAULT_PAGES = REPO_ROOT / "tests" / "data" / "ingest" / "pages"
SHINGLE = 4
_WORD = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Word 4-grams of `text`, case-folded; a text shorter than that is one shingle."""
    words = [w.casefold() for w in _WORD.findall(text or "")]
    if len(words) < SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def body_f1(extracted: str, gold: str) -> float:
    """Shingle F1 of one extracted body against its gold body (1.0 when both are empty)."""
    got, want = shingles(extracted), shingles(gold)
    if not got and not want:
        return 1.0
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class PageScore:
    page: str
    ours_f1: float
    trafilatura_f1: float
    gold_date: str | None
    ours_date: str | None
    trafilatura_date: str | None


def _trafilatura_alone(markup: bytes) -> tuple[str, str | None]:
    """Body and date from trafilatura with its defaults (comments left out, as we do).

    It gets the page's bytes, as `trafilatura.fetch_url` hands them on in real use, so it
    decodes them itself (UTF-8, else its charset detection); decoding them for it as UTF-8
    first turned every legacy-charset page into replacement characters and scored it 0.
    """
    document = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False)
    if document is None:
        return "", None
    return document.text or "", document.date


def evaluate(pages: Path) -> list[PageScore]:
    """Score every page of `pages` (gold beside it in ../gold) for us and for trafilatura."""
    gold_dir = pages.parent / "gold"
    meta = json.loads((gold_dir / "meta.json").read_text(encoding="utf-8"))
    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        report = build_index([pages], Path(tmp) / "ix", workers=1)
        for skipped in report.skipped:
            print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
        with Searcher(Path(tmp) / "ix") as searcher:
            for page in sorted(pages.glob("*.html")):
                gold = (gold_dir / f"{page.stem}.txt").read_text(encoding="utf-8")
                article = searcher.article(page.stem) or {}
                theirs, their_date = _trafilatura_alone(page.read_bytes())
                scores.append(PageScore(
                    page.stem, body_f1(article.get("body", ""), gold), body_f1(theirs, gold),
                    meta[page.stem]["date"], article.get("date"), their_date,
                ))
    return scores


def summary(scores: list[PageScore]) -> dict[str, float]:
    """Mean F1 for each side and the dated fraction over pages that state a date."""
    dated = [s for s in scores if s.gold_date]
    n = len(scores)
    return {
        "pages": n,
        "ours_f1": sum(s.ours_f1 for s in scores) / n,
        "trafilatura_f1": sum(s.trafilatura_f1 for s in scores) / n,
        "ours_dated": sum(s.ours_date == s.gold_date for s in dated) / len(dated),
        "trafilatura_dated": sum(s.trafilatura_date == s.gold_date for s in dated) / len(dated),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of .html pages (gold in ../gold)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    scores = evaluate(args.pages)
    totals = summary(scores)
    if args.json:
        print(json.dumps({"pages": [asdict(s) for s in scores], "summary": totals}, indent=2, ensure_ascii=False))
        return 0
    print(f"{'page':34} {'ours':>6} {'traf':>6}  date gold / ours / trafilatura")
    for s in scores:
        dates = f"{s.gold_date} / {s.ours_date} / {s.trafilatura_date}"
        print(f"{s.page:34} {s.ours_f1:6.3f} {s.trafilatura_f1:6.3f}  {dates}")
    print(f"{'mean body F1':34} {totals['ours_f1']:6.3f} {totals['trafilatura_f1']:6.3f}")
    print(f"{'dated (pages stating a date)':34} {totals['ours_dated']:6.3f} {totals['trafilatura_dated']:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
