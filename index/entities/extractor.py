"""Skeleton: the orchestrator that combines place, actor and date finders (owned by the actors engineer)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from index.entities.model import Entities


class EntityExtractor:
    def __init__(self, user_entities: Path | None = None) -> None:
        self.user_entities = user_entities

    def extract(self, title: str, body: str) -> Entities:
        return Entities()


@lru_cache(maxsize=1)
def default_extractor() -> EntityExtractor:
    path = os.environ.get("NEWSFACETS_ENTITIES")
    return EntityExtractor(Path(path) if path else None)


def extract(title: str, body: str) -> Entities:
    return default_extractor().extract(title, body)
