"""HTML articles: trafilatura's body and htmldate's date, checked against the page's own metadata.

trafilatura (with htmldate for dates) is the field's well-kept article extractor, so
it finds the body. Our stdlib parser still reads the page, for two reasons: the
metadata a page states about itself (JSON-LD `NewsArticle`, OpenGraph, `<meta>`,
`<link rel=canonical>`, `<time>`, `<html lang>`) beats any guess from visible text,
and its element-based body (chrome dropped by element, `<article>`/`<main>` preferred)
is the fallback when trafilatura finds nothing or loses the paragraph structure.
Whichever body wins then goes through the news-specific rules of `index.readers.text`
(furniture lines, header zone, author bios, paywall notices), which a general-purpose
extractor does not know.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import trafilatura
from trafilatura.metadata import extract_metadata

from index.dates import parse_date
from index.readers.text import ParsedPage, clean_news_body, date_from_url, language_code, split_authors

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
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author")
_LANGUAGE_META = ("og:locale", "content-language", "dc.language", "language")
# JSON-LD types that describe the story itself (schema.org Article and its subtypes).
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|LiveBlogPosting|Report)$")
# trafilatura keeps a page's paragraph structure; one paragraph against our several means it lost it.
_MIN_FALLBACK_PARAGRAPHS = 3
_FALLBACK_CONTAINMENT = 0.8
# htmldate: prefer the original publication date over the last update, and look everywhere.
_DATE_PARAMS = {"original_date": True, "extensive_search": True}


@dataclass
class _Collected:
    meta: dict[str, str] = field(default_factory=dict)
    canonical: str | None = None
    title_tag: list[str] = field(default_factory=list)
    h1: list[str] = field(default_factory=list)
    time_datetime: str | None = None
    html_lang: str | None = None
    json_ld: list[str] = field(default_factory=list)
    microdata_authors: list[str] = field(default_factory=list)  # text of elements with itemprop="author"
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
        self.in_json_ld = False
        self.h1_depth = 0
        self.h1_done = False
        self.pre_depth = 0
        self.author_tag: str | None = None  # the open element marked itemprop="author"

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
        if tag == "html" and values.get("lang"):
            self.out.html_lang = self.out.html_lang or values["lang"]
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop")
                   or values.get("http-equiv") or "").lower()
            if key and values.get("content") and key not in self.out.meta:
                self.out.meta[key] = values["content"].strip()
            return
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.out.canonical = self.out.canonical or values.get("href") or None
            return
        if tag == "time" and self.out.time_datetime is None and values.get("datetime"):
            self.out.time_datetime = values["datetime"]
        if values.get("itemprop", "").lower() == "author" and self.author_tag is None and tag not in _VOID:
            self.author_tag = tag
            self.out.microdata_authors.append("")
        if tag == "script" and "ld+json" in values.get("type", "").lower():
            self.in_json_ld = True
            self.out.json_ld.append("")
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
        if tag == self.author_tag:
            self.author_tag = None
        if tag == "script":
            self.in_json_ld = False
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
        if self.author_tag is not None:
            self.out.microdata_authors[-1] += data
        if self.in_json_ld:
            self.out.json_ld[-1] += data
            return
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


@dataclass(frozen=True)
class _StoryData:
    """What the page's JSON-LD says of its story (the first Article-type object)."""

    headline: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    url: str | None = None
    language: str | None = None


def _json_objects(value: object):
    """Every dict in a JSON-LD value, through lists and `@graph`."""
    if isinstance(value, list):
        for item in value:
            yield from _json_objects(item)
    elif isinstance(value, dict):
        yield value
        yield from _json_objects(value.get("@graph"))


def _names(value: object) -> list[str]:
    """Person/organisation names from a JSON-LD `author`/`publisher` value (string, object or list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _story_data(blocks: list[str]) -> _StoryData:
    """The first Article-type object of the page's JSON-LD blocks; a block that is not JSON is ignored."""
    for block in blocks:
        try:
            parsed = json.loads(block)
        except ValueError:
            continue
        for item in _json_objects(parsed):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not any(isinstance(k, str) and _ARTICLE_TYPE.search(k) for k in kinds):
                continue
            entity = item.get("mainEntityOfPage")
            url = entity if isinstance(entity, str) else (entity or {}).get("@id") if isinstance(entity, dict) else None
            publisher = _names(item.get("publisher"))
            language = item.get("inLanguage")
            return _StoryData(
                headline=item.get("headline") if isinstance(item.get("headline"), str) else None,
                date=parse_date(str(item.get("datePublished") or item.get("dateCreated") or "")),
                authors=tuple(split_authors(_names(item.get("author")))),
                publisher=publisher[0] if publisher else None,
                url=url or (item.get("url") if isinstance(item.get("url"), str) else None),
                language=language if isinstance(language, str) else None,
            )
    return _StoryData()


