"""The orchestrator: actors, places, countries and dates of one article.

Actors are found in three ways, in this order of trust:
1. the actor dictionary (ours plus the user's), matched on normalised words;
2. states acting: a demonym before an acting noun ("Israeli warplanes"), "X-backed",
   or a country name that is the subject of a verb ("Israel has kept silent");
3. capitalised phrases (see `chunking`) typed by cues: a title before them, a speech
   verb near them, an organisation word at their head, a known first name, a leading
   "The" mid-sentence, and in-document consistency (a name typed once is typed
   throughout; "Assad" after "Bashar al-Assad" is Bashar al-Assad).
A phrase the gazetteer knows, with no person cue, is a place and never an actor; a
place inside a person's or organisation's name is not a place.

A state actor also adds its country to the countries facet: an article about what
Israel did is an article about Israel.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from index.analysis import fold
from index.entities import chunking, furniture
from index.entities.actors import (
    ARMED_HEADS,
    ORG_HEADS,
    PERSON_TITLES,
    TITLE_HEADS,
    Actor,
    ActorDictionary,
    DictionaryMatch,
    first_names,
    load_dictionary,
    name_key,
    title_case_acronym,
    word_keys,
)
from index.entities.chunking import COMMON_WORDS, SPEECH_VERBS, WEEKDAYS_AND_MONTHS, Phrase, Token
from index.entities.dates import find_dates
from index.entities.model import Entities, Mention, Place
from index.entities.places import BIG_CITY, Gazetteer, in_body_sense, locate
from index.entities.places import name_key as place_key

# Nouns after a demonym that make the state the actor ("Israeli warplanes").
AGENT_NOUNS = frozenset(
    """forces force troops soldiers soldier army military warplanes warplane jets jet
    planes aircraft drones drone missiles missile rockets rocket strike strikes airstrike
    airstrikes air raid raids attack attacks shelling bombardment artillery navy naval
    government regime officials official authorities ministry minister president
    leader leaders police intelligence security defence defense state envoy diplomats
    delegation embassy navy commandos special tanks gunboats warships""".split()
)
# "<X>-backed", "<X>-<Y>-led": the states X (and Y) stand behind the act.
BACKING = re.compile(r"^(?P<who>(?:[A-Z][\w.]*?-)+)"
                     r"(?:backed|supported|sponsored|funded|allied|aligned|led|armed|trained|brokered|mediated|"
                     r"dominated)$")
_T = TypeVar("_T")
_CACHE_LIMIT = 200_000  # keys per lookup cache (`_remembered`)
_ADVERB = r"(?:(?:\w+ly|also|again|still|already|then|now|too|itself|not|never|later|first|earlier)\s+)?"
# A country name as the subject of a verb.
_SUBJECT_VERB = re.compile(
    r"\s+" + _ADVERB + r"(?:has|have|had|is|was|will|would|could|can|must|should|says|said|wants|"
    r"warned|accused|denied|launched|fired|struck|attacked|killed|threatened|announced|"
    r"\w+ed\b)"
)
# What may stand between a country and its verb: the rest of a list of states ("Britain, France and
# the United States called"), then an apposition or relative clause ("Iran, a key ally of Damascus,
# was absent"; "Turkey, which took in the injured, later said").
_NAME_RUN = r"(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*"
_LIST_TAIL = re.compile(r"(?:\s*,\s*" + _NAME_RUN + r")*\s*,?\s+(?:and|or)\s+(?:" + _NAME_RUN
                        + r"|(?:its|their)\s+(?:allies|partners|backers))")
_APPOSITIVE = re.compile(r"\s*,\s+(?:a|an|the|which|who|whose|its)\b[^,.;]{0,100},")
# Verbs of a government's agency: a capital or seat before one of these speaks for its state
# ("Damascus said", "Moscow has been waging an air campaign", "Tehran denies"). Narrower than the
# country list above: "Damascus was shelled" is the city.
_AGENCY = (r"(?:say|said|says|saying|den(?:y|ies|ied|ying)|accus\w*|warn\w*|announc\w*|report(?:s|ed)?|claim\w*|"
           r"demand\w*|insist\w*|reject\w*|condemn\w*|threaten\w*|vow\w*|urg\w*|call(?:s|ed)?|respond\w*|"
           r"retaliat\w*|wag(?:e|es|ed|ing)|launch\w*|back(?:s|ed)|support\w*|sen[dt]s?|deploy\w*|order\w*|"
           r"agree[sd]?|sign(?:s|ed)?|recogni[sz]\w*|veto\w*|sanction\w*|expel\w*|summon\w*|refuse[sd]?|"
           r"want(?:s|ed)?|seek(?:s|ing)?|sought|blame[sd]?|welcome[sd]?|hope[sd]?|plan(?:s|ned)?|believe[sd]?|"
           r"insists?|maintain\w*|argue[sd]?|decid\w*|approv\w*|offer\w*|propos\w*|dismiss\w*|struck|strikes?|"
           r"declin\w*|interven\w*|denounc\w*|designat\w*|abandon\w*|enter(?:s|ed)|attacked|"
           r"pledg\w*|promis(?:e|es|ed|ing)|express(?:es|ed|ing)|oppos(?:e|es|ed|ing)|objected|intend\w*|voted)")
# A government's verb after a capital, or any active perfect or progressive ("Ankara has not intervened",
# "Moscow was standing ready"): a city is shelled, it does not stand ready. ("has been", "was being"
# are passive: "Damascus has been shelled" is the city.)
_CAPITAL_SUBJECT = re.compile(
    r"\s+" + _ADVERB + r"(?:(?:(?:has|have|had|will|would|could|may|might|is|was|did|does|do)\s+)?" + _ADVERB
    + r"(?:been\s+)?" + _AGENCY
    + r"|(?:has|have|had)\s+" + _ADVERB + _ADVERB + r"(?!been\b)[a-z]+ed"
    + r"|(?:is|are|was|were)\s+" + _ADVERB + _ADVERB + r"(?!being\b)[a-z]{3,}ing)\b"
)
# Nouns after a capital that make it its state's government ("the Damascus government", "the Kabul
# regime"), and, after its possessive, its state's doing ("Moscow's first military campaign").
_GOVERNMENT_AFTER = re.compile(r"\s+(?:government|regime|authorities|administration|leadership)\b")
_STATES_DOING = re.compile(
    r"['’]s\s+(?:[a-z]+\s+){0,2}?(?:campaign|intervention|involvement|support|backing|policy|position|stance|"
    r"decision|demands?|forces|troops|military|offensive|air\s+strikes|airstrikes|allies|ally|envoy|ambassador|"
    r"diplomats|government|regime)\b")
# What comes before a state named as the one acted upon or spoken to ("accused Tehran of",
# "urged Ankara to", "talks with Damascus"), as the one a stake is for ("a red line for
# Washington", "a blow to Moscow"), or as the agent of a passive ("brokered by Qatar").
_STATE_OBJECT = re.compile(
    r"(?:\b(?:accus\w*|urg\w*|warn\w*|press(?:ed|ing|es)?|blam\w*|condemn\w*|criticis\w*|criticiz\w*|told|"
    r"asked|thank(?:s|ed|ing)?|prais\w*|congratulat\w*|invit\w*|persuad\w*|reassur\w*|lobb(?:y|ied|ies|ying)|"
    r"call(?:s|ed|ing)? on|pressure on|sanctions (?:on|against)|ties with|talks with|relations with|"
    r"deal with|agreement with|negotiations with|dialogue with|rapprochement with)"
    r"|\b(?:line|message|blow|victory|warning|setback|signal|challenge|concern|threat|win|defeat|rebuke|snub|"
    r"embarrassment|headache|boost)[\"”’']?\s+(?:for|to)"
    r"|\b(?:ally|allies|backer|backers|patron|patrons|proxy|proxies|enemy|enemies|foe|foes|rival|rivals|partner|"
    r"partners|envoy|envoys)\s+of"
    # an apposition naming the ally ("the government and its allies Russia and Iran", "regional rival Iran")
    r"|\b(?:ally|allies|backer|backers|patron|patrons|rival|rivals|foe|foes|adversary|adversaries)"
    r"|\b(?:support|backing|aid|help|pressure)\s+(?:for|from)"
    r"|\b[a-z]+ed\s+by)\s+(?:the\s+)?$"
)
# Between two members of one list ("Moscow and Ankara", "Oslo, Lima or Quito").
_CONJOINED = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
# A place after one of these is where something is, not who acts ("residents in Damascus said").
_LOCATIVE = re.compile(r"\b(?i:in|at|from|near|to|into|around|outside|across|of|over|towards?|via|between|inside|"
                       r"throughout|within|across|beyond|north|south|east|west)\s+(?:the\s+)?"
                       # "in northern Syria", "in north-eastern Syria", "shelters in Syria, Iraq or Turkey"
                       r"(?:(?i:north|south|east|west|central|rural)[a-z-]*\s+)?"
                       r"(?:[A-Z][\w'’-]*,?\s+(?:(?:and|or)\s+)?){0,3}$")
_LOCATIVE_BEFORE = ("in", "at", "from", "near", "into", "inside", "outside", "around")
# Words that head the name of an event, not of an actor ("World War II", "Operation Inherent Resolve").
_EVENT_HEADS = frozenset("""war wars revolution uprising crisis summit conference games olympics cup
    championship championships offensive operation battle massacre agreement accord accords treaty""".split())
_DESCRIPTOR = re.compile(r"-(?:based|born|run|owned|controlled|held|linked|affiliated|allied|aligned)$")
# A hyphenated adjective of agency ("US-led", "Iran-backed", "PYD-dominated"): never part of a name;
# the states in it are read by `_backed_states`.
_AGENCY_ADJECTIVE = re.compile(r"-(?:backed|supported|sponsored|funded|allied|aligned|led|armed|trained|brokered|"
                               r"mediated|dominated|based|born|run|owned|controlled|held|linked|affiliated)$", re.I)
# Nouns that make the name before them a place ("the Al Fawwar camp", "the Salah al-Din district"),
# or, with "of", the name after them ("the village of Taldou"), and that end a place's own name
# ("Golan Heights", "Aleppo Governorate").
_PLACE_NOUNS = frozenset(
    """camp camps district districts neighbourhood neighborhood neighbourhoods neighborhoods village villages
    town towns city area areas quarter province provinces governorate governorates region suburb suburbs
    countryside outskirts airport airbase prison square street road crossing dam river valley heights
    mountains mountain hill hills plain plains desert lake island border highway municipality county""".split()
)
# A name before one of these is the medium something appeared in, not who acted ("a Facebook page").
_MEDIUM_NOUNS = frozenset("page pages account accounts post posts feed feeds channel channels video videos".split())
# Adjective endings ("Kurdish", "Lebanese", "Islamist", "Shiite"): a single word with one, before a noun,
# describes it, and one ending a run before a group noun is no part of the name ("the X Islamist faction").
_ADJECTIVE_ENDINGS = ("ish", "ese", "ian", "ic", "ist", "ite")
# Function words before a name that make it the object of a preposition, never a team's subject.
_PREPOSITIONS = frozenset("of the in at from near to into for by with on over under about against".split())
_KUNYA = frozenset({"abu", "umm"})  # "father of", "mother of": an Arabic name's opening
# Group nouns after a name that make it an organisation ("the Faylaq al-Sham faction", "the Hazzm movement").
# ("group", "party", "alliance" are left out: "the Dutch group", "the Conservative party" describe, in
# business and political news, as often as they name.)
# A plural ("Shia Muslim militias", "rebel factions") describes several groups, and names none.
_GROUP_AFTER = frozenset("faction movement militia".split())
# nouns that introduce the name a person goes by ("an activist who uses the name X", "his nom de guerre X")
# A relative called by the given name alone after a family noun ("his wife Asma", "'s father and predecessor
# Hafez"); no capitalised word may follow (then the relative's own full name is written).
_GLUED_CAPITAL = re.compile(r"[a-z]-[A-Z]")  # where an "al-Watan" may be (a plain scan is the cheapest)
_KIN = re.compile(r"\b(?:wife|husband|son|daughter|father|mother|brother|sister|"
                  r"widow|uncle|nephew|niece|cousin)(?:\s+and\s+[a-z]+)?,?\s+(?P<given>[A-Z][a-z]{2,})\b"
                  r"(?!\s+(?:(?:al|el|bin|ibn|de|van|von)[-\s])?[A-Z])")
_PRONOUN_BEFORE = re.compile(r"\b(?:his|her)\s+$")
_OWNS = re.compile(r"(?:['’]s|s|['’])?\s+(?:(?:his|her)\s+)?")  # from the owner's name to the family noun
_KIN_REACH = 200  # characters back to the person "his" / "her" refers to
_NAMING_NOUNS = frozenset({"name", "pseudonym", "alias", "nickname", "guerre"})
# "Iran-backed", "US-Russia-led": capitalised words hyphened before a lower-case one. It opens on the
# capital (the lookbehind after it is the word start `\b` would test) so the scan skips ahead to the
# next capital letter instead of trying every position.
_HYPHENED_ADJECTIVE = re.compile(r"[A-Z](?<!\w[A-Z])[\w.]*-(?:[A-Z][\w.]*-)*[a-z]+\b")
_ALIAS_MARKERS = frozenset({"aka", "a.k.a", "a.k.a."})  # "Amin al-Ruz aka Abu Malik": one person, two names
_LOWER_WORDS = re.compile(r"\b[a-z][a-z'’-]*")
_PATRONYMICS = frozenset({"bin", "ibn", "bint", "abu", "ben"})
# Sports context (see `_plays`).
_SCORE = re.compile(r"\d{1,3}(?:-\d{1,3})?$")
_HOME_NATIONS = frozenset({"england", "scotland", "wales", "northern ireland"})  # they play as countries
_VERSUS_OR_RESULT = frozenset("v vs beat beats defeated routed thrashed edged drew blanked downed swept crushed"
                              .split())
_TEAM_ROLES = frozenset(
    """manager coach striker midfielder defender goalkeeper keeper winger skipper pitcher
    quarterback batsman bowler fans supporters""".split()
)
# Offices held in a company, club or agency: a name before one is that body ("Acme CEO Jane Roe").
_BODY_ROLES = frozenset("ceo cfo chairman chairwoman president director manager owner spokesman spokeswoman "
                        "spokesperson executive".split())
_DISMISSED_BY = frozenset({"b", "c", "st"})  # bowled, caught, stumped: lower-case in a scorecard
_PLAYS_FOR = [[w, "for"] for w in "goal goals scored signed debut playing played plays".split()]
# Nouns after a name that make it a company or other body.
_OWNED = frozenset(
    """shares stock stocks stake shareholders subsidiary subsidiaries unit units spokesman
    spokeswoman spokesperson chairman executives officials statement board employees
    staff workers management profit profits earnings revenue revenues sales owner owners""".split()
)
_ROLE_AFTER_COMMA = frozenset(
    """director head chief leader spokesman spokeswoman spokesperson president minister
    who aged secretary founder chairman commander official analyst professor
    researcher editor correspondent""".split()
)


@dataclass
class _Found:
    """An actor mention before resolution."""

    start: int
    end: int
    name: str
    type: str | None  # None: not typed yet; consistency may type it
    kind: str  # mention kind
    words: tuple[str, ...] = ()  # key words, for short-form resolution
    over_place: bool = False  # the cue that typed it beats the gazetteer ("Leeds 2" is a team)
    known: bool = False  # from the actor dictionary
    weak: bool = False  # typed by a speech verb alone ("said Acme"): the document's other evidence wins


ADJECTIVE = "adjective"  # a demonym used as an adjective: its country, not an actor
_GLUE_HEADS = ORG_HEADS | TITLE_HEADS  # words after which "of" continues a name


class EntityExtractor:
    """Extracts the facets of one article; build once per process and reuse."""

    def __init__(self, user_entities: Path | None = None) -> None:
        self.dictionary: ActorDictionary = load_dictionary(user_entities)
        self.gazetteer = Gazetteer.load()
        self.first_names = first_names()
        self._place_cache: dict[str, bool] = {}
        self._demonym_cache: dict[str, str | None] = {}
        self._stem_cache: dict[str, bool] = {}
        self._big_place_cache: dict[str, bool] = {}
        self._country_cache: dict[str, bool] = {}
        # a one-word country's name (lower case) -> its people's words that some known name holds, capitalised
        self._named_demonyms: dict[str, list[str]] = {}
        for demonym, country in self.gazetteer.demonyms.items():
            if " " not in country and demonym in self.dictionary.words:
                self._named_demonyms.setdefault(country.lower(), []).append(demonym.capitalize())

    # ---- gazetteer helpers (cached: the same words recur across articles) -------------
    def _is_place(self, name: str) -> bool:
        return _remembered(self._place_cache, name, lambda: self.gazetteer.lookup(name) is not None)

    def _is_actor(self, name: str) -> bool:
        """A name of the actor dictionary (any sense): never a village (`places.locate`)."""
        return self.dictionary.get(name) is not None

    def _is_big_place(self, name: str) -> bool:
        """A name that is a place whatever the context: a division or a large city under its own name."""
        return _remembered(self._big_place_cache, name, lambda: any(
            e.primary and (e.kind in ("country", "admin") or e.population >= BIG_CITY)
            for e in self.gazetteer.index.get(place_key(name), ())))

    def _is_country(self, word: str) -> bool:
        """A country's own name ("Syria", not "Syrian")."""
        return _remembered(self._country_cache, word, lambda: self.gazetteer.canonical_country(word) is not None)

    def _state_of(self, word: str) -> str | None:
        """The country a demonym or country name stands for ("Israeli" -> Israel)."""
        return _remembered(self._demonym_cache, word, lambda: self.gazetteer.country_of_demonym(word))

    # ---- public ------------------------------------------------------------------------
    def extract(self, title: str, body: str, published: date | str | None = None) -> Entities:
        """Facets of one article. The site's furniture is not read (see `furniture`), and a
        title's names count only with the body's support (see `_supported`).

        `published` (a date or ISO string) resolves time-bound aliases ("Assad" in 1987 is Hafez);
        without it the latest date the article states stands in, and failing that an alias
        means what it means today."""
        mentioned = find_dates(f"{title}\n{body}")
        when = _as_date(published) or (_as_date(max(mentioned)) if mentioned else None)
        head = furniture.headline(title)
        clean = furniture.strip_link_lists(furniture.strip_bylines(furniture.strip_repeated_headline(body, head))) \
            if body else body
        title_actors, title_places = self._read(head, when)
        body_actors, body_places = self._read(clean, when)
        if clean.strip():
            title_actors = self._supported(head, title_actors, body_actors)
            title_places = in_body_sense(head, title_places, body_places)

        actor_counts: Counter[str] = Counter()
        types: dict[str, str] = {}
        first_seen: dict[str, int] = {}
        order = 0
        adjectives: Counter[str] = Counter(f.name for f in [*title_actors, *body_actors] if f.type == ADJECTIVE)
        title_actors = [f for f in title_actors if f.type != ADJECTIVE]
        body_mentions = [Mention(a.start, a.end, "demonym", "country", a.name)
                         for a in body_actors if a.type == ADJECTIVE]
        body_actors = [f for f in body_actors if f.type != ADJECTIVE]
        for found in [*title_actors, *body_actors]:
            actor_counts[found.name] += 1
            types.setdefault(found.name, found.type or "organisation")
            first_seen.setdefault(found.name, order)
            order += 1

        country_counts: Counter[str] = Counter()
        place_counts: Counter[str] = Counter()
        places_by_value: dict[str, Place] = {}
        for mention, place in [*title_places, *body_places]:
            if mention.facet == "country" or self.gazetteer.is_country(place):
                country_counts[mention.value] += 1
                continue
            places_by_value.setdefault(place.value, place)
            place_counts[place.value] += 1
            if place.country:
                country_counts[place.country] += 1
        for name, type_ in types.items():
            if type_ == "state":
                country_counts[name] += actor_counts[name]
        country_counts.update(adjectives)

        actors = sorted(actor_counts, key=lambda n: (-actor_counts[n], first_seen[n]))
        mentions = [
            Mention(a.start, a.end, a.kind, "actor", a.name)  # type: ignore[arg-type]
            for a in body_actors
        ] + [mention for mention, _ in body_places] + body_mentions
        mentions.sort(key=lambda m: (m.start, m.end))
        return Entities(
            actors=tuple(actors),
            actor_types={name: types[name] for name in actors},
            places=tuple(places_by_value[v] for v in _by_count(place_counts)),
            countries=tuple(_by_count(country_counts)),
            mentioned_dates=tuple(mentioned),
            mentions=tuple(mentions),
        )

    def _supported(self, head: str, title_actors: list[_Found], body_actors: list[_Found]) -> list[_Found]:
        """Title actors the body bears out, plus body actors the title names.

        Headlines capitalise ordinary words ("Strikes Kill at Least 12", "Monitor") and lose the
        punctuation between names ("Damascus Kills"), so a title name that neither the dictionary
        nor a state reading explains counts only when the body has it too. Conversely a body
        actor written inside a title run ("Jaysh al-Islam Shells Damascus") is found there by
        its key, whatever the title's capitalisation glued to it.
        """
        by_key: dict[str, _Found] = {}
        for found in body_actors:
            by_key.setdefault(name_key(found.name), found)
            if found.words:
                by_key.setdefault(" ".join(found.words), found)
        kept = [f for f in title_actors if f.known or f.kind in ("state", "demonym") or name_key(f.name) in by_key]
        firsts = {key.split(" ", 1)[0] for key in by_key}
        if not firsts.intersection(head.lower().replace("-", " ").split()):
            return kept  # no body name starts with a title word: nothing to find in the title
        taken = [(f.start, f.end) for f in kept]
        tokens = [t for t in chunking.tokenize(head) if t.text[0].isalnum()]
        i = 0
        while i < len(tokens):
            keys = word_keys(tokens[i].text)
            if not tokens[i].capitalised or keys[:1] and keys[0] not in firsts \
                    or any(s <= tokens[i].start < e for s, e in taken):
                i += 1
                continue
            for j in range(min(len(tokens), i + 6), i, -1):
                body_found = by_key.get(name_key(" ".join(t.text for t in tokens[i:j])))
                if body_found is not None and not any(tokens[i].start < e and s < tokens[j - 1].end for s, e in taken):
                    kept.append(_Found(tokens[i].start, tokens[j - 1].end, body_found.name, body_found.type,
                                       body_found.kind, body_found.words))
                    i = j - 1
                    break
            i += 1
        return kept

    def _read(self, text: str, when: date | None = None) -> tuple[list[_Found], list[tuple[Mention, Place]]]:
        """Actors and (mention, in-context place) pairs of one text, tokenised once for both.

        A person's or organisation's name wins over any place inside it ("Bank of England",
        "Tel Aviv University", "Manchester United"): that place is not a place here.
        """
        if not text:
            return [], []
        lower_words = set(_LOWER_WORDS.findall(text))
        tokens = self._fold_possessives(chunking.tokenize(text), lower_words)
        located = locate(text, self.gazetteer, tokens, self._is_actor)
        actors = self._actors(text, located, tokens, lower_words, when)
        teams = _fixture_spans(text, located) if " AT " in text else set()
        if teams:
            actors = sorted([a for a in actors if (a.start, a.end) not in teams] + [
                _Found(s, e, _display(tuple(t for t in tokens if s <= t.start and t.end <= e)), "organisation",
                       "organisation", over_place=True) for s, e in teams], key=lambda f: (f.start, f.end))
            located = [(m, place) for m, place in located if (m.start, m.end) not in teams]
        named = [(a.start, a.end) for a in actors if a.type in ("person", "organisation", "armed_group")]
        # a capital speaking for its state ("Damascus said", "Tehran-backed") is not a place there
        states = {(a.start, a.end) for a in actors if a.type == "state"}
        located = [(m, place) for m, place in located if not any(s <= m.start and m.end <= e for s, e in named)
                   and not (m.facet == "location" and (m.start, m.end) in states)]
        return actors, located

    def _fold_possessives(self, tokens: list[Token], lower_words: set[str]) -> list[Token]:
        """Scraped text drops apostrophes: "Syrias", "Bashar al-Assads", "SANAs" are possessives of a
        known name. A capitalised word in "s" that is no name itself but whose stem is one (a country,
        division or large city, or the last word of a dictionary name) becomes the stem, possessive.
        The token's end moves back one character, so the "s" is a gap no name runs across."""
        out = tokens
        for index, token in enumerate(tokens):
            text = token.text
            if text[-1] != "s" or len(text) < 4 or token.possessive or not (
                text[0].isupper() or chunking.particle_start(text)
            ):
                continue
            if self._possessive_stem(text) and text[:-1].lower() not in lower_words:
                # (a stem the text also writes in lower case is a word: "Shells had hit roofs ... shell cases")
                if out is tokens:
                    out = list(tokens)
                stem = text[:-1]
                out[index] = Token(stem, token.start, token.end - 1, True, stem.lower())
        return out

    def _possessive_stem(self, word: str) -> bool:
        cached = self._stem_cache.get(word)
        if cached is not None:
            return cached
        stem = word[:-1]
        keys = word_keys(word)
        stem_keys = word_keys(stem)
        result = False
        if keys and stem_keys and not (set(keys) & self.dictionary.words) and self.gazetteer.lookup(word) is None \
                and fold(stem).lower() not in self.first_names and fold(word).lower() not in self.first_names:
            if stem_keys[-1] in self.dictionary.last_words and len(stem_keys[-1]) > 3 \
                    and stem_keys[-1] not in ORG_HEADS and stem_keys[-1] not in PERSON_TITLES:
                result = True
            elif len(stem_keys) == 1 and len(stem_keys[0]) > 2 and self.dictionary.get(stem) is not None:
                result = True  # a one-word name whole ("PKKs affiliate", "Al-Qaedas former branch")
            else:
                result = any(e.kind in ("country", "admin") and e.primary
                             for e in self.gazetteer.index.get(place_key(stem), ()))
        if len(self._stem_cache) < _CACHE_LIMIT:
            self._stem_cache[word] = result
        return result

    # ---- actors ------------------------------------------------------------------------
    def _actors(self, text: str, located: Sequence[tuple[Mention, Place]], tokens: list[Token],
                lower_words: set[str], when: date | None = None) -> list[_Found]:
        place_mentions = [m for m, _ in located]
        found: list[_Found] = []
        phrases = chunking.phrases(text, _GLUE_HEADS, tokens)
        for phrase in phrases:
            if not furniture.FURNITURE_WORDS.isdisjoint([t.lower for t in phrase.tokens]):
                continue  # a page control or label ("Get short URL", "TimelineJS Embed")
            found.extend(self._phrase_actors(phrase, lower_words, when))
        found.extend(self._lone_particle_names(text, tokens, phrases, found, when))
        found.extend(self._backed_states(text))
        found.extend(self._states_acting(text, located, found))
        found = self._kin(text, found)
        found.sort(key=lambda f: (f.start, f.end))
        return _join_acronyms(text, self._resolve(found, place_mentions, text))

    def _lone_particle_names(self, text: str, tokens: Sequence[Token], phrases: Sequence[Phrase],
                             found: list[_Found], when: date | None) -> list[_Found]:
        """A known name written with a lower-case article and no capitalised word after it ("the
        pro-government al-Watan newspaper said"): no phrase opens there (a lone "al-X" is too often a
        surname's echo to type), but the dictionary knows it."""
        glued_capitals = list(_GLUED_CAPITAL.finditer(text))
        if not glued_capitals:
            return []
        phrase_starts = {phrase.tokens[0].start for phrase in phrases}
        out = []
        namesakes = set()  # "members of al-Shabab team": a club that shares an armed group's name
        for glued in glued_capitals:
            i = bisect_right(tokens, glued.start(), key=lambda t: t.start) - 1
            token = tokens[i] if i >= 0 else None
            if token is None or not chunking.particle_start(token.text) or token.start in phrase_starts \
                    or i and tokens[i - 1].capitalised or any(f.start <= token.start < f.end for f in found):
                continue  # (after a capital it is a name's part: "Bashar al-Assad")
            match = self.dictionary.match_at(tokens, i, when)
            if match is None or match.end != i + 1 or match.actor.type == "person":
                continue
            head = tokens[i + 1].lower if i + 1 < len(tokens) and not token.possessive else ""
            if match.actor.type == "armed_group" and head in ORG_HEADS and head not in ARMED_HEADS:
                namesakes.add(match.actor.name)
            out.append(self._known(token.start, token.end, match.actor))
        return [f for f in out if f.name not in namesakes]

    def _kin(self, text: str, found: list[_Found]) -> list[_Found]:
        """A relative called by the given name alone ("Bashar al-Assad's father Hafez", "President X
        ... and his wife Asma") is that given name with the named person's surname: one of the family,
        not a stray first name. Only a given name of our list, with no surname of its own after it."""
        persons = sorted((f for f in found if f.type == "person" and len(f.name.split()) > 1), key=lambda f: f.end)
        if not persons:
            return found
        kin: list[_Found] = []
        for match in _KIN.finditer(text):
            given = match.group("given")
            if given.lower() not in self.first_names:
                continue
            if _PRONOUN_BEFORE.search(text, max(0, match.start() - 5), match.start()):
                owner = next((p for p in reversed(persons) if match.start() - _KIN_REACH <= p.end <= match.start()),
                             None)
            else:
                owner = next((p for p in persons if _OWNS.fullmatch(text, p.end, match.start())), None)
            if owner is None:
                continue
            name = f"{given} {owner.name.split(' ', 1)[1]}"
            start, end = match.start("given"), match.end("given")
            known = self.dictionary.get(name)
            kin.append(self._known(start, end, known) if known is not None else
                       _Found(start, end, name, "person", "person", tuple(name_key(name).split())))
        if not kin:
            return found
        spans = [(k.start, k.end) for k in kin]
        return [f for f in found if not any(s < f.end and f.start < e for s, e in spans)] + kin

    def _backed_states(self, text: str) -> list[_Found]:
        """'Iran-backed', 'Tehran-backed', 'US-Russia-led': each state (or its capital) before the verb;
        a known actor there acts too ("Hezbollah-backed", "PYD-dominated")."""
        out = []
        for match in _HYPHENED_ADJECTIVE.finditer(text):
            backed = BACKING.match(match.group())
            if not backed:
                continue
            offset = match.start()
            for part in backed.group("who").split("-")[:-1]:
                state = self._state_of(part)
                if state is None:
                    place = self.gazetteer.lookup(part)
                    state = self.gazetteer.capitals.get(place.geonameid) if place and place.geonameid else None
                known = self.dictionary.get(part) if state is None else None
                if state:
                    out.append(_Found(offset, offset + len(part), state, "state", "state"))
                elif known is not None:
                    out.append(self._known(offset, offset + len(part), known))
                offset += len(part) + 1
        return out

    def _states_acting(self, text: str, located: Sequence[tuple[Mention, Place]], found: list[_Found]) -> list[_Found]:
        """A country or capital that acts or is acted upon as a state, not as a territory.

        'Israel has kept silent', 'France also called', 'Damascus said', 'accused Tehran of',
        'a red line for Washington', 'brokered by Qatar', 'an ally of Damascus'; and each next member of
        a list such a frame opens ('brokered by Moscow and Ankara'). A capital stands for its state only
        with a government's verb after it (or an active perfect or progressive: 'Ankara has not
        intervened', 'Manila is sticking to its demand'), a government noun or its doing after it
        ('the Kabul regime', "Moscow's first military campaign") or one of these frames before it,
        never after a locative preposition ('in Damascus', 'residents in Damascus said')."""
        taken = {(f.start, f.end) for f in found if f.kind != "place"}
        out: list[_Found] = []
        framed_end: int | None = None  # end of the last state an object frame read, while a list goes on
        for mention, place in located:
            if (mention.start, mention.end) in taken:
                continue
            state, subject = mention.value, _SUBJECT_VERB
            capital = mention.facet != "country"
            if capital:
                capital_of = self.gazetteer.capitals.get(place.geonameid) if place.geonameid is not None else None
                if capital_of is None:
                    continue
                state, subject = capital_of, _CAPITAL_SUBJECT
            before = text[max(0, mention.start - 40):mention.start]
            after = mention.end
            for skip in (_LIST_TAIL, _APPOSITIVE) if not capital else (_LIST_TAIL,):
                skipped = skip.match(text, after)
                after = skipped.end() if skipped else after
            # the next member of a list a frame opened reads as its first ("brokered by Moscow and Ankara")
            framed = _STATE_OBJECT.search(before) or framed_end is not None \
                and _CONJOINED.fullmatch(text, framed_end, mention.start) is not None
            framed_end = mention.end if framed else None
            end = mention.end
            if framed or (subject.match(text, after) and not _LOCATIVE.search(before)) \
                    or capital and bool(_GOVERNMENT_AFTER.match(text, end) or _STATES_DOING.match(text, end)):
                out.append(_Found(mention.start, mention.end, state, "state", "state"))
        return out

    def _phrase_actors(self, phrase: Phrase, lower_words: set[str], when: date | None = None) -> list[_Found]:
        tokens = self._demonym_names(phrase.tokens, when) if len(phrase.tokens) > 1 else phrase.tokens
        out: list[_Found] = []
        pos = 0
        if phrase.sentence_initial and self._common_opener(tokens[0], lower_words) \
                and not self.dictionary.match_at(tokens, 0):
            pos = 1
        title_cue = False
        while pos < len(tokens):
            if not tokens[pos].capitalised and not (pos == 0 and chunking.particle_start(tokens[pos].text)):
                pos += 1
                continue
            match = self.dictionary.match_at(tokens, pos, when)
            if match is not None and match.acronym and phrase.shouting:
                pos = match.end
                continue
            if match is not None and match.acronym and title_case_acronym(tokens[match.start].text) \
                    and not self._title_case_acronym_stands(tokens, match, lower_words):
                match = None
            if match is not None and match.end == len(tokens) and match.actor.type == "organisation" \
                    and phrase.after and phrase.after[0].lower in _MEDIUM_NOUNS:
                pos = match.end  # "a Facebook page", "his Twitter account": where it was posted, not who acted
                continue
            if match is not None and match.actor.type == "organisation" and self._medium_after_on(phrase, match):
                pos = match.end
                continue
            if match is not None:
                first = tokens[match.start + 1] if tokens[match.start].text == "The" else tokens[match.start]
                written = tuple(k for t in tokens[match.start:match.end] for k in word_keys(t.text))
                out.append(self._known(first.start, tokens[match.end - 1].end, match.actor, written))
                pos = match.end
                title_cue = False
                continue
            if tokens[pos].text == "The" and pos + 1 < len(tokens) and self._state_of(tokens[pos + 1].text):
                pos += 1  # "The Syrian army": the article is not part of a state's name
                continue
            title_end = self._title_end(tokens, pos)
            if title_end > pos:
                title_cue = True
                pos = title_end
                continue
            state = self._state_of(tokens[pos].text)
            rest_end = self._segment_end(tokens, pos, bool(phrase.after) and phrase.after[0].text.islower())
            if state:
                # a demonym or country opening the phrase: the state acts through what follows
                kind = "state" if self._is_country(tokens[pos].text) else "demonym"
                if any(t.lower in ORG_HEADS for t in tokens[pos + 1:rest_end]):
                    # "Syrian Defence Ministry", "Syrian Centre for Policy Research": the state's own body
                    out.append(_Found(tokens[pos].start, tokens[pos].end, state, "state", kind))
                    out.extend(self._typed(phrase, tokens[pos:rest_end], title_cue, lower_words))
                    pos = rest_end
                    continue
                follows = tokens[pos + 1 :] or phrase.after
                if follows and (follows[0].lower in AGENT_NOUNS or not tokens[pos].possessive and (
                    self._title_end(follows, 0) or self.dictionary.match_at(follows, 0)
                )):  # "Israeli warplanes", "Syria's army", "Iranian President Rouhani"
                    out.append(_Found(tokens[pos].start, tokens[pos].end, state, "state", kind))
                    pos += 1
                    continue
                if kind == "demonym" or rest_end == pos + 1:
                    if kind == "demonym":  # "Jordanian airspace", "Russian bases": about the country, no actor
                        out.append(_Found(tokens[pos].start, tokens[pos].end, state, ADJECTIVE, "demonym"))
                    pos += 1
                    continue
            holds_title = rest_end < len(tokens) and any(
                t.lower in _BODY_ROLES for t in tokens[rest_end:self._title_end(tokens, rest_end)])
            out.extend(self._typed(phrase, tokens[pos:rest_end], title_cue, lower_words, holds_title))
            pos = rest_end
            title_cue = False
        return out

    def _title_case_acronym_stands(self, tokens: Sequence[Token], match: DictionaryMatch,
                                   lower_words: set[str]) -> bool:
        """A known abbreviation written 'Isis', 'Nato' is that actor unless the word is a given name
        ('Isis Moreno'), the text also writes it in lower case (a word: 'the isis cult'), or opens
        a sentence's run of names."""
        word = tokens[match.start].text
        if word.lower() in self.first_names or word.lower() in lower_words:
            return False
        return not (match.end < len(tokens) and tokens[match.end].capitalised)

    @staticmethod
    def _medium_after_on(phrase: Phrase, match: DictionaryMatch) -> bool:
        """A known organisation right after "on" that no name continues is where something appeared or was
        said ("wrote on Facebook", "a campaign on CNN", "appealed for help on Twitter"), not who acted;
        its own possessive or a following name ("on Acme's board", "on Acme Radio") is no such medium."""
        before = [t.lower for t in phrase.before]
        tokens = phrase.tokens
        opens = match.start == 0 or match.start == 1 and tokens[0].text == "The"  # "on The Daily Post"
        if not opens or tokens[match.end - 1].possessive or match.end < len(tokens) and tokens[match.end].capitalised:
            return False
        return bool(before) and (before[-1] == "on" or before[-2:] == ["on", "the"])

    def _demonym_names(self, tokens: Sequence[Token], when: date | None) -> Sequence[Token]:
        """The phrase with a country word read as its people's word where that makes a known name of it
        ("Syria Democratic Forces", "Free Syria Army": Syrian Democratic Forces, Free Syrian Army); a
        country with no such name after it stays as written."""
        for at, token in enumerate(tokens[:-1]):
            for demonym in self._named_demonyms.get(token.lower, ()):
                swapped = [*tokens[:at], token._replace(text=demonym, lower=demonym.lower()), *tokens[at + 1:]]
                for start in range(at + 1):
                    match = self.dictionary.match_at(swapped, start, when)
                    if match is not None and match.end > at + 1:
                        return swapped
        return tokens

    def _known(self, start: int, end: int, actor: Actor, written: tuple[str, ...] = ()) -> _Found:
        """A dictionary match; its words are the alias as written, so a short form of that spelling
        joins it ("Abdel Rahman" after "Rami Abdel Rahman", whose canonical spelling differs)."""
        words = written if len(written) > 1 and written[0] != "the" else tuple(name_key(actor.name).split())
        return _Found(start, end, actor.name, actor.type, actor.type, words, known=True)

    def _segment_end(self, tokens: Sequence[Token], pos: int, lower_after: bool = False) -> int:
        """The phrase part from `pos` up to the next dictionary match or title, or up to a demonym
        that ends the phrase before a lower-case word ("According to Petrov Russian military
        intelligence": a lost comma; no name ends in an adjective of nationality)."""
        last = len(tokens) - 1
        if lower_after and last > pos and not self._is_country(tokens[last].text) \
                and self._state_of(tokens[last].text):
            tokens = tokens[:last]
        for k in range(pos + 1, len(tokens)):
            match = self.dictionary.match_at(tokens, k)
            if match is not None and match.end == k + 1 and tokens[k].lower in ORG_HEADS:
                match = None  # "Iraqi National Congress": a head word that is also an alias ends a longer name
            if match is not None or (
                tokens[k].lower in TITLE_HEADS and self._title_end(tokens, k) > k and k + 1 < len(tokens)
            ):
                return k
            if self._state_of(tokens[k].text) and (
                self._is_big_place(" ".join(t.text for t in tokens[pos:k]))
                or self._title_end(tokens, k + 1) > k + 1
                or (k + 1 < len(tokens) and tokens[k + 1].lower in AGENT_NOUNS)
            ):
                return k  # "Damascus British Foreign Secretary ...": a lost comma before a state's title
        return len(tokens)

    @staticmethod
    def _title_end(tokens: Sequence[Token], pos: int) -> int:
        """End of a title opening at `pos` ("US Secretary of State" -> after "State")."""
        end = pos
        k = pos
        saw_head = False
        while k < len(tokens):
            word = tokens[k].text.rstrip(".").lower()
            if word in PERSON_TITLES and tokens[k].text[0].isupper():
                saw_head = saw_head or word in TITLE_HEADS
                k += 1
                if saw_head:
                    end = k
            elif word == "of" and saw_head and k + 1 < len(tokens) and tokens[k + 1].lower in PERSON_TITLES:
                k += 1
            else:
                break
        return end

    def _common_opener(self, token: Token, lower_words: set[str]) -> bool:
        """A sentence's first word that is an ordinary word written with a capital."""
        word = token.lower
        if word in COMMON_WORDS or word in lower_words:
            return True
        if word in self.first_names or token.text.isupper():
            return False
        return word.endswith(("ed", "ing", "ly"))

    def _typed(self, phrase: Phrase, tokens: Sequence[Token], title_cue: bool, lower_words: set[str],
               holds_title: bool = False) -> list[_Found]:
        """Type an unknown capitalised run; untyped results wait for the consistency pass.

        `holds_title`: a title follows the run in the same phrase ("Acme CEO Jane Roe"), so the run
        is the body the title is held in, unless it is a place or a person's name."""
        for k, token in enumerate(tokens):
            if _AGENCY_ADJECTIVE.search(token.text):
                # "Britain-based Observatory", "US-Backed Forces": an adjective, and a boundary
                return (self._typed(phrase, tokens[:k], title_cue, lower_words) if k else []) + self._typed(
                    phrase, tokens[k + 1:], False, lower_words)
            if token.lower in _ALIAS_MARKERS and k:
                return self._typed(phrase, tokens[:k], title_cue, lower_words)  # the alias after it adds no one
        if tokens and tokens[0] is phrase.tokens[0] and phrase.before and phrase.before[-1].lower in _ALIAS_MARKERS:
            return []  # the alias after "aka" names the person before it
        if len(tokens) > 1 and tokens[0].lower in ("a", "an"):
            tokens = tokens[1:]  # "A Syrian Democratic Forces fighter": the article is no part of the name
        the_cue = False
        if tokens and tokens[0].text == "The":
            the_cue = not (phrase.sentence_initial and tokens[0] is phrase.tokens[0])
            tokens = tokens[1:]
        while tokens and (tokens[-1].lower in COMMON_WORDS or len(tokens[-1].text) == 1):
            tokens = tokens[:-1]
        while len(tokens) > 1 and self._time_word(tokens[0]):
            tokens = tokens[1:]  # "Last Friday Mitchell", "In March Kaczmarek": a date before the name
        if not tokens:
            return []
        words = [t.lower for t in tokens]
        if all(w in COMMON_WORDS or w in WEEKDAYS_AND_MONTHS for w in words):
            return []
        head_end = _table_head_end(tokens)
        if 0 < head_end < len(tokens) and _plays(phrase):
            # a standings table's heading runs into its first row ("EASTERN DIVISION W L PCT GB ATLANTA 83 49")
            return self._typed(phrase, tokens[head_end:], False, lower_words)
        split = _case_change_at(tokens) if tokens[-1].text.isupper() else 0
        if split and 1 < split <= 3 and tokens[0].lower in self.first_names \
                and self._is_place(" ".join(t.text for t in tokens[split:])):
            # a byline's name before its dateline ("Jane Roe DAMASCUS"): a person
            keys = tuple(name_key(" ".join(t.text for t in tokens[:split])).split())
            return [_Found(tokens[0].start, tokens[split - 1].end, _display(tokens[:split]), "person", "person",
                           keys)] + self._typed(phrase, tokens[split:], False, lower_words)
        split = split or self._name_after_place_at(tokens, lower_words) or self._second_name_at(tokens, lower_words) \
            or ("and" in words and _second_body_at(tokens))
        if split and tokens[split - 1].lower in PERSON_TITLES and tokens[split - 1].lower not in ORG_HEADS:
            return self._typed(phrase, tokens[split:], True, lower_words)  # the words before are the person's title
        if split:
            return self._typed(phrase, tokens[:split], title_cue, lower_words) + self._typed(
                phrase, tokens[split:], False, lower_words)
        text = " ".join(t.text for t in tokens)
        start, end = tokens[0].start, tokens[-1].end
        if tokens[-1] is phrase.tokens[-1] and tokens[-1].lower in ORG_HEADS and phrase.after \
                and phrase.after[0].text == "." and phrase.after[0].start == end:
            end += 1  # "Acme Corp.", "Acme Inc.": the abbreviation's stop is part of the name
        keys = tuple(name_key(text).split())
        if not keys:
            return []
        if phrase.headline and not title_cue and all(w in lower_words for w in words):
            return []  # Title Case capitalised an ordinary word the text also writes in lower case ("Kill", "Least")
        organisation_word = not ORG_HEADS.isdisjoint(words) or "&" in words or "." in text and any(
            w.replace(".", "") in ORG_HEADS for w in words)  # "S.A." is "SA"
        if not title_cue and tokens[-1] is phrase.tokens[-1] and not organisation_word and (
            _dismissal(phrase) or self._for_country(phrase) and not self._is_place(text)
        ):
            # a player in a results row: "Lara c Healy b Warne", "Ana Ruiz ( Spain ) 2:03.4"
            return [_Found(start, end, _display(tokens), "person", "person", keys, over_place=True)]
        if not organisation_word and tokens[0] is phrase.tokens[0] and phrase.before \
                and phrase.before[-1].lower in _NAMING_NOUNS and self._speech_cue(phrase):
            # "an activist who uses the name X said": the name a speaker goes by, though a village shares it
            return [_Found(start, end, _display(tokens), "person", "person", keys, over_place=True)]
        if not title_cue and _plays(phrase) and not self._is_country(text) \
                and text.lower() not in _HOME_NATIONS:
            # a club, however named: "Leeds 2 Chelsea 1" (a country playing is its national team)
            if not self._looks_personal(words, tokens[0].text, lower_words):
                return [_Found(start, end, _display(tokens), "organisation", "organisation", keys, over_place=True)]
        if phrase.headline and not title_cue:
            return []
        if any(w in _EVENT_HEADS for w in words) and not title_cue:
            return []  # an event is not an actor
        if self._placed(phrase, tokens):
            return []  # "the town of X", "the X camp", "X Governorate": a place the gazetteer lacks
        if organisation_word:
            kind = "armed_group" if any(w in ARMED_HEADS for w in words) else "organisation"
            return [_Found(start, end, _display(tokens), kind, kind, keys)]
        if title_cue:
            return [_Found(start, end, _display(tokens), "person", "person", keys)]
        if self._is_place(text):  # a place, unless it abbreviates a person named in the text
            return [_Found(start, end, _display(tokens), None, "place", keys)]
        first = tokens[0].text
        if (holds_title or tokens[-1] is phrase.tokens[-1] and _holds_title(phrase)) \
                and not self._looks_personal(words, first, lower_words) \
                and not (len(tokens) == 1 and first.lower().endswith(_ADJECTIVE_ENDINGS)):  # "Kurdish leader"
            return [_Found(start, end, _display(tokens), "organisation", "organisation", keys)]
        # a lone capitalised word opening a sentence may be any noun: before a noun ("Security officials",
        # "Rescue workers") or in the plural ("Activists said") it is typed only if the text types it elsewhere
        opener = len(tokens) == 1 and phrase.sentence_initial and tokens[0] is phrase.tokens[0] \
            and not first.isupper()
        named = (
            self._looks_personal(words, first, lower_words)
            and len(tokens) > 1
            and not any(self._is_place(" ".join(t.text for t in tokens[:k])) for k in range(2, len(tokens)))
        )
        if _placed_by_context(phrase):
            return []  # "Salah al-Din is located west of", "battles raged in Hardatain and Ratain said the monitor"
        # "bin", "ibn" inside a name; "Abu", "Umm" opening one (a kunya: "Abu Hatem al-Dahik")
        particle = any(w in _PATRONYMICS for w in words[1:-1]) or len(words) > 1 and words[0] in _KUNYA
        if named or particle or (len(tokens) > 1 and self._speech_cue(phrase)):
            return [_Found(start, end, _display(tokens), "person", "person", keys)]
        if the_cue:
            return [_Found(start, end, _display(tokens), "organisation", "organisation", keys)]
        letters = first.replace(".", "")
        # an abbreviation is short, but one owning what follows ("UNICEF's director") may run to eight letters
        longest = 8 if tokens[0].possessive else 5
        if len(tokens) == 1 and letters.isupper() and letters.isalpha() and 2 <= len(letters) <= longest:
            before = phrase.before
            if words[0] in COMMON_WORDS or (
                len(before) > 1 and before[-1].text == "(" and not before[-2].text[0].isupper()
            ):
                return []  # "barrels per day (BPD)": an abbreviation after a lower-case word is a term, not a name
            return [_Found(start, end, first, "organisation", "organisation", keys)]
        if len(tokens) == 1 and (len(first) < 2 or any(c.isdigit() for c in first)):
            return []
        if opener and (_owned(phrase) or first.endswith("s")):
            return [_Found(start, end, _display(tokens), None, "person", keys)]  # "Doctors said", "Aid workers"
        if _owned(phrase) and not (len(tokens) == 1 and first.lower().endswith(_ADJECTIVE_ENDINGS)):
            if tokens[-1] is phrase.tokens[-1] and tokens[-1].lower.endswith(_ADJECTIVE_ENDINGS):
                tokens = tokens[:-1]
                keys, end = tuple(name_key(" ".join(t.text for t in tokens)).split()), tokens[-1].end
            return [_Found(start, end, _display(tokens), "organisation", "organisation", keys)]
        speech = self._speech_cue(phrase)
        if speech and len(tokens) == 1 and (words[0] in lower_words or _describes(phrase, first)):
            # "Activists said" where the text also writes "activists"; "said European members": a
            # common noun or an adjective, however a speech verb stands beside it
            return []
        return [_Found(start, end, _display(tokens), "person" if speech else None, "person", keys, weak=speech)]

    def _for_country(self, phrase: Phrase) -> bool:
        """A country in brackets after the name ("( Kenya )", "( U.S. )"): whom an athlete represents."""
        after = phrase.after
        return len(after) == 3 and after[0].text == "(" and after[2].text == ")" \
            and self._state_of(after[1].text) is not None

    def _time_word(self, token: Token) -> bool:
        """A weekday, or a month that is no given name ("April", "June" may open a person's name)."""
        return token.lower in WEEKDAYS_AND_MONTHS and token.lower not in self.first_names

    def _placed(self, phrase: Phrase, tokens: Sequence[Token]) -> bool:
        """A place noun says the name is a place: after it with "of" ("the village of X"), right
        after the name ("the X camp") or ending it ("X Governorate"; not after a given name, where it
        is a surname: "Anthony Lake", "Damon Hill")."""
        if tokens[-1].lower in _PLACE_NOUNS and len(tokens) > 1 and tokens[0].lower not in self.first_names:
            return True
        if tokens[-1] is phrase.tokens[-1] and phrase.after and phrase.after[0].lower in _PLACE_NOUNS:
            return True
        before = phrase.before
        return tokens[0] is phrase.tokens[0] and len(before) > 1 and before[-1].lower == "of" \
            and before[-2].lower in _PLACE_NOUNS

    def _name_after_place_at(self, tokens: Sequence[Token], lower_words: set[str]) -> int:
        """Where a person's name starts after a place, an organisation's head word whose comma was
        lost ("in Jordan Tariq al-Masri said", "of the Free Coalition Hana Saleh") or a title
        ("Senate Majority Leader Jane Roe"): a given name, or "Abu", followed by at least one more
        word, or after an organisation's head any word before an "al-" surname ("of the Free Coalition
        Nagham al-Ghadiri") or a bare name of two or three words (see `_bare_name`). 0 when there is none."""
        for k in range(1, len(tokens) - 1):
            word = tokens[k].lower
            if tokens[k - 1].lower in ORG_HEADS and (
                chunking.particle_start(tokens[k + 1].text) or self._bare_name(tokens[k:])
            ):
                return k
            if not (word in self.first_names and word not in lower_words or word in _PATRONYMICS):
                continue
            if k == 1 and tokens[0].lower in self.first_names and tokens[0].lower not in lower_words:
                continue  # "Mary Joe Smith": a given name that is also a city opens the same name
            if tokens[k - 1].lower in ORG_HEADS or tokens[k - 1].lower in PERSON_TITLES \
                    or self._is_big_place(" ".join(t.text for t in tokens[:k])):
                return k
        return 0

    def _bare_name(self, tokens: Sequence[Token]) -> bool:
        """Two or three capitalised words that head no body, are no title, place or known actor: after
        an organisation's name ("the Syrian Coalition Muwaffaq Nyrabiya") they are a person's name."""
        name = " ".join(t.text for t in tokens)
        return 2 <= len(tokens) <= 3 and all(
            t.text[0].isupper() and t.text.isalpha() and t.lower not in ORG_HEADS and t.lower not in _PLACE_NOUNS
            and t.lower not in PERSON_TITLES for t in tokens
        ) and not self._is_place(name) and not self._is_actor(name)

    def _second_name_at(self, tokens: Sequence[Token], lower_words: set[str]) -> int:
        """Where a second person's name starts in a run of two names whose comma was lost
        ("Youssef Diab Paula Astih" -> 2): a given name after a word that is no given name, when
        the run also opens with a given name and both parts have a surname. 0 when there is none.
        Chains of given names ("Mohammed Ali Hassan Khalil") are one Arabic name and stay whole."""
        if len(tokens) < 4 or tokens[0].lower not in self.first_names:
            return 0
        names = self.first_names
        for k in range(2, len(tokens) - 1):
            word, before = tokens[k].lower, tokens[k - 1].lower
            if word not in names or word in lower_words or before in _PATRONYMICS or tokens[k - 1].text.endswith("."):
                continue
            if before not in names or (len(tokens) == 4 and tokens[-1].lower not in names):
                return k  # "... Diab Paula Astih": two given-name-plus-surname pairs
        return 0

    def _looks_personal(self, words: Sequence[str], first: str, lower_words: set[str]) -> bool:
        """Opens with an initial ("J.") or a given name the text never writes in lower case."""
        return (len(first) == 2 and first.endswith(".")) \
            or (words[0] in self.first_names and words[0] not in lower_words)

    @staticmethod
    def _speech_cue(phrase: Phrase) -> bool:
        """'said X', 'X said', 'X told', 'according to X', 'X, director of'."""
        after = [t.lower for t in phrase.after]
        before = [t.lower for t in phrase.before]
        if after and after[0] in SPEECH_VERBS:
            return True
        if len(after) > 1 and after[0] == "," and after[1] in SPEECH_VERBS and before and before[-1] == ",":
            return True  # "the antiquities chief, Maamoun Karimi, said"
        if len(after) > 1 and after[0] == "," and after[1] in _ROLE_AFTER_COMMA:
            return True
        if before and before[-1] in SPEECH_VERBS:
            return True
        return len(before) > 1 and before[-2:] == ["according", "to"]

    def _resolve(self, found: list[_Found], place_mentions: Sequence[Mention], text: str = "") -> list[_Found]:
        """In-document consistency: short forms to full names, one type per name."""
        place_spans = {(m.start, m.end) for m in place_mentions}
        # "It said Aziz was" types "Aziz"; the untyped "Hadi Aziz" earlier is then that person's full name
        # (and "Hadi said" that of "Hadi Aziz": a player is called by either name)
        surnames = {f.words[0] for f in found if f.type == "person" and len(f.words) == 1}
        # (not when that word opens an organisation's name: "Acme said" beside "Acme SA" and "Acme GDRs")
        opening_bodies = {f.words[0] for f in found if f.type in ("organisation", "armed_group") and len(f.words) > 1}
        for f in found:
            if f.type is None and f.kind == "person" and 1 < len(f.words) <= 3 \
                    and (f.words[-1] in surnames or f.words[0] in surnames and f.words[0] not in opening_bodies):
                f.type = "person"
        typed_by_key: dict[tuple[str, ...], _Found] = {}
        persons: list[_Found] = []
        for f in found:
            if f.type is not None and f.words:
                earlier = typed_by_key.get(f.words)
                if earlier is None or earlier.weak and not f.weak:  # a speech verb's typing yields to any other
                    typed_by_key[f.words] = f
                if f.type == "person" and len(f.words) > 1:
                    persons.append(f)
        organisations = [f for f in found if f.type in ("organisation", "armed_group") and len(f.words) > 1]
        organisations.sort(key=lambda o: -len(o.words))
        organisation_words = {word for o in organisations for word in o.words}
        company_openers = {o.words[0]: o for o in organisations if o.words[-1] in _COMPANY_FORMS}
        out = []
        for f in found:
            if f.kind in ("state", "demonym"):
                out.append(f)
                continue
            if f.type in ("organisation", "armed_group") and not f.known and f.words:
                # a short form ("the Observatory", "Syrian Observatory", "Front") is the one longer
                # organisation name in the article that holds its words in order; a bare head word
                # that shortens no name is no name at all
                longer = {o.name: o for o in organisations
                          if len(o.words) > len(f.words) and _subsequence(f.words, o.words)}
                if len(longer) == 1:
                    shortened = next(iter(longer.values()))
                    f.name, f.type, f.kind = shortened.name, shortened.type, shortened.kind
                    out.append(f)
                    continue
                if len(f.words) == 1 and f.words[0] in ORG_HEADS:
                    continue
            if len(f.words) == 1 or (f.type is None or f.type == "person") and len(f.words) < 3 and f.kind != "place":
                full = self._full_name(f.words, persons, surname_only=f.kind == "place")
                if full is not None:
                    f.name, f.type, f.kind = full.name, "person", "person"
                    out.append(f)
                    continue
            if (f.type is None or f.weak) and f.kind != "place" and f.words and f.words[0] in organisation_words:
                # "Acme said" after "Acme SpA", "the Rovers" after "Tranmere Rovers": the one organisation
                # of the article that holds the words (a speech verb alone only for its opening words)
                longer = {o.name: o for o in organisations if len(o.words) > len(f.words) and (
                    o.words[:len(f.words)] == f.words if f.weak else _subsequence(f.words, o.words))}
                if len(longer) == 1:
                    shortened = next(iter(longer.values()))
                    f.name, f.type, f.kind, f.weak = shortened.name, shortened.type, shortened.kind, False
                    out.append(f)
                    continue
            known = typed_by_key.get(f.words)
            if f.kind == "place" and len(f.words) == 1 and f.words[0] in company_openers \
                    and _named_here(text, f) and not self._is_big_place(f.name):
                # "Magna was up 1/8" after "Magna International Inc": a small place's name opening a
                # company's is the company
                f.name, f.type, f.kind = company_openers[f.words[0]].name, "organisation", "organisation"
                out.append(f)
                continue
            if f.kind == "place" and not (known is not None and known.over_place and _named_here(text, f)):
                continue
            if known is not None:
                f.name, f.type, f.kind = known.name, known.type, known.kind
                f.over_place = f.over_place or known.over_place
            if f.type is None:
                continue
            if (f.start, f.end) in place_spans and f.type != "person" and not f.over_place:
                continue
            out.append(f)
        return out

    @staticmethod
    def _full_name(words: tuple[str, ...], persons: list[_Found], surname_only: bool = False) -> _Found | None:
        """The one person whose full name this short form abbreviates ("Assad").

        A word the gazetteer knows ("Valensi" looks like Valencia) only counts as a surname.
        """
        candidates = {
            p.name: p
            for p in persons
            if p.words != words
            and len(words) < len(p.words)
            and (p.words[-len(words) :] == words or not surname_only and p.words[: len(words)] == words)
        }
        if len(candidates) > 1:  # a surname beats a given name, and a known person an unknown run
            candidates = {n: p for n, p in candidates.items() if p.words[-len(words):] == words} or candidates
        if len(candidates) > 1:
            candidates = {n: p for n, p in candidates.items() if p.known} or candidates
        return next(iter(candidates.values())) if len(candidates) == 1 else None


