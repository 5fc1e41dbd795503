"""Proper-noun phrase candidates, found without any trained model.

NLTK's trained taggers are not available offline, so capitalisation does the tagging:
sentences come from NLTK's untrained Punkt tokenizer (plus line breaks, which in news
text separate headlines, captions and paragraphs), words from a regexp tokenizer, and a
phrase is a maximal run of capitalised words, glued by name particles ("bin", "al-",
"van") and, inside organisation names, by "of"/"for"/"and". Each phrase carries the cues
that the actor typer needs: a title before it, a speech verb near it, whether it opens
its sentence, whether it was possessive.

The phrase finder knows nothing about places or dictionaries; it only proposes.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from nltk.tokenize import PunktSentenceTokenizer

# One tokenisation serves the phrase finder and the place scanner. A token is an initial or
# dotted acronym ("P.", "U.S."), a word with inner hyphens or apostrophes ("al-Assad",
# "O'Brien", "Sana‘a") whose trailing possessive ("'s", "’s") is captured apart, or any single
# other character. A plain compiled pattern, run once per text: per-call and per-token Python
# work is what costs at hundreds of articles a second.
_TOKENS = re.compile(r"((?:[A-Z]\.)+|\w+(?:[-'’‘`](?![sS]\b)\w+)*)(['’‘`][sS]\b)?|[^\w\s]")
# Punkt's context for one candidate break, in its commonest shape: a word of letters or digits, a
# full stop, spaces and a word opening with a letter and holding no end mark of its own ("attack. The",
# "2016. Rebels", "J. Smith"; not "W. Va.", where Punkt breaks after the second stop).
_PLAIN_CONTEXT = re.compile(r"(?:(?P<letters>[^\W\d_]+)|(?P<digits>\d+))\.[ \t]+(?P<next>[^\W\d_])[^\s.?!]*")


class _Sentences(PunktSentenceTokenizer):
    """NLTK's untrained Punkt, deciding its commonest context without building its token objects.

    Without training Punkt knows no abbreviations, collocations or sentence starters, so in that
    shape its rules come down to: after a word of two or more letters the stop ends a sentence;
    after an initial ("J.") it never does before a word; after a number it does unless a
    lower-case word follows. Any other context goes to Punkt itself (the result is Punkt's either
    way; the shortcut is there because this check runs at every full stop of every article)."""

    def text_contains_sentbreak(self, text: str) -> bool:
        plain = _PLAIN_CONTEXT.fullmatch(text)
        if plain is None:
            return super().text_contains_sentbreak(text)
        if plain["digits"] is not None:
            return plain["next"].isupper()
        return len(plain["letters"]) > 1


_SENTENCES = _Sentences()
# Every place Punkt considers a break (its period context: an end mark before other punctuation, or
# before spaces and a token), and the plain ones among them, as `_PLAIN_CONTEXT` describes.
_PUNKT_CANDIDATE = re.compile(r"[.?!](?=[)\";}\]*:@'({\[\u2018\u2019\u201c\u201d\xab\xbb?!]|\s+\S)")
_PLAIN_CANDIDATE = re.compile(r"(?<!\S)(?:(?P<letters>[^\W\d_]+)|(?P<digits>\d+))\."
                              r"(?=[ \t]+(?P<next>[^\W\d_])[^\s.?!]*(?:\s|$))")


def _plain_spans(block: str) -> list[tuple[int, int]] | None:
    """Punkt's sentence spans of a block whose every candidate break is plain, computed directly
    (None when one is not: Punkt decides that block). With only plain contexts no realignment or
    overlap applies, and each break is decided as in `_Sentences`."""
    plain = list(_PLAIN_CANDIDATE.finditer(block))
    if len(plain) != len(_PUNKT_CANDIDATE.findall(block)):
        return None
    spans = []
    start = 0
    for found in plain:
        if found["digits"] is not None and not found["next"].isupper() \
                or found["letters"] is not None and len(found["letters"]) == 1:
            continue
        spans.append((start, found.end()))
        start = found.start("next")
    spans.append((start, len(block.rstrip())))
    return spans
_LINE_BREAK = re.compile(r"\n\s*")
# More content words than a headline ever has: a run this long in Title Case is a list of
# names or a results table, where capitals do mark names.
_LONGEST_HEADLINE = 14
# Numbers per word from which a Title Case line is a results or scores row, not a headline
# ("Raids Kill 12 in Homs" has one number for five words).
_ROW_NUMBERS = 0.3
# Where Punkt would even consider a sentence break (its period context: an end mark followed by
# punctuation or by whitespace and a word). A block without one is a single sentence, and news
# text is mostly such blocks (wrapped lines, headlines), so Punkt only runs where it can matter.
_BREAK_CANDIDATE = re.compile(r"[.?!](?:[)\";}\]*:@'({\[!?]|\s+\S)")

# Lower-case words that may sit inside a name ("Hayat Tahrir al-Sham", "Osama bin Laden").
NAME_PARTICLES = frozenset(
    "al el bin ibn bint abu abd van von de del della der den di da du dos das le la ter".split()
)
# Lower-case words that may join the parts of an organisation's name ("Bank of England").
ORG_CONNECTORS = frozenset("of for and on".split())

SPEECH_VERBS = frozenset(
    """said says say told tells added adds stated explained noted insisted claimed warned
    announced confirmed denied declared urged replied argued wrote asked according""".split()
)

# Words that open sentences or headlines without being names.
COMMON_WORDS = frozenset(
    """a about above after again against all also although am among an and another any
    are as at be because been before being below between both but by can could despite
    did do does doing down during each earlier either even every few first for from
    further had has have having he her here hers him his how however i if in into is it
    its just last later latest many may me meanwhile more moreover most much must my
    neither never next no nor not now of off on once one only or other our out over
    own perhaps same second several she should since so some still such than that the
    their them then there therefore these they third this those though through thus to
    today tomorrow too two three four five six seven eight nine ten under unless until
    up upon very was we were what whatever when where whether which while who whom whose
    why will with within without would yesterday yet you your nevertheless instead indeed
    according asked speaking officials police sources analysts residents witnesses
    experts reports report check read watch see more related update updated editing
    reporting writing additional photo video picture file advertisement breaking
    exclusive analysis opinion comment factbox timeline correction corrected
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    gmt bst est edt pst utc am pm mln bln pct""".split()
)
# Function words that, capitalised inside a run of names, can only open a sentence whose full
# stop the scraper dropped; the words that glue names ("of", "and", "for", "de") are not among them.
_SENTENCE_OPENERS = frozenset(
    """the he she it they we i you his her its their our my your this that these those but or so yet
    there here when where while after before since although though however meanwhile moreover
    nevertheless if then who what which whom whose because despite""".split()
)
WEEKDAYS_AND_MONTHS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december""".split()
)


