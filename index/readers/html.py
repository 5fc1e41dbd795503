"""HTML articles: trafilatura's body and htmldate's date, checked against the page's own metadata.

trafilatura (with htmldate for dates) is the field's well-kept article extractor, so
it finds the body. The page is parsed once, into the lxml tree trafilatura's own loader
builds; trafilatura and htmldate prune copies of it, and we read it too, for two
reasons: the metadata a page states about itself (JSON-LD `NewsArticle`, OpenGraph,
`<meta>`, `<link rel=canonical>`, `<time>`, `<html lang>`) beats any guess from visible
text, and our element-based body (chrome dropped by element, `<article>`/`<main>`
preferred) is the fallback when trafilatura finds nothing or loses the paragraph
structure (so it is only read then).
Whichever body wins loses the furniture the tree shows by shape (`drop_shaped_furniture`:
link boxes, notes after the story's container, in any language), then goes through the
news-specific rules of `index.readers.text`
(furniture lines, header zone, author bios, paywall notices), which a general-purpose
extractor does not know.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

import lxml.etree  # type: ignore[import-untyped]  # no lxml-stubs installed
import lxml.html  # type: ignore[import-untyped]
import regex
import trafilatura
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor
from trafilatura.utils import HTML_PARSER, load_html

from index.dates import parse_date
from index.readers.text import (
    MAX_LEAD_IN_WORDS,
    ParsedPage,
    bracketed_reporters,
    byline_authors,
    byline_names,
    clean_news_body,
    date_from_url,
    language_code,
    split_authors,
)

# Elements whose content is never article text.
_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form",
         "button", "select", "iframe", "object", "canvas", "figcaption", "dialog"}
# Elements that end a paragraph of text.
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td", "th",
          "section", "article", "main", "header", "blockquote", "pre", "figure", "table", "dd",
          "dt", "hr", "address", "body", "title"}
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_BODY_TAG = re.compile(r"<body\b", re.IGNORECASE)
# Characters of text (tags and spaces left out) below which a page is too small to tell lost text from markup.
_LOST_TEXT_MIN = 100
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source",
         "track", "wbr", "param"}
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "publication_date", "dc.date.issued", "dc.date",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author")
_LANGUAGE_META = ("og:locale", "content-language", "dc.language", "language")
# JSON-LD types that describe the story itself (schema.org Article and its subtypes).
_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|LiveBlogPosting|Report)$")
# JSON-LD types of organisations (schema.org Organization and its subtypes that credit stories).
_ORGANIZATION_TYPE = re.compile(r"(?:Organization|Corporation)$")
# trafilatura keeps a page's paragraph structure; one paragraph against our several means it lost it.
_MIN_FALLBACK_PARAGRAPHS = 3
# Paragraphs of the page's text searched for a byline when the story's first is not among them.
_HEADER_PARAGRAPHS = 6
_FALLBACK_CONTAINMENT = 0.8
# htmldate: prefer the original publication date over the last update, and look everywhere.
_DATE_PARAMS = {"original_date": True, "extensive_search": True}
# trafilatura's body extraction: tables kept, reader comments left out. Its options are
# the same for every page but the URL, and building them reads trafilatura's configuration
# anew (a tenth of its time on a small page), so they are built once and copied per page.
_EXTRACTION = Extractor(output_format="python", comments=False, tables=True)
# trafilatura drops every non-printable character, and with them the zero-width joiners
# that are spelling in Persian, Urdu, Kurdish and Indic scripts and in emoji sequences
# (کتاب‌های is not کتابهای), and the zero-width space that marks word breaks in Thai or Khmer.
_EXTRACTOR_DROPS = "\u200b\u200c\u200d"
_WITHOUT_DROPPED = str.maketrans("", "", _EXTRACTOR_DROPS)
# A token of the page: letters, marks, symbols and those format characters, up to a space or punctuation.
_TOKEN = regex.compile(r"[^\s\p{P}]+")


@dataclass
class _Collected:
    """What the page states about itself, read from its lxml tree."""

    meta: dict[str, str] = field(default_factory=dict)
    canonical: str | None = None
    title_tag: str = ""
    h1: str = ""
    time_datetime: str | None = None
    html_lang: str | None = None
    json_ld: list[str] = field(default_factory=list)
    microdata_authors: list[str] = field(default_factory=list)  # text of elements with itemprop="author"


class _FlatText(HTMLParser):
    """The page's text as blocks, by Python's own parser, which has no nesting limit."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = [""]
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.blocks[-1] += data


def _lost_text(tree: HtmlElement, markup: str) -> bool:
    """Whether the parser dropped most of the page's text: libxml2 stops reading elements nested
    deeper than 256 (a hostile or broken page), and what lies below is silently gone."""
    stated = len(_SPACE.sub("", _TAG.sub("", markup)))
    return stated > _LOST_TEXT_MIN and len(_SPACE.sub("", tree.text_content())) < stated / 2


def _flattened(markup: str) -> str:
    """The page with its body's text as flat paragraphs (its head, where the metadata is, kept as written)."""
    body = _BODY_TAG.search(markup)
    head, rest = (markup[: body.start()], markup[body.start() :]) if body else ("", markup)
    reader = _FlatText()
    reader.feed(rest)
    reader.close()
    paragraphs = (escape(_squash(block)) for block in reader.blocks if _squash(block))
    return head + "<body>" + "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs) + "</body></html>"


