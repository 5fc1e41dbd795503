"""The web layer's pure parts: parameter parsing, the typed search state, sanitising, presenters."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

import pytest
from werkzeug.datastructures import MultiDict

from web import params, presenters
from web.openapi import openapi_document
from web.state import SearchState


class Node(TypedDict):
    name: str
    below: NotRequired[list[Node]]


@dataclass(frozen=True)
class Record:
    count: int
    score: float | None
    span: tuple[int, int]
    nodes: list[Node] = field(default_factory=list)
    extra: dict[str, bool] = field(default_factory=dict)


def state(**given) -> SearchState:
    args = MultiDict()
    for name, value in given.items():
        for item in value if isinstance(value, list) else [value]:
            args.add(name, item)
    return SearchState.from_args(args)


def link(facet: str, value: str) -> tuple[str, str]:
    return SearchState().url(**{facet: [value]}), value


# --- parameters ---------------------------------------------------------------------------

def test_parse_defaults_and_repeats():
    parsed = state(q=" syria ", actor=["Hezbollah", "Bashar al-Assad"], page="2")
    assert parsed.q == "syria"
    assert parsed.chosen("actor") == ("Hezbollah", "Bashar al-Assad") == parsed.get("actor")
    assert parsed.page == 2 and parsed.per_page == 10 and parsed.sort == "relevance"
    assert parsed.search_keywords()["query"] == "syria"
    assert parsed.search_keywords()["date_from"] is None
    assert parsed.search_keywords()["actor"] == ("Hezbollah", "Bashar al-Assad")


@pytest.mark.parametrize("args, message", [
    ({"page": "0"}, "'page' must be between 1 and"),
    ({"page": "x"}, "'page' must be a whole number"),
    ({"per_page": "1000"}, "'per_page' must be between"),
    ({"sort": "random"}, "'sort' must be one of"),
    ({"from": "2020-1"}, "'from' must be a date"),
    ({"q": "x" * (params.MAX_QUERY_LENGTH + 1)}, "'q' is too long"),
    ({"actor": ["a"] * (params.MAX_VALUES + 1)}, "too many 'actor' values"),
    ({"page": ["1", "2"]}, "'page' given 2 times"),
    ({"actors": "x"}, "unknown parameter 'actors'"),
    ({"q": "a\x00b"}, "NUL"),
])
def test_parse_refuses_with_one_line(args, message):
    with pytest.raises(params.ParamError) as caught:
        state(**args)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_query_string_round_trips_and_resets_page():
    parsed = state(q="air strike", actor=["A & B"], to="2020", page="3", more="actor")
    again = state(**{k: v for k, v in MultiDict(_pairs(parsed.query_string(page=3))).lists()})
    assert again == parsed
    assert "page=" not in parsed.query_string(sort="newest")  # a new order starts at page 1


def _pairs(query: str):
    from urllib.parse import parse_qsl
    return parse_qsl(query)


# --- sanitising ---------------------------------------------------------------------------

def test_snippet_keeps_only_mark():
    """The engine's cleaning is what the page shows: only <mark> survives."""
    from search.snippets import clean

    html = 'a <mark>hit</mark> <script>alert(1)</script><img src=x onerror=alert(2)><b>bold</b>'
    cleaned = str(presenters.clean_snippet(clean(html)))
    assert "<mark>hit</mark>" in cleaned
    assert "<script" not in cleaned and "<img" not in cleaned and "<b>" not in cleaned


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a", "https://example.org/a"),
    ("javascript:alert(1)", None),
    ("data:text/html,x", None),
    ("//evil.example", None),
    (None, None),
])
def test_safe_url(url, expected):
    assert presenters.safe_url(url) == expected


def test_article_body_marks_the_engines_hits_and_links_entities():
    body = "Bashar al-Assad visited Homs.\n\nStrikes hit <b>Homs</b> again <script>x()</script>."
    mentions = [[0, 15, "person", "actor", "Bashar al-Assad"], [24, 28, "place", "location", "Homs, Syria"]]
    hits = [[31, 38], [24, 28]]  # "Strikes", and "Homs" inside the entity link; given out of order
    html = str(presenters.present_body(body, mentions, hits, link))
    assert html.count("<p>") == 2
    assert '<a class="entity entity-actor" href="/search?actor=Bashar+al-Assad"' in html
    assert 'href="/search?location=Homs%2C+Syria" title="Homs, Syria"><mark>Homs</mark></a>' in html
    assert "<mark>Strikes</mark>" in html and html.count("<mark>") == 2
    assert "<script" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html


