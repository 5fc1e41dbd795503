"""Article -> index document: analysis and entity extraction, as one pure function.

This is the expensive stage, run in worker processes; its output is a plain dict the
single writer process hands to Whoosh without further analysis (see `index.schema`).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import fields

from index.analysis import both_terms
from index.article import Article
from index.entities import Entities, extract
from index.entities.model import Place
from index.schema import DOCUMENT_VERSION, FACET_SEPARATOR, PLACE_TREE_SEPARATOR


def content_hash(article: Article) -> str:
    """Fingerprint of everything that shapes the indexed document, for `--incremental`."""
    payload = json.dumps(
        [DOCUMENT_VERSION, article.title, article.body, article.date, article.source, article.url,
         article.authors, article.language],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def date_number(iso_date: str | None) -> int:
    """`2020-01-15` -> 20200115; unknown -> 0 (sorts last, matches no date range)."""
    if not iso_date:
        return 0
    digits = iso_date.replace("-", "")[:8]
    return int(digits.ljust(8, "0")) if digits.isdigit() else 0


def _facet_values(values: list[str] | tuple[str, ...]) -> list[str]:
    """Values fit to be one term each (the separator cannot occur inside one)."""
    return [v for v in values if v and FACET_SEPARATOR not in v]


def division_value(place: Place) -> str | None:
    """The division facet value of a place ("Homs Governorate, Syria"), None when its division is unknown.

    A division's own `Place.value` has this form, so the division named in the text ("rural
    Idlib") and the division of a town in it are one value, and one filter finds both.
    """
    if not place.division:
        return None
    return f"{place.division}, {place.country}" if place.country else place.division


def tree_paths(places: tuple[Place, ...] | list[Place]) -> list[str]:
    """Every node of the location tree these places reach: country, country > division, and
    country > division > place (country > place when the division is unknown), each once.

    A place with no country is not in the tree; a division is a node of the second level only.
    """
    paths: dict[str, None] = {}
    for place in places:
        if not place.country:
            continue
        path = [place.country]
        division = division_value(place)
        if division:
            path.append(division)
        if place.value not in path:
            path.append(place.value)
        for depth in range(1, len(path) + 1):
            paths[PLACE_TREE_SEPARATOR.join(path[:depth])] = None
    return list(paths)


# A place's fields, all plain values (numbers, text, None), so a stored place is a flat dict of them:
# what `dataclasses.asdict` returns, without its recursive deep copy (a quarter of `to_document`'s time).
_PLACE_FIELDS = tuple(field.name for field in fields(Place))


def stored_place(place: Place) -> dict:
    """A place as the document stores it: its fields by name, in declaration order."""
    return {name: getattr(place, name) for name in _PLACE_FIELDS}


def to_document(article: Article, entities: Entities) -> dict:
    """The Whoosh document for an article and its entities (keys are index/schema.py fields)."""
    actors = _facet_values(entities.actors)
    locations = _facet_values([place.value for place in entities.places])
    countries = _facet_values(entities.countries)
    sources = _facet_values([article.source] if article.source else [])
    authors = _facet_values(article.authors)
    languages = _facet_values([article.language] if article.language else [])
    divisions = _facet_values(list(dict.fromkeys(d for d in map(division_value, entities.places) if d)))
    tree = _facet_values(tree_paths(entities.places))
    title_stems, title_words = both_terms(article.title)
    body_stems, body_words = both_terms(article.body)
    return {
        "id": article.id,
        "title": " ".join(title_stems),
        "_stored_title": article.title,
        "body": " ".join(body_stems),
        "_stored_body": article.body,
        "exact": " ".join(title_words + body_words),
        "actor": FACET_SEPARATOR.join(actors),
        "_stored_actor": actors,
        "location": FACET_SEPARATOR.join(locations),
        "_stored_location": locations,
        "country": FACET_SEPARATOR.join(countries),
        "_stored_country": countries,
        "source": FACET_SEPARATOR.join(sources),
        "_stored_source": sources,
        "author": FACET_SEPARATOR.join(authors),
        "_stored_author": authors,
        "language": FACET_SEPARATOR.join(languages),
        "_stored_language": languages,
        "division": FACET_SEPARATOR.join(divisions),
        "_stored_division": divisions,
        "place_tree": FACET_SEPARATOR.join(tree),
        "_stored_place_tree": tree,
        "date": date_number(article.date),
        "mentioned_dates": " ".join(entities.mentioned_dates),
        "_stored_mentioned_dates": list(entities.mentioned_dates),
        "published": article.date,
        "url": article.url,
        "path": article.path,
        "places": [stored_place(place) for place in entities.places],
        "actor_types": dict(entities.actor_types),
        "mentions": [[m.start, m.end, m.kind, m.facet, m.value] for m in entities.mentions],
        "content_hash": content_hash(article),
    }


def analyse(article: Article) -> dict:
    """Extract entities and analyse text: the per-article work of the indexer."""
    return to_document(article, extract(article.title, article.body, article.date))
