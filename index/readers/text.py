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
from dataclasses import dataclass, field

import pycountry
import yaml
from markdown_it import MarkdownIt

from index.dates import MONTH_NUMBERS, find_date, parse_date

MAX_TITLE_CHARS = 300
_URL = re.compile(r"https?://[^\s<>\"')\]]+|www\.[a-z0-9-]+\.[^\s<>\"')\]]+", re.I)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

# Header labels and which metadata field their value feeds. Arabic and Persian "wrote" (كتب, نوشته) also
# open sentences, so they are a byline only as a label, with a colon; "by the pen of" (بقلم) always is.
_LABEL = re.compile(
    r"^\W*(?P<label>date(?:line)?|published(?: on| at)?|posted(?: on)?|updated(?: on)?|last updated|"
    r"first published|source|publisher|outlet|url|link|canonical|origin(?:al)? url|by|written by|"
    r"author|reporter|byline|filed|par|von|por|door|بقلم|(?:كتبت?|نوشته)(?=\s*:))\b\s*[:\-–—|]?\s*(?P<value>.*)$",
    re.I,
)
_DATE_LABELS = {"date", "dateline", "published", "published on", "published at", "posted",
                "posted on", "updated", "updated on", "last updated", "first published", "filed"}
_SOURCE_LABELS = {"source", "publisher", "outlet"}
# Byline cues that are prepositions: the name follows them directly, never after a dash.
_BY_WORDS = {"by", "written by", "par", "von", "por", "door"}
_DASH_AFTER_CUE = re.compile(r"\s+[-–—|]\s")
_URL_LABELS = {"url", "link", "canonical", "origin url", "original url"}

# Words that surround a date stamp or masthead without being content.
_STAMP_WORDS = {
    "advertisement", "advertising", "ad", "sponsored", "am", "pm", "gmt", "utc", "est", "edt",
    "cet", "bst", "at", "on", "updated", "published", "posted", "date", "last", "mon", "tue",
    "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "min", "mins", "read", "ago", "hours", "hour", "minutes", "by",
}

# The credits closing a wire story, one or a chain of them ("Reporting by A in X and B in Y;
# Additional reporting by C; Writing by B; Editing by D and E"), each a role and "by" names.
_CREDIT = (r"(?:additional )?(?:reporting|writing|editing|edited|compiled|translated|produced|graphics|photos?)"
           r" by [^.;]{1,150}")
# The labels of an editor's credit line ("（责任编辑：王丽娟）", "Redaktion: Jana Ott"), a role and a colon.
_EDITOR_LABEL = (r"(?:责任编辑|責任編輯|责编|責編|编辑|編輯|編集|审核|審核|校对|校對|편집|редактор|редакция|"
                 r"redaktion|edición|edição|redacción)")
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
    r"(?:read (?:more|also|next)|also read|related|see also|watch|listen|lesen sie (?:auch|mehr)|(?:à )?lire aussi|"
    r"lee (?:también|más)|leer más|اقرأ أيضا)\s*:.{0,150}|"
    r"\d+ (?:of|/) \d+ (?:photos|images|pictures)|donate(?: now| today)?|"
    rf"\(?{_CREDIT}(?:\s*;\s*{_CREDIT})*\)?|[(（]?{_EDITOR_LABEL}\s*[:：]\s*[^.。:：]{{1,40}}[)）]?|"
    r"(?:source|sources|quelle|fuente|fonte|kaynak|sumber|źródło|bron|المصدر|منبع|источник|джерело|来源|來源|出典|출처)"
    r"\s*[:：]\s*\S.{0,60}|(?:correction|clarification)\s*:.*)\W*$",
    re.I,
)
# A short line that holds an e-mail address is a reporter's sign-off or a contact line
# ("박서준 기자 sjpark@paper.example", "Write to Jane Doe at jane@paper.example"), not a story's sentence.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MAX_SIGN_OFF_WORDS = 8
# Appeals and notices (paywall, donations, newsletters, cookie consent): a short line
# that contains one of these is site furniture wherever it stands.
_APPEAL = re.compile(
    r"\b(?:support (?:our |independent |local |quality |nonprofit )*journalism|make a donation|"
    r"subscribe (?:now|today|to (?:read|continue))|for subscribers only|"
    r"(?:reserved for|réservée aux) (?:subscribers|abonnés)|"
    r"il vous reste \d+ ?% de cet article|the rest of this (?:article|story) is|"
    r"sign up for (?:our|the) [\w ]{0,30}newsletter|"
    r"(?:we|this site|our partners?|unsere partner) (?:and our partners )?"
    r"(?:use|uses|utilise|utilisent|verwenden) (?:des )?cookies|"
    r"accept (?:all )?cookies|cookies? (?:policy|settings|einstellungen))\b",
    re.I,
)
_APPEAL_MAX_WORDS = 45
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
    r"| reading| links)?|read (?:more|also|next)|also read|lesen sie auch|(?:à )?lire aussi|lee también|اقرأ أيضا|"
    r"das könnte sie auch interessieren|more (?:from|on|in) [^.]{1,40}|more stories|"
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

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)