def test_article_body_splits_a_hit_across_paragraphs():
    body = "air\n\nstrikes"
    html = str(presenters.present_body(body, [], [[0, len(body)]], link))
    assert html == "<p><mark>air</mark></p>\n<p><mark>strikes</mark></p>"


def test_article_body_ignores_bad_mentions_and_hits():
    body = "Short text."
    bad_mentions = [[5, 500, "person", "actor", "X"], ["a"], [0, 5, "x", "nope", "Y"]]
    bad_hits = [[5, 500], [3, 3], ["0", "5"], [0], None, [True, 4], [6, 10, 1]]
    html = str(presenters.present_body(body, bad_mentions, bad_hits, link))
    assert html == "<p>Short text.</p>"


def test_article_body_keeps_the_first_of_overlapping_hits():
    html = str(presenters.present_body("abcdef", [], [[2, 5], [0, 3], [4, 6]], link))
    assert html == "<p><mark>abc</mark>d<mark>ef</mark></p>"


def test_web_has_no_query_matching_of_its_own():
    """The engine is the one source of the hits; the stemming twin must not come back."""
    assert not hasattr(presenters, "query_stems")
    assert "index.analysis" not in open(presenters.__file__, encoding="utf-8").read()


# --- facets, histogram, chips, pagination -------------------------------------------------

def test_facet_items_pin_chosen_values_and_build_toggles():
    s = state(actor="Rare Actor", not_actor="Excluded")
    buckets = [{"value": f"Actor {i}", "count": 20 - i} for i in range(15)]
    items = presenters.present_facet(s, "actor", buckets, 10)
    assert [i.value for i in items[:2]] == ["Rare Actor", "Excluded"]
    assert len(items) == 12
    assert items[0].selected and items[0].toggle_url == "/search?not_actor=Excluded"
    assert items[1].excluded and "not_actor" not in items[1].exclude_url
    assert "actor=Actor+0" in items[2].toggle_url and "actor=Rare+Actor" in items[2].toggle_url
    assert "not_actor=Actor+0" in items[2].exclude_url


def test_locations_grouped_under_countries():
    facets = {"country": [{"value": "Syria", "count": 5}, {"value": "Lebanon", "count": 2}],
              "location": [{"value": "Homs, Syria", "count": 3}, {"value": "Paris, France", "count": 1}]}
    groups = presenters.present_locations(state(), facets, 10)
    assert [g.value for g in groups] == ["Syria", "Lebanon", "France"]
    assert [c.value for c in groups[0].children] == ["Homs, Syria"]
    assert groups[2].count is None and groups[2].children[0].value == "Paris, France"


def test_location_tree_nodes_toggle_their_own_filters():
    tree = [{"value": "Syria", "count": 9, "children": [
        {"value": "Homs Governorate, Syria", "count": 5, "children": [{"value": "Homs, Syria", "count": 4},
                                                                       {"value": "Rastan, Syria", "count": 1}]},
        {"value": "Idlib Governorate, Syria", "count": 2},  # named in the text only: a division without places
        {"value": "Nowhere, Syria", "count": 1}]}]  # a place whose division is unknown
    s = state(location="Homs, Syria", not_country="Lebanon")
    facets = {"division": [{"value": "Idlib Governorate, Syria", "count": 2}],
              "country": [{"value": "Syria", "count": 11}]}
    items = presenters.present_tree(s, tree, facets, size=10)
    # A node shows what its filter finds: the country facet also counts articles that name only the country.
    assert [(i.facet, i.value, i.count) for i in items] == [("country", "Lebanon", None), ("country", "Syria", 11)]
    assert items[0].excluded and "not_country" not in items[0].exclude_url  # pinned, so it can be taken back
    syria = items[1]
    assert [(i.facet, i.value) for i in syria.children] == [("division", "Homs Governorate, Syria"),
                                                            ("division", "Idlib Governorate, Syria"),
                                                            ("location", "Nowhere, Syria")]
    # A leaf is a division only when the division facet counted it (or the search filters on it as one).
    assert presenters.present_tree(state(), tree, {}, size=10)[0].children[1].facet == "location"
    homs = syria.children[0]
    assert "division=Homs+Governorate%2C+Syria" in homs.toggle_url and "location=Homs%2C+Syria" in homs.toggle_url
    assert homs.children[0].selected and homs.children[0].toggle_url == "/search?not_country=Lebanon"
    assert syria.chosen_within and homs.chosen_within and not syria.children[1].chosen_within
    cut = presenters.present_tree(state(), tree, {}, size=1)
    assert [len(cut), len(cut[0].children), len(cut[0].children[0].children)] == [1, 1, 1]


