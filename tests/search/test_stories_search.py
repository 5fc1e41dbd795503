"""Collapsing by story, the story page and its JSON, on a real index served over real HTTP.

One index of the seeds and FA-KES, built with the real indexer; the web tests run the
real waitress server (tests/web_support.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from index.build import build_index
from search import Searcher
from tests.web_support import serve

REPO = Path(__file__).resolve().parents[2]
PALMYRA, PALMYRA_AGAIN = "000_10c9a217b4c4d965", "003_5477bb3d7176de64"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, seeds_dir, fakes_csv) -> Path:
    index_dir = tmp_path_factory.mktemp("stories-search") / "index"
    build_index([seeds_dir, fakes_csv], index_dir, workers=2)
    return index_dir


@pytest.fixture(scope="module")
def searcher(index_dir):
    with Searcher(index_dir) as searcher:
        yield searcher


@pytest.fixture(scope="module")
def base_url(index_dir):
    with serve(index_dir) as url:
        yield url


def test_one_hit_per_story_with_its_versions(searcher) -> None:
    collapsed = searcher.search("Palmyra communications tower", per_page=50)
    every = searcher.search("Palmyra communications tower", per_page=50, collapse="none")
    ids = [hit.id for hit in every.hits]
    assert PALMYRA in ids and PALMYRA_AGAIN in ids
    shown = [hit for hit in collapsed.hits if hit.id in (PALMYRA, PALMYRA_AGAIN)]
    assert len(shown) == 1 and shown[0].versions == 2 and shown[0].story
    assert shown[0].id == next(i for i in ids if i in (PALMYRA, PALMYRA_AGAIN))  # the best-ranked version
    assert collapsed.total == len({hit.story or hit.id for hit in every.hits}) == len(collapsed.hits)
    assert collapsed.articles == every.total == every.articles


def test_totals_say_stories_and_articles_and_facets_count_articles(searcher) -> None:
    collapsed = searcher.search("", facet_size=20).to_dict()
    every = searcher.search("", facet_size=20, collapse="none").to_dict()
    assert collapsed["articles"] == every["total"] == every["articles"] > collapsed["stories"] == collapsed["total"]
    assert collapsed["collapse"] == "story" and every["collapse"] == "none"
    assert collapsed["facets"] == every["facets"]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_pages_of_stories_never_repeat_a_story(searcher, sort) -> None:
    first = searcher.search("killed Aleppo", sort=sort, per_page=100)
    seen: list[str] = []
    for page in range(1, -(-first.total // 100) + 1):
        result = searcher.search("killed Aleppo", sort=sort, per_page=100, page=page)
        seen += [hit.story or hit.id for hit in result.hits]
    assert len(seen) == len(set(seen)) == first.total
    if sort == "newest":
        dates = [hit.date for hit in first.hits if hit.date]
        assert dates == sorted(dates, reverse=True)


def test_collapse_must_be_story_or_none(searcher) -> None:
    from search.query import QueryError

    with pytest.raises(QueryError):
        searcher.search("Syria", collapse="outlet")


def test_story_lists_versions_in_time_order_with_their_differences(searcher) -> None:
    story_id = searcher.article(PALMYRA)["story"]
    story = searcher.story(story_id)
    assert story["id"] == story_id and story["articles"] == len(story["versions"]) == 2
    assert {v["id"] for v in story["versions"]} == {PALMYRA, PALMYRA_AGAIN}
    first, later = story["versions"]
    assert story["first_reported_by"] == {"id": first["id"], "source": first["source"], "date": first["date"]}
    bodies = {v["id"]: searcher.article(v["id"])["body"] for v in story["versions"]}
    assert later["adds"] and all(sentence in bodies[later["id"]] for sentence in later["adds"])
    assert all(sentence in bodies[first["id"]] for sentence in later["drops"])
    assert "adds" not in first or first["adds"] == []
    assert searcher.story("s000000000000") is None


def test_story_page_and_json_over_http(searcher, base_url) -> None:
    story_id = searcher.article(PALMYRA)["story"]
    data = requests.get(f"{base_url}/api/stories/{story_id}", timeout=30).json()
    assert data == json.loads(json.dumps(searcher.story(story_id)))
    page = requests.get(f"{base_url}/stories/{story_id}", timeout=30)
    assert page.status_code == 200 and "First reported by" in page.text
    for version in data["versions"]:
        assert f'href="/articles/{version["id"]}"' in page.text
    assert f'href="/api/stories/{story_id}"' in page.text
    assert requests.get(f"{base_url}/stories/not-a-story", timeout=30).status_code == 404
    assert requests.get(f"{base_url}/api/stories/s000000000000", timeout=30).status_code == 404


def test_article_page_links_to_its_story_and_results_say_versions(searcher, base_url) -> None:
    story_id = searcher.article(PALMYRA)["story"]
    article = requests.get(f"{base_url}/articles/{PALMYRA}", timeout=30)
    assert f'href="/stories/{story_id}"' in article.text
    results = requests.get(f"{base_url}/search", params={"q": "Palmyra communications tower"}, timeout=30)
    assert "2 versions" in results.text and f'href="/stories/{story_id}"' in results.text
    api = requests.get(f"{base_url}/api/search", params={"q": "Palmyra communications tower"}, timeout=30).json()
    assert api["stories"] == api["total"] and api["articles"] >= api["total"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsfacets.cli", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


def test_cli_story_and_no_collapse(searcher, index_dir) -> None:
    story_id = searcher.article(PALMYRA)["story"]
    shown = _cli("story", story_id, "--index", str(index_dir), "--json")
    assert shown.returncode == 0, shown.stderr
    expected = [v["id"] for v in searcher.story(story_id)["versions"]]
    assert [v["id"] for v in json.loads(shown.stdout)["versions"]] == expected
    text = _cli("story", story_id, "--index", str(index_dir))
    assert text.returncode == 0 and "first reported by" in text.stdout
    assert _cli("story", "s000000000000", "--index", str(index_dir)).returncode == 2
    every = json.loads(_cli("search", "Palmyra communications tower", "--index", str(index_dir), "--no-collapse",
                            "--json", "--per-page", "50").stdout)
    collapsed = json.loads(_cli("search", "Palmyra communications tower", "--index", str(index_dir), "--json",
                                "--per-page", "50").stdout)
    assert every["collapse"] == "none" and collapsed["collapse"] == "story"
    pair = {PALMYRA, PALMYRA_AGAIN}
    assert pair <= {h["id"] for h in every["hits"]}
    assert len(pair & {h["id"] for h in collapsed["hits"]}) == 1
