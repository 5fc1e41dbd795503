"""Helpers shared by the search tests."""
from __future__ import annotations

import re

TAG = re.compile(r"<[^>]*>")


def only_marks(markup: str) -> bool:
    """Whether the only tags in `markup` are <mark> and </mark>: what the engine promises of its HTML."""
    return all(tag in ("<mark>", "</mark>") for tag in TAG.findall(markup))


def made_up_word(prefix: str, number: int) -> str:
    """The `number`-th distinct made-up word starting with `prefix` (no English word, no stem collisions)."""
    letters = "abdefghijlnprsuvwyz"
    suffix = ""
    while True:
        suffix += letters[number % len(letters)]
        number //= len(letters)
        if not number:
            return prefix + suffix