def _second_body_at(tokens: Sequence[Token]) -> int:
    """Where "and" joins a whole organisation's name to a word that heads none ("Turkish Army and
    Free" before a misspelt "Syria Army"): two names, not one ("Bank and Trust", "Mercantile and
    Commerce" stay whole). 0 when there is none."""
    for k in range(1, len(tokens) - 1):
        if tokens[k].lower == "and" and tokens[k - 1].lower in ORG_HEADS \
                and not any(t.lower in ORG_HEADS for t in tokens[k + 1:]):
            return k + 1
    return 0


def _join_acronyms(text: str, found: list[_Found]) -> list[_Found]:
    """"National Guard Units (NGU)": the acronym in brackets after an organisation's name is that
    organisation, wherever the article uses it; if only the acronym is a known actor, the written-out
    name (however misspelt) is that actor."""
    named_before = {f.end: f for f in found if f.type in ("organisation", "armed_group") and len(f.words) > 1}
    renamed: dict[str, _Found] = {}
    terms: set[str] = set()
    for short in found:
        letters = text[short.start:short.end].replace(".", "")
        if not (letters.isupper() and 2 <= len(letters) <= 6) or text[short.end:short.end + 1] != ")":
            continue
        k = short.start
        while k and text[k - 1] == " ":
            k -= 1
        if not k or text[k - 1] != "(":
            continue
        k -= 1
        while k and text[k - 1] == " ":
            k -= 1
        long = named_before.get(k)
        if long is None and not short.known and _spelt_before(text, k, letters):
            terms.add(short.name)  # "International Humanitarian Law (IHL)": the term before names no actor
            continue
        if long is None or long.known and short.known:
            continue
        if short.known:
            renamed[long.name] = short
        else:
            renamed[short.name] = long
    found = [f for f in found if f.name not in terms]
    if not renamed:
        return found
    for f in found:
        target = renamed.get(f.name)
        if target is not None and target is not f:
            f.name, f.type, f.kind, f.known = target.name, target.type, target.kind, target.known
    return found