class Token(NamedTuple):
    text: str
    start: int
    end: int
    possessive: bool = False
    lower: str = ""

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


class Phrase(NamedTuple):
    """A run of capitalised words with the context cues around it."""

    tokens: tuple[Token, ...]
    before: tuple[Token, ...]  # up to three tokens before, nearest last
    after: tuple[Token, ...]  # up to three tokens after, nearest first
    sentence_initial: bool
    headline: bool  # the sentence is all-caps or title-case: capitalisation says nothing
    shouting: bool = False  # the sentence is all-caps: even acronyms mean nothing

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


_new_token = tuple.__new__  # Token(...) without the Python-level NamedTuple constructor


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Word tokens with character spans; a trailing possessive is split off the word."""
    tokens: list[Token] = []
    append = tokens.append
    for found in _TOKENS.finditer(text):
        word = found[1]
        start = offset + found.start()
        if word is None:  # a lone mark
            word = found[0]
            append(_new_token(Token, (word, start, start + 1, False, word)))
        else:
            append(_new_token(Token, (word, start, start + len(word), found[2] is not None, word.lower())))
    return tokens


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences, never crossing a line break."""
    spans = []
    position = 0
    for line_break in [*_LINE_BREAK.finditer(text), None]:
        end = line_break.start() if line_break else len(text)
        block = text[position:end]
        if not block.strip():
            pass
        elif _BREAK_CANDIDATE.search(block) is None:
            spans.append((position, position + len(block.rstrip())))
        else:
            plain = _plain_spans(block)
            spans.extend((position + s, position + e) for s, e in (
                plain if plain is not None else _SENTENCES.span_tokenize(block)))
        if line_break:
            position = line_break.end()
    return spans


def is_headline(tokens: list[Token]) -> bool:
    """All-caps or Title Case sentences: capitalisation there carries no signal."""
    words = [t for t in tokens if t.text[0].isalpha()]
    if len(words) < 3:
        return bool(words) and all(t.text.isupper() and len(t.text) > 1 for t in words) and len(words) > 1
    upper = sum(1 for t in words if t.text.isupper() and len(t.text) > 1)
    if upper / len(words) > 0.6:
        return True
    content = [t for t in words if t.lower not in COMMON_WORDS]
    if not 4 <= len(content) <= _LONGEST_HEADLINE:
        return False  # too short to judge, or too long for a headline: a list or results table
    capitalised = sum(1 for t in content if t.capitalised)
    if any(not t.capitalised and t.text.isalpha() and len(t.text) > 3 for t in content):
        return False  # Title Case capitalises every content word; "beat" in "A beat B" says this is not it
    if capitalised / len(content) <= 0.85:
        return False
    # names between numbers ("A. Dale 69 , H. Morris 69") are a results row, where capitals do mark names
    numbers = sum(1 for t in tokens if t.text[0].isdigit())
    return numbers < 2 or numbers < _ROW_NUMBERS * len(words)


@lru_cache(maxsize=65536)
def _is_name_word(word: str) -> bool:
    """Capitalised word that can be part of a name (not a number, not a lone mark)."""
    first = word[0]
    if not first.isupper():
        return False
    return any(c.isalpha() for c in word)


def particle_start(word: str) -> bool:
    """`al-Nusra`, `el-Sisi`: a name that starts with a lower-case article glued by a hyphen."""
    head, _, rest = word.partition("-")
    return bool(rest) and head in NAME_PARTICLES and rest[0].isupper()


