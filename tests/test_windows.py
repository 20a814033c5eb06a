"""Windows found by joins (kg.read.timeview.window_join) give exactly what a scan of every date gives.

The seed has the awkward cases: a wave of attacks over six days, remarks approximately dated
over fifteen months, a withdrawal known to the month and a membership still holding.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from kg.analysis.projection import actor_graph
from kg.base.temporal import OPEN_END, Match, Precision, TimeSpan, Window, months_overlapped
from kg.read.lookups import events
from kg.read.timeline import timeline
from kg.read.timeview import JOIN_DAYS_MAX, window_join
from kg.store.graph import KnowledgeGraph

DAYS = [dt.date.fromisoformat(d) for d in (
    "2016-02-29", "2016-03-01", "2016-12-31", "2017-04-30", "2017-05-01", "2017-05-17",
    "2017-05-18", "2017-05-20", "2017-05-23", "2017-05-24", "2017-05-25", "2017-05-31", "2017-06-01",
)]
WINDOWS = [(a, b) for a, b in itertools.combinations_with_replacement(DAYS, 2) if (b - a).days < JOIN_DAYS_MAX]


def _spans(kg: KnowledgeGraph, top: str) -> dict[str, TimeSpan]:
    rows = kg.query(f"""
        SELECT ?f ?start ?end ?p WHERE {{
          ?c rdfs:subClassOf* {top} . ?f a ?c ; ckg:startDate ?start ; ckg:datePrecision ?p .
          OPTIONAL {{ ?f ckg:endDate ?end }}
        }}""").records()
    return {
        r["f"]: TimeSpan(r["start"], r.get("end", OPEN_END), Precision(r["p"].rsplit("#", 1)[1].lower()))
        for r in rows
    }


def test_long_facts_carry_the_months_they_overlap(seed_kg: KnowledgeGraph) -> None:
    rows = seed_kg.query("SELECT ?f (COUNT(?m) AS ?n) WHERE { ?f ckg:overlapsMonth ?m } GROUP BY ?f").records()
    counts = {r["f"].rsplit("/", 1)[1]: int(r["n"]) for r in rows}
    spans = {f.rsplit("/", 1)[1]: s for f, s in {**_spans(seed_kg, "ckg:Event"), **_spans(seed_kg, "ckg:State")}.items()}
    assert counts["isis-attack-wave-western-syria-2017-05"] == 1
    # exactly the facts lasting more than a day (open states excepted), each with its months
    expected = {
        slug: len(months_overlapped(s.start, s.end)) for slug, s in spans.items() if s.end != OPEN_END and s.end > s.start
    }
    assert counts == expected
    assert max(counts.values()) >= 12  # the approximately dated remarks span more than a year


@pytest.mark.parametrize("mode", list(Match))
def test_event_windows_match_a_scan(seed_kg: KnowledgeGraph, mode: Match) -> None:
    spans = _spans(seed_kg, "ckg:Event")
    for start, end in WINDOWS:
        found = {e["event"] for e in events(seed_kg, start=start, end=end, mode=mode)}
        expected = {f for f, s in spans.items() if Window(start, end).matches(s, mode)}
        assert found == expected, (start, end, mode)


def test_as_of_matches_a_scan(seed_kg: KnowledgeGraph) -> None:
    spans = _spans(seed_kg, "ckg:Event")
    sizes = []
    for day in DAYS:
        found = {e["event"] for e in events(seed_kg, as_of=day)}
        assert found == {f for f, s in spans.items() if Window(day, day).possibly(s)}, day
        sizes.append(len(found))
    assert 0 in sizes and max(sizes) >= 3  # days with nothing and days inside several long facts


def test_timeline_windows_match_a_scan(seed_kg: KnowledgeGraph) -> None:
    spans = _spans(seed_kg, "ckg:Event")
    for start, end in WINDOWS:
        found = {e.fact for e in timeline(seed_kg, start=start, end=end) if e.kind == "event"}
        assert found == {f for f, s in spans.items() if Window(start, end).possibly(s)}, (start, end)


def test_projection_windows_match_a_scan(seed_kg: KnowledgeGraph) -> None:
    """A window longer than JOIN_DAYS_MAX is a scan: every shorter window must agree with it."""
    everything = actor_graph(seed_kg, start=dt.date(2000, 1, 1), end=dt.date(2030, 1, 1))
    assert everything.number_of_edges() > 0
    for start, end in WINDOWS:
        window = Window(start, end)
        expected = {k for _, _, k, d in everything.edges(keys=True, data=True)
                    if window.possibly(TimeSpan(d["date"], d["end"], Precision(d["precision"])))}
        got = {k for _, _, k in actor_graph(seed_kg, start=start, end=end).edges(keys=True)}
        assert got == expected, (start, end)


def test_projection_keeps_actors_only(seed_kg: KnowledgeGraph) -> None:
    """Statements and assessments are also about events (``ckg:about``): those never become nodes."""
    about_events = {r["x"] for r in seed_kg.query("SELECT ?x WHERE { ?s ckg:about ?x . ?x ckg:startDate ?d }").records()}
    assert about_events
    graph = actor_graph(seed_kg)
    assert graph.number_of_nodes() > 10
    assert not about_events & set(graph.nodes)
    assert {graph.nodes[n]["type"] for n in graph.nodes} >= {"ArmedGroup", "Community"}


def test_window_join_is_empty_for_open_or_long_windows() -> None:
    day = dt.date(2017, 5, 1)
    assert window_join(None, day) == window_join(day, None) == ""
    assert window_join(day, day + dt.timedelta(days=JOIN_DAYS_MAX)) == ""
    longest = window_join(day, day + dt.timedelta(days=JOIN_DAYS_MAX - 1))
    assert longest.split("}", 1)[0].count("^^xsd:date") == JOIN_DAYS_MAX  # one value per day
