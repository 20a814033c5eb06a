# ruff: noqa: F811  (the fixtures imported from test_viz_browser are the test functions' arguments)
"""The explore page's map in headless Chromium (Playwright): network, map and timeline in one page
loaded from its file alone (every other request aborted and counted) with no console error; the
network's search, slider and filters drive the map; an actor's events are highlighted on the map and
the timeline, an event selected on the timeline is the map's popup and the other way round; hostile
labels stay text. Expected sets come from ``kg.events`` and a SPARQL query of their own, not from the
view's payload. Skipped without Playwright or Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_viz_browser import AHRAR_ATTACK, DATA, HOSTILE_LABEL, _day, browser, open_page  # noqa: F401

import kg
from kg.contract.ontology import ensure_ontology
from kg.store.graph import KnowledgeGraph
from viz import explore_view

#: Events that have an actor and a place with a point: what the map of the whole seed draws.
_LOCATED = """
SELECT DISTINCT ?event ?date ?end ?wkt WHERE {
  ?event ckg:agent|ckg:target|ckg:participant|ckg:sideA|ckg:sideB|ckg:about ?actor ;
         ckg:startDate ?date ; ckg:place/geo:hasGeometry/geo:asWKT ?wkt .
  OPTIONAL { ?event ckg:endDate ?end }
}
"""
ISIS_ABOUT = "https://w3id.org/conflict-kg/id/event/stoltenberg-statement-no-combat-operations-2017-05-25"


@pytest.fixture(scope="module")
def seed_explore(seed_kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return explore_view(seed_kg).write(tmp_path_factory.mktemp("explore") / "explore.html")


@pytest.fixture(scope="module")
def located(seed_kg: KnowledgeGraph) -> dict[str, tuple[str, str]]:
    """IRI -> (first day, last day) of every event the seed's map should draw."""
    rows = seed_kg.query(_LOCATED).records()
    return {row["event"]: (str(row["date"]), str(row["end"] or row["date"])) for row in rows if re.match(r"^\s*(<[^>]*>\s*)?POINT\s*\(", str(row["wkt"]), re.I)}


def _isis_events(seed_kg: KnowledgeGraph) -> set[str]:
    return {row["event"] for row in kg.events(seed_kg, actor="isis").records()}


def _timeline_events(page) -> set[str]:
    """IRIs of the events selected on the timeline (states left out)."""
    return set(page.js("kgTimeline.selected().map(id => KG.data.timeline.items.find(it => it.id === id))"
                       ".filter(it => it.kind === 'event').map(it => KG.data.events[it.ref].iri)"))


def test_explore_has_the_map_offline(open_page, seed_explore, located):
    page = open_page(seed_explore)
    assert page.js("kgMap.visibleEvents()") == sorted(located) and len(located) >= 10
    assert page.js("kgMap.drawnMarkers()") == len(located)
    assert page.page.locator("#kg-map canvas").count() >= 2  # basemap and markers
    assert page.page.locator("#kg-network canvas").count() == 1 and page.page.locator("#kg-timeline .vis-item").count() > 5
    assert "Natural Earth" in page.page.text_content(".leaflet-control-attribution")
    assert page.page.text_content("#kg-map-counts") == f"{len(located)} of {len(located)} events on the map"
    # one set of controls, the network's: the map adds no second checkbox, search entry or slider
    relations = page.page.eval_on_selector_all("#kg-relations input", "els => els.map(e => e.value)")
    assert len(relations) == len(set(relations)) and "suicide-bombing" in relations
    actors = page.page.eval_on_selector_all("#kg-actor-list option", "els => els.map(e => e.value)")
    assert len(actors) == len(set(actors))
    assert page.screenshot("explore-map").stat().st_size > 10_000
    page.assert_clean()


def test_selecting_an_actor_highlights_its_events_on_map_and_timeline(open_page, seed_explore, seed_kg, located):
    isis = _isis_events(seed_kg)
    on_map = sorted(isis & set(located))
    assert on_map and len(on_map) < len(located) and ISIS_ABOUT not in isis and ISIS_ABOUT in located
    page = open_page(seed_explore)
    page.search("ISIS", 500)
    assert page.js("kgMap.highlighted()") == on_map
    assert _timeline_events(page) == isis
    assert page.page.get_attribute("#kg-details", "data-actor") == "isis"  # the network's details, kept
    assert page.page.get_attribute("#kg-map", "data-highlighted") == str(len(on_map))
    # outlined on the canvas: a highlighted marker is drawn with a black border, the others are not
    assert page.js("Object.values(kgMap.map._layers).filter(l => l.options && l.options.color === '#000').length") == len(on_map)
    page.screenshot("explore-isis")
    # selecting in the network itself does the same, for another actor
    page.js("kgView.selectActor('ahrar-al-sham')")
    page.page.wait_for_timeout(300)
    ahrar = {row["event"] for row in kg.events(seed_kg, actor="ahrar-al-sham").records()}
    assert page.js("kgMap.highlighted()") == sorted(ahrar & set(located)) and AHRAR_ATTACK in ahrar
    assert _timeline_events(page) == ahrar
    page.assert_clean()