_RUN_BEFORE = re.compile(r"(?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|on|the|in)\s+)*)+$")


def _spelt_before(text: str, end: int, letters: str) -> bool:
    """The capitalised words ending at `end` spell `letters` by their initials and none heads an
    organisation ("International Law (IL)", "Gross Domestic Product (GDP)"), so the brackets abbreviate
    a term; a body's name before its acronym was typed an organisation and never comes here."""
    run = _RUN_BEFORE.search(text[max(0, end - 120):end] + " ")
    if run is None:
        return False
    words = [w for w in run.group().split() if w[0].isupper()]
    initials = "".join(w[0] for w in words)
    return len(words) >= 2 and initials.endswith(letters) and len(initials) - len(letters) <= 1 \
        and not any(w.lower() in ORG_HEADS for w in words[-len(letters):])


def _case_change_at(tokens: Sequence[Token]) -> int:
    """Where a run turns from mixed case to capitals for good ("Richard Finn NEW YORK", "Jane Roe
    DAMASCUS"): a byline's name before its dateline, two names. Capitals closing a company's name are
    short ("Ericsson AB", "Shell PLC"), so the capital part needs a word of four letters or more.
    0 when there is none."""
    k = len(tokens)
    while k and tokens[k - 1].text.isupper() and tokens[k - 1].text[0].isalpha():
        k -= 1
    if not 0 < k < len(tokens) or tokens[k - 1].text.isupper():
        return 0
    if all(len(t.text.replace("-", "")) < 4 or "." in t.text for t in tokens[k:]):
        return 0
    return k


