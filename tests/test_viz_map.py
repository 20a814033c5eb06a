"""The map view as data and HTML (no browser). Expected values are counted from the seed's YAML and
the ACLED fixture CSV with the yaml and csv modules, not from the store."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import importlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from test_viz_trends import syria, syria_rows  # noqa: F401  (syria: a fixture)

import kg
from kg.base.errors import UsageError
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file
from viz.data import collect
from viz.map import map_payload, map_view, parse_point

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"
HOSTILE = Path(__file__).parent / "data" / "viz" / "hostile-labels.trig"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|<link\b|@import|url\(\s*["']?(?:https?:)?//|<iframe|<object|<embed""", re.I)
T0 = dt.datetime(2022, 7, 1, 12, tzinfo=dt.timezone.utc)


def test_doctests():
    result = doctest.testmod(importlib.import_module("viz.map"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def _seed_expectations() -> tuple[int, int, set[str]]:
    """(events with an actor, those of them at a place with coordinates, ids at an area) from data/."""
    places = {p["id"]: p for p in yaml.safe_load((ROOT / "data" / "places.yaml").read_text(encoding="utf-8"))["places"]}
    events = []
    for path in sorted((ROOT / "data" / "events").glob("*.yaml")):
        events += yaml.safe_load(path.read_text(encoding="utf-8"))["events"]
    roles = ("agents", "targets", "participants", "side_a", "side_b", "about")
    with_actor = [e for e in events if any(e.get(r) for r in roles)]
    located = [e for e in with_actor if any(places.get(p, {}).get("lat") is not None for p in e.get("places") or [])]
    area = {e["id"] for e in located
            if places[sorted(p for p in e["places"] if places.get(p, {}).get("lat") is not None)[0]]["type"]
            in ("Country", "AdminRegion", "Region")}
    return len(with_actor), len(located), area


def test_seed_events_with_coordinates_are_on_the_map(seed_kg):
    total, located, area = _seed_expectations()
    data = collect(seed_kg)
    payload = map_payload(seed_kg, data)
    assert len(data.events) == total
    assert len(payload["points"]) == located and payload["unmapped"] == total - located
    drawn_area = {data.events[i]["iri"].rsplit("/", 1)[-1] for i, p in payload["points"] if payload["places"][p]["area"]}
    assert drawn_area == area
    view = map_view(seed_kg)
    assert (view.stats["mapped"], view.stats["unmapped"]) == (located, total - located)
    assert f"{located} events on the map ({total - located} without coordinates)" in view.to_string()


def _rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def acled() -> kg.KnowledgeGraph:
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    import_file(graph, AcledFormat(), SAMPLE, now=T0)
    return graph


def test_acled_points_fatalities_and_place_filter(acled):
    rows = _rows()
    data = collect(acled)
    payload = map_payload(acled, data)
    assert len(payload["points"]) == sum(1 for r in rows if r["latitude"] and r["longitude"])
    by_id = {r["event_id_cnty"].lower(): r for r in rows}
    for i, p in payload["points"]:
        event, place = data.events[i], payload["places"][p]
        row = by_id[event["iri"].rsplit("acled-", 1)[-1]]
        assert (place["lat"], place["lon"]) == (float(row["latitude"]), float(row["longitude"]))
        assert event["fatalities"] == int(row["fatalities"]) and event["geo"] == row["geo_precision"]
        assert not place["area"]  # ACLED locations are towns, districts or sites
    assert sum(e["fatalities"] or 0 for e in data.events) == sum(int(r["fatalities"]) for r in rows)
    country = max({r["country"] for r in rows}, key=lambda c: sum(r["country"] == c for r in rows))
    view = map_view(acled, place=country)
    assert view.stats["mapped"] == sum(r["country"] == country for r in rows)
    with pytest.raises(UsageError, match="unknown place"):
        map_view(acled, place="Atlantis")


def test_links_to_pages_only_with_a_base(seed_kg):
    data = collect(seed_kg)
    map_payload(seed_kg, data)
    assert all(e["page"] == "" for e in data.events)
    map_payload(seed_kg, data, base="http://localhost:8000/")
    assert data.events[0]["page"] == "http://localhost:8000/id/event/" + data.events[0]["iri"].rsplit("/", 1)[-1]
    with pytest.raises(UsageError, match="--base"):
        map_view(seed_kg, base="javascript:alert(1)")
    with pytest.raises(UsageError, match="colour"):
        map_view(seed_kg, color_by="mood")


def test_map_is_self_contained_deterministic_and_escaped(seed_kg):
    html = map_view(seed_kg).to_string()
    assert html == map_view(seed_kg).to_string()
    # Leaflet's code holds the text of a link to its home page (the attribution prefix, replaced by
    # the page): the markup and the project's scripts must name no address; the browser test counts requests
    outside = re.sub(r"<script>.*?</script>", "", html, flags=re.S)
    assert not EXTERNAL.search(outside), EXTERNAL.search(outside)
    for own in ("common.js", "map.js"):
        assert not EXTERNAL.search((ROOT / "viz" / "static" / own).read_text(encoding="utf-8"))
    assert "sourceMappingURL" not in html and "images/marker" not in html and "<script src" not in html
    assert "default-src 'none'" in html.replace("&#39;", "'")
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    graph.store.load(path=str(HOSTILE), format=ox.RdfFormat.TRIG)
    hostile = map_view(graph, title="<b>t</b>").to_string()
    assert "<img" not in hostile and "<title>&lt;b&gt;t&lt;/b&gt;</title>" in hostile


def test_parse_point_refuses_junk():
    assert parse_point("POINT(200 10)") is None and parse_point("") is None
    assert parse_point("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(4.67 50.64)") == (50.64, 4.67)


def test_cli_map(runner, tmp_path):
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    out = tmp_path / "m.html"
    result = runner.invoke(main, ["--store", store, "viz", "map", "--place", "SY", "--from", "2017-05-01",
                                  "--color", "type", "--base", "http://localhost:8000/", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "events on the map" in result.output and out.stat().st_size > 500_000
    result = runner.invoke(main, ["--store", store, "viz", "map", "--place", "Atlantis", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "unknown place" in result.output and not (tmp_path / "x.html").exists()
    assert runner.invoke(main, ["viz", "map", "--help"]).output.count("Example:") == 1


def test_acled_precision_codes_say_what_they_mean(syria):  # noqa: F811
    rows = {r["event_id_cnty"].lower(): r for r in syria_rows()}
    data = collect(syria)
    acled = map_payload(syria, data)["notes"]["acled"]
    notes: dict[tuple[str, str], set[str]] = {}
    for event in data.events:
        row = rows[event["iri"].rsplit("acled-", 1)[-1]]
        assert event["geoArea"] == (row["geo_precision"] == "3") and event["dataset"] == "acled"
        assert (event["geo"], event["time"]) == (row["geo_precision"], row["time_precision"])
        geo, time = acled["geo"][event["geo"]], acled["time"][event["time"]]
        assert f"ACLED geo precision {row['geo_precision']}" in geo and f"ACLED time precision {row['time_precision']}" in time
        notes.setdefault(("time", row["time_precision"]), set()).add(time)
        notes.setdefault(("geo", row["geo_precision"]), set()).add(geo)
    assert {k for k in notes} == {("time", "1"), ("time", "2"), ("time", "3"), ("geo", "1"), ("geo", "2"), ("geo", "3")}
    assert all(len(v) == 1 for v in notes.values())
    assert "only the month" in next(iter(notes["time", "3"])) and "week" in next(iter(notes["time", "2"]))
    assert "region" in next(iter(notes["geo", "3"]))


def test_the_source_is_the_publisher_and_the_file_the_dataset(syria):  # noqa: F811
    rows = {r["event_id_cnty"].lower(): r for r in syria_rows()}
    data = collect(syria)
    map_payload(syria, data, base="http://localhost:8000/")
    for event in data.events:
        row = rows[event["iri"].rsplit("acled-", 1)[-1]]
        assert event["publishers"] == sorted(n.strip() for n in row["source"].split(";") if n.strip())
        assert event["source"].startswith("http://localhost:8000/") and "w3id.org" not in event["source"]
    assert any(e["publishers"] == ["SOHR"] for e in data.events)
