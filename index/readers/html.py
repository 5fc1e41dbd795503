"""HTML articles: text and metadata from the markup, with the stdlib parser.

Pages put their reliable metadata in `<meta>`/`<link>`/`<time>` tags, which beat any
guess from visible text, so those come first. Page chrome (script, style, nav,
footer, aside, forms) is dropped by element, and when the page marks its story with
`<article>` (or `<main>`) only that part becomes the body. The remaining text then
goes through the same furniture rules as plain text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from index.dates import parse_date
from index.readers.text import ParsedPage, clean_body_lines

# Elements whose content is never article text.
_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form",
         "button", "select", "iframe", "object", "canvas", "figcaption", "dialog"}
# Elements that end a paragraph of text.
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td", "th",
          "section", "article", "main", "header", "blockquote", "pre", "figure", "table", "dd",
          "dt", "hr", "address", "body", "title"}
_SPACE = re.compile(r"\s+")
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source",
         "track", "wbr", "param"}
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "publication_date", "dc.date.issued", "dc.date",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published",
              "article:modified_time", "datemodified")


@dataclass
class _Collected:
    meta: dict[str, str] = field(default_factory=dict)
    canonical: str | None = None
    title_tag: list[str] = field(default_factory=list)
    h1: list[str] = field(default_factory=list)
    time_datetime: str | None = None
    # Text chunks per region: everything, inside <main>, inside <article>.
    chunks: dict[str, list[str]] = field(default_factory=lambda: {"all": [], "main": [], "article": []})


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = _Collected()
        self.skip_depth = 0
        self.article_depth = 0
        self.main_depth = 0
        self.in_title = False
        self.h1_depth = 0
        self.h1_done = False
        self.pre_depth = 0

    def _emit(self, text: str) -> None:
        regions = ["all"]
        if self.main_depth:
            regions.append("main")
        if self.article_depth:
            regions.append("article")
        for region in regions:
            self.out.chunks[region].append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content") and key not in self.out.meta:
                self.out.meta[key] = values["content"].strip()
            return
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.out.canonical = self.out.canonical or values.get("href") or None
            return
        if tag == "time" and self.out.time_datetime is None and values.get("datetime"):
            self.out.time_datetime = values["datetime"]
        if tag in _VOID:
            if tag in _BLOCK and not self.skip_depth:
                self._emit("\n")
            return
        if tag in _SKIP or (tag == "header" and not self.article_depth and not self.main_depth):
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
        if tag == "pre":
            self.pre_depth += 1
        if tag == "article":
            self.article_depth += 1
        if tag == "main":
            self.main_depth += 1
        if tag == "h1" and not self.h1_done:
            self.h1_depth += 1
        if tag in _BLOCK and not self.skip_depth:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP or (tag == "header" and self.skip_depth and not self.article_depth
                            and not self.main_depth):
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "title":
            self.in_title = False
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag == "article":
            self.article_depth = max(0, self.article_depth - 1)
        if tag == "main":
            self.main_depth = max(0, self.main_depth - 1)
        if tag == "h1" and self.h1_depth:
            self.h1_depth -= 1
            self.h1_done = self.h1_done or bool("".join(self.out.h1).strip())
        if tag in _BLOCK and not self.skip_depth:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.out.title_tag.append(data)
            return
        if self.skip_depth:
            return
        if self.h1_depth:
            self.out.h1.append(data)
        # Source line breaks are layout, not structure; only block elements (and <pre>) break lines.
        self._emit(data if self.pre_depth else _SPACE.sub(" ", data))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _strip_site_suffix(title: str, site: str | None) -> str:
    """'Story – Site Name' -> 'Story' when the suffix is the site name."""
    if site:
        match = re.match(rf"(.+?)\s*[|\-–—:·]\s*{re.escape(site)}\s*$", title, re.I)
        if match:
            return match.group(1)
    return title


def parse_html(markup: str) -> ParsedPage:
    """Title, body and metadata from one HTML page (never raises on malformed markup)."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    found = parser.out
    meta = found.meta
    source = meta.get("og:site_name") or meta.get("application-name") or meta.get("publisher") or None
    h1 = _squash("".join(found.h1))
    title = (_squash(meta.get("og:title", "")) or _squash(meta.get("twitter:title", "")) or h1
             or _strip_site_suffix(_squash("".join(found.title_tag)), source))
    date = None
    for candidate in (meta.get("article:published_time"), found.time_datetime,
                      *(meta.get(key) for key in _DATE_META)):
        date = parse_date(candidate or "")
        if date:
            break
    url = found.canonical or meta.get("og:url") or None

    region = next((r for r in ("article", "main") if "".join(found.chunks[r]).strip()), "all")
    lines = [line for line in map(_squash, "".join(found.chunks[region]).split("\n")) if line]
    # The headline repeats at the top of the page text; it is the title, not body.
    if lines and lines[0] in {title, h1}:
        lines.pop(0)
    # One block element, one paragraph: blank-line separated, as in plain-text articles.
    spaced = [part for line in lines for part in (line, "")]
    return ParsedPage(title, clean_body_lines(spaced), date, source, url)