def _remembered(cache: dict[str, _T], key: str, compute: Callable[[], _T]) -> _T:
    """`compute()` for `key`, remembered in `cache` (the same words recur across articles) while it
    holds fewer than `_CACHE_LIMIT` keys, so a long build's memory stays bounded."""
    if key in cache:
        return cache[key]
    value = compute()
    if len(cache) < _CACHE_LIMIT:
        cache[key] = value
    return value


def _subsequence(short: Sequence[str], long: Sequence[str]) -> bool:
    """Every word of `short` in `long`, in order ("syrian observatory" in "syrian observatory for human rights")."""
    words = iter(long)
    return all(word in words for word in short)


# A standings table's column heads ("W L PCT GB", "P W D L PTS") and, in capitals, its section heads
# ("EASTERN DIVISION", "GROUP B").
_TABLE_COLUMNS = frozenset("W D L T P PCT GB PTS GF GA".split())
_TABLE_SECTIONS = frozenset("division conference league group pool".split())


def _table_head_end(tokens: Sequence[Token]) -> int:
    """After the last word of a table heading inside a run, or 0."""
    end = 0
    for k, token in enumerate(tokens):
        if token.text in _TABLE_COLUMNS or token.text.isupper() and token.lower in _TABLE_SECTIONS:
            end = k + 1
    return end


