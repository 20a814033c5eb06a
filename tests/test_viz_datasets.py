"""Views of imported dataset events (issue 19): sides drawn as hostile edges without direction,
relation filters by the project's and the dataset's types, actor kinds coloured, states shown only
inside the chosen range, headers counting what is drawn. Expected values come from the fixture CSV."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

import kg
from kg.curated.build import build
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file
from viz.data import collect
from viz.network import KIND_COLORS, network_payload
from viz.timeline import drawn_subtitle, timeline_payload

SAMPLE = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"
T0 = dt.datetime(2022, 7, 1, 12, tzinfo=dt.timezone.utc)
H1 = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 6, 30)}


@pytest.fixture(scope="module")
def graph() -> kg.KnowledgeGraph:
    store = kg.open(":memory:")
    build(store)  # the seed: a 2017 NATO membership still holding
    import_file(store, AcledFormat(), SAMPLE, now=T0)
    return store


def rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_battles_are_hostile_edges_between_sides(graph):
    data = collect(graph, **H1)
    battles = {r["event_id_cnty"].lower() for r in rows() if r["event_type"] == "Battles"}
    links = [(lk, data.events[lk["ref"]]) for lk in data.links if lk["kind"] == "event"]
    sides = [(lk, e) for lk, e in links if e["iri"].rsplit("acled-", 1)[-1] in battles]
    assert sides and all(lk["role"] == "side" and lk["sign"] == -1 and not lk["directed"] for lk, _ in sides)
    assert {e["datasetType"] for _, e in sides} <= {"ACLED: Armed clash", "ACLED: Government regains territory"}
    # no peaceful protest is drawn hostile
    assert not [e for lk, e in links if e["type"] == "demonstration" and lk["sign"] != 0]


def test_filters_offer_project_and_dataset_types_and_kinds_are_coloured(graph):
    data = collect(graph, **H1)
    network = network_payload(data)
    assert "armed-clash" in network["relations"] and "ACLED: Armed clash" in network["relations"]
    assert "Attack" not in network["relations"] and "Event" not in network["relations"]
    syria = next(n for n in data.nodes if n["slug"] == "military-forces-of-syria-2000")
    assert syria["kind"] == "State forces" and "State forces" in network["types"]
    assert network["typeColors"]["State forces"] == KIND_COLORS["State forces"]


def test_states_only_inside_the_range_and_headers_count_what_is_drawn(graph):
    assert [s["label"] for s in collect(graph).states] == ["NATO membership in the Anti-ISIS Coalition"]
    data = collect(graph, **H1)
    assert data.states == [] and not [lk for lk in data.links if lk["kind"] == "state"]
    timeline = timeline_payload(data)
    drawn = {it["ref"] for it in timeline["items"] if it["kind"] == "event"}
    assert drawn_subtitle(data, timeline, None).startswith(f"{len(drawn)} events, 0 states")
    assert len(drawn) == len(rows())  # every fixture row has an actor, so every event is on the timeline