def test_location_country_reads_every_gazetteer_value():
    """The sidebar's grouping relies on how the indexer writes a place's value ("Name, Country");
    this holds it to that for every place the gazetteer can produce."""
    from index.entities.places import Gazetteer

    places = {entry.place for entries in Gazetteer.load().index.values() for entry in entries}
    located = [place for place in places if place.value != place.country]  # countries are their own facet
    assert len(located) > 1000
    wrong = [place for place in located if presenters.location_country(place.value) != place.country]
    assert wrong == []


def test_more_opens_only_its_own_list():
    from web.presenters import EXPANDED_FACET_SIZE, facet_sizes, fetch_size

    every = dict.fromkeys(params.FILTER_FACETS, 10)
    assert facet_sizes(state()) == every
    opened = facet_sizes(state(more="actor", facet_size="5"))
    assert opened == {**dict.fromkeys(every, 5), "actor": EXPANDED_FACET_SIZE}
    assert facet_sizes(state(more="location")) == {**every, "location": EXPANDED_FACET_SIZE,
                                                   "country": EXPANDED_FACET_SIZE}
    assert fetch_size(state(more="source")) == EXPANDED_FACET_SIZE and fetch_size(state(facet_size="3")) == 3


def test_cut_facets_are_what_the_engine_answers_for_that_size(searcher):
    """One search at the largest size, cut per facet, equals a search at each facet's own size."""
    from web.presenters import shown_facets

    sizes = {"actor": 50, "location": 4, "country": 2, "source": 1}
    cut = shown_facets(searcher.search("", facet_size=50).to_dict()["facets"], sizes)
    for name, size in sizes.items():
        assert cut[name] == searcher.search("", facet_size=size).to_dict()["facets"][name], name
    assert len(cut["actor"]) > 10 and len(cut["location"]) == 4  # the cut did something
    assert cut["date"] == searcher.search("", facet_size=1).to_dict()["facets"]["date"]  # never cut


def test_histogram_orders_by_time_and_marks_range():
    s = state(**{"from": "2020", "to": "2020"})
    bars = presenters.present_dates(s, [{"value": "2021", "count": 1}, {"value": "2019", "count": 4},
                                        {"value": "2020", "count": 2}])
    assert [b.value for b in bars] == ["2019", "2020", "2021"]
    assert [b.in_range for b in bars] == [False, True, False]
    assert bars[0].height == presenters.HISTOGRAM_HEIGHT and bars[1].height == presenters.HISTOGRAM_HEIGHT / 2
    assert "from=2021&to=2021" in bars[2].url


def test_chips_and_clear_all():
    s = state(q="x", actor="A", not_source="S", **{"from": "2020"})
    found = presenters.present_chips(s)
    assert [(c.label, c.value) for c in found] == [("Actor", "A"), ("Not source", "S"), ("Date", "2020 – …")]
    assert "actor" not in found[0].remove_url and "not_source=S" in found[0].remove_url
    assert presenters.clear_all_url(s) == "/search?q=x"


def test_pagination_window():
    pages = presenters.present_pages(state(page="5"), total=200)
    numbers = [link.number for link in pages["links"]]
    assert numbers == [1, None, 3, 4, 5, 6, 7, None, 20]
    assert "page=4" in pages["previous"] and "page=6" in pages["next"]
    assert presenters.present_pages(state(), total=3)["links"] == []


# --- OpenAPI ------------------------------------------------------------------------------

def test_openapi_lists_every_parameter_the_server_parses():
    document = openapi_document("http://127.0.0.1:5000")
    listed = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert listed == {p.name for p in params.SEARCH_PARAMS}
    page = next(p for p in document["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == params.MAX_PAGE
    assert {"q", "actor", "location", "country", "division", "source", "from", "to", "sort", "page", "per_page",
            "facet_size"} <= listed


def test_openapi_document_is_valid():
    import schemathesis

    schema = schemathesis.openapi.from_dict(openapi_document("http://127.0.0.1:5000"))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} == {
        "GET /api/search", "GET /api/articles/{id}", "GET /api/articles/{id}/similar", "GET /api/stories/{id}",
        "GET /api/facets/{name}", "GET /api/openapi.json"}


def test_response_schemas_come_from_the_types_they_describe():
    """Fields, types and required keys are read from the annotations, recursion and NotRequired included."""
    from web import openapi

    components: dict = {}
    assert openapi._component(Record, components) == "Record"
    record, node = components["Record"], components["Node"]
    assert record["required"] == ["count", "score", "span", "nodes", "extra"]
    assert record["properties"]["score"] == {"type": ["number", "null"]}
    assert record["properties"]["span"] == {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}
    assert record["properties"]["nodes"]["items"] == {"$ref": "#/components/schemas/Node"}
    assert record["properties"]["extra"] == {"type": "object", "additionalProperties": {"type": "boolean"}}
    assert node["required"] == ["name"]
    assert node["properties"]["below"]["items"] == {"$ref": "#/components/schemas/Node"}


def test_every_schema_note_names_a_real_field():
    from web import openapi

    schemas = openapi.response_schemas()
    for key in [*openapi.NOTES, *openapi.REFINED]:
        name, field = key.split(".")
        assert field in schemas[name]["properties"], key


def test_real_answers_have_exactly_the_documented_fields_and_validate(searcher):
    """`to_dict()` gives every dataclass field and no other, and the answers match their schemas."""
    import jsonschema_rs

    components = openapi_document()["components"]

    def check(answer, name):
        schema = components["schemas"][name]
        root = {"$ref": f"#/components/schemas/{name}", "components": components}
        jsonschema_rs.Draft202012Validator(root).validate(answer)
        return set(schema["properties"]), set(schema["required"])

    result = searcher.search("syria", per_page=3).to_dict()
    assert check(result, "SearchResult") == (set(result), set(result))
    assert check(result["hits"][0], "Hit") == (set(result["hits"][0]), set(result["hits"][0]))
    assert result["location_tree"] and result["facets"]["location"]  # the tree and the buckets were checked
    article = searcher.article(result["hits"][0]["id"], "syria")
    properties, required = check(article, "Article")
    assert required <= set(article) <= properties | {"hits"} and "hits" in properties
    check({"facet": "actor", "prefix": "", "values": searcher.facet_values("actor", limit=3)}, "FacetValues")


# --- the search state ---------------------------------------------------------------------

def test_state_is_frozen_and_changes_make_new_states():
    import dataclasses

    s = state(q="homs", actor=["A", "B"], page="3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.q = "x"
    with pytest.raises(TypeError):
        s.filters["actor"] = ("C",)
    assert s.toggled("actor", "A").chosen("actor") == ("B",)
    assert s.toggled("actor", "C").chosen("actor") == ("A", "B", "C") and s.chosen("actor") == ("A", "B")
    assert s.toggled("actor", "C").page == 1 and s.changed(page=4).page == 4


def test_excluding_a_chosen_value_unchooses_it():
    s = state(country="Syria", location="Homs, Syria")
    excluded = s.toggled("not_country", "Syria")
    assert excluded.chosen("country") == () and excluded.excluded("country") == ("Syria",)
    assert excluded.chosen("location") == ("Homs, Syria",)
    assert excluded.toggled("not_country", "Syria").excluded("country") == ()


def test_state_url_is_the_page_url_with_the_change():
    s = state(q="air strike", source="Example Wire", sort="newest", page="2", more="actor")
    assert s.url() == "/search?q=air+strike&source=Example+Wire&sort=newest&more=actor"
    assert s.url(page=2).endswith("sort=newest&page=2&more=actor")
    assert s.toggled("source", "Example Wire").url() == "/search?q=air+strike&sort=newest&more=actor"
    assert s.url(**{"from": "2019"}) == "/search?q=air+strike&source=Example+Wire&from=2019&sort=newest&more=actor"
    assert state().url() == "/search?"
    with pytest.raises(TypeError):
        s.url(actors=["typo"])
    with pytest.raises(TypeError):
        s.toggled("actors", "typo")


def test_every_counted_facet_is_a_filter_of_the_state_and_the_engine():
    s = state(**{name: "x" for name in params.FILTER_FACETS}, **{f"not_{name}": "y" for name in params.FILTER_FACETS})
    keywords = s.search_keywords()
    for name in params.FILTER_FACETS:
        assert keywords[name] == ("x",) and keywords[f"not_{name}"] == ("y",)
