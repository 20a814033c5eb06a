"""The README's answer to "which actors were most involved in hostile events in Syria in the first half
of 2022, and where": the saved query on the ACLED sample agrees with the CSV read by the codebook."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict

import pytest

import kg
from kg.contract.ontology import ensure_ontology
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file

from test_codebooks import ACLED, ACLED_RULES

pytestmark = pytest.mark.slow


def test_hostile_actors_in_syria_first_half_of_2022():
    if not ACLED.exists():
        pytest.skip(f"{ACLED} not available")
    with ACLED.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    events: Counter[str] = Counter()
    regions: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        day = dt.date.fromisoformat(row["event_date"])
        if row["country"] != "Syria" or not dt.date(2022, 1, 1) <= day <= dt.date(2022, 6, 30):
            continue
        if ACLED_RULES[row["sub_event_type"]][0] >= 0:  # not hostile by the codebook
            continue
        names = {row["actor1"], row["actor2"]} | {
            n.strip() for column in ("assoc_actor_1", "assoc_actor_2") for n in row[column].split(";")
        }
        for name in names - {""}:
            events[name] += 1
            regions[name].add(row["admin1"])
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    import_file(graph, AcledFormat(), ACLED)
    saved = kg.saved_query("hostile-actors-in-place")
    got = graph.query(saved.text, params=saved.bind({"start": "2022-01-01", "end": "2022-06-30"})).records()
    assert len(got) == 15
    expected_top = sorted(events.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    assert [(r["label"], r["hostileEvents"]) for r in got] == expected_top
    for r in got:
        assert set(r["regions"].split("; ")) == regions[r["label"]]