@dataclass
class _Meta:
    date: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)

    def take_authors(self, byline: str) -> None:
        """Names from a byline value ("Jane Doe and Ali Omar | March 3, 2021") when none are known yet."""
        if not self.authors:
            self.authors = byline_names(byline)

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
    """What a text or HTML page says about itself, before the caps of `build_article` apply.

    `language` is what the page declares (ISO 639-1), None when it says nothing.
    """

    title: str
    body: str
    date: str | None
    source: str | None
    url: str | None
    authors: tuple[str, ...] = ()
    language: str | None = None


# A byline's names end where its other parts begin: "Jane Doe, staff writer", "Jane Doe | 3 May",
# "Jane Doe in Beirut", "Jane Doe for the Herald".
# A comma ends them too, but only after the names' last "and": "Jane Doe, Omar Ali and Li Wei"
# lists three people, "Jane Doe and Omar Ali, Beirut" two and their place.
_BYLINE_END = re.compile(r"\s*(?:[|·•–—(]|\s-\s|\bupdated\b|\bpublished\b|\bpublié\b)\s*|\s+(?:in|for)\s+",
                         re.I)
_LAST_CONJUNCTION = re.compile(r"^.*(?:&|\b(?:and|und|et|y)\b|\bو)", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b|\bet\b|\by\b|\bو)\s*", re.I)
# The cue before a byline's names is no part of them: a "by"/"wrote" word of the languages
# whose bylines we read ("By", "Written by", "كتب", "بقلم", "نوشته"), with or without a colon,
# or any one word and a colon, a label in whatever language ("Autorin:", "Текст:").
_BY_PREFIX = re.compile(r"^(?:(?:(?:written|words|story|text|reporting)\s+)?by|par|von|por|door|كتبت?|بقلم|نوشته)"
                        r"(?:\s*[:：]\s*|\s+)|^[^\W\d_]+\s*[:：]\s+", re.I)
# "Posted on August 27, 2024 by Jane Doe in Food": a date label's value that also names the author.
_DATED_BY = re.compile(r"\s+[Bb]y\s+(?=[A-Z@\"“])")
MAX_AUTHOR_WORDS = 5
# A job title is not a person, however it reaches the author field ("Jane Doe, Middle East
# correspondent", an author meta "Staff Writer"): a part naming a newsroom role, in the
# languages whose bylines we read, is dropped. Roles are head nouns and their inflections;
# a newsroom's own name for itself (a desk byline: "Newsroom", "Redazione") is a role too.
_ROLE = re.compile(
    r"\b(?:correspondents?|reporters?|editors?|writers?|columnists?|contributors?|journalists?|producers?|"
    r"analysts?|photographers?|commentators?|critics?|staff|desk|bureau|chief|interns?|"
    r"correspondant(?:e|s|es)?|journalistes?|rédact(?:eur|rice)s?|envoyée?s? spéciale?s?|chroniqueu(?:r|se)s?|"
    r"éditorialistes?|korrespondent(?:in|en|innen)?|redakt(?:eur|eurin|ion)|reporterin|journalistin|"
    r"corresponsal(?:es)?|periodistas?|redactor(?:a|es)?|enviad[oa]s? especial(?:es)?|columnistas?|"
    r"corrispondente|giornalista|redattore|inviat[oa]|verslaggever|redacteur|"
    r"newsroom|redação|redacción|rédaction|redazione|redactie|redaktsiya|редакці[яї]|редакция)\b",
    re.I,
)