# --- layout tables -------------------------------------------------------------------------------
# Old sites lay the whole page out in nested <table>s; an extractor then reads menu, sidebar
# boxes and story alike as rows of one data table. A table is layout, not data, when one of
# its own cells holds another table, several blocks or paragraph breaks (<br><br>), or more
# text than a data cell does; such a table's rows and cells are read as plain blocks, so the
# story's cell is chosen like any container. A data table (short cells, a header row) stays.
_CELL_BLOCKS = {"p", "div", "ul", "ol", "dl", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                "form", "article", "section", "header", "footer", "nav", "aside", "figure"}
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th")
_MAX_DATA_CELL_WORDS = 50


def _owner(element: HtmlElement) -> HtmlElement | None:
    """The table an element of a table (row, cell, section, the table itself) belongs to."""
    return element if _tag(element) == "table" else next(element.iterancestors("table"), None)


def _layout_cell(cell: HtmlElement) -> bool:
    """A cell that holds a table, two blocks or a paragraph break, or a long text."""
    blocks = breaks = 0
    for node in cell.iterdescendants():
        tag = _tag(node)
        if tag == "table":
            return True
        blocks += tag in _CELL_BLOCKS
        if tag == "br" and not (node.tail or "").strip():
            following = node.getnext()
            breaks += following is not None and _tag(following) == "br"
    return blocks >= 2 or breaks >= 1 or len(cell.text_content().split()) > _MAX_DATA_CELL_WORDS


def unlayout_tables(tree: HtmlElement) -> None:
    """Turn every layout table (see above) of `tree` into nested blocks, in place."""
    layout = {table for table in tree.iter("table")
              if any(_owner(cell) is table and _layout_cell(cell) for cell in table.iter("td", "th"))}
    if not layout:
        return
    for part in [node for node in tree.iter(*_TABLE_PARTS) if _owner(node) in layout]:
        part.tag = "div"


# --- footnotes -----------------------------------------------------------------------------------
# A footnote is a pair of in-page links: a marker in the story ("1", "[2]", "*") pointing at the
# note, and the note pointing back at the marker. Both are notes, not the story: the marker goes
# from its sentence and the note from the page, whatever the site calls them.
_NOTE_MARKER = re.compile(r"\[?(?:\d{1,3}|[*†‡§])\]?")
# Up this many levels from a link, an element holding nothing but the link is still the marker.
_MARKER_DEPTH = 2


def _marker_box(link: HtmlElement) -> HtmlElement:
    """The outermost element around `link` whose text is the link's own (`<sup><a>1</a></sup>`)."""
    box = link
    for _ in range(_MARKER_DEPTH):
        parent = box.getparent()
        if parent is None or _squash(parent.text_content()) != _squash(link.text_content()):
            break
        box = parent
    return box


def drop_footnotes(tree: HtmlElement) -> None:
    """Take out of `tree`, in place, every footnote marker and its note (see above): a note is
    the element after it that a marker's link targets, widened to hold more than its own number,
    which links back to the marker."""
    order = {element: position for position, element in enumerate(tree.iter())}
    ids = {element.get("id"): element for element in order if element.get("id")}
    found: list[tuple[HtmlElement, HtmlElement]] = []
    for link in tree.iter("a"):
        href = link.get("href") or ""
        target = ids.get(href[1:]) if href.startswith("#") else None
        # The note's own number links back too; the marker is the one before its note.
        if (target is None or order[target] < order[link]
                or not _NOTE_MARKER.fullmatch(_squash(link.text_content()))):
            continue
        marker = _marker_box(link)
        back = {f"#{node.get('id')}" for node in (link, *link.iterancestors()) if node.get("id")}
        note = target
        while note.getparent() is not None and len(_squash(note.text_content())) <= len(_squash(link.text_content())):
            note = note.getparent()
        if any((a.get("href") or "") in back for a in note.iter("a")) and not any(
                node is note for node in (marker, *marker.iterancestors())):
            found.append((marker, note))
    for marker, note in found:
        for element in (marker, note):
            if element.getparent() is not None:
                element.drop_tree()


def _tree(markup: str) -> tuple[HtmlElement | None, bool]:
    """The page's lxml tree, parsed once for trafilatura, htmldate and us; and whether trafilatura
    takes it as a page (its loader refuses a fragment such as a lone `<p>`, which we still read).
    A page whose nesting made the parser drop most of its text is read again flattened (`_lost_text`)."""
    tree = load_html(markup)
    if tree is not None and _lost_text(tree, markup):
        tree = load_html(_flattened(markup))
    if tree is not None:
        unlayout_tables(tree)
        drop_footnotes(tree)
        return tree, True
    try:
        return lxml.html.document_fromstring(markup.encode("utf-8"), parser=HTML_PARSER), False
    except (lxml.etree.ParserError, ValueError):  # nothing but whitespace
        return None, False


def _tag(element: HtmlElement) -> str:
    """The element's name; "" for the comments and processing instructions some parsers keep."""
    return element.tag if isinstance(element.tag, str) else ""


def _hides(element: HtmlElement, in_story: bool) -> bool:
    """Whether an element's content is never article text (a `<header>` is, inside the story)."""
    tag = _tag(element)
    return tag in _SKIP or (tag == "header" and not in_story)


def _hidden(element: HtmlElement) -> bool:
    """Whether the element or one of its ancestors hides its text."""
    chain = [element, *element.iterancestors()]
    return any(_hides(node, any(_tag(a) in ("article", "main") for a in chain[depth + 1:]))
               for depth, node in enumerate(chain))


