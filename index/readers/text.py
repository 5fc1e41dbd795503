"""Plain-text and Markdown articles: headline, metadata lines and site furniture.

Text scraped from news sites carries a masthead (`- The Media Line - https://... -`),
date stamps (` date 2020-01-15 advertisement`), bylines, photo credits and trailing
link lists ("Check Also", "Related:"). The rules below recognise those *kinds* of
line by shape, not by site, so they carry over to unseen sources: short lines that
are mostly a label, date, URL or byline become metadata; one-line boilerplate is
dropped anywhere; a boilerplate heading near the end cuts off everything after it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.dates import find_date, parse_date
from index.readers._base import short_title

_URL = re.compile(r"https?://[^\s<>\"')\]]+|www\.[a-z0-9-]+\.[^\s<>\"')\]]+", re.I)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

# Header labels and which metadata field their value feeds.
_LABEL = re.compile(
    r"^\W*(?P<label>date(?:line)?|published(?: on| at)?|posted(?: on)?|updated(?: on)?|last updated|"
    r"first published|source|publisher|outlet|url|link|canonical|origin(?:al)? url|by|written by|"
    r"author|reporter|byline|filed)\b\s*[:\-–—|]?\s*(?P<value>.*)$",
    re.I,
)
_DATE_LABELS = {"date", "dateline", "published", "published on", "published at", "posted",
                "posted on", "updated", "updated on", "last updated", "first published", "filed"}
_SOURCE_LABELS = {"source", "publisher", "outlet"}
_URL_LABELS = {"url", "link", "canonical", "origin url", "original url"}

# Words that surround a date stamp or masthead without being content.
_STAMP_WORDS = {
    "advertisement", "advertising", "ad", "sponsored", "am", "pm", "gmt", "utc", "est", "edt",
    "cet", "bst", "at", "on", "updated", "published", "posted", "date", "last", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "min", "mins", "read", "ago", "hours", "hour", "minutes", "by",
}

# One-line boilerplate, dropped wherever it appears.
_FURNITURE_LINE = re.compile(
    r"^\W*(?:advertisements?|ad(?:vert)?|sponsored(?: content)?|scroll to continue(?: with content)?|"
    r"share(?: this)?(?: article| story| post)?(?: on \w+)?|share via|tweet|email|e-mail|print|whatsapp|"
    r"facebook|twitter|linkedin|\d+ comments?|comments?|loading\.*|continue reading(?: below)?|"
    r"story continues(?: below)?(?: advertisement)?|powered by automated translation|"
    r"(?:this article (?:was|has been) )?(?:automatically )?translated(?: by .*)?|"
    r"listen to (?:this )?(?:article|story)(?: \d+ min\w*)?|\d+ min(?:ute)?s? read|reading time.*|"
    r"skip to (?:main )?content|back to top|top|click here to .*|tap here to .*|subscribe(?: now| to .*)?|"
    r"sign up(?: for| to) .*|follow us(?: on .*)?|image|photo|video|file photo|getty images|"
    r"(?:image|photo|picture|video) (?:credit|source|caption)s?:?.*|"
    r"(?:read (?:more|also|next)|also read|related|see also|watch|listen)\s*:.{0,150})\W*$",
    re.I,
)
# A photo caption ends with an agency credit ("... / AFP / George OURFALIAN").
_CAPTION = re.compile(
    r"(?:\s/\s(?:AFP|AP|Reuters|EPA|Getty Images|Anadolu(?: Agency)?|Xinhua|SANA)\b(?:\s*/\s*[^/]{0,60})?$)|"
    r"^\s*\(?(?:photo|image|picture|credit)s?\s*(?:credit)?\s*:",
    re.I,
)
# Headings that start trailing link lists and promo blocks: cut from here to the end.
# Only bare headings ("Related Articles", "Check Also:") and tag/copyright lines count;
# an inline "Read more: <title>" is one furniture line, not the end of the story.
_FOOTER_START = re.compile(
    r"^\W*(?:(?:check also|see also|related(?: articles| stories| news| posts| content| coverage| topics"
    r"| reading| links)?|read (?:more|also|next)|also read|more (?:from|on|in) [^.]{1,40}|more stories|"
    r"more news|you (?:may|might) (?:also )?(?:like|be interested in)|recommended(?: for you| stories| articles)?|"
    r"most (?:read|popular|viewed)|trending(?: now)?|tags|topics|filed under|"
    r"share this(?: article| story)?|leave a (?:comment|reply)|comments|about the author)\s*:?\s*$|"
    r"(?:tags|topics|filed under|keywords)\s*:.*|(?:©|copyright\b|\(c\)|all rights reserved).*)$",
    re.I,
)
# A breadcrumb or menu line: short items separated by |, ›, », > or •.
_CRUMB = r"[^|›»>•\s]+(?:\s[^|›»>•\s]+){0,2}"  # one to three words
_BREADCRUMB = re.compile(rf"^\W*{_CRUMB}(?:\s*[|›»>•]\s*{_CRUMB}){{2,}}\W*$")
# Only treat a footer heading as such when little text follows it.
_FOOTER_TAIL_CHARS = 1500

_SEPARATOR = re.compile(r"\s+[|–—·•-]\s+|\s*\|\s*")

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# Inline emphasis and code spans: `**bold**`, `__bold__`, `*em*`, `_em_`, `` `code` `` -> their text.
_MD_INLINE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\3(?![\w*])|`([^`]+)`")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s*(?:[-=*_]\s*){3,}$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)


@dataclass
class _Meta:
    date: str | None = None
    source: str | None = None
    url: str | None = None

    def take_date(self, iso: str | None) -> None:
        self.date = self.date or iso

    def take_source(self, text: str) -> None:
        text = text.strip(" -–—|•·:")
        if text and not self.source and len(text) <= 80:
            self.source = text

    def take_url(self, text: str) -> None:
        match = _URL.search(text)
        if match and not self.url:
            url = match.group(0).rstrip(".,;")
            self.url = url if url.lower().startswith("http") else "https://" + url


@dataclass(frozen=True)
class ParsedPage:
    """What a text or HTML page says about itself, before the caps of `build_article` apply."""

    title: str
    body: str
    date: str | None
    source: str | None
    url: str | None


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_furniture(line: str) -> bool:
    """True for one-line boilerplate (ads, share buttons, captions) that is never body text."""
    stripped = line.strip()
    if not stripped or len(stripped) >= 300:
        return False
    if _FURNITURE_LINE.match(stripped) or _CAPTION.search(stripped) or _BREADCRUMB.match(stripped):
        return True
    parts = _SEPARATOR.split(stripped)  # "Share this story | Back to top"
    return len(parts) > 1 and all(_FURNITURE_LINE.match(p.strip()) for p in parts if p.strip())


def _metadata_line(line: str, meta: _Meta) -> bool:
    """If `line` is a masthead, label, date stamp or byline, record its data and return True."""
    stripped = line.strip()
    if not stripped or len(stripped) > 200:
        return False
    label = _LABEL.match(stripped)
    if label and len(_words(label["value"])) <= 12:
        name, value = label["label"].lower(), label["value"]
        if name in _DATE_LABELS:
            iso = parse_date(value)
            if not iso and name not in {"dateline", "filed"}:
                return False
            meta.take_date(iso)
        elif name in _SOURCE_LABELS:
            meta.take_source(_URL.sub("", value))
            meta.take_url(value)
        elif name in _URL_LABELS:
            if not _URL.search(value):
                return False
            meta.take_url(value)
        else:  # a byline: "By Jane Doe", "Author: Jane Doe, March 3, 2021"
            if not value or not (value[0].isupper() or value[0] in "@\"“"):
                return False
            meta.take_date(parse_date(value))
        return True
    url = _URL.search(stripped)
    if url:  # masthead such as "- The Media Line - https://themedialine.org -"
        rest = (stripped[: url.start()] + " " + stripped[url.end():]).strip()
        if len(_words(rest)) <= 8:
            meta.take_url(url.group(0))
            meta.take_source(re.sub(r"\s*[-–—|•·]\s*$", "", rest))
            return True
        return False
    found = find_date(stripped)
    if found:  # a bare stamp such as "March 3, 2021 10:45 AM | Updated 2 hours ago"
        rest = stripped[: found[1]] + " " + stripped[found[2]:]
        leftover = [w for w in _words(rest) if w.lower() not in _STAMP_WORDS and not w.isdigit()]
        if len(leftover) <= 1:
            meta.take_date(found[0])
            return True
        # "Orontes Herald | 18 July 2012", "Example Monitor - 17/10/2017": outlet plus date.
        parts = [p for p in _SEPARATOR.split(rest) if p.strip(" ,")]
        if len(parts) == 1 and _is_name(parts[0]):
            meta.take_date(found[0])
            meta.take_source(parts[0])
            return True
    return False


def _is_name(text: str) -> bool:
    """A short Title Case phrase without sentence punctuation, like an outlet's name."""
    words = _words(text)
    return (0 < len(words) <= 5 and not re.search(r"[.!?;:]", text)
            and all(w[0].isupper() or w.lower() in {"of", "the", "and", "al", "el"} for w in words))