# Korean and Japanese bylines put the reporter's title after the name ("박서준 기자", "山田太郎記者"),
# and what follows the title is no name either (the desk, a "more by" link): the name ends there.
_TITLE_AFTER_NAME = re.compile(r"\s*(?:선임기자|전문기자|객원기자|기자|특파원|논설위원|편집위원|"
                               r"記者|特派員|編集委員|論説委員)(?![^\W\d_])")


def byline_names(byline: str) -> list[str]:
    """The names of one printed byline ("By Jane Doe and Omar Ali, Beirut | 3 May"): the cue
    dropped, cut where its other parts begin (`_BYLINE_END`, a comma after the last "and")."""
    value = _BY_PREFIX.sub("", " ".join(byline.split()))
    value = _BYLINE_END.split(value, 1)[0]
    conjunction = _LAST_CONJUNCTION.match(value)
    comma = value.find(",", conjunction.end() if conjunction else 0)
    return split_authors([value[:comma] if comma >= 0 else value])


def split_authors(values: list[str]) -> list[str]:
    """Person names from author fields or bylines: split on 'and', ';' or ',', 'By' dropped, deduplicated.

    A part that is a URL, has digits, is longer than a name or names a newsroom role (`_ROLE`)
    is not an author; a part with a title after the name (`_TITLE_AFTER_NAME`) is the name before it.
    """
    names: list[str] = []
    for value in values:
        for part in _AUTHOR_SPLIT.split(_BY_PREFIX.sub("", " ".join((value or "").split()))):
            title = _TITLE_AFTER_NAME.search(part)
            part = (part[: title.start()] if title and title.start() else part).strip(" .:-–—")
            if (part and len(part.split()) <= MAX_AUTHOR_WORDS and not _URL.search(part)
                    and not any(c.isdigit() for c in part) and not _ROLE.search(part) and part not in names):
                names.append(part)
    return names


_LANGUAGE = re.compile(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*\s*$")
MAX_LANGUAGE_NAME = 40  # no language name is longer; a longer value is not one


def language_code(declared: str | None) -> str | None:
    """ISO 639-1 code from a declared language, or None if it names none.

    Pages declare tags ("en-GB", "fr_FR", "AR"); datasets also write three-letter codes
    ("ara", "eng") or names ("Arabic", "english"), which ISO 639-3 (pycountry) resolves when
    the language has a two-letter code. None lets the caller detect the language instead.
    """
    text = (declared or "").strip()
    match = _LANGUAGE.match(text)
    if match:
        return match.group(1).lower()
    if not text or len(text) > MAX_LANGUAGE_NAME:
        return None
    try:
        found = pycountry.languages.lookup(text)
    except LookupError:
        return None
    code = getattr(found, "alpha_2", None)
    return code.lower() if code else None


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?=[/._-]|$)")


def date_from_url(url: str) -> str | None:
    """The date a URL path carries ("/2019/04/23/story", "/20190423-story"), if valid."""
    match = _URL_DATE.search(url)
    return parse_date("-".join(match.groups())) if match else None


# A dateline opens a wire story: "DAMASCUS, Oct 2 (Reuters) -", "BEIRUT (AP) —",
# "Tehran, 12 March:", "KÖLN, 4. Februar (dpa) -". Place, then optional region and day,
# then an agency in brackets and/or a dash or colon.
_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_][\w'’.\- ]{0,40}?)(?:,\s*(?P<region>[^\W\d_][\w'’.\- ]{0,30}?))??"
    r"(?:,\s*(?P<when>[^\W\d_]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?(?:,? (?:1[89]|20)\d\d)?|"
    r"\d{1,2}\.? [^\W\d_]{3,9}\.?(?: (?:1[89]|20)\d\d)?))?"
    r"\s*(?:\((?P<agency>[^()\n]{2,40})\))?\s*[-–—:]+\s"
)
_PLACE_WORDS = 4


@dataclass(frozen=True)
class Dateline:
    """What a wire dateline says: where, which agency, and the day (year only when stated)."""

    place: str
    agency: str | None
    month: int | None
    day: int | None
    date: str | None  # full ISO date when the dateline gives the year


