"""Helpers shared by the search tests."""
from __future__ import annotations

import re

TAG = re.compile(r"<[^>]*>")


def only_marks(markup: str) -> bool:
    """Whether the only tags in `markup` are <mark> and </mark>: what the engine promises of its HTML."""
    return all(tag in ("<mark>", "</mark>") for tag in TAG.findall(markup))