def _fixture_spans(text: str, located: Sequence[tuple[Mention, Place]]) -> set[tuple[int, int]]:
    """Places in capitals before "AT" another in a fixtures list ("KANSAS CITY AT DETROIT CHICAGO AT
    TORONTO"): the visiting teams, not the cities (the name after "AT" is where they play). Two
    pairs make a list; one could be a headline about a place ("STRIKE AT LONDON")."""
    spans = sorted((m.start, m.end) for m, _ in located if text[m.start:m.end].isupper())
    visitors = {a for a, b in zip(spans, spans[1:], strict=False) if text[a[1]:b[0]] == " AT "}
    return visitors if len(visitors) > 1 else set()


def _plays(phrase: Phrase) -> bool:
    """Sports context that makes a name a team: a score after it ("Leeds 2", "Essex 40-3",
    a standings row "Leeds 3 2 1 0"), "v"/"vs" beside it, a result verb beside it ("Leeds
    beat Chelsea"), a team role after it ("Leeds manager"), "goal for Leeds", or the plural
    verb British English gives a team ("Marseille are")."""
    after = [t.lower for t in phrase.after]
    before = [t.lower for t in phrase.before]
    if after and _SCORE.match(after[0]):
        # a results row goes on with a name, another number or the scorers ("Leeds 2 Chelsea 1",
        # "Leeds 3 2 1 0", "Leeds 2 ( Smith 5 )") or ends one ("... Chelsea 1 ."); prose does not
        # ("Chicago 3 percent", "Tokyo 3.5", "Windows 95 , the ...")
        following = phrase.after[1].text if len(phrase.after) > 1 else ""
        glued = len(phrase.after) > 1 and phrase.after[1].start == phrase.after[0].end
        return not glued and (
            not following or following[0].isupper() or following[0].isdigit() or following == "("
            or bool(before) and (_SCORE.match(before[-1]) is not None or before[-1] == ":")
            # "routed the Pirates 10-0", "Essex 372 and 100-5" (a cricket side's two innings)
            or before[-1:] == ["the"] and len(before) > 1 and before[-2] in _VERSUS_OR_RESULT
            or following in ("and", "for") and len(after[0]) > 1 and len(after) > 2
            and _SCORE.match(after[2]) is not None
        )
    if (after and after[0] in _VERSUS_OR_RESULT) or (before and before[-1] in _VERSUS_OR_RESULT):
        return True
    if after and after[0] in _TEAM_ROLES:
        return True
    if before[-2:] in _PLAYS_FOR:
        return True
    return bool(after) and after[0] in ("are", "were") and not phrase.tokens[-1].lower.endswith("s") and (
        # "talks in Tehran are", "parts of Raqqa were": the object of a preposition is no team
        not before or before[-1] not in ("and", ",", *_LOCATIVE_BEFORE, *_PREPOSITIONS)
    )


