"""Escalation alerts on tests/data/network, counted by hand (ISO weeks of March 2017)."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from kg.analysis.escalation import escalation, escalation_of, event_counts, periods, strongest
from kg.analysis.projection import actor_graph
from kg.base.errors import UsageError

from conftest import EVENT_BASE as EV
from conftest import NETWORK_ACTORS, SHARED
from conftest import NETWORK_RESIDENTS as RES

A, B, C, D, E = NETWORK_ACTORS
W10, W11, W12, W13 = (dt.date(2017, 3, d) for d in (6, 13, 20, 27))



def kinds(rows, kind):
    return [(r["period_start"], r["actor"], r["counterpart"], r["count"], r["baseline"]) for r in rows if r["kind"] == kind]


def test_weekly_counts_by_hand(network_kg):
    graph = actor_graph(network_kg)
    counts = {(r["period_start"], r["actor"]): r["count"] for r in event_counts(graph)}
    assert [counts.get((w, A), 0) for w in (W10, W11, W12, W13)] == [2, 1, 0, 2]
    assert [counts.get((w, B), 0) for w in (W10, W11, W12, W13)] == [2, 0, 4, 0]
    assert [counts.get((w, D), 0) for w in (W10, W11, W12, W13)] == [0, 2, 1, 2]
    dyads = {(r["period_start"], r["actor"], r["counterpart"]): (r["count"], r["hostile"], r["cooperative"]) for r in event_counts(graph, by="dyad")}
    assert dyads[(W13, A, D)] == (2, 2, 0) and dyads[(W11, A, D)] == (1, 0, 1)
    monthly = event_counts(graph, period="month")
    assert {r["period_start"] for r in monthly} == {dt.date(2017, 3, 1)}
    assert sum(r["count"] for r in monthly if r["actor"] == B) == 6


def test_surges_default_rule(network_kg):
    rows = escalation_of(network_kg)
    # B: 4 in W12 vs mean(2, 0) = 1; Town Q and the B-Town Q dyad: 4 vs 0
    # within a period: strongest (count - baseline) first, then by label
    assert kinds(rows, "surge") == [(W12, B, RES, 4, 0.0), (W12, RES, None, 4, 0.0), (W12, B, None, 4, 1.0)]
    surge_b = next(r for r in rows if r["kind"] == "surge" and r["actor"] == B and r["counterpart"] is None)
    assert surge_b["ratio"] == 4.0 and surge_b["strength"] == 3.0 and len(surge_b["events"]) == 4


def test_surges_configurable(network_kg):
    rows = escalation_of(network_kg, min_count=2)
    surges = kinds(rows, "surge")
    assert (W13, A, None, 2, 1.0) in surges            # 2 vs mean(2, 1, 0)
    assert (W13, D, None, 2, 1.0) in surges            # 2 vs mean(0, 2, 1)
    assert (W11, D, None, 2, 0.0) in surges
    assert (W13, A, D, 2, round(1 / 3, 4)) in surges   # the dyad: 2 vs mean(0, 1, 0)
    assert kinds(escalation_of(network_kg, factor=5), "surge") == [(W12, B, RES, 4, 0.0), (W12, RES, None, 4, 0.0)]
    # only the last period as baseline: B had 0 in W11, so still a surge; A in W13 vs W12's 0
    assert (W13, A, None, 2, 0.0) in kinds(escalation_of(network_kg, min_count=2, history=1), "surge")


def test_first_hostile_dyads(network_kg):
    rows = escalation_of(network_kg)
    first = [(r["actor"], r["counterpart"], r["period_start"]) for r in rows if r["kind"] == "first-hostile"]
    assert first == [(A, B, W10), (B, C, W10), (C, D, W11), (B, RES, W12), (D, E, W12), (A, D, W13)]
    # from 20 March only; the earlier attacks still count as history
    later = escalation_of(network_kg, start=dt.date(2017, 3, 20), kinds=["first-hostile"])
    assert [(r["actor"], r["counterpart"]) for r in later] == [(B, RES), (D, E), (A, D)]
    assert later[-1]["events"] == [EV + "d-attacks-a-2017-03-29", EV + "d-attacks-a-2017-03-30"]


def test_sign_flip(network_kg):
    rows = [r for r in escalation_of(network_kg) if r["kind"] == "sign-flip"]
    assert [(r["actor"], r["counterpart"], r["period_start"], r["count"]) for r in rows] == [(A, D, W13, 2)]
    assert EV + "a-d-alliance-2017-03-15" in rows[0]["events"]
    assert "2017-03-13" in rows[0]["detail"]
    # a hostile -> cooperative change is no flip
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", event="e1", sign=-1, date=dt.date(2017, 1, 2))
    g.add_edge("a", "b", event="e2", sign=1, date=dt.date(2017, 1, 9))
    assert not [r for r in escalation(g) if r["kind"] == "sign-flip"]


def test_partial_first_period_is_no_baseline():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", event="e0", sign=-1, date=dt.date(2017, 1, 8))  # a Sunday: its week is cut by the data start
    for i in range(3):
        g.add_edge("a", "b", event=f"e{i + 1}", sign=-1, date=dt.date(2017, 1, 10))
    assert kinds(escalation(g), "surge") == []  # no whole previous week
    assert periods(dt.date(2017, 1, 8), dt.date(2017, 1, 10), "week")[0][0] == dt.date(2017, 1, 2)


def test_strongest_and_errors(network_kg):
    rows = escalation_of(network_kg)
    assert [r["strength"] for r in strongest(rows, n=2)] == [4.0, 4.0]
    with pytest.raises(UsageError, match="at least 1"):
        strongest(rows, n=0)
    for bad, message in [({"period": "day"}, "unknown period"), ({"factor": 1.0}, "above 1"),
                         ({"min_count": 0}, "at least 1"), ({"history": 0}, "at least 1"), ({"kinds": ["boom"]}, "unknown alert")]:
        with pytest.raises(UsageError, match=message):
            escalation_of(network_kg, **bad)
    assert escalation(nx.MultiDiGraph()) == []
    assert escalation_of(network_kg, start=dt.date(2017, 5, 1), end=dt.date(2017, 5, 31)) == []


# -- baselines per coverage (issue 19 point 5) ------------------------------------------------------

def test_baseline_only_over_periods_the_sources_cover():
    g = nx.MultiDiGraph()
    # source "old" covers March 2017, source "new" January-March 2022; x is only in "new"
    for day in (1, 8, 15, 22, 29):
        g.add_edge("p", "q", event=f"old{day}", sign=-1, date=dt.date(2017, 3, day), source="old")
    for week in range(12):
        day = dt.date(2022, 1, 3) + dt.timedelta(weeks=week)
        g.add_edge("x", "y", event=f"new{week}", sign=-1, date=day, source="new")
    for i in range(4):
        g.add_edge("x", "y", event=f"burst{i}", sign=-1, date=dt.date(2022, 3, 28), source="new")
    rows = [r for r in escalation(g, start=dt.date(2022, 3, 28), end=dt.date(2022, 4, 3)) if r["kind"] == "surge" and r["counterpart"] is None]
    x = next(r for r in rows if r["actor"] == "x")
    # 12 weeks of 2022 with one event each, not 2017-2021 weeks of zeros
    assert (x["count"], x["baseline"], x["detail"]) == (4, 1.0, "4 events vs 1.00 per week over 12 weeks")
    # an explicit coverage wins over the one read from the graph
    wide = {"new": (dt.date(2021, 12, 27), dt.date(2022, 4, 3)), "old": (dt.date(2017, 3, 1), dt.date(2017, 3, 31))}
    x = next(r for r in escalation(g, start=dt.date(2022, 3, 28), end=dt.date(2022, 4, 3), coverage=wide, min_count=4)
             if r["kind"] == "surge" and r["actor"] == "x" and r["counterpart"] is None)
    assert x["detail"] == "4 events vs 0.92 per week over 13 weeks"


ACLED_FULL = SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"


@pytest.mark.slow
@pytest.mark.skipif(not ACLED_FULL.exists(), reason=f"{ACLED_FULL} not available")
def test_acled_actor_baseline_ignores_the_seed_years():
    """Seed (2017) + ACLED 2022 in one store: PKK's weekly baselines are the mean of its own weekly
    counts over the whole ISO weeks ACLED covers, computed here from the CSV."""
    import csv
    from collections import Counter

    import kg
    from kg.curated.build import build
    from kg.ingest.acled import AcledFormat
    from kg.ingest.base import import_file

    actor = "PKK: Kurdistan Workers Party"
    with ACLED_FULL.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    days = [dt.date.fromisoformat(r["event_date"]) for r in rows]
    mine = [r for r in rows if actor in (r["actor1"], r["actor2"])]
    # every PKK row names a second, different actor (so any direction rule gives PKK an edge)
    assert all(r["actor1"] and r["actor2"] and r["actor1"] != r["actor2"] for r in mine)
    monday = lambda d: d - dt.timedelta(days=d.weekday())  # noqa: E731
    weekly = Counter(monday(dt.date.fromisoformat(r["event_date"])) for r in mine)
    first_week = monday(min(days)) + (dt.timedelta(weeks=1) if min(days).weekday() else dt.timedelta(0))
    covered = [first_week + dt.timedelta(weeks=n) for n in range(60) if first_week + dt.timedelta(weeks=n, days=6) <= max(days)]

    graph = kg.open(":memory:")
    build(graph)
    import_file(graph, AcledFormat(), ACLED_FULL)
    alerts = escalation_of(graph, start=min(days), end=max(days), kinds=["surge"], factor=1.01, min_count=1)
    pkk = [r for r in alerts if r["label"] == actor and r["counterpart"] is None]
    assert pkk
    for r in pkk:
        past = [w for w in covered if w < r["period_start"]]
        expected = sum(weekly.get(w, 0) for w in past) / len(past)
        assert (r["count"], r["baseline"]) == (weekly[r["period_start"]], round(expected, 4))
        assert r["detail"].endswith(f"over {len(past)} weeks")
    # the store reaches back to the seed's 2016-2017 events, which would otherwise dilute the baseline
    assert graph.query("ASK { ?e ckg:startDate ?d FILTER(?d < '2018-01-01'^^xsd:date) }").boolean


def test_escalation_of_a_place_keeps_only_the_events_located_there():
    """--place Syria keeps the seed's located hostilities and drops NATO's and ISW's unlocated activity."""
    import kg
    from kg.analysis.escalation import escalation_of

    graph = kg.open(":memory:")
    kg.build(graph)
    window = {"start": dt.date(2017, 5, 18), "end": dt.date(2017, 5, 31)}
    everywhere = {(r["kind"], r["label"]) for r in escalation_of(graph, **window)}
    in_syria = {(r["kind"], r["label"]) for r in escalation_of(graph, place="Syria", **window)}
    assert ("surge", "North Atlantic Treaty Organization") in everywhere - in_syria
    assert ("first-hostile", "Ahrar al-Sham") in in_syria and in_syria < everywhere