def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline that opens `paragraph`, or None.

    A place in capitals may stand with just an agency ("BEIRUT (AP) —"); a place in
    Title Case needs a day or an agency too, so an ordinary sentence opening ("Asked
    about it, she said: ...") is not one.
    """
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    place, when, agency = match["place"].strip(), match["when"], match["agency"]
    if len(place.split()) > _PLACE_WORDS or not (place.isupper() or _is_name(place)):
        return None
    if not (agency or when):
        return None
    month = day = None
    if when:
        words = re.findall(r"[^\W\d_]+|\d+", when)
        month = next((MONTH_NUMBERS.get(w[:3].lower()) for w in words if not w.isdigit()), None)
        day = next((int(w) for w in words if w.isdigit() and len(w) <= 2), None)
        if month is None and not agency:
            return None  # "Paris, 12 Uhr:" is no date; without an agency nothing says dateline
    return Dateline(place, (agency or "").strip() or None, month, day, parse_date(when or "") if when else None)


def dateline_date(dateline: Dateline, reference: str | None) -> str | None:
    """The dateline's day as an ISO date: its own year, else the latest such day not after `reference`."""
    if dateline.date or not (dateline.month and dateline.day and reference):
        return dateline.date
    year = int(reference[:4])
    for candidate in (year, year - 1):
        iso = parse_date(f"{candidate}-{dateline.month:02d}-{dateline.day:02d}")
        if iso and iso <= reference:
            return iso
    return None


def short_title(text: str) -> str:
    """A headline-sized title from a longer line: its first sentence, cut at a word."""
    text = " ".join(text.split())
    sentence = re.match(r".+?[.!?](?=\s+[A-Z\"“‘']|$)", text)
    if sentence and len(sentence.group(0)) >= 20:
        text = sentence.group(0)
    if len(text) <= MAX_TITLE_CHARS:
        return text
    cut = text[:MAX_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_furniture(line: str) -> bool:
    """True for one-line boilerplate (ads, share buttons, captions) that is never body text."""
    stripped = line.strip()
    if not stripped or len(stripped) >= 300:
        return False
    if _FURNITURE_LINE.match(stripped) or _CAPTION.search(stripped) or _BREADCRUMB.match(stripped):
        return True
    if _APPEAL.search(stripped) and len(stripped.split()) <= _APPEAL_MAX_WORDS:
        return True
    if _EMAIL.search(stripped) and len(stripped.split()) <= _MAX_SIGN_OFF_WORDS:
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
            stamp, *named = _DATED_BY.split(value, 1)
            iso = parse_date(stamp)
            if not iso and name not in {"dateline", "filed"}:
                return False
            meta.take_date(iso)
            if named:
                meta.take_authors(named[0])
        elif name in _SOURCE_LABELS:
            meta.take_source(_URL.sub("", value))
            meta.take_url(value)
        elif name in _URL_LABELS:
            if not _URL.search(value):
                return False
            meta.take_url(value)
        else:  # a byline: "By Jane Doe", "Author: Jane Doe, March 3, 2021"
            if name in _BY_WORDS and _DASH_AFTER_CUE.match(stripped, label.end("label")):
                return True  # "By — Springfield": the name was markup an extractor left out, the place is none
            # A name opens with a capital, or with a letter of a script without case (Arabic, Hebrew...).
            if not value or not ((value[0].isalpha() and not value[0].islower()) or value[0] in "@\"“"):
                return False
            meta.take_date(parse_date(value))
            meta.take_authors(value)
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


@dataclass(frozen=True)
class CleanedBody:
    """A web page's body as news text, with what its header lines said of date and authors."""

    body: str
    date: str | None
    authors: tuple[str, ...]


# Lead-in lines above a story (kicker, standfirst, photo counter) are shorter than this;
# its first paragraph is longer. Only the first few paragraphs can be lead-ins.
MAX_LEAD_IN_WORDS = 15
_LEAD_IN_PARAGRAPHS = 8
_BULLET = re.compile(r"^(?:[-*•·]|\d{1,2}[.)])\s+")
# "Jane Doe is a former librarian ...": the author's bio after the story.
_BIO_VERB = re.compile(r"\s+(?:is|was|covers|writes|reports|has|edits|teaches)\b")
_BIO_PARAGRAPHS = 2


def _is_bio(paragraph: str, authors: tuple[str, ...] | list[str]) -> bool:
    return any(paragraph.startswith(name) and _BIO_VERB.match(paragraph[len(name):]) for name in authors)


# A Chinese story names its reporters in brackets in its dateline ("本报北京3月5日电（记者 刘洋、
# 张敏）", "（新华社记者 王强 通讯员 李娜）"): a reporter title, then names of two to four characters.
_REPORTER_TITLE = r"(?:记者|記者|通讯员|通訊員|特约记者|实习生)"
_BRACKETED_REPORTERS = re.compile(rf"[（(][^\W\d_]{{0,6}}?{_REPORTER_TITLE}[\s:：]+([^（）()]{{2,60}}?)[）)]")
_HAN_NAME = re.compile(r"[\u3400-\u9fff]{2,4}")
_DATELINE_CHARS = 80


def bracketed_reporters(paragraph: str) -> tuple[str, ...]:
    """The reporters a Chinese dateline names in brackets near the start of `paragraph`; the
    titles between names ("通讯员") are none."""
    match = _BRACKETED_REPORTERS.search(paragraph[:_DATELINE_CHARS])
    if match is None:
        return ()
    parts = [part for part in re.split(r"[\s、，,]+", match.group(1)) if part]
    names = [re.sub(rf"^[^\W\d_]{{0,6}}?{_REPORTER_TITLE}", "", part) for part in parts]
    return tuple(dict.fromkeys(name for name in names if _HAN_NAME.fullmatch(name)))


def byline_authors(paragraphs: list[str]) -> tuple[str, ...]:
    """Authors named by the byline lines among `paragraphs` ("By Jane Doe", "Posted on 3 May
    2021 by Jane Doe in Food"), as the header zone of `clean_news_body` reads them."""
    meta = _Meta()
    for paragraph in paragraphs:
        _metadata_line(" ".join(paragraph.split()), meta)
    return tuple(meta.authors)


def clean_news_body(body: str, *, headlines: set[str], standfirst: str | None = None,
                    authors: tuple[str, ...] = ()) -> CleanedBody:
    """An extracted page body as news text: header lines, list bullets and furniture out.

    General extractors keep what sits above the story (the headline again, kicker,
    standfirst, byline, date stamp) and below it (author bio, donation and paywall
    appeals). Header lines feed the date and authors; everything the text rules know
    as furniture goes; paragraphs stay blank-line separated.
    """
    meta = _Meta()
    squashed_standfirst = " ".join((standfirst or "").split())
    paragraphs = [_BULLET.sub("", " ".join(p.split())) for p in re.split(r"\n\s*\n", body)]
    paragraphs = [p for p in paragraphs if p]
    first_long = next((i for i, p in enumerate(paragraphs)
                       if len(_words(p)) >= MAX_LEAD_IN_WORDS or find_dateline(p)), None)
    start = 0
    for index, paragraph in enumerate(paragraphs[:_LEAD_IN_PARAGRAPHS]):
        lead_in = first_long is not None and index < first_long
        if (paragraph in headlines or paragraph == squashed_standfirst or _metadata_line(paragraph, meta)
                or is_furniture(paragraph) or lead_in):
            start = index + 1
            continue
        break
    kept = paragraphs[start:]
    known = authors or tuple(meta.authors)
    cut = max(1, len(kept) - _BIO_PARAGRAPHS)
    kept = kept[:cut] + [p for p in kept[cut:] if not _is_bio(p, known)]
    spaced = [part for paragraph in kept for part in (paragraph, "")]
    return CleanedBody(clean_body_lines(spaced), meta.date, tuple(meta.authors))


_FRONT_KEYS = {
    "title": "title", "headline": "title", "date": "date", "published": "date", "pubdate": "date",
    "publish_date": "date", "publication_date": "date", "source": "source", "publisher": "source",
    "outlet": "source", "site": "source", "url": "url", "link": "url", "canonical": "url",
    "author": "authors", "authors": "authors", "by": "authors", "language": "language", "lang": "language",
}
_MARKDOWN = MarkdownIt("commonmark")
# Block tokens whose inline text is one paragraph of the plain text.
_MD_TEXT_BLOCKS = {"paragraph_open", "heading_open"}


def _front_matter(block: str, meta: _Meta) -> tuple[str | None, str | None]:
    """YAML front matter into metadata; returns (title, language). Bad YAML is no front matter."""
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    title = language = None
    for key, value in data.items():
        field_name = _FRONT_KEYS.get(str(key).strip().lower())
        if field_name is None or value is None:
            continue
        if field_name == "authors":
            meta.authors = meta.authors or split_authors(value if isinstance(value, list) else [str(value)])
            continue
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if field_name == "title":
            title = title or " ".join(text.split()) or None
        elif field_name == "date":
            meta.take_date(parse_date(text))
        elif field_name == "source":
            meta.take_source(text)
        elif field_name == "url":
            meta.take_url(text)
        else:
            language = language or language_code(text)
    return title, language


def _inline_text(token) -> str:
    """An inline token's words: emphasis and links reduced to their text, images and raw HTML dropped."""
    parts = []
    for child in token.children or []:
        if child.type == "image":
            continue
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


def _markdown_lines(text: str, meta: _Meta) -> tuple[list[str], str | None, str | None]:
    """Markdown to plain lines with markdown-it-py; front matter (YAML) feeds metadata, the first heading the title.

    Each paragraph, heading, list item or code block becomes one line followed by a
    blank one, so paragraph breaks survive and wrapped source lines are joined.
    Returns (lines, title, declared language).
    """
    title = language = None
    front = _FRONT_MATTER.match(text)
    if front:
        text = text[front.end():]
        title, language = _front_matter(front.group(1), meta)
    lines: list[str] = []
    tokens = _MARKDOWN.parse(text)
    for index, token in enumerate(tokens):
        if token.type in {"fence", "code_block"}:
            lines += [*token.content.rstrip("\n").split("\n"), ""]
        elif token.type == "hr":
            lines.append("")
        elif token.type == "inline" and index and tokens[index - 1].type in _MD_TEXT_BLOCKS:
            content = " ".join(_inline_text(token).split())
            if tokens[index - 1].type == "heading_open" and title is None:
                title = content or None
                continue
            lines += [content, ""]
    return lines, title, language


# Hard-wrapped text (wire copy, e-mail) breaks lines at a fixed width, 60-80 columns.
# A text is wrapped when most of its lines (at least MIN_WRAPPED_LINES, all but the
# paragraph's last in the zone) end within WRAP_SLACK of one width; a
# line that reaches the wrap zone continues on the next, a shorter one ends its paragraph.
WRAP_MIN_WIDTH, WRAP_MAX_WIDTH = 55, 80
WRAP_SLACK = 0.3
MIN_WRAPPED_LINES = 3
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_HYPHEN_BREAK = re.compile(r"[^\W\d_]-$")


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped text breaks at, or None when its lines are not wrapped."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    width = lengths[int((len(lengths) - 1) * 0.95)]
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH or lengths[-1] > WRAP_MAX_WIDTH + 10:
        return None
    in_zone = sum(1 for n in lengths if n >= width * (1 - WRAP_SLACK))
    return width if in_zone >= max(MIN_WRAPPED_LINES - 1, len(lengths) // 2) else None


def unwrap_lines(lines: list[str]) -> list[str]:
    """Join the lines of hard-wrapped paragraphs, so a name split across two lines is one phrase.

    Blank lines, a line that stops short of the wrap zone, and list items keep their
    breaks. A word hyphenated at the break joins and keeps its hyphen ("well-" + "known").
    Text that is not hard-wrapped comes back unchanged.
    """
    width = _wrap_width(lines)
    if width is None:
        return lines
    out: list[str] = []
    joinable = False
    for line in lines:
        stripped = line.strip()
        if joinable and stripped and not _LIST_ITEM.match(line):
            out[-1] = out[-1] + ("" if out[-1].endswith("-") else " ") + stripped
        else:
            out.append(line.rstrip())
        joinable = bool(stripped) and (len(line.rstrip()) >= width * (1 - WRAP_SLACK)
                                       or bool(_HYPHEN_BREAK.search(stripped)))
    return out


def parse_text(text: str, markdown: bool = False) -> ParsedPage:
    """Split a scraped article into headline, body and metadata.

    The headline is the first line that is not metadata or furniture. If that line is
    really the lead paragraph (a long sentence), its first sentence becomes the title
    and the paragraph stays in the body, so no article text is lost.
    """
    meta = _Meta()
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    language = None
    if markdown:
        lines, title, language = _markdown_lines(text, meta)
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
    body_lines = lines[body_start:] if markdown else unwrap_lines(lines[body_start:])
    body = clean_body_lines(body_lines)
    return ParsedPage(title or "", body, meta.date, meta.source, meta.url, authors=tuple(meta.authors),
                      language=language)