def _is_lead_paragraph(line: str) -> bool:
    """A first line that reads like a sentence of prose rather than a headline."""
    text = line.strip().rstrip("\"”’'»)")
    return text.endswith((".", "!", "?", ":")) and len(_words(line)) > 15


def _cut_footer(lines: list[str]) -> list[str]:
    """Drop a trailing "Check Also"/"Related:"-style block when little text follows it."""
    for index, line in enumerate(lines):
        if index == 0 or not line.strip() or not _FOOTER_START.match(line.strip()):
            continue
        if len(line.strip()) > 200:
            continue
        tail = sum(len(x) for x in lines[index + 1:])
        if tail <= _FOOTER_TAIL_CHARS:
            return lines[:index]
    return lines


def clean_body_lines(lines: list[str]) -> str:
    """Body text from content lines: furniture out, footer cut, blank runs collapsed."""
    kept = [line for line in _cut_footer(lines) if not is_furniture(line)]
    out: list[str] = []
    for line in kept:
        line = line.rstrip()
        if line.strip() or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _md_text(line: str) -> str:
    """A Markdown line as plain text: images dropped, links and emphasis reduced to their words."""
    line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
    return _MD_INLINE.sub(lambda m: m.group(2) or m.group(4) or m.group(5), line)


def _markdown_lines(text: str, meta: _Meta) -> tuple[list[str], str | None]:
    """Markdown to plain lines; front matter feeds metadata, the first `#` heading the title."""
    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        text = text[front.end():]
        for entry in front.group(1).splitlines():
            key, _, value = entry.partition(":")
            key, value = key.strip().lower(), value.strip().strip("\"'")
            if key in {"title", "headline"} and value:
                title = value
            elif key in {"date", "published", "pubdate", "publish_date", "publication_date"}:
                meta.take_date(parse_date(value))
            elif key in {"source", "publisher", "outlet", "site"}:
                meta.take_source(value)
            elif key in {"url", "link", "canonical"}:
                meta.take_url(value)
    lines = []
    for line in text.splitlines():
        if _MD_RULE.match(line):
            lines.append("")
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
            if title is None:
                title = _md_text(line).strip() or None
                continue
        lines.append(_md_text(line))
    return lines, title


