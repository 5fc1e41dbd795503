"""Every route through Flask's test client and through real HTTP on waitress, over a real index."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from web_support import EXTRA_ARTICLES, build_test_index, serve

from search.results import RELAXED_NOTICE
from web import create_app


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, examples_dir):
    return build_test_index(tmp_path_factory, examples_dir)


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": False}).test_client()


@pytest.fixture(scope="module")
def server(index_dir):
    with serve(index_dir) as base:
        yield base


def test_search_json_has_issue_3_shape(client):
    data = client.get("/api/search?q=syria").get_json()
    assert set(data) >= {"query", "total", "page", "per_page", "took_ms", "suggestion", "hits", "facets"}
    assert data["total"] > 0 and data["query"] == "syria"
    assert set(data["hits"][0]) >= {"id", "title", "date", "source", "url", "score", "snippet",
                                    "actors", "locations", "countries"}
    assert set(data["facets"]) >= {"actor", "location", "country", "source", "date"}


def test_search_page_matches_its_json_twin(client):
    page = client.get("/search?q=syria&sort=newest")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    twin = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', html).group(1)
    assert twin.startswith("/api/search?")
    data = client.get(twin.replace("&amp;", "&")).get_json()
    assert f"{data['articles']:,} article" in html  # "N stories, M articles" when collapsed (issue 11)
    for hit in data["hits"]:
        assert f'href="/articles/{hit["id"]}?q=syria"' in html
    titles = re.findall(r'<h2 class="hit-title"><a href="/articles/([^"?]+)', html)
    assert titles == [hit["id"] for hit in data["hits"]]  # same order as the API


def test_search_keeps_query_and_shows_count_and_time(client):
    html = client.get("/search?q=airstrike").get_data(as_text=True)
    assert 'value="airstrike"' in html
    assert re.search(r"in \d+ ms", html)


def test_filter_by_source_narrows_and_shows_chip(client):
    all_hits = client.get("/api/search").get_json()["total"]
    narrowed = client.get("/api/search?source=Example+Wire").get_json()
    assert 0 < narrowed["total"] < all_hits
    assert all(hit["source"] == "Example Wire" for hit in narrowed["hits"])
    html = client.get("/search?source=Example+Wire").get_data(as_text=True)
    assert 'class="chip"' in html and "Clear all" in html
    excluded = client.get("/api/search?not_source=Example+Wire").get_json()
    assert excluded["total"] == all_hits - narrowed["total"]


def test_date_filter_and_histogram(client):
    html = client.get("/search").get_data(as_text=True)
    bars = re.findall(r'class="bar[^"]*" data-value="([^"]+)"', html)
    assert "2019" in bars and "2021" in bars
    every = client.get("/api/search?collapse=none&per_page=100").get_json()
    assert every["total"] == len(every["hits"])  # all of them, to count by hand
    dated = client.get("/api/search?from=2019&to=2019&collapse=none&per_page=100").get_json()
    in_2019 = {hit["id"] for hit in every["hits"] if (hit["date"] or "").startswith("2019")}
    assert {hit["id"] for hit in dated["hits"]} == in_2019 and 0 < len(in_2019) < every["total"]
    months = [b["value"] for b in dated["facets"]["date"]]
    assert months and all(month.startswith("2019-") for month in months)


def test_empty_result_suggests_and_explains(client):
    html = client.get("/search?q=xyzzyplugh&source=Example+Wire").get_data(as_text=True)
    assert "Nothing matched" in html and "clear all filters" in html


def test_relaxed_search_says_so_and_counts_what_it_shows(client):
    query = "geneva convoy beirut"  # each word in a different article, no article with all three
    data = client.get("/api/search", query_string={"q": query, "per_page": 50}).get_json()
    assert data["relaxed"] is True and data["fuzzy"] is False
    assert {"wire-2019-geneva", "wire-2019-aleppo", "wire-2021-beirut"} <= {hit["id"] for hit in data["hits"]}
    assert data["total"] == len(data["hits"])
    dated = sum(1 for hit in data["hits"] if hit["date"])  # the facets count the hits shown, not all articles
    assert sum(bucket["count"] for bucket in data["facets"]["date"]) == dated > 0
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert RELAXED_NOTICE in html and f"{data['total']:,} article" in html
    strict = client.get("/search", query_string={"q": "geneva ceasefire talks"}).get_data(as_text=True)
    assert RELAXED_NOTICE not in strict


def test_did_you_mean_link(client):
    data = client.get("/api/search?q=damscus").get_json()
    assert data["suggestion"] == "damascus"
    html = client.get("/search?q=damscus").get_data(as_text=True)
    assert 'Did you mean <a href="/search?q=damascus">damascus</a>' in html


def test_pagination(client):
    html = client.get("/search?per_page=2").get_data(as_text=True)
    assert 'aria-label="Pages of results"' in html and 'rel="next"' in html
    second = client.get("/search?per_page=2&page=2").get_data(as_text=True)
    assert 'aria-current="page">2<' in second and 'rel="prev"' in second


def test_article_page_and_twin(client):
    article = EXTRA_ARTICLES[0]
    page = client.get(f"/articles/{article['id']}?q=ceasefire")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert article["title"].split()[0] in html
    assert "<mark>ceasefire</mark>" in html.lower()
    assert f'href="/api/articles/{article["id"]}?q=ceasefire"' in html
    assert 'href="https://example.org/geneva"' in html
    data = client.get(f"/api/articles/{article['id']}").get_json()
    assert data["id"] == article["id"] and data["body"].startswith("Delegations met")
    similar = client.get(f"/api/articles/{article['id']}/similar").get_json()
    assert similar["id"] == article["id"] and isinstance(similar["similar"], list)
    for hit in similar["similar"]:
        assert f'/articles/{hit["id"]}' in html


def marked(html: str) -> list[str]:
    body = html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", mark) for mark in re.findall(r"<mark>(.*?)</mark>", body, re.S)]


@pytest.mark.parametrize("query, expected", [
    ("delegation", ["Delegations", "delegation"]),  # stem variants
    ('"small delegation"', ["small delegation"]),  # a phrase, marked as one
    ("gene*", ["Geneva"]),  # a wildcard, expanded by the engine
    ("genava", ["Geneva"]),  # misspelt: the engine's fuzzy retry
    ("delegation -geneva", ["Delegations", "delegation"]),  # excluded words stay unmarked
])
def test_article_page_marks_the_engines_hits_and_json_twin_has_them(client, query, expected):
    article_id = EXTRA_ARTICLES[0]["id"]
    page = client.get(f"/articles/{article_id}", query_string={"q": query})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert marked(html) == expected
    twin = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', html).group(1)
    data = client.get(twin.replace("&amp;", "&")).get_json()
    assert [data["body"][a:b] for a, b in data["hits"]] == expected
    assert "highlighted</mark> words match" in html


def test_article_page_marks_facet_terms_inside_entity_links(client):
    data = client.get(f"/api/articles/{EXTRA_ARTICLES[0]['id']}").get_json()
    mention = next(m for m in data["mentions"] if m["facet"] in ("location", "country"))
    query = f'{mention["facet"]}:"{mention["value"]}"'
    found = client.get(f"/api/articles/{EXTRA_ARTICLES[0]['id']}", query_string={"q": query}).get_json()
    assert [mention["start"], mention["end"]] in found["hits"]
    html = client.get(f"/articles/{EXTRA_ARTICLES[0]['id']}", query_string={"q": query}).get_data(as_text=True)
    assert re.search(r'<a class="entity entity-\w+" href="[^"]+" title="[^"]+"><mark>'
                     + re.escape(data["body"][mention["start"]:mention["end"]]) + "</mark></a>", html)


def test_article_json_hits_only_with_a_query(client):
    article_id = EXTRA_ARTICLES[0]["id"]
    assert "hits" not in client.get(f"/api/articles/{article_id}").get_json()
    assert "hits" not in client.get(f"/api/articles/{article_id}?q=").get_json()
    assert "mark" not in client.get(f"/articles/{article_id}").get_data(as_text=True).split("article-body")[1]


def test_refused_query_on_article_is_400_json_but_the_page_still_shows_it(client):
    article_id = EXTRA_ARTICLES[0]["id"]
    for query in ("*eneva", "x" * 1001):
        api = client.get(f"/api/articles/{article_id}", query_string={"q": query})
        assert api.status_code == 400 and api.get_json()["error"]
        page = client.get(f"/articles/{article_id}", query_string={"q": query})
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Delegations met" in html
        assert "not highlighted" in html and "<mark>" not in html.split("article-body")[1]
    assert client.get(f"/api/articles/{article_id}?qq=x").status_code == 400


def test_openapi_documents_the_article_query(client):
    spec = client.get("/api/openapi.json").get_json()
    names = [p["name"] for p in spec["paths"]["/api/articles/{id}"]["get"]["parameters"]]
    assert names == ["id", "q"]
    assert "hits" in spec["components"]["schemas"]["Article"]["properties"]


def test_article_entities_are_filter_links(client):
    data = client.get(f"/api/articles/{EXTRA_ARTICLES[0]['id']}").get_json()
    html = client.get(f"/articles/{EXTRA_ARTICLES[0]['id']}").get_data(as_text=True)
    if data.get("mentions"):
        assert 'class="entity entity-' in html
    for actor in data.get("actors") or []:
        assert f'href="/search?actor={quote(actor, safe="").replace("%20", "+")}"' in html


def test_unsafe_article_url_is_not_linked(client):
    html = client.get("/articles/wire-2021-beirut").get_data(as_text=True)
    assert "javascript:" not in html and "Original article" not in html


def test_unknown_article_is_404_page_and_json(client):
    page = client.get("/articles/no-such-article")
    assert page.status_code == 404 and "Not found" in page.get_data(as_text=True)
    api = client.get("/api/articles/no-such-article")
    assert api.status_code == 404 and api.get_json()["status"] == 404
    assert client.get("/api/articles/no-such-article/similar").status_code == 404
    assert client.get("/nowhere").status_code == 404


def test_facet_values_type_ahead(client):
    sources = client.get("/api/facets/source?prefix=exa").get_json()
    assert sources["facet"] == "source"
    assert [v["value"] for v in sources["values"]][:1] == ["Example Wire"]
    assert client.get("/api/facets/bogus").status_code == 404
    assert client.get("/api/facets/source?limit=0").status_code == 400


def test_query_error_is_400_with_readable_message(client):
    assert client.get("/api/search?q=" + quote('title:"unbalanced')).status_code == 200  # read as plain words
    bad_date = client.get("/api/search?q=" + quote("date:2020-13..2020-99"))
    assert bad_date.status_code == 400 and "no such month" in bad_date.get_json()["error"]
    page = client.get("/search?q=" + quote("date:2020-13..2020-99"))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "could not read" in html and "no such month" in html
    assert 'value="date:2020-13..2020-99"' in html  # the box keeps the query to fix
    assert "Traceback" not in html
    bad = client.get("/search?page=abc")
    assert bad.status_code == 400 and "whole number" in bad.get_data(as_text=True)
    assert client.get("/api/search?page=abc").get_json()["error"] == "'page' must be a whole number, not 'abc'"


def test_openapi_served(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/search" in document["paths"]


def test_methods_other_than_get_refused(client):
    response = client.post("/api/search")
    assert response.status_code == 405 and response.get_json()["status"] == 405


def test_real_http_every_route(server, client):
    routes = ["/", "/search?q=syria", "/articles/wire-2019-geneva", "/api/search?q=syria",
              "/api/articles/wire-2019-geneva", "/api/articles/wire-2019-geneva/similar",
              "/api/facets/actor?prefix=", "/api/openapi.json", "/static/style.css", "/static/app.js"]
    for route in routes:
        response = requests.get(server + route, timeout=30)
        assert response.status_code == 200, route
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(server + "/api/search?q=syria", timeout=30).json()["total"] == \
        client.get("/api/search?q=syria").get_json()["total"]
    assert requests.get(server + "/articles/nope", timeout=30).status_code == 404
    assert requests.get(server + "/api/search?per_page=0", timeout=30).status_code == 400


def test_serve_command_runs_waitress(index_dir, tmp_path):
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "newsfacets.cli", "serve", "--port", str(port),
                                "--index", str(index_dir)], cwd=Path(__file__).parents[2],
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                response = requests.get(f"http://127.0.0.1:{port}/api/search?q=syria", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert response.status_code == 200 and response.json()["total"] > 0
        assert response.headers["Server"] == "newsfacets"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_location_tree_in_the_sidebar_matches_the_api(client):
    """Each node of the sidebar's tree links to its own filter, and the count it shows is what that filter finds."""
    from urllib.parse import quote_plus

    data = client.get("/api/search").get_json()
    html = client.get("/search").get_data(as_text=True)
    sidebar = html.split('aria-labelledby="facet-location-h"', 1)[1].split("</section>", 1)[0]
    country = data["location_tree"][0]
    division = next(node for node in country["children"] if node.get("children"))
    place = division["children"][0]
    for facet, node in (("country", country), ("division", division), ("location", place)):
        link = f'href="/search?{facet}={quote_plus(node["value"])}"'
        assert link in sidebar, node
        shown = int(re.search(r'class="facet-count">(\d+)<', sidebar.split(link, 1)[1])[1])
        found = client.get("/api/search", query_string={facet: node["value"]}).get_json()
        assert found["articles"] == shown >= node["count"], node  # a country facet also counts articles naming it only
    assert '<details class="facet-branch" open>' in sidebar and '<details class="facet-branch">' in sidebar