# The last word of a company's name ("Acme International Inc"): its first word alone is the company.
_COMPANY_FORMS = frozenset("inc corp co ltd plc llc ag sa nv gmbh spa ab bv oy oyj asa kk srl sarl pty bhd tbk pte "
                           "llp kgaa".split())
_PLACE_BEFORE = re.compile(r"\b(?i:in|at|from|near|to|into|of|outside|around)\s*$")
_PLACE_AFTER = re.compile(r"\s*(?:,|\)|\d)")


def _named_here(text: str, found: _Found) -> bool:
    """A place's name that names a team or company elsewhere in the report (a sports cue typed it:
    "Surrey 24 points ... Surrey closed on 429") may name it here too, unless it reads as the place:
    after a locative preposition ("in Leeds"), in capitals, or as a dateline or an address
    ("LEEDS 1996-08-30", "Leeds , England", "( at Headingley , Leeds )")."""
    written = text[found.start:found.end]
    return not written.isupper() and not _PLACE_BEFORE.search(text, max(0, found.start - 12), found.start) \
        and not _PLACE_AFTER.match(text, found.end)


_LOCATED = (("is", "located"), ("was", "located"), ("is", "situated"), ("was", "situated"), ("lies",), ("lay",))
_LOCATED_VERBS = frozenset(words[0] for words in _LOCATED)


