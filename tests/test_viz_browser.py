"""The views in a real headless Chromium (Debian's ``chromium`` driven by Playwright).

Each page must load from its file alone: no console error, no request but the file itself
(every other request is aborted and counted). Screenshots land in the test's tmp folder.
Skipped, with the reason, when Playwright or Chromium is not installed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

import kg
from kg.contract.ontology import ensure_ontology
from kg.store.graph import KnowledgeGraph
from viz import explore_view, network_view, timeline_view

from chromium import launch_chromium

DATA = Path(__file__).parent / "data" / "viz"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


class Page:
    """A page opened from a file, with its console errors and every request it made."""

    def __init__(self, browser: Any, path: Path, shots: Path) -> None:
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.shots = shots
        self.page.goto(self.url)
        self.page.wait_for_selector("[data-ready='1']", state="attached", timeout=30_000)

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def search(self, text: str, wait_ms: int = 400) -> None:
        """Type ``text`` in the search box, press Enter and let the page react."""
        self.page.fill("#kg-search", text)
        self.page.press("#kg-search", "Enter")
        self.page.wait_for_timeout(wait_ms)

    def screenshot(self, name: str) -> Path:
        self.page.wait_for_timeout(300)
        target = self.shots / f"{name}.png"
        self.page.screenshot(path=str(target))
        return target

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.blocked == [], f"network requests attempted: {self.blocked}"
        assert [u for u in self.requests if not u.startswith("data:")] == [self.url], self.requests

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    pages: list[Page] = []

    def opener(path: Path) -> Page:
        page = Page(browser, path, tmp_path)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


def _day(iso: str) -> str:
    return str((dt.date.fromisoformat(iso) - dt.date(1970, 1, 1)).days)


SEED_ACTORS = sorted([
    "ahrar-al-sham", "alawite-community", "anti-isis-coalition", "donald-trump", "foreign-fighters", "isis", "ismaili-community",
    "isw", "jens-stoltenberg", "local-partner-forces", "nato", "pro-regime-forces", "sayyida-zeinab-svest-bombers",
    "shia-community", "syria-direct", "syrian-opposition-forces",
])
AHRAR_ATTACK = "https://w3id.org/conflict-kg/id/event/isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22"
NATO_MEMBERSHIP = "https://w3id.org/conflict-kg/id/state/nato-member-of-anti-isis-coalition"


@pytest.fixture(scope="module")
def seed_views(seed_kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("views")
    return {
        "network": network_view(seed_kg).write(folder / "network.html"),
        "collapsed": network_view(seed_kg, collapse=True, size_by="degree").write(folder / "collapsed.html"),
        "timeline": timeline_view(seed_kg).write(folder / "timeline.html"),
        "explore": explore_view(seed_kg).write(folder / "explore.html"),
    }


def _links(page: Page) -> list[dict[str, Any]]:
    return page.js("kgView.visibleLinks()")


def test_seed_network_shows_actors_and_edges_offline(open_page, seed_views):
    page = open_page(seed_views["network"])
    assert page.js("kgView.visibleActors()") == SEED_ACTORS
    links = _links(page)
    assert len(links) == 27 and page.js("kgView.drawnEdges()") == 27
    assert {"from": "isis", "to": "ahrar-al-sham", "kind": "event", "cls": "Attack"}.items() <= next(
        link for link in links if link["iri"] == AHRAR_ATTACK).items()
    assert any(link["iri"] == NATO_MEMBERSHIP and (link["from"], link["to"]) == ("nato", "anti-isis-coalition") for link in links)
    assert page.page.text_content("#kg-range-text") == "2016-03-01 – 2017-05-31"
    legend = page.page.text_content(".kg-legend")
    assert "ArmedGroup" in legend and "hostile" in legend and "pagerank" in legend
    assert page.screenshot("network").stat().st_size > 10_000
    page.assert_clean()


def test_slider_hides_later_events_and_shows_states_that_hold(open_page, seed_views):
    page = open_page(seed_views["network"])
    page.page.fill("#kg-to", _day("2017-05-21"))
    page.page.wait_for_timeout(100)
    assert page.page.text_content("#kg-range-text") == "2016-03-01 – 2017-05-21"
    iris = {link["iri"] for link in _links(page)}
    assert AHRAR_ATTACK not in iris and NATO_MEMBERSHIP not in iris
    assert "ahrar-al-sham" not in page.js("kgView.visibleActors()")
    page.page.fill("#kg-to", _day("2017-05-31"))
    page.page.fill("#kg-from", _day("2017-05-26"))
    page.page.wait_for_timeout(100)
    assert page.page.text_content("#kg-range-text") == "2017-05-26 – 2017-05-31"
    links = _links(page)
    assert NATO_MEMBERSHIP in {link["iri"] for link in links} and AHRAR_ATTACK not in {link["iri"] for link in links}
    assert {"nato", "anti-isis-coalition"} <= set(page.js("kgView.visibleActors()"))
    page.screenshot("network-after-25-may")
    page.assert_clean()


def test_play_button_moves_the_range(open_page, seed_views):
    page = open_page(seed_views["network"])
    page.page.click("#kg-play")
    page.page.wait_for_timeout(900)
    page.page.click("#kg-play")
    assert page.js("kgView.range().to") < "2017-05-31"
    assert page.page.text_content("#kg-play") == "▶ Play"
    page.assert_clean()


def test_filters_by_relation_and_actor_type(open_page, seed_views):
    page = open_page(seed_views["network"])
    # the relation filter offers the project's event types (and datasets' own types), not classes
    offered = page.page.eval_on_selector_all("#kg-relations input", "els => els.map(e => e.value)")
    assert "suicide-bombing" in offered and "Attack" not in offered and "Event" not in offered
    page.page.uncheck("#kg-relations input[value=suicide-bombing]")
    page.page.wait_for_timeout(100)
    assert AHRAR_ATTACK not in {link["iri"] for link in _links(page)}
    page.page.uncheck("#kg-types input[value=Community]")
    page.page.wait_for_timeout(100)
    assert not {"alawite-community", "ismaili-community", "shia-community"} & set(page.js("kgView.visibleActors()"))
    page.page.check("#kg-relations input[value=suicide-bombing]")
    page.page.wait_for_timeout(100)
    assert AHRAR_ATTACK in {link["iri"] for link in _links(page)}
    page.assert_clean()


def test_search_focuses_and_details_an_actor(open_page, seed_views):
    page = open_page(seed_views["network"])
    page.search("ahrar", 500)
    assert page.js("kgView.selectedActors()") == ["ahrar-al-sham"]
    assert page.page.get_attribute("#kg-details", "data-actor") == "ahrar-al-sham"
    details = page.page.text_content("#kg-details")
    assert "Ahrar al-Sham" in details and "Harakat Ahrar al-Sham al-Islamiyya" in details
    assert "First / last activity: 2017-05-22 / 2017-05-22" in details
    assert "ISIS double SVEST-IED attack" in details
    page.search("Daesh")  # an alias
    assert page.js("kgView.selectedActors()") == ["isis"]
    assert page.page.get_attribute("#kg-details a", "href") == "https://www.wikidata.org/wiki/Q2429253"
    page.screenshot("network-search")
    page.assert_clean()


def test_edge_tooltip_has_date_place_quote_and_source(open_page, seed_views):
    page = open_page(seed_views["network"])
    index = page.js(f"KG.data.links.findIndex(l => l.kind === 'event' && KG.data.events[l.ref].iri === '{AHRAR_ATTACK}')")
    text = page.js("i => kgView.showEdgeTooltip(i)", index)
    for expected in ("2017-05-22", "Precision: day", "Attack · suicide-bombing (hostile)", "Eastern Idlib",
                     "double SVEST - IED attack targeting a meeting", "Syria SITREP Map: May 31, 2017"):
        assert expected in text
    assert page.page.get_attribute("#kg-tooltip a", "href") == "https://w3id.org/conflict-kg/id/source/isw-syria-sitrep-2017-05-31"
    page.assert_clean()


def test_collapsed_network_counts_events_per_pair(open_page, seed_views):
    page = open_page(seed_views["collapsed"])
    assert page.js("kgView.visibleActors()") == SEED_ACTORS
    drawn = page.js("kgView.drawnEdges()")
    assert 0 < drawn < 27
    assert page.js("kgView.edges.get().filter(e => e.label === '3').length") >= 1  # isw -> syria-direct: 3 assessments
    page.page.fill("#kg-to", _day("2017-05-21"))
    page.page.wait_for_timeout(100)
    assert page.js("kgView.drawnEdges()") < drawn
    page.screenshot("network-collapsed")
    page.assert_clean()


def test_timeline_shows_events_in_lanes_offline(open_page, seed_views):
    page = open_page(seed_views["timeline"])
    lanes = page.js("kgTimeline.lanes()")
    assert "Islamic State of Iraq and Syria" in lanes and "North Atlantic Treaty Organization" in lanes
    labels = page.js("kgTimeline.itemLabels()")
    assert "ISIS double SVEST-IED attack on a meeting of Ahrar al-Sham in Eastern Idlib" in labels
    assert "NATO membership in the Anti-ISIS Coalition" in labels
    assert page.page.locator(".vis-item").count() > 5
    text = page.js("kgTimeline.showTooltip('t0')")
    assert "Source:" in text
    page.screenshot("timeline")
    page.assert_clean()


def test_explore_links_network_and_timeline(open_page, seed_views):
    page = open_page(seed_views["explore"])
    page.search("Ahrar al-Sham")
    selected = page.js("kgTimeline.selected()")
    labels = page.js("ids => ids.map(id => kgTimeline.items.get(id).content.textContent)", selected)
    assert "ISIS double SVEST-IED attack on a meeting of Ahrar al-Sham in Eastern Idlib" in labels
    item = page.js(f"KG.data.timeline.items.find(it => it.kind === 'event' && KG.data.events[it.ref].iri === '{AHRAR_ATTACK}').id")
    page.js("id => kgTimeline.select(id)", item)
    page.page.wait_for_timeout(400)
    assert set(page.js("kgView.selectedActors()")) == {"isis", "ahrar-al-sham"}
    page.page.fill("#kg-from", _day("2017-05-20"))
    page.page.wait_for_timeout(200)
    start = page.js("kgTimeline.timeline.getWindow().start.toISOString().slice(0, 10)")
    assert "2017-05-18" <= start <= "2017-05-20"
    page.screenshot("explore")
    page.assert_clean()


@pytest.fixture(scope="module")
def hostile_kg() -> KnowledgeGraph:
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    graph.store.load(path=str(DATA / "hostile-labels.trig"), format=ox.RdfFormat.TRIG)
    return graph


HOSTILE_LABEL = '<img src=x onerror="window.__xss=1">'


@pytest.mark.parametrize("kind", ["network", "timeline", "explore"])
def test_hostile_labels_are_text_and_run_nothing(open_page, hostile_kg, tmp_path, kind):
    make = {"network": network_view, "timeline": timeline_view, "explore": explore_view}[kind]
    page = open_page(make(hostile_kg, title="<script>window.__xss=99</script>").write(tmp_path / f"{kind}.html"))
    if kind != "timeline":
        page.search("onerror front", 300)
        assert HOSTILE_LABEL in page.page.text_content("#kg-details")
        assert page.page.locator("#kg-details a").count() == 0  # the malformed Wikidata id is not a link
        tip = page.js("kgView.showEdgeTooltip(0)")
        page.page.hover("#kg-details li")
        page.page.click("#kg-details li")
    if kind != "network":
        tip = page.js("kgTimeline.showTooltip('t0')")
        assert HOSTILE_LABEL in page.page.text_content("#kg-timeline")
    assert "<script>window.__xss=10</script>" in tip and '<b onmouseover="window.__xss=6">Bold Town</b>' in tip
    assert page.page.title() == "<script>window.__xss=99</script>"
    page.page.wait_for_timeout(300)
    assert page.js("typeof window.__xss") == "undefined"
    assert page.js("document.querySelectorAll('img, b, i, svg, a[href^=javascript]').length") == 0
    assert page.js("document.querySelectorAll('script').length") == page.js("document.querySelectorAll('head script, body > script').length")
    page.screenshot(f"hostile-{kind}")
    page.assert_clean()


@pytest.mark.parametrize("kind", ["network", "timeline", "explore"])
def test_an_empty_selection_says_so(open_page, empty_kg, tmp_path, kind):
    ensure_ontology(empty_kg)
    make = {"network": network_view, "timeline": timeline_view, "explore": explore_view}[kind]
    page = open_page(make(empty_kg).write(tmp_path / f"{kind}.html"))
    assert "Nothing to show" in page.page.text_content("body")
    page.assert_clean()
