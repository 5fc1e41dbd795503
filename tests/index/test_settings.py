"""The one settings object: flags beat the environment, which beats defaults; bad values name
their variable; the web's limits derive from the engine's table and never loosen it; and no
module but `index.settings` reads a NEWSFACETS_ variable."""
from __future__ import annotations

import re
from argparse import Namespace
from dataclasses import fields
from pathlib import Path

import pytest

from index.settings import ENGINE_LIMITS, Limits, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_when_nothing_is_set():
    settings = Settings.from_environment({})
    assert settings.index_dir == Path("var/index")
    assert settings.entities_file is None
    assert settings.time_budget_seconds == 2.0
    assert settings.allowed_hosts == ()
    assert settings.limits == ENGINE_LIMITS


def test_environment_beats_defaults_and_flags_beat_environment(tmp_path: Path):
    environ = {"NEWSFACETS_INDEX": str(tmp_path / "env-index"), "NEWSFACETS_ENTITIES": str(tmp_path / "env.yaml"),
               "NEWSFACETS_TIME_BUDGET": "0.5", "NEWSFACETS_ALLOWED_HOSTS": "a.example, b.example",
               "NEWSFACETS_CACHE": str(tmp_path / "cache")}
    from_env = Settings.from_environment(environ)
    assert from_env.index_dir == tmp_path / "env-index"
    assert from_env.entities_file == tmp_path / "env.yaml"
    assert from_env.time_budget_seconds == 0.5
    assert from_env.allowed_hosts == ("a.example", "b.example")
    assert from_env.cache_dir == tmp_path / "cache"
    flags = Namespace(index=tmp_path / "flag-index", entities=None, allowed_hosts=["c.example"])
    from_flags = Settings.from_arguments(flags, environ)
    assert from_flags.index_dir == tmp_path / "flag-index"
    assert from_flags.entities_file == tmp_path / "env.yaml"  # a flag not given leaves the environment's
    assert from_flags.allowed_hosts == ("c.example",)


def test_cache_dir_follows_xdg_when_not_named(tmp_path: Path):
    assert Settings.from_environment({"XDG_CACHE_HOME": str(tmp_path)}).cache_dir == tmp_path / "newsfacets"


@pytest.mark.parametrize(("variable", "value"), [
    ("NEWSFACETS_TIME_BUDGET", "soon"), ("NEWSFACETS_TIME_BUDGET", "-1"), ("NEWSFACETS_TIME_BUDGET", "nan"),
    ("NEWSFACETS_MAX_CONTENT_LENGTH", "16k"), ("NEWSFACETS_MAX_CONTENT_LENGTH", "-5"),
])
def test_a_bad_value_raises_one_error_naming_its_variable(variable: str, value: str):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({variable: value})
    assert variable in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_unknown_override_is_refused():
    with pytest.raises(SettingsError, match="no such setting"):
        Settings.from_environment({}, index_directory="x")


def test_tightened_refuses_looser_values_and_unknown_limits():
    assert ENGINE_LIMITS.tightened(max_filter_values=5).max_filter_values == 5
    with pytest.raises(SettingsError, match="looser"):
        ENGINE_LIMITS.tightened(max_filter_values=ENGINE_LIMITS.max_filter_values + 1)
    with pytest.raises(SettingsError):
        ENGINE_LIMITS.tightened(max_per_page=0)
    with pytest.raises(SettingsError, match="no such limit"):
        ENGINE_LIMITS.tightened(max_everything=1)


def test_web_limits_are_never_looser_than_the_engines():
    from web import params

    for item in fields(Limits):
        assert getattr(params.WEB_LIMITS, item.name) <= getattr(ENGINE_LIMITS, item.name), item.name
    # The web's constants are the table's, not numbers of their own.
    assert params.MAX_VALUES == params.WEB_LIMITS.max_filter_values
    assert params.MAX_PREFIX_LENGTH == params.WEB_LIMITS.max_prefix_length
    assert params.MAX_FACET_VALUES == params.WEB_LIMITS.max_facet_values


def test_engine_bounds_are_the_tables():
    from index.article import MAX_VALUE_LENGTH
    from search import lookups, query, searcher

    assert query.MAX_QUERY_LENGTH == ENGINE_LIMITS.max_query_length
    assert searcher.MAX_FILTER_VALUES == ENGINE_LIMITS.max_filter_values
    assert searcher.MAX_PAGE == ENGINE_LIMITS.max_page
    assert searcher.MAX_PER_PAGE == ENGINE_LIMITS.max_per_page
    assert lookups.MAX_FACET_SIZE == ENGINE_LIMITS.max_facet_size == ENGINE_LIMITS.max_facet_values
    assert MAX_VALUE_LENGTH == ENGINE_LIMITS.max_value_length == ENGINE_LIMITS.max_prefix_length


# A read of a NEWSFACETS_ variable: os.environ[...], os.environ.get(...), os.getenv(...).
_READ = re.compile(r"""(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*["']NEWSFACETS_""")


def test_the_pattern_finds_each_way_of_reading_a_variable():
    for line in ('os.environ["NEWSFACETS_X"]', "os.environ.get('NEWSFACETS_Y', '')", 'os.getenv("NEWSFACETS_Z")'):
        assert _READ.search(line), line
    assert not _READ.search('help="default: $NEWSFACETS_INDEX"')


def test_only_the_settings_module_reads_newsfacets_variables():
    readers = [
        str(path.relative_to(ROOT))
        for package in ("index", "search", "web", "newsfacets")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "index" / "settings.py" and _READ.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []
