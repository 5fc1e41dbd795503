"""The story page (issue 11): `/stories/<id>` and its JSON twin `/api/stories/<id>`.

Both come from one `Searcher.story` call, so the page and the JSON cannot disagree.
A story id is the indexer's (`index.stories.story_id`): anything else is a 404 before
the index is asked.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, url_for

from web import searcher

blueprint = Blueprint("stories", __name__)
STORY_ID = re.compile(r"s[0-9a-f]{12}")


def get_story(story_id: str) -> dict[str, Any]:
    """The story's versions in time order (see `Searcher.story`), or a 404."""
    if not STORY_ID.fullmatch(story_id):
        abort(404)
    story = searcher().story(story_id)
    if story is None:
        abort(404)
    return story


@blueprint.get("/api/stories/<story_id>")
def story_json(story_id: str):
    return jsonify(get_story(story_id))


@blueprint.get("/stories/<story_id>")
def story_page(story_id: str):
    story = get_story(story_id)
    versions = [dict(v, href=url_for("pages.article", article_id=v["id"])) for v in story["versions"]]
    return render_template("story.html", story=story, versions=versions,
                           json_url=url_for("stories.story_json", story_id=story_id))
