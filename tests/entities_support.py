"""Helpers shared by the entity tests."""
from __future__ import annotations

from index.entities import EntityExtractor


def user_extractor(tmp_path_factory, entities_yaml: str) -> EntityExtractor:
    """The real extractor with a user's entities file of `entities_yaml`: rules tested on invented names,
    so a rule written for a shipped name fails them."""
    path = tmp_path_factory.mktemp("user") / "entities.yaml"
    path.write_text(entities_yaml, encoding="utf-8")
    return EntityExtractor(path)
