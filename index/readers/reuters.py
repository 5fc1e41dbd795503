"""The Reuters-21578 SGML collection as Articles with gold PLACES/PEOPLE/ORGS labels.

Evaluation and benchmarks read the original `.sgm` files directly through this one
parser, and `scripts/import_reuters21578.py` converts them to JSONL with it, so both
see identical articles. Files are decoded as latin-1 (every byte is valid) and
streamed story by story, so memory stays at one story.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from index.article import Article
from index.dates import parse_date
from index.readers._base import ReadError, build_article, open_binary

_END = "</REUTERS>"
_NEWID = re.compile(r'<REUTERS\b[^>]*\bNEWID="(\d+)"', re.I)
_GOLD_TAGS = {"places": "PLACES", "people": "PEOPLE", "orgs": "ORGS"}
_D = re.compile(r"<D>(.*?)</D>", re.S)
_SIGNATURE = re.compile(r"(?:\s*\bReuter\b)+\s*$", re.I)  # some stories are signed twice
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _element(story: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", story, re.S)
    return match.group(1) if match else None


def _clean(sgml: str) -> str:
    """Entity-decoded text without the collection's control characters (&#2; &#3; ...)."""
    return _CONTROL.sub("", html.unescape(sgml))


def _unwrap(body: str) -> str:
    """Join the wire's hard-wrapped lines into paragraphs (an indented line starts a new one).

    Left wrapped, a name split across a line break ("Saudi\nArabia") reads as two names.
    """
    paragraphs: list[list[str]] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if not paragraphs or line[:1].isspace():
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(lines) for lines in paragraphs)


def _story(story: str, path: str) -> Article | None:
    newid = _NEWID.search(story)
    body = _element(story, "BODY")
    if newid is None or body is None:
        return None
    body = _unwrap(_SIGNATURE.sub("", _clean(body)).strip())
    if not body:
        return None
    dateline = " ".join(_clean(_element(story, "DATELINE") or "").split())
    if dateline:  # as printed in the wire story: "SALVADOR, Feb 26 - Showers continued..."
        body = f"{dateline} {body}"
    gold = {
        key: [_clean(d).strip() for d in _D.findall(_element(story, tag) or "") if d.strip()]
        for key, tag in _GOLD_TAGS.items()
    }
    article = build_article(
        id=f"reuters-{newid.group(1)}",
        title=" ".join(_clean(_element(story, "TITLE") or "").split()),
        body=body,
        date=parse_date(_clean(_element(story, "DATE") or "")),
        source="Reuters",
        path=path,
        gold=gold,
    )
    return article if isinstance(article, Article) else None


def iter_reuters_sgml(path: str | Path) -> Iterator[Article]:
    """Every story with a non-empty BODY in one `.sgm` file, in file order.

    Ids are `reuters-<NEWID>`; `gold` has `places`, `people` and `orgs` lists; the
    trailing " Reuter" signature is removed and the DATELINE kept at the body's start.
    Raises `ReadError` (one-line reason) if the file cannot be opened.
    """
    path = Path(path)
    with open_binary(path) as fh:
        pending = ""
        while True:
            chunk = fh.read(1 << 20).decode("latin-1")
            pending += chunk
            stories = pending.split(_END)
            pending = stories.pop()  # incomplete tail waits for the next chunk
            for story in stories:
                article = _story(story, str(path))
                if article is not None:
                    yield article
            if not chunk:
                break
            if len(pending) > 64 * 2**20:
                raise ReadError(f"{path}: not Reuters SGML (no {_END} in 64 MB)")