def _particle_word(word: str) -> bool:
    """`al-Assad`, `el-Sisi`, `bin`: lower-case name parts."""
    head, _, rest = word.partition("-")
    return head in NAME_PARTICLES and (not rest or rest[0].isupper())


def phrases(text: str, org_heads: frozenset[str], tokens: list[Token] | None = None) -> list[Phrase]:
    """All proper-noun phrase candidates in `text`, in order.

    `org_heads` are the (lower-case) words after which "of"/"for"/"and" may continue a
    name ("Ministry of Defence", "Institute for National Security Studies"). `tokens` is
    `tokenize(text)` when the caller already has it (the place scanner reads the same list).
    """
    if tokens is None:
        tokens = tokenize(text)
    found: list[Phrase] = []
    k = 0
    for _, s_end in sentence_spans(text):
        first = k
        while k < len(tokens) and tokens[k].start < s_end:
            k += 1
        if not any(_is_name_word(t.text) for t in tokens[first:k]):
            continue  # no capital, no phrase: skip the sentence-level cues
        found.extend(_sentence_phrases(tokens[first:k], org_heads))
    return found


_SHORTEST_RUN = 8  # capitalised words in a row, joined only by function words and numbers, that no name has


def _title_case_runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """Character spans of long Title Case runs inside a sentence: headlines of related links or
    tags pasted into the text without a full stop ("... the ministry said. Related Rebels Seize Hill
    Near Town After Week Of Fighting"). `_SHORTEST_RUN` capitalised words joined only by function
    words and numbers are no single name, so names in them are read as in a headline."""
    runs = []
    start = capitalised = 0
    last_end = -1
    for token in [*tokens, Token(".", 0, 0, False, ".")]:
        text = token.text
        if text[0].isupper():
            if not capitalised:
                start = token.start
            capitalised += 1
            last_end = token.end
            continue
        if capitalised and (text.isdigit() or token.lower in COMMON_WORDS and text.isalpha() or text == "-"):
            continue
        if capitalised >= _SHORTEST_RUN:
            runs.append((start, last_end))
        capitalised = 0
    return runs


def _sentence_phrases(tokens: list[Token], org_heads: frozenset[str]) -> list[Phrase]:
    """The phrases of one sentence (see `phrases`)."""
    found: list[Phrase] = []
    headline = is_headline(tokens)
    runs = [] if headline else _title_case_runs(tokens)
    letters = [t.text for t in tokens if t.text[0].isalpha()]
    shouting = headline and sum(w.isupper() for w in letters) > 0.6 * len(letters)
    first_word = next((i for i, t in enumerate(tokens) if t.text[0].isalnum()), 0)
    i = 0
    while i < len(tokens):
        word = tokens[i].text
        if not _is_name_word(word) and not (
            "-" in word and particle_start(word) and i + 1 < len(tokens) and _is_name_word(tokens[i + 1].text)
        ):
            i += 1
            continue  # a phrase opens with a capital, or with "al-Nusra" before a capitalised word ("al-Nusra Front")
        j = i + 1
        has_org_head = tokens[i].lower in org_heads
        while j < len(tokens) and not tokens[j - 1].possessive:
            word = tokens[j].text
            if tokens[j].lower in _SENTENCE_OPENERS and not word.isupper():
                # "Qalamoun The Syrian army": a capitalised function word opens a new sentence whose stop was lost
                break
            if _is_name_word(word):
                has_org_head = has_org_head or tokens[j].lower in org_heads
                j += 1
            elif word in NAME_PARTICLES and j + 1 < len(tokens) and _is_name_word(tokens[j + 1].text):
                j += 2
            elif word == "&" and j + 1 < len(tokens) and _is_name_word(tokens[j + 1].text):
                j += 2  # "Procter & Gamble", "Smith & Co": only a firm's name joins names with an ampersand
                has_org_head = True
            elif has_org_head and word in ORG_CONNECTORS and not (
                word == "and" and j + 1 < len(tokens) and tokens[j + 1].lower in ("the", "a", "an")
            ):
                # "Ministry of Defence", "Organisation for the Prohibition of ..."; "X Bank and the Y
                # Bank" is two names (an article after "and" opens the second)
                k = j + 2 if j + 1 < len(tokens) and tokens[j + 1].text == "the" else j + 1
                if k >= len(tokens) or not _is_name_word(tokens[k].text):
                    break
                j = k + 1
                has_org_head = has_org_head or tokens[k].lower in org_heads
            elif _particle_word(word) and "-" in word:
                j += 1
            else:
                break
        found.append(
            Phrase(
                tokens=tuple(tokens[i:j]),
                before=tuple(tokens[max(0, i - 3) : i]),
                after=tuple(tokens[j : j + 3]),
                sentence_initial=i <= first_word,
                # in a long run an organisation's head word still marks a name ("... by the Acme
                # Commercial Bank and the Export Bank of Oran")
                headline=headline or bool(runs) and not has_org_head
                and any(s <= tokens[i].start < e for s, e in runs),
                shouting=shouting,
            )
        )
        i = j
    return found