def _placed_by_context(phrase: Phrase) -> bool:
    """A name said to lie somewhere ("X is located west of", "X lies 40 km from"), or a one-word next
    member of a list of places after a locative ("fighting in Hardatain and X said the monitor": the
    speech verb's speaker is the monitor, not X), is a place, however personal it looks. (A longer run
    there may hold a speaker after a lost comma: "in Iraq and Syria Carter added".)"""
    after = phrase.after
    if after and after[0].lower in _LOCATED_VERBS and any(
            tuple(t.lower for t in after[:len(words)]) == words for words in _LOCATED):
        return True
    before = phrase.before
    return len(phrase.tokens) == 1 and len(before) == 3 and before[0].lower in _LOCATIVE_BEFORE \
        and before[1].capitalised and before[2].lower in ("and", "or", ",")


def _dismissal(phrase: Phrase) -> bool:
    """A cricket scorecard's dismissal beside a name: "c Healy", "b Warne", "Lara lbw", "Lara not out"."""
    after = phrase.after
    if phrase.before and phrase.before[-1].text in _DISMISSED_BY:
        return True
    if not after:
        return False
    word = after[0].text
    return word in _DISMISSED_BY or word == "lbw" \
        or word in ("not", "run") and len(after) > 1 and after[1].text == "out"


