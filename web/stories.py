"""The story page (issue 11): `/stories/<id>` and its JSON twin `/api/stories/<id>`.

Both come from one `web.service.story` call, so the page and the JSON cannot disagree.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from web import presenters, service

blueprint = Blueprint("stories", __name__)


@blueprint.get("/api/stories/<story_id>")
def story_json(story_id: str):
    return jsonify(service.story(story_id).to_dict())


@blueprint.get("/stories/<story_id>")
def story_page(story_id: str):
    return render_template("story.html", **presenters.present_story(service.story(story_id).to_dict()))
