"""The one place configuration is decided: flags, then environment variables, then defaults.

The CLI builds a `Settings` once (`Settings.from_environment(index_dir=args.index, ...)`) and
`web.create_app` builds one when it is given none; everything below takes the values it
needs as parameters. Reading the environment here only means a setting cannot mean two
things at two depths of the code, and a bad value stops the program at start-up with one
line naming the variable, instead of failing (or being ignored) in the middle of a request.

`Limits` is the one table of what a single request may ask for. Its defaults are the
engine's bounds; the web answers untrusted clients and may only tighten them
(`Limits.tightened`), so it never accepts something the engine would refuse.

This module imports nothing of ours: index/, search/ and web/ can all import it.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_INDEX_DIR = Path("var/index")
DEFAULT_TIME_BUDGET_SECONDS = 2.0  # CPU seconds per web request; see README "Limits"
DEFAULT_MAX_CONTENT_LENGTH = 16 * 1024  # bytes of request body: every route is a GET


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message is one line that names it."""


@dataclass(frozen=True)
class Limits:
    """Per-request bounds, with the engine's values: what one query, filter or page may ask for."""

    max_query_length: int = 1000  # characters of one query
    max_filter_values: int = 50  # values of one facet filter
    max_value_length: int = 200  # characters of one filter value
    max_prefix_length: int = 200  # characters of a facet-value prefix
    max_page: int = 1000  # page number of hits
    max_per_page: int = 100  # hits per page
    max_facet_size: int = 100  # values listed per facet beside the hits
    max_facet_values: int = 100  # values one facet-value lookup may return

    def tightened(self, **smaller: int) -> Limits:
        """These limits with some made smaller; a value looser than ours, or below 1, is refused.

        A caller facing untrusted clients (the web) may bound them more tightly than the
        engine does, but never more loosely: what it accepts, the engine must accept too.
        """
        known = {item.name for item in fields(self)}
        for name, value in smaller.items():
            if name not in known:
                raise SettingsError(f"no such limit: {name}")
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SettingsError(f"limit {name} must be a whole number of at least 1, not {value!r}")
            if value > getattr(self, name):
                raise SettingsError(f"limit {name} = {value} is looser than the engine's {getattr(self, name)}")
        return replace(self, **smaller)


ENGINE_LIMITS = Limits()


def _path(text: str) -> Path:
    return Path(text).expanduser()


def _seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError("not a finite number of seconds of at least 0")
    return value


def _bytes(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("not a number of bytes of at least 0")
    return value


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


# Setting -> (environment variable, how its text is read). The README's Configuration table lists them.
_ENVIRONMENT: dict[str, tuple[str, Callable[[str], Any]]] = {
    "index_dir": ("NEWSFACETS_INDEX", _path),
    "entities_file": ("NEWSFACETS_ENTITIES", _path),
    "cache_dir": ("NEWSFACETS_CACHE", _path),
    "time_budget_seconds": ("NEWSFACETS_TIME_BUDGET", _seconds),
    "max_content_length": ("NEWSFACETS_MAX_CONTENT_LENGTH", _bytes),
    "allowed_hosts": ("NEWSFACETS_ALLOWED_HOSTS", _names),
}


def _default_cache_dir(environ: Mapping[str, str]) -> Path:
    """The per-user cache, as the XDG convention places it."""
    return Path(environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "newsfacets"


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a run, decided once and then passed down."""

    index_dir: Path = DEFAULT_INDEX_DIR
    entities_file: Path | None = None  # the user's entities YAML, added to ours
    cache_dir: Path = field(default_factory=lambda: _default_cache_dir(os.environ))  # the gazetteer pickle
    time_budget_seconds: float = DEFAULT_TIME_BUDGET_SECONDS  # per web request; 0: no limit
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH  # request body bytes the server accepts
    allowed_hosts: tuple[str, ...] = ()  # Host names besides the loopback ones and the bind address
    limits: Limits = ENGINE_LIMITS

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `overrides` (flags; None means "not given"), else `environ`, else defaults.

        An empty variable counts as unset. A value we cannot read raises `SettingsError`
        naming the variable (or the setting, for an override).
        """
        environ = os.environ if environ is None else environ
        names = {item.name for item in fields(cls)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise SettingsError(f"no such setting: {unknown[0]}")
        chosen: dict[str, Any] = {"cache_dir": _default_cache_dir(environ)}
        for name, (variable, read) in _ENVIRONMENT.items():
            text = environ.get(variable, "").strip()
            if text:
                try:
                    chosen[name] = read(text)
                except ValueError as error:
                    raise SettingsError(f"{variable}={text!r} is not usable: {error}") from None
        for name, value in overrides.items():
            if value is None:
                continue
            if name in _ENVIRONMENT and isinstance(value, str):
                try:
                    value = _ENVIRONMENT[name][1](value)
                except ValueError as error:
                    raise SettingsError(f"{name}={value!r} is not usable: {error}") from None
            elif name in ("index_dir", "entities_file", "cache_dir"):
                value = Path(value)
            elif name == "allowed_hosts":
                value = tuple(value)
            chosen[name] = value
        return cls(**chosen)

    @classmethod
    def from_arguments(cls, args: Any, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings `newsfacets` built for these parsed flags, else new ones from them (those
        it has of `FLAGS`), then the environment: a subcommand's `run(args)` works either way."""
        built = getattr(args, "settings", None)
        if isinstance(built, Settings):
            return built
        given = {setting: getattr(args, flag, None) for flag, setting in FLAGS.items()}
        return cls.from_environment(environ, **given)


# Command-line flag (argparse `dest`) -> the setting it gives; the README's Configuration table lists them.
FLAGS = {"index": "index_dir", "entities": "entities_file", "allowed_hosts": "allowed_hosts"}


__all__ = ["DEFAULT_INDEX_DIR", "FLAGS", "DEFAULT_MAX_CONTENT_LENGTH", "DEFAULT_TIME_BUDGET_SECONDS", "ENGINE_LIMITS",
           "Limits", "Settings", "SettingsError"]
