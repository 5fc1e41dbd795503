"""The UI in a real headless Chromium (Playwright) against the real waitress server.

Needs Debian's Chromium at /usr/bin/chromium (`make browser` installs it as root).
Without it these tests skip with a message, or fail under NEWSFACETS_REQUIRE_BROWSER=1.
Screenshots of the search and article pages land in tests/artifacts/ (not committed).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from web_support import HOSTILE_ID, build_test_index, serve

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (make browser, as root) to run browser tests"
        if os.environ.get("NEWSFACETS_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (NEWSFACETS_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, examples_dir):
    with serve(build_test_index(tmp_path_factory, examples_dir)) as base:
        yield base


class Watched:
    """A page plus everything that must not happen on it: dialogs, CSP violations, JS errors."""

    def __init__(self, browser, base_url: str, **options):
        self.context = browser.new_context(base_url=base_url, viewport=options.pop("viewport", DESKTOP), **options)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.problems: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(chromium, base_url):
    made = Watched(chromium, base_url)
    yield made
    made.close()
    assert made.dialogs == []
    assert made.problems == []  # no CSP violation, no script error


def count_text(page) -> str:
    return page.locator(".results-count").inner_text()


def hit_ids(page) -> list[str]:
    return [re.sub(r"\?.*", "", href).split("/articles/", 1)[1]
            for href in page.locator(".hit-title a").evaluate_all("links => links.map(a => a.getAttribute('href'))")]


def test_search_facet_chip_cycle(watched):
    page = watched.page
    page.goto("/")
    page.get_by_label("Search news").fill("syria")
    page.get_by_label("Search news").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=syria"))
    before_count, before_hits = count_text(page), hit_ids(page)
    assert before_hits
    # Facets count articles; the line says "N stories, M articles" when copies collapse, else "M articles".
    total = int(re.search(r"([\d,]+) articles?", before_count)[1].replace(",", ""))
    actors = page.locator("section[aria-labelledby=facet-actor-h] .facet-toggle")
    counts = [int(text) for text in actors.locator(".facet-count").all_inner_texts()]
    pick = next(i for i, count in enumerate(counts) if count < total)  # one that narrows the results
    actor = actors.nth(pick)
    name = actor.locator(".facet-value").inner_text()
    actor.click()
    page.wait_for_url(re.compile(r"actor="))
    assert page.locator(".chip").filter(has_text=name).count() == 1
    assert re.search(rf"(?:^|, ){counts[pick]} articles?\b", count_text(page)), count_text(page)
    assert count_text(page) != before_count and hit_ids(page) != before_hits
    page.locator(".chip-remove").first.click()
    page.wait_for_url(re.compile(r"^(?!.*actor=)"))
    assert count_text(page) == before_count and hit_ids(page) == before_hits
    assert page.locator(".chip").count() == 0


def test_location_tree_division_filters_results(watched):
    """The tree is country > division > place in <details> branches; a division inside a closed
    branch is opened by its summary (no script involved) and clicked: the search then keeps only
    articles in that division, by the count the tree showed."""
    page = watched.page
    page.goto("/search")
    before_count, before_hits = count_text(page), hit_ids(page)
    tree = page.locator("section[aria-labelledby=facet-location-h] ul.facet-tree")
    assert tree.locator(":scope > li > a.facet-toggle[href*='country=']").count() > 1
    hidden = tree.locator("details:not([open]) a.facet-toggle[href*='division=']")
    assert hidden.count() > 0  # some branch starts closed
    division = tree.locator(f"a.facet-toggle[href='{hidden.first.get_attribute('href')}']")
    assert not division.is_visible()
    division.locator("xpath=ancestor::details[1]/summary").click()
    assert division.is_visible()
    name = division.locator(".facet-value").inner_text()
    count = int(division.locator(".facet-count").inner_text())
    division.click()
    page.wait_for_url(re.compile(r"division="))
    assert page.locator(".chip").filter(has_text=f"Division: {name}").count() == 1
    assert re.search(rf"(?:^|, ){count} articles?\b", count_text(page)), count_text(page)
    assert count_text(page) != before_count and hit_ids(page) != before_hits
    for article_id in hit_ids(page):
        assert name in page.request.get(f"/api/articles/{article_id}").json()["divisions"], article_id
    chosen = page.locator("section[aria-labelledby=facet-location-h] .is-selected > a.facet-toggle")
    assert chosen.locator(".facet-value").all_inner_texts() == [name]
    assert chosen.first.is_visible()  # its branch opens by itself once chosen
    chosen.first.click()  # and clicking it again removes the filter
    page.wait_for_url(re.compile(r"^(?!.*division=)"))
    assert count_text(page) == before_count


def test_histogram_click_and_drag(watched):
    page = watched.page
    page.goto("/search")
    everything = count_text(page)
    bars = page.locator("svg.histogram .bar")
    assert bars.count() >= 2
    first = bars.nth(0).get_attribute("data-value")
    last = bars.nth(bars.count() - 1).get_attribute("data-value")
    bars.nth(0).locator(".bar-hit").click()
    page.wait_for_url(re.compile(rf"from={first}&to={first}"))
    assert page.locator(".chip").filter(has_text="Date").count() == 1
    assert count_text(page) != everything
    page.goto("/search")
    start = page.locator("svg.histogram .bar-hit").nth(0).bounding_box()
    end = page.locator("svg.histogram .bar-hit").nth(bars.count() - 1).bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(rf"from={first}&to={last}"))
    assert page.locator(".bar.in-range").count() == bars.count()


def focused_class(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('class') || document.activeElement.tagName")


def tab_to_histogram(page) -> None:
    for _ in range(150):  # the sidebar follows the results in the page's order
        page.keyboard.press("Tab")
        if focused_class(page).split()[0] == "bar":
            return
    raise AssertionError("Tab never reached a histogram bar")


def test_histogram_range_with_the_keyboard(watched):
    page = watched.page
    page.goto("/search")
    bars = page.locator("svg.histogram .bar")
    values = bars.evaluate_all("bars => bars.map(b => b.getAttribute('data-value'))")
    assert len(values) >= 3
    assert page.locator(".histogram-keys").is_visible()  # the keys are explained once the script runs
    tab_to_histogram(page)
    focused = page.locator("svg.histogram .bar:focus")
    assert focused.get_attribute("data-value") == values[0]
    frame = focused.locator(".bar-hit").evaluate("r => getComputedStyle(r).stroke")
    assert frame not in ("none", "")  # visible focus
    page.keyboard.press("ArrowRight")  # move, no range yet
    assert page.locator("svg.histogram .bar:focus").get_attribute("data-value") == values[1]
    assert page.locator(".bar.is-dragged").count() == 0
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")  # a range from here to the last bar
    assert page.locator(".bar.is-dragged").count() == len(values)
    assert page.locator(".histogram-status").inner_text().startswith(f"{values[0]} to {values[-1]}:")
    page.keyboard.press("Shift+ArrowLeft")  # one bar less
    assert page.locator(".bar.is-dragged").count() == len(values) - 1
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"from={values[0]}&to={values[-2]}(&|$)"))
    assert page.locator(".chip").filter(has_text=f"{values[0]} – {values[-2]}").count() == 1
    # The histogram is one Tab stop, entered at the chosen range; Escape drops an unapplied range.
    chosen = page.locator("svg.histogram .bar.in-range").first.get_attribute("data-value")
    tab_to_histogram(page)
    assert page.locator("svg.histogram .bar:focus").get_attribute("data-value") == chosen
    page.keyboard.press("Shift+ArrowRight")
    assert page.locator(".bar.is-dragged").count() == 2
    page.keyboard.press("Escape")
    assert page.locator(".bar.is-dragged").count() == 0
    page.keyboard.press("Tab")
    assert focused_class(page).split()[0] != "bar"
    # Without a range, Enter follows the focused bar's own link: one period.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("End")
    last = page.locator("svg.histogram .bar:focus").get_attribute("data-value")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"from={last}&to={last}(&|$)"))


def test_show_more_opens_one_list_and_its_json_twin_has_it(watched):
    page = watched.page
    page.goto("/search")
    actors = page.locator("section[aria-labelledby=facet-actor-h] .facet-toggle")
    places = page.locator("section[aria-labelledby=facet-location-h] .facet-toggle")
    assert actors.count() == 10
    places_before, bars_before = places.count(), page.locator("svg.histogram .bar").count()
    page.locator("section[aria-labelledby=facet-actor-h]").get_by_role("link", name="Show more").click()
    page.wait_for_url(re.compile(r"more=actor"))
    assert actors.count() > 10
    assert places.count() == places_before and page.locator("svg.histogram .bar").count() == bars_before
    shown = dict(zip(actors.locator(".facet-value").all_inner_texts(),
                     map(int, actors.locator(".facet-count").all_inner_texts()), strict=True))
    twin = page.request.get(page.locator("a.json-link").get_attribute("href")).json()
    assert {b["value"]: b["count"] for b in twin["facets"]["actor"]} == shown
    page.locator("section[aria-labelledby=facet-actor-h]").get_by_role("link", name="Show fewer").click()
    page.wait_for_url(re.compile(r"^(?!.*more=)"))
    assert actors.count() == 10


def test_article_similar_and_back(watched):
    page = watched.page
    page.goto("/search?q=syria")
    results_url = page.url
    first = page.locator(".hit-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("h1").inner_text() == title
    assert page.locator(".article-body mark").count() > 0
    article_url = page.url
    similar = page.locator(".similar-list a").first
    similar_title = similar.inner_text()
    similar.click()
    page.wait_for_url(lambda url: url != article_url)
    assert page.locator("h1").inner_text() == similar_title
    page.go_back()
    page.wait_for_url(article_url)
    assert page.locator("h1").inner_text() == title
    page.go_back()
    page.wait_for_url(results_url)
    assert page.get_by_label("Search news").input_value() == "syria"


def test_entity_link_in_article_filters_search(watched):
    page = watched.page
    page.goto("/search?q=syria")
    page.locator(".hit-title a").first.click()
    entity = page.locator(".article-body a.entity").first
    value = entity.get_attribute("title").removeprefix("Search ").split(": ", 1)[1]
    entity.click()
    page.wait_for_url(re.compile(r"/search\?"))
    assert page.locator(".chip").filter(has_text=value).count() == 1


def test_type_ahead_offers_facet_values(watched):
    page = watched.page
    page.goto("/search")
    box = page.get_by_label("Add source filter")
    box.fill("Exa")
    page.locator("#options-source option").first.wait_for(state="attached")
    values = page.locator("#options-source option").evaluate_all("os => os.map(o => o.value)")
    assert "Example Wire" in values


def test_works_without_javascript(chromium, base_url):
    watched = Watched(chromium, base_url, java_script_enabled=False)
    page = watched.page
    try:
        page.goto("/")
        page.get_by_label("Search news").fill("syria")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url(re.compile(r"q=syria"))
        before = count_text(page)
        page.locator("section[aria-labelledby=facet-source-h] .facet-toggle").first.click()
        page.wait_for_url(re.compile(r"source="))
        assert page.locator(".chip").count() == 1
        page.get_by_role("link", name="Clear all").click()
        page.wait_for_url(re.compile(r"^(?!.*source=)"))
        assert count_text(page) == before
        page.locator("svg.histogram .bar").last.locator(".bar-hit").click()
        page.wait_for_url(re.compile(r"from="))
        page.get_by_label("From").fill("2019")
        page.get_by_label("To", exact=True).fill("2021")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url(re.compile(r"from=2019&to=2021"))
        page.get_by_label("Add source filter").fill("Example Wire")
        page.locator("section[aria-labelledby=facet-source-h]").get_by_role("button", name="Add").click()
        page.wait_for_url(re.compile(r"source=Example\+Wire"))
        page.locator(".hit-title a").first.click()
        page.wait_for_url(re.compile(r"/articles/"))
        assert page.locator(".article-body p").count() > 0
    finally:
        watched.close()
    assert watched.dialogs == []


def test_stored_xss_is_inert(watched):
    page = watched.page
    for path in ("/search?q=evil", f"/articles/{HOSTILE_ID}", f"/articles/{HOSTILE_ID}?q=%3Cscript%3E"):
        page.goto(path)
        assert page.evaluate("window.__xss") is None
        assert page.locator("script:not([src])").count() == 0
        assert page.locator("img, iframe, [onerror], a[href^='javascript:']").count() == 0
    assert "<script>" in page.locator("h1").inner_text()  # shown as text


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                                   "';alert(1);//", "</textarea><svg onload=alert(1)>"])
def test_reflected_xss_is_inert(watched, query):
    page = watched.page
    page.goto("/search?" + __import__("urllib.parse").parse.urlencode({"q": query}))
    assert page.get_by_label("Search news").input_value() == query
    assert page.locator("script:not([src]), img, [onerror], [onload]").count() == 0


def test_keyboard_reaches_facets_and_pagination(watched):
    page = watched.page
    page.goto("/search?per_page=2")
    seen = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.getAttribute('class') || document.activeElement.tagName"))
    assert {"facet-toggle", "page-number"} <= seen


def test_screenshots(chromium, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        watched = Watched(chromium, base_url, viewport=viewport)
        page = watched.page
        try:
            page.goto("/search?q=syria")
            page.screenshot(path=str(ARTIFACTS / f"search-{name}.png"), full_page=True)
            page.locator(".hit-title a").first.click()
            page.wait_for_url(re.compile(r"/articles/"))
            page.screenshot(path=str(ARTIFACTS / f"article-{name}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0  # nothing wider than the screen
        finally:
            watched.close()
        assert watched.problems == []
    assert (ARTIFACTS / "search-phone.png").stat().st_size > 0
