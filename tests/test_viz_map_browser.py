# ruff: noqa: F811  (the fixtures imported from test_viz_browser are the test functions' arguments)
"""The map view in headless Chromium (Playwright): loaded from its file alone (every other request
aborted and counted), no console error, markers drawn, the slider and filters hide and show them,
popups say what is known, hostile labels stay text. Skipped without Playwright or Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_viz_browser import AHRAR_ATTACK, HOSTILE_LABEL, _day, browser, hostile_kg, open_page  # noqa: F401
from test_viz_trends import syria, syria_rows  # noqa: F401

from kg.contract.ontology import ensure_ontology
from kg.store.graph import KnowledgeGraph
from viz.data import collect
from viz.map import map_payload, map_view

EASTERN_IDLIB_MEETING = "https://w3id.org/conflict-kg/id/event/ahrar-al-sham-meeting-eastern-idlib-2017-05-22"


@pytest.fixture(scope="module")
def seed_map(seed_kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return map_view(seed_kg, base="http://localhost:8000/").write(tmp_path_factory.mktemp("map") / "map.html")


@pytest.fixture(scope="module")
def located(seed_kg: KnowledgeGraph) -> list[dict]:
    data = collect(seed_kg)
    payload = map_payload(seed_kg, data)
    return [dict(data.events[i], area=payload["places"][p]["area"]) for i, p in payload["points"]]


def test_seed_map_draws_every_located_event_offline(open_page, seed_map, located):
    page = open_page(seed_map)
    assert page.js("kgMap.drawnMarkers()") == len(located)
    assert page.js("kgMap.visibleEvents()") == sorted(e["iri"] for e in located)
    assert page.js("kgMap.areaMarkers()") == sum(e["area"] for e in located) > 0
    assert page.page.locator("#kg-map canvas").count() >= 2  # basemap and markers
    assert "Natural Earth" in page.page.text_content(".leaflet-control-attribution")
    assert page.page.text_content("#kg-range-text") == "2016-03-01 – 2017-05-31"
    assert page.screenshot("map").stat().st_size > 10_000
    page.assert_clean()


def test_slider_hides_and_shows_markers_and_play_moves_it(open_page, seed_map, located):
    page = open_page(seed_map)
    page.page.fill("#kg-to", _day("2017-05-21"))
    page.page.wait_for_timeout(150)
    early = sorted(e["iri"] for e in located if e["date"] <= "2017-05-21")
    assert page.js("kgMap.visibleEvents()") == early and page.js("kgMap.drawnMarkers()") == len(early) < len(located)
    assert AHRAR_ATTACK not in early
    page.page.fill("#kg-to", _day("2017-05-31"))
    page.page.wait_for_timeout(150)
    assert page.js("kgMap.drawnMarkers()") == len(located)
    page.page.click("#kg-play")
    page.page.wait_for_timeout(900)
    page.page.click("#kg-play")
    assert page.js("kgMap.range().to") < "2017-05-31" and page.page.text_content("#kg-play") == "▶ Play"
    page.assert_clean()


def test_popup_has_date_precision_place_quote_source_and_page(open_page, seed_map):
    page = open_page(seed_map)
    text = page.js("i => kgMap.popup(i)", AHRAR_ATTACK)
    for expected in ("2017-05-22", "Precision: day", "Attack · suicide-bombing (hostile)", "Eastern Idlib (Region)",
                     "only the region is known", "double SVEST - IED attack targeting a meeting", "Agent: Islamic State",
                     "Target: Ahrar al-Sham", "Fatalities: unknown", "Syria SITREP Map: May 31, 2017"):
        assert expected in text, expected
    hrefs = page.page.eval_on_selector_all(".leaflet-popup a", "els => els.map(e => e.href)")
    assert "http://localhost:8000/id/event/" + AHRAR_ATTACK.rsplit("/", 1)[-1] in hrefs
    page.screenshot("map-popup")
    page.assert_clean()


def test_imprecise_dates_say_so(open_page, seed_map, located):
    vague = next(e for e in located if e["precision"] != "day")
    page = open_page(seed_map)
    assert f"imprecise ({vague['precision']})" in page.js("i => kgMap.popup(i)", vague["iri"])
    page.assert_clean()


def test_filters_search_and_colours(open_page, seed_map):
    page = open_page(seed_map)
    page.page.uncheck("#kg-relations input[value=suicide-bombing]")
    page.page.wait_for_timeout(150)
    assert AHRAR_ATTACK not in page.js("kgMap.visibleEvents()")
    page.page.check("#kg-relations input[value=suicide-bombing]")
    page.page.uncheck("#kg-types input[value=Community]")
    page.page.wait_for_timeout(150)
    assert AHRAR_ATTACK in page.js("kgMap.visibleEvents()")
    page.page.check("#kg-types input[value=Community]")
    page.search("ahrar", 400)
    assert AHRAR_ATTACK in page.js("kgMap.highlighted()")
    assert page.page.get_attribute("#kg-details", "data-actor") == "ahrar-al-sham"
    hostile = page.js("i => kgMap.color(i)", AHRAR_ATTACK)
    page.page.select_option("#kg-color-by", "type")
    page.page.wait_for_timeout(100)
    assert page.js("i => kgMap.color(i)", AHRAR_ATTACK) != hostile
    assert page.page.is_visible("#kg-legend-type") and not page.page.is_visible("#kg-legend-sign")
    page.screenshot("map-search")
    page.assert_clean()


def test_hostile_labels_on_the_map_are_text(open_page, hostile_kg, tmp_path):
    hostile_kg.update("""PREFIX geo: <http://www.opengis.net/ont/geosparql#>
      INSERT DATA { GRAPH <https://w3id.org/conflict-kg/graph/test> {
        <https://w3id.org/conflict-kg/id/place/bold-town> geo:hasGeometry <https://w3id.org/conflict-kg/id/place/bold-town#geometry> .
        <https://w3id.org/conflict-kg/id/place/bold-town#geometry> geo:asWKT "POINT(36.7 35.1)"^^geo:wktLiteral } }""")
    page = open_page(map_view(hostile_kg, title="<script>window.__xss=99</script>").write(tmp_path / "map.html"))
    first = page.js("kgMap.visibleEvents()[0]")
    text = page.js("i => kgMap.popup(i)", first)
    assert "<script>window.__xss=10</script>" in text
    page.search("onerror front", 300)
    assert HOSTILE_LABEL in page.page.text_content("#kg-details") + page.page.text_content(".leaflet-popup")
    page.page.wait_for_timeout(300)
    assert page.js("typeof window.__xss") == "undefined"
    assert page.js("document.querySelectorAll('img, b, i, a[href^=javascript]').length") == 0
    page.assert_clean()


def test_an_empty_map_says_so(open_page, empty_kg, tmp_path):
    ensure_ontology(empty_kg)
    page = open_page(map_view(empty_kg).write(tmp_path / "map.html"))
    assert "Nothing to show" in page.page.text_content("body")
    page.assert_clean()


def test_trend_chart_draws_offline_with_surges(open_page, seed_kg, tmp_path):
    from viz.trends import trends_view

    view = trends_view(seed_kg, by="actor", period="week", title="<img src=x onerror=window.__xss=1>")
    page = open_page(view.write(tmp_path / "trends.html"))
    assert page.js("kgTrends.series()") == view.stats["groups"] or set(page.js("kgTrends.series()")) == set(view.stats["groups"])
    assert page.js("kgTrends.surges()") == view.stats["surges"] > 0
    assert page.js("document.querySelectorAll('#kg-chart svg path').length") > 10
    assert "Islamic State of Iraq and Syria" in page.page.text_content("#kg-chart")
    # a "container"-wide chart fits its container, legend included (Vega measures it padding and all)
    right = "document.querySelector('%s').getBoundingClientRect().right"
    assert page.js(right % "#kg-chart svg") <= page.js(right % "#kg-chart") <= page.js("document.documentElement.clientWidth")
    assert page.js("typeof window.__xss") == "undefined" and page.js("document.querySelectorAll('img').length") == 0
    page.screenshot("trends")
    page.assert_clean()


@pytest.fixture(scope="module")
def syria_map(syria: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    return map_view(syria).write(tmp_path_factory.mktemp("map") / "syria.html")


#: The row names and the text of the card of the event whose popup opens (the popup's first card)
_FIRST_CARD = """i => {
  kgMap.popup(i);
  const popups = document.querySelectorAll('.leaflet-popup'), card = popups[popups.length - 1].querySelector('.kg-card');
  return Array.from(card.querySelectorAll('.kg-key')).map(k => k.textContent).concat([card.textContent]);
}"""


def _acled(code: str) -> str:
    return "https://w3id.org/conflict-kg/id/event/acled-" + code.lower()


def test_acled_regions_are_rings_and_precisions_are_explained(open_page, syria_map):
    rows = syria_rows()
    page = open_page(syria_map)
    assert page.js("kgMap.drawnMarkers()") == len(rows)
    assert page.js("kgMap.areaMarkers()") == sum(r["geo_precision"] == "3" for r in rows) > 0
    region = next(r for r in rows if r["geo_precision"] == "3")
    text = page.js("i => kgMap.popup(i)", _acled(region["event_id_cnty"]))
    assert "only a larger part of the region is known" in text and "ACLED geo precision 3" in text
    month = next(r for r in rows if r["time_precision"] == "3")
    week = next(r for r in rows if r["time_precision"] == "2")
    month_text = page.js("i => kgMap.popup(i)", _acled(month["event_id_cnty"]))
    week_text = page.js("i => kgMap.popup(i)", _acled(week["event_id_cnty"]))
    assert "only the month" in month_text and "ACLED time precision 3" in month_text
    assert "only the week" in week_text and "only the month" not in week_text
    # one date row; the publisher as the source, the imported file as the dataset
    *keys, card = page.js(_FIRST_CARD, _acled(week["event_id_cnty"]))
    assert keys.count("Date: ") == 1 and "Source: " in keys and "Dataset: " in keys, keys
    publishers = "; ".join(sorted(n.strip() for n in week["source"].split(";")))
    assert f"Source: {publishers}Dataset: ACLED" in card and week["event_date"] in card
    page.assert_clean()


def test_a_window_draws_the_events_it_counts(open_page, syria, tmp_path):  # noqa: F811
    import datetime as dt

    from test_viz_trends import _possibly_in

    first, last = dt.date(2022, 3, 1), dt.date(2022, 3, 31)
    expected = sum(_possibly_in(r, first, last) for r in syria_rows())
    view = map_view(syria, start=first, end=last)
    assert view.stats["mapped"] == expected
    page = open_page(view.write(tmp_path / "march.html"))
    assert page.js("kgMap.drawnMarkers()") == expected
    assert page.page.text_content("#kg-range-text") == "2022-03-01 – 2022-03-31"
    page.assert_clean()


def test_a_failed_search_clears_the_highlight(open_page, seed_map):
    page = open_page(seed_map)
    page.search("ahrar", 400)
    assert AHRAR_ATTACK in page.js("kgMap.highlighted()")
    page.search("no such actor zzz", 300)
    assert page.js("kgMap.highlighted()") == [] and page.page.text_content("#kg-search-note") == "no actor matches"
    assert page.page.get_attribute("#kg-details", "data-actor") is None
    page.assert_clean()