def _collect(tree: HtmlElement) -> _Collected:
    """The page's own metadata: `<meta>`, canonical link, `<title>`, first `<h1>`, `<time>`,
    `<html lang>`, JSON-LD blocks and microdata authors (outermost `itemprop=author` elements)."""
    found = _Collected(html_lang=tree.get("lang") or None)
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv") or "").lower()
        content = meta.get("content")
        if key and content and key not in found.meta:
            found.meta[key] = content.strip()
    found.canonical = next((link.get("href") for link in tree.iter("link")
                            if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")), None)
    found.time_datetime = next((t.get("datetime") for t in tree.iter("time") if t.get("datetime")), None)
    found.title_tag = next(("".join(t.itertext()) for t in tree.iter("title")
                            if not any(_tag(a) == "svg" for a in t.iterancestors())), "")
    found.h1 = next((text for text in ("".join(_text(h1)["all"]) for h1 in tree.iter("h1") if not _hidden(h1))
                     if text.strip()), "")
    found.json_ld = [script.text or "" for script in tree.iter("script")
                     if "ld+json" in (script.get("type") or "").lower()]
    authors: list[HtmlElement] = []
    for element in tree.iter():
        if ((element.get("itemprop") or "").lower() == "author" and _tag(element) not in _VOID
                and not any(a in authors for a in element.iterancestors())):
            authors.append(element)
    found.microdata_authors = ["".join(element.itertext()) for element in authors]
    return found


def _text(root: HtmlElement) -> dict[str, list[str]]:
    """Visible text chunks under `root`, per region (everything, inside `<main>`, inside
    `<article>`), with a line break at every block element's start and end: chrome
    elements (`_SKIP`, a `<header>` outside the story) and the `<title>` say nothing, and
    source line breaks are layout, except inside `<pre>`."""
    chunks: dict[str, list[str]] = {"all": [], "main": [], "article": []}
    inside = {"article": 0, "main": 0, "pre": 0}  # open elements of each kind
    hiding: list[bool] = []  # per open element: does it hide its content
    skipped = 0  # open elements that hide their content

    def emit(text: str | None, line_break: bool = False) -> None:
        if not text or skipped:
            return
        text = text if line_break or inside["pre"] else _SPACE.sub(" ", text)
        chunks["all"].append(text)
        for region in ("main", "article"):
            if inside[region]:
                chunks[region].append(text)

    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = _tag(element)
        if event == "start":
            hiding.append(tag not in _VOID and _hides(element, bool(inside["article"] or inside["main"])))
            skipped += hiding[-1]
            if hiding[-1]:
                continue
            if tag in inside:
                inside[tag] += 1
            if tag in _BLOCK:
                emit("\n", line_break=True)
            if tag != "title":
                emit(element.text)
        else:
            if hiding.pop():
                skipped -= 1
            else:
                if tag in inside:
                    inside[tag] -= 1
                if tag in _BLOCK:
                    emit("\n", line_break=True)
            emit(element.tail)
    return chunks


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
    body: str | None = None  # `articleBody`: the whole story on a page whose HTML shows a teaser


def _json_objects(value: object):
    """Every dict in a JSON-LD value, through lists and `@graph`."""
    if isinstance(value, list):
        for item in value:
            yield from _json_objects(item)
    elif isinstance(value, dict):
        yield value
        yield from _json_objects(value.get("@graph"))


def _names(value: object, people: bool = False) -> list[str]:
    """Names from a JSON-LD `author`/`publisher` value (string, object or list); with `people`,
    an object typed as an organisation is left out (an outlet credited as a story's author
    writes a desk byline, not a person's)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        kinds = value.get("@type")
        if people and any(isinstance(k, str) and _ORGANIZATION_TYPE.search(k)
                          for k in (kinds if isinstance(kinds, list) else [kinds])):
            return []
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item, people)]
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
                authors=tuple(split_authors(_names(item.get("author"), people=True))),
                publisher=publisher[0] if publisher else None,
                url=url or (item.get("url") if isinstance(item.get("url"), str) else None),
                language=language if isinstance(language, str) else None,
                body=item.get("articleBody") if isinstance(item.get("articleBody"), str) else None,
            )
    return _StoryData()


# A stated `articleBody` replaces the body read from the HTML when it is this many times as long
# (a teaser above a paywall or app box is a fraction of the story) and holds this share of the
# HTML body's word pairs (the teaser is its opening, whatever boxes were read with it).
_STATED_BODY_LENGTH = 2.0
_STATED_BODY_CONTAINMENT = 0.5
_BLOCK_TAG = re.compile(r"<(?:/?p|br|/?div|/?li|/?h[1-6])\b[^>]*>", re.IGNORECASE)


def _stated_body(stated: str | None, read: str) -> str | None:
    """The JSON-LD `articleBody` split into paragraphs (at its line breaks, or the block tags
    of one given as markup), when it is the full story of which the HTML body is a teaser:
    much longer and containing most of it. None when the HTML body is already as long, when
    `articleBody` is a summary (shorter) or another text."""
    if not stated:
        return None
    text = unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", stated))) if "<" in stated else stated
    paragraphs = [_squash(line) for line in text.split("\n") if line.strip()]
    body = "\n\n".join(paragraphs)
    if (len(body.split()) < _STATED_BODY_LENGTH * len(read.split())
            or _shingle_containment(read, body) < _STATED_BODY_CONTAINMENT):
        return None
    return body


def _shingle_containment(part: str, whole: str) -> float:
    """Share of `part`'s word pairs found in `whole`: is one body the other with different breaks?"""
    def pairs(text: str) -> set[tuple[str, str]]:
        words = text.casefold().split()
        return set(zip(words, words[1:], strict=False))
    mine = pairs(part)
    return len(mine & pairs(whole)) / len(mine) if mine else 0.0


def restore_dropped(text: str, page_text: str) -> str:
    """`text` (an extractor's output) with the zero-width characters it dropped put back, token
    by token, as `page_text` (the page's own text) spells each token most often."""
    if not text or not any(ch in page_text for ch in _EXTRACTOR_DROPS):
        return text
    spellings: dict[str, Counter[str]] = {}
    for token in _TOKEN.findall(page_text):
        if any(ch in token for ch in _EXTRACTOR_DROPS):
            spellings.setdefault(token.translate(_WITHOUT_DROPPED), Counter())[token] += 1
    for token in _TOKEN.findall(page_text):  # the same word spelt without them counts too
        if token in spellings:
            spellings[token][token] += 1
    return _TOKEN.sub(lambda m: spellings[m[0]].most_common(1)[0][0] if m[0] in spellings else m[0], text)


def restore_introduced_lists(body: str, tree: HtmlElement | None) -> str:
    """`body` with the items of a list that an extractor dropped put back after the paragraph
    introducing it: a paragraph ending in a colon whose element is followed by a `<ul>`/`<ol>`
    announces that list as the story's own ("The shelters open tonight:"), whatever its items say."""
    paragraphs = body.split("\n\n")
    intros = {_key(p): i for i, p in enumerate(paragraphs) if p.rstrip().endswith((":", "："))}
    if tree is None or not intros:
        return body
    present = {_key(_ITEM_BULLET.sub("", p)) for p in paragraphs}
    inserts: dict[int, list[str]] = {}
    for element in tree.iter("ul", "ol"):
        before = element.getprevious()
        index = intros.get(_key(before.text_content())) if before is not None else None
        items = [_squash(item.text_content()) for item in element if _tag(item) == "li"]
        items = [item for item in items if item]
        if index is not None and items and not any(_key(item) in present for item in items):
            inserts[index] = items
    if not inserts:
        return body
    return "\n\n".join(part for i, p in enumerate(paragraphs) for part in (p, *inserts.get(i, [])))


def _choose_body(extracted: str | None, ours: Callable[[], str]) -> str:
    """trafilatura's body, unless it found nothing or ran our several paragraphs into one.

    `ours` reads the element-based body, only for those two cases."""
    if not extracted or not extracted.strip():
        return ours()
    if len([p for p in extracted.split("\n") if p.strip()]) == 1:
        mine = ours()
        if (len([p for p in mine.split("\n\n") if p.strip()]) >= _MIN_FALLBACK_PARAGRAPHS
                and _shingle_containment(mine, extracted) >= _FALLBACK_CONTAINMENT):
            return mine
    return "\n\n".join(line for line in extracted.split("\n") if line.strip())


# --- page furniture by shape ---------------------------------------------------------------------
# A general extractor keeps some boxes that are not the story: related links, "read also"
# inserts, paywall buttons, print-edition notes, comments below the story. Their wording
# differs by site and language, their shape does not, so they are found by shape in the
# page's own tree: mostly anchor text (link density), or lying outside the story's own
# container, after it or above it. No rule here names a word.

# The list bullet an extractor puts before an item's text ("- item").
_ITEM_BULLET = re.compile(r"^[-*•·]\s+")
# A block is link furniture when this share of its characters is anchor text...
_LINK_SHARE = 0.6
# ...unless it reads as a sentence (ends with a full stop) and is not almost wholly link.
_LINK_SHARE_OF_A_LINKED_SENTENCE = 0.9
_MAX_LINK_ITEM_WORDS = 30
# Anchor texts shorter than this are not looked for inside a paragraph no element matches.
_MIN_ANCHOR_KEY = 3
_MAX_BOX_TITLE_WORDS = 8
# The story's container holds this share of the body's characters; short paragraphs
# after it and outside it (print notes, disclaimers, comments, bios) are not the story.
_STORY_SHARE = 0.8
_MAX_TRAILING_WORDS = 50
# A box inside the story's container ending in a link or button is a call to action up to this length.
_MAX_CALL_WORDS = 60
_MAX_BUTTON_WORDS = 4
# After the story's last sentence, a line this short that is no sentence, no quote and no
# item of an introduced list is a box's leftover, when it stands in an element of its own
# (a box) and not beside the story's paragraphs: the lines closing a wire story's notice
# ("Pay April 3", "Record March 9") are siblings of its paragraphs.
_MAX_TRAILING_LINE_WORDS = 8
# A box title and its first link share an ancestor this close to the title.
_BOX_DEPTH = 3
# A paragraph without a letter this short, in a box of its own, is a counter ("1 / 4");
# beside the story's paragraphs it may be a table's header ("2/26 2/27").
_MAX_LETTERLESS_CHARS = 12
_FULL_STOP = (".", "。", "۔")
# Elements whose text is never a body paragraph (code, the page's head).
_NO_PARAGRAPH = {"script", "style", "noscript", "template", "head", "title", "meta", "link"}
_CLOSERS = "\"'”’»)]」"


# Boxes a CMS names by what they are, in the class/id/itemprop/role words of its markup (split at
# -, _, spaces and camelCase: "NewsletterInline_title__L8", "field--name-field-entradilla"):
# the standfirst family above the story, and the families that are furniture wherever they stand.
_STANDFIRST_NAMES = {"standfirst", "dek", "deck", "subtitle", "subheadline", "summary", "excerpt", "teaser",
                     "intro", "lead", "lede", "entradilla", "sumario", "chapo", "chapeau", "kicker",
                     "overline", "strapline", "occhiello", "sottotitolo", "catenaccio", "abstract", "description"}
_FURNITURE_NAMES = {"caption", "cap", "credit", "credits", "legend", "leyenda", "didascalia", "legende",
                    "disclaimer", "rights", "copyright", "legal", "newsletter", "signup", "subscribe",
                    "subscription", "paywall", "meter", "optin", "intertitle", "crosshead", "subhead",
                    "endmark", "cta", "calltoaction", "membership", "download", "promo"}
_NAME_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_MARKUP_NAMES = ("class", "id", "itemprop", "role")


def _markup_names(element: HtmlElement, story: HtmlElement | None) -> set[str]:
    """The words naming `element` and its boxes up to the story's container (at most
    `_BOX_DEPTH` levels up), lower-cased; "end-mark" gives "end", "mark" and "endmark"."""
    names: set[str] = set()
    for node in [element, *element.iterancestors()][: _BOX_DEPTH + 1]:
        if node is story or _tag(node) in ("body", "article", "main"):
            break
        for attribute in _MARKUP_NAMES:
            value = node.get(attribute) or ""
            for word in value.split():
                parts = [part.lower() for part in _NAME_PART.findall(word)]
                names.update(parts)
                names.add("".join(parts))
    return names


def _key(text: str) -> str:
    """Text without its spaces, case-folded: an extractor's paragraph and the element it came
    from agree on this whatever spaces and line breaks each put in."""
    return "".join(text.split()).casefold()


def _sentence(paragraph: str) -> bool:
    return paragraph.rstrip().rstrip(_CLOSERS).endswith(_FULL_STOP)


def _loose_line(paragraph: str) -> bool:
    """Short, and ends in neither a sentence's punctuation, a colon nor a quote's close."""
    text = paragraph.rstrip()
    return (len(text.split()) <= _MAX_TRAILING_LINE_WORDS and bool(text)
            and not text.endswith((*_FULL_STOP, "!", "?", "؟", ":", "：", "…", *_CLOSERS)))


def _anchor_share(key: str, anchors: set[str]) -> float:
    """Share of `key` covered by the page's anchor texts, for a paragraph that no single
    element holds (an extractor joined two links of one box into one line)."""
    covered = [False] * len(key)
    for anchor in anchors:
        start = key.find(anchor)
        while start >= 0:
            covered[start:start + len(anchor)] = [True] * len(anchor)
            start = key.find(anchor, start + 1)
    return sum(covered) / len(key) if key else 0.0


@dataclass(frozen=True)
class _Source:
    """The elements whose text is one body paragraph (a nested chain: `<li><a>..</a></li>`),
    and how much of it is anchor text."""

    element: HtmlElement  # the innermost: its parent tells a box from the story's flow
    outer: HtmlElement  # the outermost: the list item, the paragraph
    chars: int
    link_chars: int
    position: int  # in document order

    @property
    def link_share(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def _sources(tree: HtmlElement, keys: set[str]) -> tuple[dict[str, _Source], dict[HtmlElement, int]]:
    """Each paragraph key's element in the page, and every element's place in document order.

    The last occurrence wins (boxes after the story repeat text less often than the story
    does); an element inside one already found with the same text is the same paragraph,
    held more closely."""
    shortest, longest = min(map(len, keys)), 1.5 * max(map(len, keys)) + 200  # spaces and stops
    found: dict[str, _Source] = {}
    positions: dict[HtmlElement, int] = {}
    for position, element in enumerate(tree.iter()):
        positions[element] = position
        if not isinstance(element.tag, str) or element.tag in _NO_PARAGRAPH:
            continue
        raw = element.text_content()  # lxml's own string(): page size times depth at worst, in C
        if not shortest <= len(raw) <= longest:
            continue
        key = _key(raw)
        if key not in keys:
            continue
        earlier = found.get(key)
        if earlier is not None and not any(a is earlier.element for a in element.iterancestors()):
            earlier = None  # not nested in the earlier holder: this element stands on its own
        inside_link = _tag(element) == "a" or any(_tag(a) == "a" for a in element.iterancestors())
        link_chars = len(key) if inside_link else sum(len(_key(a.text_content())) for a in element.iter("a"))
        found[key] = _Source(element, earlier.outer if earlier else element, len(key),
                             min(link_chars, len(key)), earlier.position if earlier else position)
    if keys - found.keys():
        _loose_text_sources(tree, keys - found.keys(), found, positions)
    return found, positions


def _loose_text_sources(tree: HtmlElement, keys: set[str], found: dict[str, _Source],
                        positions: dict[HtmlElement, int]) -> None:
    """Into `found`, the element holding each of `keys` as a run of its own loose text, between
    `<br>`s or other children (a Blogger or print-view body is text and line breaks in one
    `<div>`): that element is the paragraph's, so the story's container is found for such pages."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NO_PARAGRAPH:
            continue
        for text in (element.text, *(child.tail for child in element)):
            key = _key(text or "")
            if key in keys and key not in found:
                found[key] = _Source(element, element, len(key), 0, positions[element])


def _story_container(sources: list[_Source | None], total: int) -> HtmlElement | None:
    """The deepest element holding `_STORY_SHARE` of the body's characters, if one does."""
    weight: dict[HtmlElement, int] = {}
    depth: dict[HtmlElement, int] = {}
    for source in sources:
        if source is None:
            continue
        chain = [source.element, *source.element.iterancestors()]
        for level, node in enumerate(chain):
            weight[node] = weight.get(node, 0) + source.chars
            depth[node] = len(chain) - level
    holding = [node for node, chars in weight.items() if chars >= _STORY_SHARE * total]
    return max(holding, key=depth.__getitem__) if holding else None


def _is_link_item(paragraph: str, share: float) -> bool:
    """Mostly anchor text, short, and not a sentence unless it is all link."""
    if len(paragraph.split()) > _MAX_LINK_ITEM_WORDS:
        return False
    return share >= _LINK_SHARE and (not _sentence(paragraph) or share >= _LINK_SHARE_OF_A_LINKED_SENTENCE)


def _lowest_common_ancestor(first: HtmlElement, second: HtmlElement) -> HtmlElement | None:
    mine = {id(node) for node in (first, *first.iterancestors())}
    return next((node for node in (second, *second.iterancestors()) if id(node) in mine), None)


def _in_story_list(index: int, paragraphs: list[str], sources: list[_Source | None],
                   story: HtmlElement | None) -> bool:
    """A list item of a list that stands among the story's paragraphs and is introduced by
    one ending in a colon ("The winners:"): a story's list, even when its items are links."""
    source = sources[index]
    element = source.outer if source is not None else None
    lists = element.getparent() if element is not None and _tag(element) == "li" else None
    if story is None or lists is None or lists.getparent() is not story:
        return False
    first = index
    while first > 0 and (before := sources[first - 1]) is not None and before.outer.getparent() is lists:
        first -= 1
    return first > 0 and paragraphs[first - 1].rstrip().endswith((":", "："))


def _box_title(index: int, paragraphs: list[str], sources: list[_Source | None],
               links: list[bool], story: HtmlElement | None) -> bool:
    """A short heading-like line right before link items of the same box (not of the story)."""
    source, following = sources[index], sources[index + 1] if index + 1 < len(sources) else None
    if (source is None or following is None or not links[index + 1] or links[index]
            or len(paragraphs[index].split()) > _MAX_BOX_TITLE_WORDS or _sentence(paragraphs[index])):
        return False
    shared = _lowest_common_ancestor(source.element, following.element)
    near = [source.element, *source.element.iterancestors()][: _BOX_DEPTH + 1]
    if shared is None or not any(node is shared for node in near):
        return False
    return story is None or not (shared is story or any(node is shared for node in story.iterancestors()))


def _boxed(index: int, paragraphs: list[str], sources: list[_Source | None]) -> bool:
    """Whether paragraph `index` comes from an element that is no sibling of the element of
    the last sentence before it."""
    source = sources[index]
    sentence = next((sources[i] for i in range(index - 1, -1, -1) if _sentence(paragraphs[i])), None)
    return (source is not None and sentence is not None
            and source.element.getparent() is not sentence.element.getparent())


def _call_to_action(source: _Source | None, story: HtmlElement | None) -> bool:
    """A paragraph in a short box of its own inside the story's container (wrapped apart from the
    paragraphs, holding no list, one of a kind) whose last words are a button's label, a link or
    button of a few words: "join", "get the app", whatever language the appeal is in, stands
    there, where a story's paragraph, a live entry (repeated, its further-reading links
    headlines) or a list never ends."""
    if source is None or story is None:
        return False
    box = next((node for node in (source.element, *source.element.iterancestors()) if node.getparent() is story),
               None)
    if (box is None or box is source.outer or len(box.text_content().split()) > _MAX_CALL_WORDS
            or next(box.iter("ul", "ol"), None) is not None
            or any(other is not box and other.tag == box.tag and other.get("class") == box.get("class")
                   for other in story)):  # a repeated box is the story's unit (live entries, cards)
        return False
    last = box  # the element holding the box's last words
    for node in box.iter():
        if (node.text or "").strip():
            last = node
        if node is not box and (node.tail or "").strip():
            last = node.getparent()
    for node in (last, *last.iterancestors()):
        if node is box:
            return False
        if _tag(node) in ("a", "button"):
            return len(node.text_content().split()) <= _MAX_BUTTON_WORDS
    return False


def _image_caption(source: _Source | None, story: HtmlElement | None) -> bool:
    """A paragraph in a box of the story that holds an image besides it and no other text: the
    image's caption under whatever name (a `<div>` of `<img>` and `<p class="pic_desc">`), as a
    `<figcaption>` is by its tag. A story paragraph with an image inside it has no such box."""
    if source is None or story is None or len(_squash(source.outer.text_content()).split()) > _MAX_TRAILING_WORDS:
        return False
    chain = [source.element, *source.element.iterancestors()]
    boxes = chain[1: chain.index(source.outer) + 1]  # around the paragraph, holding no other text
    return any(box is not story and any(node is story for node in box.iterancestors())
               and any(not any(a is source.element for a in image.iterancestors())
                       for image in box.iter("img", "picture"))
               for box in boxes)


def _after_the_story(source: _Source | None, story: HtmlElement, story_end: int) -> bool:
    """Outside the story's container and after it, and not in another part of the same kind
    (a story split into two `<div class="body">` around an advertisement is one story)."""
    if source is None or any(node is story for node in source.element.iterancestors()):
        return False
    if source.position <= story_end:
        return False
    return not any(_tag(node) == _tag(story) and node.get("class") == story.get("class")
                   for node in (source.element, *source.element.iterancestors()))


def drop_shaped_furniture(body: str, tree: HtmlElement | None, headlines: set[str]) -> str:
    """`body` (paragraphs blank-line separated) without the furniture its page's tree shows
    by shape: runs of link-dominated items and their box titles, wherever they stand
    (a story's own introduced list excepted); short paragraphs after the story's container
    and loose lines after its last sentence; letterless counters; the headline repeated
    inside the body. Nothing is dropped by shape when that would be most of the body (a
    page that is a list of links, a one-line brief)."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    if tree is None or not paragraphs:
        return body
    keys = [_key(_ITEM_BULLET.sub("", p)) for p in paragraphs]
    headline_keys = {_key(h) for h in headlines} - {""}
    # Every shape above is a short paragraph, or a trailing one of middling length: a body
    # of long paragraphs only is not looked up in the tree at all.
    if (all(len(p.split()) > _MAX_LINK_ITEM_WORDS for p in paragraphs)
            and len(paragraphs[-1].split()) > _MAX_TRAILING_WORDS):
        return "\n\n".join(p for p, key in zip(paragraphs, keys, strict=True) if key not in headline_keys)
    found, positions = _sources(tree, {k for k in keys if k})
    sources = [found.get(k) for k in keys]
    total = sum(map(len, keys))
    story = _story_container(sources, total)
    anchors: set[str] | None = None  # the page's anchor texts, read only for a paragraph no element holds

    def link_share(paragraph: str, key: str, source: _Source | None) -> float:
        nonlocal anchors
        if source is not None:
            return source.link_share
        if len(paragraph.split()) > _MAX_LINK_ITEM_WORDS:
            return 0.0
        if anchors is None:
            anchors = {k for k in (_key(a.text_content()) for a in tree.iter("a")) if len(k) >= _MIN_ANCHOR_KEY}
        return _anchor_share(key, anchors)

    links = [_is_link_item(p, link_share(p, k, s)) and not _in_story_list(i, paragraphs, sources, story)
             for i, (p, k, s) in enumerate(zip(paragraphs, keys, sources, strict=True))]
    furniture = [linked or _box_title(i, paragraphs, sources, links, story) for i, linked in enumerate(links)]
    names = [_markup_names(source.element, story) if source is not None else set() for source in sources]
    # Standfirst-named paragraphs count only above the story's first paragraph: before any but
    # furniture, the headline and the short lead-in lines (kicker, overline) `clean_news_body` drops.
    leading = True
    for index in range(len(paragraphs)):
        standfirst = leading and bool(names[index] & _STANDFIRST_NAMES)
        furniture[index] = (furniture[index] or standfirst or bool(names[index] & _FURNITURE_NAMES)
                            or _call_to_action(sources[index], story) or _image_caption(sources[index], story))
        leading = leading and (furniture[index] or keys[index] in headline_keys
                               or len(paragraphs[index].split()) < MAX_LEAD_IN_WORDS)
    story_end = positions.get(next(reversed(list(story.iter())), story), -1) if story is not None else -1
    if story is not None:  # a summary box, kicker or badge above the story, wherever the extractor put it
        furniture = [drop or (source is not None and _loose_line(paragraph) and source.position < positions[story])
                     for drop, paragraph, source in zip(furniture, paragraphs, sources, strict=True)]
    loose: list[int] = []  # trailing loose lines, nearest the end first
    for index in range(len(paragraphs) - 1, -1, -1):
        if furniture[index]:
            continue
        if story is not None and len(paragraphs[index].split()) <= _MAX_TRAILING_WORDS and _after_the_story(
                sources[index], story, story_end):
            furniture[index] = True
        elif _loose_line(paragraphs[index]) and _boxed(index, paragraphs, sources):
            furniture[index] = True
            loose.append(index)
        else:
            break
    # Loose lines right after a line ending in a colon are that list's items ("The plan covers:").
    for index in reversed(loose):
        before = index - 1
        while before >= 0 and before in loose:
            before -= 1
        if before >= 0 and paragraphs[before].rstrip().endswith((":", "：")):
            furniture[index] = False
    if sum(len(k) for k, drop in zip(keys, furniture, strict=True) if drop) * 2 > total:
        furniture = [False] * len(paragraphs)
    kept = [p for i, (p, key, drop) in enumerate(zip(paragraphs, keys, furniture, strict=True))
            if not drop and key not in headline_keys and not (
                len(p.strip()) <= _MAX_LETTERLESS_CHARS and not any(ch.isalpha() for ch in p)
                and _boxed(i, paragraphs, sources))]
    return "\n\n".join(kept)


def _our_body(tree: HtmlElement | None) -> str:
    """The element-based body: the `<article>` (or `<main>`) text, one block one paragraph."""
    if tree is None:
        return ""
    chunks = _text(tree)
    region = next((r for r in ("article", "main") if "".join(chunks[r]).strip()), "all")
    return "\n\n".join(line for line in map(_squash, "".join(chunks[region]).split("\n")) if line)


def _extraction(url: str | None) -> Extractor:
    """`_EXTRACTION` for the page at `url` (trafilatura copies shared options before changing them)."""
    options = copy(_EXTRACTION)
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")  # as Extractor() sets it
    return options


def _header(page_text: str, body: str) -> list[str]:
    """The paragraphs above the story in the page's own text (`_our_body`), where a byline or
    date stamp the extractor left out of the body stands ("Posted on ... by NAME" in a post-meta
    block): those before the body's first, or the first few if it is not among them."""
    paragraphs = page_text.split("\n\n")
    first = body.split("\n\n", 1)[0]
    return paragraphs[: paragraphs.index(first)] if first in paragraphs else paragraphs[:_HEADER_PARAGRAPHS]


def _refined_date(guessed: str | None, header: Callable[[], list[str]]) -> str | None:
    """htmldate's date, or the full date a header line shows in the same year when htmldate's is
    that year's 1 January: htmldate gives a year it found alone (a copyright line) so, and the
    page's own date stamp may be in a form it does not read (a month name in Arabic)."""
    if not guessed or not guessed.endswith("-01-01"):
        return guessed
    shown = next((d for d in map(parse_date, header()) if d), None)
    return shown if shown and shown[:4] == guessed[:4] else guessed


# A byline element is short; a longer element holding the names is a box around it.
_MAX_BYLINE_CHARS = 200


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).casefold()


def _printed_authors(found: str, tree: HtmlElement | None) -> list[str]:
    """The names of trafilatura's author `found` ("A; B; Place"), read again from the byline as the
    page prints it, the smallest element holding them all: trafilatura drops a label's colon
    ("إعداد: NAME" becomes one name) and splits a place after the names ("Von A und B, Ort") as one
    more, where the printed byline's punctuation tells label, names and place apart (`byline_names`)."""
    names = [key for key in map(_letters, found.split(";")) if key]
    if tree is None or not names:
        return split_authors([found])
    printed = None
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NO_PARAGRAPH:
            continue
        text = element.text_content()
        if len(text) <= _MAX_BYLINE_CHARS and (printed is None or len(text) < len(printed)):
            letters = _letters(text)
            if all(name in letters for name in names):
                printed = text
    return byline_names(printed) if printed is not None else split_authors([found])


def _metadata(tree: HtmlElement, url: str | None):
    """trafilatura's metadata (date by htmldate, author, site name, URL), or None if it fails on the page."""
    try:
        return extract_metadata(tree, default_url=url, date_config=_DATE_PARAMS)
    except Exception:  # noqa: BLE001 - the page's own signals still stand
        return None


def parse_html(markup: str, url: str | None = None) -> ParsedPage:
    """Title, body and metadata from one HTML page (never raises on malformed markup).

    `url` is where the page was fetched from (a WARC record's target), used when the
    page does not name its canonical URL. Each field takes the most reliable signal
    the page has: structured metadata first, then trafilatura/htmldate, then what the
    visible text says (a dated URL, a dateline, a byline).
    """
    tree, page = _tree(markup)
    found = _collect(tree) if tree is not None else _Collected()
    meta = found.meta
    story = _story_data(found.json_ld)
    stated_date = (story.date or parse_date(meta.get("article:published_time") or "")
                   or parse_date(found.time_datetime or "")
                   or next((d for d in (parse_date(meta.get(key) or "") for key in _DATE_META) if d), None))
    stated_source = meta.get("og:site_name") or story.publisher
    # trafilatura's metadata pass (htmldate's search above all) costs as much as the body;
    # it runs only for what the page does not state itself.
    # Both read our tree (trafilatura and htmldate prune copies of it, never it).
    guessed = _metadata(tree, url) if page and not (stated_date and stated_source) else None
    try:
        extracted = trafilatura.bare_extraction(tree, options=_extraction(url)) if page else None
    except Exception:  # noqa: BLE001 - a page trafilatura cannot handle still has our own reading
        extracted = None
    source = (stated_source or (guessed and guessed.sitename) or meta.get("application-name")
              or meta.get("publisher") or None)
    h1 = _squash(found.h1)
    title = (_squash(meta.get("og:title", "")) or _squash(meta.get("twitter:title", ""))
             or _squash(story.headline or "") or h1 or _strip_site_suffix(_squash(found.title_tag), source))
    page_url = (found.canonical or meta.get("og:url") or story.url or (guessed and guessed.url) or url or None)
    htmldate = parse_date((guessed and guessed.date) or "")
    page_text = tree.text_content() if tree is not None else ""
    authors = story.authors or tuple(split_authors(
        found.microdata_authors or [next((meta[k] for k in _AUTHOR_META if meta.get(k)), "")])) or tuple(
        _printed_authors(restore_dropped((guessed and guessed.author) or "", page_text), tree))
    language = language_code(story.language or found.html_lang
                             or next((meta[k] for k in _LANGUAGE_META if meta.get(k)), None))
    headlines = {title, h1, _squash(story.headline or "")} - {""}
    # bare_extraction gives a Document (a dict only when asked with as_dict).
    ours: list[str] = []  # our element-based body, read at most once and only if needed

    def our_body() -> str:
        if not ours:
            ours.append(_our_body(tree))
        return ours[0]

    extracted_text = restore_dropped(getattr(extracted, "text", None) or "", page_text)
    body = drop_shaped_furniture(restore_introduced_lists(_choose_body(extracted_text, our_body), tree),
                                 tree, headlines)
    body = _stated_body(story.body, body) or body
    cleaned = clean_news_body(body, headlines=headlines,
                              standfirst=meta.get("description") or meta.get("og:description"), authors=authors)
    # The story's own structured date, then htmldate's finding (refined by a header line), then the URL's.
    date = (stated_date or _refined_date(htmldate, lambda: _header(our_body(), cleaned.body))
            or date_from_url(page_url or ""))
    authors = (authors or cleaned.authors or bracketed_reporters(cleaned.body)
               or byline_authors(_header(our_body(), cleaned.body)))
    return ParsedPage(title, cleaned.body, date or cleaned.date, source, page_url,
                      authors=authors, language=language)
