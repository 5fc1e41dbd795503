"""What the entity extractor produces: facet values plus the spans that justify them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# What a mention is, as written. The facet says where its value goes.
MentionKind = Literal["person", "organisation", "armed_group", "state", "place", "country", "demonym"]
Facet = Literal["actor", "location", "country"]


@dataclass(frozen=True)
class Place:
    """A place resolved to a gazetteer entry.

    `value` is the facet value users see and filter on ("Homs, Syria"): unique per real place,
    whatever spelling the text used.
    """

    geonameid: int | None
    name: str
    country: str | None
    value: str
    # The first-level division the place lies in (governorate, province, state; a division is
    # its own), its ISO 3166-2 code when known, and GeoNames coordinates: the location tree is
    # country > division > place.
    division: str | None = None
    division_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Mention:
    """One span of text (character offsets into the text that was analysed) and the canonical value it names."""

    start: int
    end: int
    kind: MentionKind
    facet: Facet
    value: str


@dataclass(frozen=True)
class Entities:
    """All facet values of one article, most mentioned first."""

    actors: tuple[str, ...] = ()
    # canonical actor -> person|organisation|armed_group|state
    actor_types: dict[str, str] = field(default_factory=dict)
    places: tuple[Place, ...] = ()
    countries: tuple[str, ...] = ()
    mentioned_dates: tuple[str, ...] = ()  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    mentions: tuple[Mention, ...] = ()  # spans into the body only