def test_slider_and_filters_hide_and_show_map_markers(open_page, seed_explore, located):
    page = open_page(seed_explore)
    page.page.fill("#kg-to", _day("2017-05-21"))
    page.page.wait_for_timeout(200)
    early = sorted(iri for iri, (first, _) in located.items() if first <= "2017-05-21")
    assert page.js("kgMap.visibleEvents()") == early and page.js("kgMap.drawnMarkers()") == len(early) < len(located)
    assert AHRAR_ATTACK not in early and page.js("kgMap.range()") == {"from": "2016-03-01", "to": "2017-05-21"}
    assert page.page.text_content("#kg-map-counts") == f"{len(early)} of {len(located)} events on the map"
    page.page.fill("#kg-to", _day("2017-05-31"))
    page.page.wait_for_timeout(200)
    assert page.js("kgMap.drawnMarkers()") == len(located)
    page.page.uncheck("#kg-relations input[value=suicide-bombing]")
    page.page.wait_for_timeout(200)
    assert AHRAR_ATTACK not in page.js("kgMap.visibleEvents()")
    page.page.check("#kg-relations input[value=suicide-bombing]")
    page.page.wait_for_timeout(200)
    assert AHRAR_ATTACK in page.js("kgMap.visibleEvents()")
    page.js("kgMap.setRange('2017-05-22', '2017-05-22')")  # through the network's slider
    page.page.wait_for_timeout(200)
    assert page.page.text_content("#kg-range-text") == "2017-05-22 – 2017-05-22"
    that_day = sorted(iri for iri, (first, last) in located.items() if first <= "2017-05-22" <= last)
    assert page.js("kgMap.visibleEvents()") == that_day and AHRAR_ATTACK in that_day and len(that_day) < len(located)
    page.assert_clean()


def test_an_event_selected_on_the_timeline_is_selected_on_the_map_and_back(open_page, seed_explore):
    page = open_page(seed_explore)
    item = page.js(f"KG.data.timeline.items.find(it => it.kind === 'event' && KG.data.events[it.ref].iri === '{AHRAR_ATTACK}').id")
    page.js("id => kgTimeline.select(id)", item)
    page.page.wait_for_timeout(400)
    assert page.js("kgMap.selected()") == AHRAR_ATTACK
    assert "double SVEST - IED attack targeting a meeting" in page.page.text_content(".leaflet-popup")
    assert set(page.js("kgView.selectedActors()")) == {"isis", "ahrar-al-sham"}
    page.page.click(".leaflet-popup-close-button")
    assert page.js("kgMap.selected()") is None
    other = page.js("kgMap.visibleEvents().find(i => i.indexOf('hama') >= 0)")
    page.js("i => kgMap.popup(i)", other)  # as a click on its marker does
    page.page.wait_for_timeout(400)
    assert _timeline_events(page) == {other}
    page.assert_clean()


@pytest.fixture
def hostile_with_place() -> KnowledgeGraph:
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    graph.store.load(path=str(DATA / "hostile-labels.trig"), format=ox.RdfFormat.TRIG)
    graph.update("""PREFIX geo: <http://www.opengis.net/ont/geosparql#>
      INSERT DATA { GRAPH <https://w3id.org/conflict-kg/graph/test> {
        <https://w3id.org/conflict-kg/id/place/bold-town> geo:hasGeometry <https://w3id.org/conflict-kg/id/place/bold-town#geometry> .
        <https://w3id.org/conflict-kg/id/place/bold-town#geometry> geo:asWKT "POINT(36.7 35.1)"^^geo:wktLiteral } }""")
    return graph


def test_hostile_labels_on_the_explore_map_are_text(open_page, hostile_with_place, tmp_path):
    page = open_page(explore_view(hostile_with_place, title="<script>window.__xss=99</script>").write(tmp_path / "explore.html"))
    first = page.js("kgMap.visibleEvents()[0]")
    text = page.js("i => kgMap.popup(i)", first)
    assert "<script>window.__xss=10</script>" in text and '<b onmouseover="window.__xss=6">Bold Town</b>' in text
    page.search("onerror front", 300)
    assert HOSTILE_LABEL in page.page.text_content("#kg-details") and page.js("kgMap.highlighted()") == [first]
    page.page.wait_for_timeout(300)
    assert page.page.title() == "<script>window.__xss=99</script>"
    assert page.js("typeof window.__xss") == "undefined"
    assert page.js("document.querySelectorAll('img, b, i, a[href^=javascript]').length") == 0
    page.assert_clean()


def test_explore_without_coordinates_keeps_its_controls(open_page, tmp_path):
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    graph.store.load(path=str(DATA / "hostile-labels.trig"), format=ox.RdfFormat.TRIG)
    page = open_page(explore_view(graph).write(tmp_path / "explore.html"))
    assert "has coordinates" in page.page.text_content("#kg-map")
    assert page.page.is_enabled("#kg-search") and page.page.is_enabled("#kg-play")
    page.search("onerror front", 300)
    assert HOSTILE_LABEL in page.page.text_content("#kg-details")
    page.assert_clean()
