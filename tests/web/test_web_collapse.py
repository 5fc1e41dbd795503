"""`collapse` is part of the page's state: the JSON twin and the HTML page take it, and each links to the other view."""
from __future__ import annotations

import json

import pytest

from index.build import build_index


@pytest.fixture(scope="module")
def copies_app(tmp_path_factory):
    from web import create_app

    root = tmp_path_factory.mktemp("collapse")
    body = ("Rebel groups and the army agreed a ceasefire in Homs on Monday after talks mediated by the United "
            "Nations, officials said, and aid convoys were expected to enter the besieged districts on Tuesday.")
    records = [{"id": f"copy{n}", "title": "Ceasefire agreed in Homs", "body": body, "date": "2016-02-01",
                "source": f"Outlet {n}"} for n in range(3)]
    records.append({"id": "other", "title": "Wheat harvest", "date": "2016-02-01", "source": "Farm Post",
                    "body": "The wheat harvest in the north was the largest in a decade, growers reported."})
    (root / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    build_index([root / "a.jsonl"], root / "index", workers=1)
    return create_app({"INDEX_DIR": str(root / "index")})


def test_collapse_none_lists_every_article_and_story_groups_them(copies_app):
    client = copies_app.test_client()
    grouped = client.get("/api/search?q=ceasefire").get_json()
    every = client.get("/api/search?q=ceasefire&collapse=none").get_json()
    assert grouped["total"] == 1 and grouped["articles"] == 3
    assert every["total"] == 3 and len(every["hits"]) == 3
    assert client.get("/api/search?q=ceasefire&collapse=sideways").status_code == 400


def test_the_page_links_between_the_two_views(copies_app):
    client = copies_app.test_client()
    grouped = client.get("/search?q=ceasefire").get_data(as_text=True)
    assert "collapse=none" in grouped and "show every article" in grouped
    every = client.get("/search?q=ceasefire&collapse=none").get_data(as_text=True)
    assert "group by story" in every
