"""Judged audit of the entity facets (issue 10, "How it is measured").

A fixed random sample of FA-KES rows plus every article of the bundled corpus is run
through the CURRENT extractor; every (article id, facet, value) triple it yields is
compared with the labels a person gave by reading the article:

- `tests/data/audit/labels.tsv`: article_id, facet, value, label, note. Labels are
  correct / wrong_type / wrong_referent / junk / duplicate.
- `tests/data/audit/expected.tsv`: article_id, facet, value -- for some articles, every
  value a careful reader would accept; recall is measured over these lists.

Location recall is given twice. Strict: the expected value itself is among the article's
values. Through the place tree (`recall_tree`, `found_tree`, `missed_tree` in --json), as the
product's location facet finds articles (country > division > place, search/facets.py): an expected
division or country counts as found when the article gives it or any place inside it (the division
and country each resolved place carries, as index/document.py stores them), and an expected
"Name, Country" counts as the place the extractor gave when the gazetteer files that very name
under its geonameid (an alias, not a loose spelling). A division never stands in for a town. The
default set expects a governorate wherever a town of it is named, the held-out and fresh sets only
where the article means the province, so the tree figure is the one to compare across sets.

Precision per facet = correct / labelled triples present in the current output. A current
triple with no label is reported as unlabelled and never counted as correct (after the
extractor changes, new values show up there: label them with `--label-sheet`). Labels of
values the extractor no longer produces are reported as stale and not counted.

Ids: bundled-corpus articles keep the ids the indexer gives them (read through
`index.readers`, folder `examples/corpus`). FA-KES unit_ids repeat, so FA-KES articles are
`fakes#<n>`, n being the 1-based data row of FA-KES-Dataset.csv (as the CSV reader numbers
rows). No article text is stored: only ids, values and labels.

Three sets (`--set`): `default` is the sample above (labels.tsv, expected.tsv), which the
extractor's authors looked at while changing it. `heldout` is 40 other FA-KES rows drawn with
their own seed (HELDOUT_SEED), none in the default sample and none repeating the text of a
default article (FA-KES holds the same story under several rows), labelled by a judge who did
not change the extractor (heldout_labels.tsv, heldout_expected.tsv): its figures are the honest
ones, because no rule was tuned to its articles. Its expected lists cover the 15 articles
`random.Random(HELDOUT_SEED).sample(ids in row order, 15)` picks; a place the gazetteer lacks is
spelled as the article spells it, a governorate is expected only where the article means the
province, a renamed or aliased group under its canonical value (a variant spelling standing
alone is a duplicate: the canonical value's filter misses it), and a dateline or related-link
headline yields no value.

`fresh` is drawn the same way (FRESH_SEED) once the held-out set had been read by the extractor's
authors, so it too was no longer held out: 40 rows sharing no row and no story with the default
sample or the held-out set (fresh_labels.tsv, fresh_expected.tsv), judged under the held-out rules
above; its expected lists, written from the article text before its values were looked at, cover
the 10 articles `random.Random(FRESH_SEED).sample(ids in row order, 10)` picks. `fresh2` (FRESH2_SEED, 30
rows, unseen by every earlier set) was drawn on 2026-12-06 after that day's rules, and is judged the same way,
its expected lists covering the 10 articles `random.Random(FRESH2_SEED).sample(ids in row order, 10)` picks.

    python scripts/audit_entities.py [--set default|heldout|fresh|fresh2] [--json] [--label-sheet FILE]
                                     [--show [ID ...]]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from index.article import Article  # noqa: E402
from index.document import division_value  # noqa: E402
from index.entities.model import Place  # noqa: E402
from index.entities.places import Gazetteer, name_key  # noqa: E402
from index.readers import read_file, read_paths  # noqa: E402

SHARED = Path(os.environ.get("NEWSFACETS_SHARED", REPO.parent / "shared")) / "corpus"
FAKES_CSV = SHARED / "fakes" / "FA-KES-Dataset.csv"
BUNDLED = REPO / "examples" / "corpus"
AUDIT_DIR = REPO / "tests" / "data" / "audit"
LABELS = AUDIT_DIR / "labels.tsv"
EXPECTED = AUDIT_DIR / "expected.tsv"
HELDOUT_LABELS = AUDIT_DIR / "heldout_labels.tsv"
HELDOUT_EXPECTED = AUDIT_DIR / "heldout_expected.tsv"
FRESH_LABELS = AUDIT_DIR / "fresh_labels.tsv"
FRESH_EXPECTED = AUDIT_DIR / "fresh_expected.tsv"

SEED = 10  # issue 10
FAKES_SAMPLE = 45
HELDOUT_SEED = 20261203  # the day the held-out set was drawn
HELDOUT_SAMPLE = 40
FRESH_SEED = 20261204  # drawn on 2026-12-03 afternoon, after the held-out set had been read
FRESH_SAMPLE = 40
FRESH2_SEED = 20261206  # drawn on 2026-12-06 evening, after the day's rules (written beside default and heldout)
FRESH2_SAMPLE = 30
TEXT_KEY_CHARS = 300  # FA-KES repeats a story under several rows; its opening identifies it
FACETS = ("actor", "location", "country")
LABEL_KINDS = ("correct", "wrong_type", "wrong_referent", "junk", "duplicate")
LABEL_COLUMNS = ("article_id", "facet", "value", "label", "note")
EXPECTED_COLUMNS = ("article_id", "facet", "value")


@dataclass(frozen=True)
class Sampled:
    id: str
    article: Article
    origin: str  # "fakes" | "bundled"


# ---- sample -------------------------------------------------------------------------------------
def fakes_row(article: Article) -> int:
    """The 1-based data row the CSV reader recorded in `path` (`...csv#12`)."""
    return int(str(article.path).rsplit("#", 1)[1])


def fakes_articles(fakes_csv: Path) -> dict[int, Article]:
    """Every FA-KES article by its 1-based data row."""
    if not fakes_csv.exists():
        raise FileNotFoundError(f"FA-KES not found at {fakes_csv} (set NEWSFACETS_SHARED)")
    return {fakes_row(a): a for a in read_file(fakes_csv) if isinstance(a, Article)}


def text_key(article: Article) -> str:
    """What makes two FA-KES rows the same story: the opening of the body, case and spacing aside."""
    return " ".join(article.body.lower().split())[:TEXT_KEY_CHARS]


def default_rows(rows: dict[int, Article]) -> list[int]:
    """The FA-KES rows of the default sample: FAKES_SAMPLE drawn with SEED, in row order."""
    return sorted(random.Random(SEED).sample(sorted(rows), FAKES_SAMPLE))


def load_sample(fakes_csv: Path = FAKES_CSV, bundled: Path = BUNDLED) -> list[Sampled]:
    """The default sample: its FA-KES rows, then every bundled article."""
    rows = fakes_articles(fakes_csv)
    sample = [Sampled(f"fakes#{n}", rows[n], "fakes") for n in default_rows(rows)]
    sample += [Sampled(a.id, a, "bundled") for a in read_paths([bundled]) if isinstance(a, Article)]
    return sample


def draw_unseen(rows: dict[int, Article], exclude: Iterable[int], size: int, seed: int) -> list[Sampled]:
    """`size` FA-KES rows, in row order, that share neither a row nor a story with the `exclude`d
    rows nor with each other (of a repeated story only its first row can be drawn). Each held-out
    set excludes every set drawn before it, so no article is judged in two sets."""
    taken = {text_key(rows[n]) for n in exclude}
    candidates = []
    for n in sorted(rows):
        key = text_key(rows[n])
        if key not in taken:
            taken.add(key)
            candidates.append(n)
    chosen = sorted(random.Random(seed).sample(candidates, size))
    return [Sampled(f"fakes#{n}", rows[n], "fakes") for n in chosen]


# The sets drawn after the default sample, in the order they were drawn: (seed, size). Each is drawn from the
# rows no earlier set holds, so adding a set never changes an earlier one.
UNSEEN_DRAWS = {"heldout": (HELDOUT_SEED, HELDOUT_SAMPLE), "fresh": (FRESH_SEED, FRESH_SAMPLE),
                "fresh2": (FRESH2_SEED, FRESH2_SAMPLE)}


def load_unseen(name: str, fakes_csv: Path = FAKES_CSV) -> list[Sampled]:
    """The set `name` of UNSEEN_DRAWS: its rows, unseen by the default sample and every set drawn before it."""
    rows = fakes_articles(fakes_csv)
    seen = default_rows(rows)
    for drawn_name, (seed, size) in UNSEEN_DRAWS.items():
        drawn = draw_unseen(rows, seen, size, seed)
        if drawn_name == name:
            return drawn
        seen += [fakes_row(s.article) for s in drawn]
    raise ValueError(f"no audit set {name!r}")


def load_heldout(fakes_csv: Path = FAKES_CSV) -> list[Sampled]:
    """The held-out set: HELDOUT_SAMPLE rows unseen by the default sample."""
    return load_unseen("heldout", fakes_csv)


def load_fresh(fakes_csv: Path = FAKES_CSV) -> list[Sampled]:
    """The fresh set: FRESH_SAMPLE rows unseen by the default sample and the held-out set (which
    the extractor's authors read after it was labelled, so it no longer is held out)."""
    return load_unseen("fresh", fakes_csv)


def load_fresh2(fakes_csv: Path = FAKES_CSV) -> list[Sampled]:
    """The second fresh set: FRESH2_SAMPLE rows unseen by every earlier set, drawn once the day's rules were
    written, and judged by a reader who writes no rules."""
    return load_unseen("fresh2", fakes_csv)


@dataclass(frozen=True)
class AuditSet:
    """One judged sample: how it is drawn and the files holding its labels."""
    labels: Path
    expected: Path
    seed: int
    load: Callable[[Path], list[Sampled]]  # FA-KES csv -> the sample


SETS = {
    "default": AuditSet(LABELS, EXPECTED, SEED, load_sample),
    "heldout": AuditSet(HELDOUT_LABELS, HELDOUT_EXPECTED, HELDOUT_SEED, load_heldout),
    "fresh": AuditSet(FRESH_LABELS, FRESH_EXPECTED, FRESH_SEED, load_fresh),
    "fresh2": AuditSet(AUDIT_DIR / "fresh2_labels.tsv", AUDIT_DIR / "fresh2_expected.tsv", FRESH2_SEED, load_fresh2),
}


# ---- extraction ---------------------------------------------------------------------------------
def _extract_function():
    """`extract` as the indexer calls it: with the article's date, which picks time-bound aliases."""
    from index.entities import extract

    return lambda a: extract(a.title, a.body, a.date)


def triples_of(entities) -> list[tuple[str, str]]:
    """(facet, value) pairs of one article, as the index stores them."""
    out: list[tuple[str, str]] = []
    for value in entities.actors:
        out.append(("actor", value))
    for place in entities.places:
        out.append(("location", place.value))
    for value in entities.countries:
        out.append(("country", value))
    return list(dict.fromkeys(out))


def current_places(sample: Sequence[Sampled]) -> tuple[dict[str, list[tuple[str, str]]], dict[str, tuple[Place, ...]]]:
    """Each article's (facet, value) pairs and its resolved places (with division, country and
    geonameid, as the document stores them), from one extraction."""
    run = _extract_function()
    triples: dict[str, list[tuple[str, str]]] = {}
    places: dict[str, tuple[Place, ...]] = {}
    for s in sample:
        entities = run(s.article)
        triples[s.id], places[s.id] = triples_of(entities), entities.places
    return triples, places


# ---- the place tree -----------------------------------------------------------------------------
def tree_values(places: Iterable[Place]) -> set[str]:
    """Every location value a filter on the place tree finds an article under: each place, the
    division it lies in (`division_value`, as the index stores it) and its country."""
    found: set[str] = set()
    for place in places:
        found.add(place.value)
        division = division_value(place)
        if division:
            found.add(division)
        if place.country:
            found.add(place.country)
    return found


def gazetteer_ids(gazetteer: Gazetteer) -> Callable[[str], frozenset[int]]:
    """Expected value ("Name, Country") -> the geonameids the gazetteer files under that name in that
    country (cities and villages alike): an expected spelling that is an alias of the very place the
    extractor gave names the same place, whatever the canonical name. No loose (skeleton) match."""
    def ids(value: str) -> frozenset[int]:
        name, _, country = value.rpartition(", ")
        if not name or not country:
            return frozenset()
        key = name_key(name)
        entries = [*gazetteer.index.get(key, ()), *gazetteer.villages(country, key)]
        return frozenset(e.place.geonameid for e in entries
                         if e.place.geonameid is not None and e.place.country == country)
    return ids


def found_in_tree(value: str, places: Sequence[Place], ids_of: Callable[[str], frozenset[int]]) -> bool:
    """Whether an expected location is found through the tree: the value itself, a place inside the
    expected division or country, or a place whose geonameid the expected spelling names. A
    division never stands in for a town inside it."""
    if value in tree_values(places):
        return True
    ids = ids_of(value)
    return any(p.geonameid in ids for p in places)


# ---- label files --------------------------------------------------------------------------------
def read_tsv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns {missing}")
        return [{c: (row.get(c) or "").strip() for c in columns} for row in reader]


def write_tsv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        # no quote character: notes quote the article ("Moscow said"), and read_tsv reads quotes as text
        writer = csv.writer(fh, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, escapechar="\\",
                            lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def check_labels(labels: list[dict[str, str]], expected: list[dict[str, str]], ids: set[str],
                 names: tuple[str, str] = (LABELS.name, EXPECTED.name)) -> list[str]:
    """Problems with the label files, named `names` in the messages (empty list: well-formed)."""
    labels_name, expected_name = names
    problems = []
    seen: set[tuple[str, str, str]] = set()
    for n, row in enumerate(labels, 2):
        key = (row["article_id"], row["facet"], row["value"])
        if row["label"] not in LABEL_KINDS:
            problems.append(f"{labels_name} line {n}: unknown label {row['label']!r}")
        if row["facet"] not in FACETS:
            problems.append(f"{labels_name} line {n}: unknown facet {row['facet']!r}")
        if row["article_id"] not in ids:
            problems.append(f"{labels_name} line {n}: article {row['article_id']!r} not in the sample")
        if not row["value"]:
            problems.append(f"{labels_name} line {n}: empty value")
        if key in seen:
            problems.append(f"{labels_name} line {n}: triple labelled twice")
        seen.add(key)
    seen = set()
    for n, row in enumerate(expected, 2):
        key = (row["article_id"], row["facet"], row["value"])
        if row["facet"] not in FACETS:
            problems.append(f"{expected_name} line {n}: unknown facet {row['facet']!r}")
        if row["article_id"] not in ids:
            problems.append(f"{expected_name} line {n}: article {row['article_id']!r} not in the sample")
        if key in seen:
            problems.append(f"{expected_name} line {n}: listed twice")
        seen.add(key)
    return problems


def unlabelled_rows(current: dict[str, list[tuple[str, str]]], labels: list[dict[str, str]]) -> list[tuple[str, ...]]:
    """Label-sheet rows (label and note empty) for the current triples nobody labelled yet."""
    done = {(r["article_id"], r["facet"], r["value"]) for r in labels}
    return [(aid, facet, value, "", "") for aid, pairs in current.items() for facet, value in pairs
            if (aid, facet, value) not in done]


# ---- scores -------------------------------------------------------------------------------------
def score(current: dict[str, list[tuple[str, str]]], labels: list[dict[str, str]],
          expected: list[dict[str, str]], places: dict[str, tuple[Place, ...]] | None = None,
          ids_of: Callable[[str], frozenset[int]] = lambda value: frozenset()) -> dict:
    """Precision, label counts, unlabelled and stale triples per facet; recall over the expected lists,
    by strict value and (given the articles' `places`) for locations through the tree (`found_in_tree`)."""
    label_of = {(r["article_id"], r["facet"], r["value"]): r["label"] for r in labels}
    produced = {(aid, facet, value) for aid, pairs in current.items() for facet, value in pairs}
    result: dict = {"articles": len(current), "triples": len(produced), "precision": {}, "recall": {}}
    for facet in FACETS:
        mine = {t for t in produced if t[1] == facet}
        counts = Counter(label_of[t] for t in mine if t in label_of)
        labelled = sum(counts.values())
        unlabelled = sorted(t for t in mine if t not in label_of)
        stale = sum(1 for t in label_of if t[1] == facet and t not in produced)
        result["precision"][facet] = {
            "precision": round(counts["correct"] / labelled, 4) if labelled else None,
            # every unlabelled triple counted as wrong: what precision is at worst
            "precision_lower_bound": round(counts["correct"] / len(mine), 4) if mine else None,
            "triples": len(mine),
            "labelled": labelled,
            "labels": {kind: counts[kind] for kind in LABEL_KINDS},
            "unlabelled": len(unlabelled),
            "unlabelled_share": round(len(unlabelled) / len(mine), 4) if mine else 0.0,
            "unlabelled_examples": [f"{a} | {v}" for a, _, v in unlabelled[:10]],
            "stale_labels": stale,
        }
    wanted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in expected:
        wanted[row["facet"]][row["article_id"]].add(row["value"])
    for facet in FACETS:
        if facet not in wanted:
            continue
        total = found = 0
        missed = []
        for aid, values in sorted(wanted[facet].items()):
            have = {v for f, v in current.get(aid, []) if f == facet}
            total += len(values)
            found += len(values & have)
            missed += [f"{aid} | {v}" for v in sorted(values - have)]
        result["recall"][facet] = {
            "recall": round(found / total, 4) if total else None,
            "expected": total, "found": found, "articles": len(wanted[facet]), "missed": missed,
        }
        if facet == "location" and places is not None:
            tree_missed = [f"{aid} | {v}" for aid, values in sorted(wanted[facet].items()) for v in sorted(values)
                           if not found_in_tree(v, places.get(aid, ()), ids_of)]
            tree_found = total - len(tree_missed)
            result["recall"][facet].update({
                "recall_tree": round(tree_found / total, 4) if total else None,
                "found_tree": tree_found, "missed_tree": tree_missed,
            })
    return result


def print_report(result: dict, which: str = "") -> None:
    print(f"Judged audit{which}: {result['articles']} articles, {result['triples']} current triples "
          "(P: correct / labelled triples present; P-min: unlabelled counted as wrong)")
    print(f"{'facet':<9} {'P':>6} {'P-min':>6} {'labelled':>8} " + " ".join(f"{k:>14}" for k in LABEL_KINDS)
          + f" {'unlabelled':>10} {'stale':>6}")
    for facet, p in result["precision"].items():
        prec = "-" if p["precision"] is None else f"{p['precision']:.3f}"
        low = "-" if p["precision_lower_bound"] is None else f"{p['precision_lower_bound']:.3f}"
        print(f"{facet:<9} {prec:>6} {low:>6} {p['labelled']:>8} "
              + " ".join(f"{p['labels'][k]:>14}" for k in LABEL_KINDS)
              + f" {p['unlabelled']:>5} ({p['unlabelled_share']:.0%}) {p['stale_labels']:>5}")
    for facet, r in result["recall"].items():
        rec = "-" if r["recall"] is None else f"{r['recall']:.3f}"
        print(f"recall {facet:<9} {rec} ({r['found']}/{r['expected']} over {r['articles']} articles)")
        if "recall_tree" in r:
            tree = "-" if r["recall_tree"] is None else f"{r['recall_tree']:.3f}"
            print(f"recall {facet:<9} {tree} ({r['found_tree']}/{r['expected']}) through the place tree")
    for facet, p in result["precision"].items():
        if p["unlabelled_examples"]:
            print(f"unlabelled {facet} (first {len(p['unlabelled_examples'])}): " + "; ".join(p["unlabelled_examples"]))
    for facet, r in result["recall"].items():
        if r["missed"]:
            print(f"missed {facet} ({len(r['missed'])}): " + "; ".join(r["missed"][:20]))
        if r.get("missed_tree"):
            print(f"missed {facet} through the tree ({len(r['missed_tree'])}): " + "; ".join(r["missed_tree"][:20]))


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="default", dest="audit_set",
                        help="which judged sample: default (the labels the extractor was tuned beside), "
                             "heldout (40 other FA-KES rows, labelled blind, since read by the extractor's "
                             "authors), fresh (40 rows unseen by both) or fresh2 (30 more, drawn 2026-12-06)")
    parser.add_argument("--fakes", type=Path, default=FAKES_CSV)
    parser.add_argument("--labels", type=Path, help="label file (default: the set's)")
    parser.add_argument("--expected", type=Path, help="expected-values file (default: the set's)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--label-sheet", type=Path, metavar="FILE",
                        help="write the current triples not yet labelled to FILE (TSV, label column empty)")
    parser.add_argument("--show", nargs="*", metavar="ID",
                        help="print sampled articles (all, or these ids) with their triples, for labelling; "
                             "keep the output out of the repo")
    args = parser.parse_args(list(argv) if argv is not None else None)

    chosen = SETS[args.audit_set]
    labels_path = args.labels or chosen.labels
    expected_path = args.expected or chosen.expected
    try:
        sample = chosen.load(args.fakes)
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    current, places = current_places(sample)
    labels = read_tsv(labels_path, LABEL_COLUMNS)
    expected = read_tsv(expected_path, EXPECTED_COLUMNS)

    if args.show is not None:
        wanted = set(args.show)
        for s in sample:
            if wanted and s.id not in wanted:
                continue
            print(f"===== {s.id} ({s.article.date})\nTITLE: {s.article.title}\n{s.article.body}\n-- triples:")
            for facet, value in current[s.id]:
                print(f"{s.id}\t{facet}\t{value}")
        return 0
    if args.label_sheet is not None:
        rows = unlabelled_rows(current, labels)
        write_tsv(args.label_sheet, LABEL_COLUMNS, rows)
        print(f"wrote {len(rows)} unlabelled triples to {args.label_sheet}", file=sys.stderr)
        return 0

    problems = check_labels(labels, expected, {s.id for s in sample}, (labels_path.name, expected_path.name))
    result = score(current, labels, expected, places, gazetteer_ids(Gazetteer.load()))
    result["set"] = args.audit_set
    result["sample"] = {"seed": chosen.seed, "fakes": sum(s.origin == "fakes" for s in sample),
                        "bundled": sum(s.origin == "bundled" for s in sample)}
    result["problems"] = problems
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_report(result, "" if args.audit_set == "default" else f" ({args.audit_set} set)")
        for problem in problems:
            print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