def _shingle_containment(part: str, whole: str) -> float:
    """Share of `part`'s word pairs found in `whole`: is one body the other with different breaks?"""
    def pairs(text: str) -> set[tuple[str, str]]:
        words = text.casefold().split()
        return set(zip(words, words[1:], strict=False))
    mine = pairs(part)
    return len(mine & pairs(whole)) / len(mine) if mine else 0.0


def _choose_body(extracted: str | None, ours: str) -> str:
    """trafilatura's body, unless it found nothing or ran our several paragraphs into one."""
    if not extracted or not extracted.strip():
        return ours
    ours_paragraphs = [p for p in ours.split("\n\n") if p.strip()]
    if (len([p for p in extracted.split("\n") if p.strip()]) == 1 and len(ours_paragraphs) >= _MIN_FALLBACK_PARAGRAPHS
            and _shingle_containment(ours, extracted) >= _FALLBACK_CONTAINMENT):
        return ours
    return "\n\n".join(line for line in extracted.split("\n") if line.strip())


def _our_body(found: _Collected) -> str:
    """The element-based body: the `<article>` (or `<main>`) text, one block one paragraph."""
    region = next((r for r in ("article", "main") if "".join(found.chunks[r]).strip()), "all")
    return "\n\n".join(line for line in map(_squash, "".join(found.chunks[region]).split("\n")) if line)


def _metadata(markup: str, url: str | None):
    """trafilatura's metadata (date by htmldate, author, site name, URL), or None if it fails on the page."""
    try:
        return extract_metadata(markup, default_url=url, date_config=_DATE_PARAMS)
    except Exception:  # noqa: BLE001 - the page's own signals still stand
        return None


def parse_html(markup: str, url: str | None = None) -> ParsedPage:
    """Title, body and metadata from one HTML page (never raises on malformed markup).

    `url` is where the page was fetched from (a WARC record's target), used when the
    page does not name its canonical URL. Each field takes the most reliable signal
    the page has: structured metadata first, then trafilatura/htmldate, then what the
    visible text says (a dated URL, a dateline, a byline).
    """
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    found = parser.out
    meta = found.meta
    story = _story_data(found.json_ld)
    stated_date = (story.date or parse_date(meta.get("article:published_time") or "")
                   or parse_date(found.time_datetime or "")
                   or next((d for d in (parse_date(meta.get(key) or "") for key in _DATE_META) if d), None))
    stated_source = meta.get("og:site_name") or story.publisher
    # trafilatura's metadata pass (htmldate's search above all) costs as much as the body;
    # it runs only for what the page does not state itself.
    guessed = _metadata(markup, url) if not (stated_date and stated_source) else None
    try:
        extracted = trafilatura.bare_extraction(markup, url=url, include_comments=False, include_tables=True)
    except Exception:  # noqa: BLE001 - a page trafilatura cannot handle still has our own reading
        extracted = None
    source = (stated_source or (guessed and guessed.sitename) or meta.get("application-name")
              or meta.get("publisher") or None)
    h1 = _squash("".join(found.h1))
    title = (_squash(meta.get("og:title", "")) or _squash(meta.get("twitter:title", ""))
             or _squash(story.headline or "") or h1 or _strip_site_suffix(_squash("".join(found.title_tag)), source))
    page_url = (found.canonical or meta.get("og:url") or story.url or (guessed and guessed.url) or url or None)
    # The story's own structured date, then htmldate's finding, then the URL's.
    date = stated_date or parse_date((guessed and guessed.date) or "") or date_from_url(page_url or "")
    authors = story.authors or tuple(split_authors(
        found.microdata_authors or [next((meta[k] for k in _AUTHOR_META if meta.get(k)), "")
                                    or (guessed and guessed.author) or ""]))
    language = language_code(story.language or found.html_lang
                             or next((meta[k] for k in _LANGUAGE_META if meta.get(k)), None))
    headlines = {title, h1, _squash(story.headline or "")} - {""}
    # bare_extraction gives a Document (a dict only when asked with as_dict).
    body = _choose_body(getattr(extracted, "text", None), _our_body(found))
    cleaned = clean_news_body(body, headlines=headlines,
                              standfirst=meta.get("description") or meta.get("og:description"), authors=authors)
    return ParsedPage(title, cleaned.body, date or cleaned.date, source, page_url,
                      authors=authors or cleaned.authors, language=language)