def parse_text(text: str, markdown: bool = False) -> ParsedPage:
    """Split a scraped article into headline, body and metadata.

    The headline is the first line that is not metadata or furniture. If that line is
    really the lead paragraph (a long sentence), its first sentence becomes the title
    and the paragraph stays in the body, so no article text is lost.
    """
    meta = _Meta()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if markdown:
        lines, title = _markdown_lines(text, meta)
    else:
        lines, title = text.splitlines(), None

    body_start = 0
    # Header zone: metadata/furniture lines before the headline.
    for index, line in enumerate(lines):
        if not line.strip() or _metadata_line(line, meta) or is_furniture(line):
            body_start = index + 1
            continue
        if title is None:
            if _is_lead_paragraph(line):
                title = short_title(line)
                body_start = index
            else:
                title = " ".join(line.split())
                body_start = index + 1
        break
    # Bylines and stamps directly under the headline are metadata too.
    # An outlet name on its own line counts when a metadata line follows it.
    candidates = [i for i in range(body_start, len(lines)) if lines[i].strip()][:4]
    for position, index in enumerate(candidates):
        line = lines[index]
        if _metadata_line(line, meta) or is_furniture(line):
            lines[index] = ""
            continue
        following = candidates[position + 1] if position + 1 < len(candidates) else None
        if following is not None and _is_name(line) and _metadata_line(lines[following], _Meta()):
            meta.take_source(line)
            lines[index] = ""
            continue
        break
    body = clean_body_lines(lines[body_start:])
    return ParsedPage(title or "", body, meta.date, meta.source, meta.url)
