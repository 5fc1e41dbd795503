"""Actors: who acts in a story, one canonical value per real person or organisation.

Normalisation is the feature. Everything that names an actor goes through `name_key`,
which folds accents and case, drops possessives, dots, hyphens and Arabic article
prefixes ("al-", "Al ", "el-"), so "Bashar al-Assad", "Bashar Al Assad" and "Bashar
Assad" are one key. Known actors come from a dictionary (ours in data/actors.yaml plus
the user's file, same format, user entries winning); each alias is compiled into a
word trie so the text is scanned once, longest match first.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

from index.analysis import fold
from index.entities.chunking import COMMON_WORDS, Token

ACTOR_TYPES = ("person", "organisation", "armed_group", "state")
DICTIONARY = Path(__file__).parent / "data" / "actors.yaml"
FIRST_NAMES = Path(__file__).parent / "data" / "first_names.txt"

_DROPPED_WORDS = frozenset({"al", "el"})  # "Al Assad" == "al-Assad" == "Assad"
_HYPHEN_PREFIXES = frozenset({"ad", "an", "ar", "as", "ash", "at", "az", "ed", "es", "ez", "ul"})
_NON_WORD = re.compile(r"[^\w\s-]")
_POSSESSIVE_TAIL = re.compile(r"(?:'s|’s|'|’)$")

# Titles stripped from names; they also say "a person follows". Multi-word titles are
# matched as word sequences ("Secretary of State", "Prime Minister").
PERSON_TITLES = frozenset(
    """president vice-president president-elect premier chancellor prime minister
    secretary secretary-general general gen lieutenant lt colonel col major maj captain
    capt commander admiral brigadier sergeant sgt marshal field dr doctor mr mrs ms
    miss mister prof professor sir dame lord lady king queen prince princess crown emir
    sheikh shaikh sheik sultan ayatollah imam cleric pope cardinal bishop archbishop
    rabbi rev reverend father sister brother senator sen rep representative congressman
    congresswoman governor gov mayor judge justice ambassador envoy spokesman
    spokeswoman spokesperson chief deputy vice acting former foreign defence defense
    interior finance economy health justice state trade energy oil information
    agriculture transport labour labor education culture tourism communications
    opposition leader chairman chairwoman chair coach manager striker goalkeeper
    midfielder defender chief-executive ceo cfo special national security adviser advisor
    counsellor counselor director democrat republican""".split()
)
# Title words that can stand alone before a name ("Foreign" alone cannot).
TITLE_HEADS = frozenset(
    """president president-elect premier chancellor minister secretary secretary-general
    general gen lieutenant lt colonel col major maj captain capt commander admiral
    brigadier sergeant sgt marshal dr doctor mr mrs ms mister prof professor sir dame
    lord lady king queen prince princess emir sheikh shaikh sheik sultan ayatollah imam
    pope cardinal bishop archbishop rabbi rev reverend senator sen rep representative
    congressman congresswoman governor gov mayor judge ambassador envoy spokesman
    spokeswoman spokesperson chairman chairwoman coach ceo adviser advisor director""".split()
)
# Words that make a phrase an organisation when they head it, company forms of many countries among
# them ("Acme SpA", "Acme AB", "Acme Pty").
ORG_HEADS = frozenset(
    """ministry department agency office bureau authority administration commission
    committee council board cabinet parliament assembly congress senate court tribunal
    party union federation confederation association alliance coalition
    movement organisation organization group corp corporation inc co ltd plc llc ag sa
    nv gmbh bank fund exchange company companies holdings industries airlines airways
    motors petroleum oil telecom communications university college institute school
    academy centre center foundation society observatory council church mission
    programme program service services network news times post journal press herald
    gazette tribune television radio tv channel broadcasting club team fc
    police guard guards corps army forces force navy front brigade brigades battalion
    regiment militia militias legion jihad mujahideen committee commission
    secretariat directorate command laboratories brothers partners securities systems
    technologies electronics pharmaceuticals chemicals mining insurance enterprises
    associates bancorp newspaper magazine endowment trust forum initiative staff
    spa ab bv oy oyj asa kk srl sarl pty bhd tbk pte llp kgaa""".split()
)
ARMED_HEADS = frozenset(
    """army forces force front brigade brigades battalion regiment militia
    militias legion jihad mujahideen guard guards corps command""".split()
)


@lru_cache(maxsize=200_000)
def word_keys(word: str) -> tuple[str, ...]:
    """The key parts of one written word: "al-Assad" -> ("assad",), "U.N." -> ("un",)."""
    word = _POSSESSIVE_TAIL.sub("", fold(word).replace("’", "'")) if len(word) > 2 else fold(word)
    word = _NON_WORD.sub("", word.replace(".", ""))
    parts = [p for p in word.replace("_", "-").split("-") if p]
    if len(parts) > 1 and parts[0] in _HYPHEN_PREFIXES:
        parts = parts[1:]
    keys: list[str] = []
    for part in parts:
        if part not in _DROPPED_WORDS:
            keys.extend(_servant_of(part) if part.startswith("abd") else (part,))
    return tuple(keys)


_ABD = re.compile(r"abd([aeu]?)(.*)")
_SUN_LETTERS = frozenset("tdrzsn")


def _servant_of(part: str) -> tuple[str, ...]:
    """Arabic "Abd al-" ("servant of") names as one key pair however transliterated: Abdulrahman,
    Abdurrahman, Abdel Rahman, Abd al-Rahman -> ("abd", "rahman"); the article's l, or a sun letter
    it doubled (Abdur-rahman), is dropped. Parts of fewer than three letters after "abd" stay whole."""
    found = _ABD.fullmatch(part)
    if found is None:
        return (part,)
    vowel, rest = found.groups()
    if vowel and rest[:1] == "l":
        rest = rest[1:]
    elif vowel and len(rest) > 1 and rest[0] in _SUN_LETTERS and rest[1] == rest[0]:
        rest = rest[1:]
    if not rest and (vowel or part == "abd"):
        return ("abd",)
    return ("abd", rest) if len(rest) >= 3 else (part,)


@lru_cache(maxsize=100_000)
def name_key(name: str) -> str:
    """The comparison key of a name: "Bashar Al Assad’s" and "bashar al-assad" share one.

    Titles are not removed here (they are found in context by the typer).
    """
    return " ".join(_name_keys(name))


def _name_keys(name: str) -> tuple[str, ...]:
    """Key words of a name; a leading "the" goes unless it is needed ("The Times")."""
    keys = tuple(k for w in name.split() for k in word_keys(w))
    return keys[1:] if len(keys) > 2 and keys[0] == "the" else keys


@dataclass(frozen=True)
class Actor:
    name: str
    type: str


@dataclass(frozen=True)
class DictionaryMatch:
    start: int  # token indices, end exclusive
    end: int
    actor: Actor
    acronym: bool = False


class ActorDictionary:
    """Known actors and their aliases, compiled into a word trie keyed by `word_keys`."""

    _END = ""

    def __init__(self, entries: Iterable[dict]) -> None:
        self.actors: dict[str, Actor] = {}
        self._trie: dict = {}
        self.words: set[str] = set()  # every key word of every alias ("hamas", "reuters")
        self.last_words: set[str] = set()  # key words that end a multi-word alias ("assad" of "Bashar al-Assad")
        for actor, aliases in self._parse(entries):
            self.actors[name_key(actor.name)] = actor
            for alias in aliases:
                self._add(alias, actor)

    @staticmethod
    def _parse(entries: Iterable[dict]) -> list[tuple[Actor, list[_Alias]]]:
        """Validate entries; a later entry for the same name keeps the earlier aliases and adds
        its own, and its name spelling and type win (so a user's file extends ours)."""
        by_key: dict[str, tuple[Actor, list[_Alias]]] = {}
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise DictionaryError(f"actor entry needs a 'name': {entry!r}")
            kind = entry.get("type", "organisation")
            if kind not in ACTOR_TYPES:
                raise DictionaryError(f"actor {entry['name']!r}: type must be one of {', '.join(ACTOR_TYPES)}")
            aliases = entry.get("aliases") or []
            if not isinstance(aliases, list):
                raise DictionaryError(f"actor {entry['name']!r}: aliases must be a list of strings")
            aliases = [_alias(entry["name"], a) for a in aliases]
            actor = Actor(entry["name"].strip(), kind)
            seat_of = entry.get("seat_of")
            if seat_of is not None:
                # a seat of government ("Kremlin", "Elysee Palace") speaks for its state
                if not isinstance(seat_of, str) or not seat_of.strip():
                    raise DictionaryError(f"actor {entry['name']!r}: seat_of must name a state")
                actor = Actor(seat_of.strip(), "state")
            key = name_key(entry["name"])
            earlier = by_key[key][1] if key in by_key else []
            whole = _Alias(entry["name"].strip(), *_period(entry["name"], entry))
            by_key[key] = (actor, [*earlier, whole, *aliases])
        return list(by_key.values())

    def _add(self, written: _Alias, actor: Actor) -> None:
        alias = written.text
        letters = alias.replace(".", "").replace(" ", "")
        acronym = letters.isupper() and len(letters) <= 6
        keys = _name_keys(alias)
        if keys:
            self._add_keys(keys, actor, acronym, written.valid_from, written.valid_to)
            self.words.update(keys)
            if len(keys) > 1 or acronym:
                self.last_words.add(keys[-1])

    def _add_keys(self, keys: tuple[str, ...], actor: Actor, acronym: bool,
                  valid_from: date | None = None, valid_to: date | None = None) -> None:
        """One trie leaf holds every actor an alias names, each with the period it named it in
        ("Assad": Hafez until 2000-06-10, Bashar since); a later undated entry for the same actor
        replaces an earlier one."""
        node = self._trie
        for key in keys:
            node = node.setdefault(key, {})
        senses = [s for s in node.get(self._END, [])
                  if s.actor != actor or (s.valid_from, s.valid_to) != (valid_from, valid_to)]
        if valid_from is None and valid_to is None:
            senses = [s for s in senses if s.valid_from is not None or s.valid_to is not None]  # latest undated wins
        node[self._END] = [*senses, _Sense(actor, acronym, valid_from, valid_to)]

    @staticmethod
    def _sense(senses: list[_Sense], when: date | None) -> _Sense:
        """The sense valid on `when`; with no date (or none valid then), the current one: an
        undated sense, else the one whose period started last."""
        if when is not None:
            valid = [s for s in senses if (s.valid_from is None or s.valid_from <= when)
                     and (s.valid_to is None or when < s.valid_to)]
            dated = [s for s in valid if s.valid_from is not None or s.valid_to is not None]
            if dated or valid:
                return (dated or valid)[-1]
        undated = [s for s in senses if s.valid_from is None and s.valid_to is None]
        if undated:
            return undated[-1]
        return max(senses, key=lambda s: (s.valid_to is None, s.valid_from or date.min))

    def _lookup(self, keys: tuple[str, ...]):
        node = self._trie
        for key in keys:
            child = node.get(key)
            if child is None:
                return None
            node = child
        return node.get(self._END)

    def get(self, name: str, when: date | None = None) -> Actor | None:
        """The actor a whole name (any alias spelling) refers to, on date `when` if given."""
        found = self._lookup(_name_keys(name))
        if not found:
            return None
        sense = self._sense(found, when)
        if not sense.acronym or name.replace(".", "").replace(" ", "").isupper():
            return sense.actor
        return None

    def match_at(self, tokens: Sequence[Token], i: int, when: date | None = None) -> DictionaryMatch | None:
        """Longest dictionary match starting at token `i` (a capitalised word), resolved for an
        article of date `when` (None: the current sense of a time-bound alias)."""
        first = tokens[i].text
        if not first[0].isupper() and not _particle_start(first):
            return None
        best = self._walk(tokens, i, when)
        if best is None and word_keys(first) == ("the",) and i + 1 < len(tokens):
            match = self._walk(tokens, i + 1, when)  # "The Associated Press" under "Associated Press"
            if match is not None and match.end - match.start > 1:
                return DictionaryMatch(i, match.end, match.actor, match.acronym)
        return best

    def _walk(self, tokens: Sequence[Token], i: int, when: date | None = None) -> DictionaryMatch | None:
        if not tokens[i].text[0].isupper() and not _particle_start(tokens[i].text):
            return None
        node: dict | None = self._trie
        best = None
        j = i
        while j < len(tokens):
            token = tokens[j]
            keys = word_keys(token.text)
            if not keys:  # a dropped particle ("Al") or punctuation
                if j == i or not token.text[0].isalpha():
                    break
                j += 1
                continue
            for key in keys:
                node = node.get(key) if node is not None else None
            if node is None:
                break
            j += 1
            found = node.get(self._END)
            if found:
                sense = self._sense(found, when)
                actor, acronym = sense.actor, sense.acronym
                if not acronym or all(t.text.replace(".", "").isupper() for t in tokens[i:j]) \
                        or j == i + 1 and title_case_acronym(token.text):
                    best = DictionaryMatch(i, j, actor, acronym)
            if token.possessive:
                break
        return best


def title_case_acronym(word: str) -> bool:
    """'Nato', 'Isis', 'Unicef': an abbreviation of four to six letters as house styles write it, only
    its first letter a capital (shorter ones, 'Who', 'Sam', are too often words)."""
    return 4 <= len(word) <= 6 and word.isalpha() and word[0].isupper() and word[1:].islower()


def _particle_start(word: str) -> bool:
    """`al-Nusra`: an article glued to a capitalised name may open a dictionary match."""
    head, _, rest = word.partition("-")
    return bool(rest) and head in _DROPPED_WORDS | _HYPHEN_PREFIXES and rest[0].isupper()


@dataclass(frozen=True)
class _Alias:
    """One way of writing an actor's name, with the period it named that actor in (if bounded)."""

    text: str
    valid_from: date | None = None
    valid_to: date | None = None  # exclusive


@dataclass(frozen=True)
class _Sense:
    actor: Actor
    acronym: bool
    valid_from: date | None
    valid_to: date | None


def _day(owner: str, value: object, field: str) -> date | None:
    """A YAML date (2000-06-10, or the string), a year-month or a year; None when absent."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int) and 1000 <= value <= 9999:
        return date(value, 1, 1)
    if isinstance(value, str):
        text = value.strip()
        for fmt, length in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
            if len(text) == length:
                try:
                    return datetime.strptime(text, fmt).date()
                except ValueError:
                    break
    raise DictionaryError(f"actor {owner!r}: {field} must be a date like 2000-06-10 (or 2000-06, 2000), not {value!r}")


def _period(owner: str, mapping: dict) -> tuple[date | None, date | None]:
    start = _day(owner, mapping.get("valid_from"), "valid_from")
    end = _day(owner, mapping.get("valid_to"), "valid_to")
    if start and end and end <= start:
        raise DictionaryError(f"actor {owner!r}: valid_to must come after valid_from")
    return start, end


def _alias(owner: str, alias: object) -> _Alias:
    """An alias is a string, or {name: ..., valid_from: ..., valid_to: ...}."""
    if isinstance(alias, str):
        return _Alias(alias)
    if isinstance(alias, dict) and isinstance(alias.get("name"), str):
        return _Alias(alias["name"], *_period(owner, alias))
    raise DictionaryError(f"actor {owner!r}: aliases must be a list of strings or of {{name, valid_from, valid_to}}")


class DictionaryError(ValueError):
    """A user's entity file that cannot be used; the message is one line naming the file and the problem."""


def load_entries(path: Path) -> list[dict]:
    """Read one actors YAML file (a list of {name, type, aliases})."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DictionaryError(f"cannot read actor dictionary {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise DictionaryError(f"actor dictionary {path} is not valid YAML: {error}".splitlines()[0]) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise DictionaryError(f"actor dictionary {path} must be a list of entries")
    return data


@lru_cache(maxsize=8)
def load_dictionary(user_path: Path | None = None) -> ActorDictionary:
    """Our dictionary plus the user's (user entries add to or override ours); cached."""
    entries = load_entries(DICTIONARY)
    if user_path is not None:
        entries = entries + load_entries(user_path)
    return ActorDictionary(entries)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Given names (lower case, folded and accented forms) from data/first_names.txt.

    Our own list (MIT, like the project) replaces gender-guesser's GPL dictionary.
    Names that are ordinary English words ("Will", "The") are removed; the typer also
    ignores a first name that the document itself uses in lower case. Tokens are only
    lower-cased, so "José" is kept as "josé" beside the folded "jose".
    """
    names: set[str] = set()
    for line in FIRST_NAMES.read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if name and not name.startswith("#"):
            names.update((name.lower(), fold(name)))
    return frozenset(names - COMMON_WORDS - PERSON_TITLES)