def _describes(phrase: Phrase, word: str) -> bool:
    """A word with an adjective's ending before a lower-case word: "European members", "Kurdish fighters"."""
    after = phrase.after
    return word.lower().endswith((*_ADJECTIVE_ENDINGS, "ean", "an")) and bool(after) and after[0].text.isalpha() \
        and after[0].text.islower()


def _holds_title(phrase: Phrase) -> bool:
    """A lower-case title of a body's office and a capitalised name after the run: "Acme general
    manager Jane Roe", "Acme owner Jane Roe" (the title names the body it is held in; "Tutsi major",
    "Chechen leader" are no office of a body)."""
    after = phrase.after
    k = 0
    while k < len(after) and after[k].text.islower() and (after[k].lower in PERSON_TITLES
                                                          or after[k].lower in _BODY_ROLES):
        k += 1
    return 0 < k < len(after) and after[k].text[0].isupper() and any(t.lower in _BODY_ROLES for t in after[:k])


def _owned(phrase: Phrase) -> bool:
    """What follows says a company or body: "Acme shares", "Acme's chairman", "an Acme spokesman"."""
    after = phrase.after
    return bool(after) and (after[0].lower in _OWNED or after[0].lower in _GROUP_AFTER)


def _display(tokens: Sequence[Token]) -> str:
    """How an unknown name is shown: as written, but 'OURFALIAN' as 'Ourfalian'."""
    return " ".join(t.text.capitalize() if t.text.isupper() and len(t.text) > 4 else t.text for t in tokens)


def _by_count(counts: Counter[str]) -> list[str]:
    """Most counted first; ties keep first-seen order (Counter preserves insertion)."""
    return [value for value, _ in sorted(counts.items(), key=lambda item: -item[1])]


@lru_cache(maxsize=4)
def default_extractor(user_entities: Path | None = None) -> EntityExtractor:
    """The extractor for this process and entities file, built once (its dictionaries are big).

    `user_entities` is the user's entities YAML; without it the settings' `entities_file`
    (NEWSFACETS_ENTITIES) names one. The indexer passes its `--entities` file explicitly, so
    that every worker process, here or on a cluster, extracts with the same dictionary
    whatever its environment.
    """
    from index.settings import Settings

    return EntityExtractor(user_entities or Settings.from_environment().entities_file)


def extract(title: str, body: str, published: date | str | None = None) -> Entities:
    return default_extractor().extract(title, body, published)


def _as_date(value: date | str | None) -> date | None:
    """A date from a date, a datetime or an ISO string (YYYY, YYYY-MM, YYYY-MM-DD...); None if unreadable."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()[:10]
    for fmt, length in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(text) >= length:
            try:
                return datetime.strptime(text[:length], fmt).date()
            except ValueError:
                continue
    return None
