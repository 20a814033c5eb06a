"""``kg events`` from the analytic event index: the same rows, in the same order, as the SPARQL path.

Every lookup runs twice: :func:`kg.read.lookups.events` with ``KG_INDEX=off`` (the reference) and
:func:`kg.index.events.events` with the store's index, which must have chosen the events itself
(counted) and give identical rows (terms, columns, order). Over the seed (imprecise dates, multi-day
facts, campaigns), the correction fixture (retractions, record time), ACLED with a re-import that
retracts rows (possible date ranges, dataset types, record time) and an ICEWS14 slice; over windows
on and around every imprecise fact in both precision modes, valid days, record days, actors in
every role, every form of type, places, and every Allen relation to events and states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_index import edge_windows, record_days

import kg
import kg.index.events as indexed_events
from kg.base.errors import UsageError
from kg.base.temporal import Allen
from kg.curated.build import build
from kg.index.cache import build_index, event_index
from kg.read.lookups import events as sparql_events
from kg.read.timeline import timeline as sparql_timeline
from kg.store.graph import KnowledgeGraph

D = dt.date
CORRECTION = Path(__file__).parent / "data" / "correction"
MODES = ("loose", "strict")


@pytest.fixture
def chosen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the index chose the events (so a comparison cannot pass by falling back)."""
    calls: list[int] = []
    real = indexed_events.choose

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(indexed_events, "choose", counting)
    return calls


def same(monkeypatch: pytest.MonkeyPatch, graph: KnowledgeGraph, **options: Any) -> int:
    """Assert both paths give the same result; the number of rows."""
    monkeypatch.setenv("KG_INDEX", "off")
    reference = sparql_events(graph, **options)
    monkeypatch.setenv("KG_INDEX", "on")  # the index wherever it can answer (auto: where it pays)
    assert event_index(graph) is not None
    answer = indexed_events.events(graph, **options)
    assert answer.variables == reference.variables, options
    if answer.rows != reference.rows:  # only an event's rows (one per label) may come in another order
        assert [r[:2] for r in answer.rows] == [r[:2] for r in reference.rows], options
        assert sorted(map(str, answer.rows)) == sorted(map(str, reference.rows)), options
        assert len({r[0] for r in answer.rows}) < len(answer.rows), options
    return len(reference.rows)


def same_error(monkeypatch: pytest.MonkeyPatch, graph: KnowledgeGraph, **options: Any) -> None:
    messages = []
    for policy, run in (("off", sparql_events), ("on", indexed_events.events)):
        monkeypatch.setenv("KG_INDEX", policy)
        with pytest.raises(UsageError) as err:
            run(graph, **options)
        messages.append(str(err.value))
    assert messages[0] == messages[1]


def _disk(tmp_path_factory: pytest.TempPathFactory, name: str) -> KnowledgeGraph:
    return kg.open(str(tmp_path_factory.mktemp(name) / "store"))


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    graph = _disk(tmp_path_factory, "seed")
    build(graph)
    build_index(graph)
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The correction fixture: a fact retracted by a later report (record time)."""
    graph = _disk(tmp_path_factory, "correction")
    build(graph, CORRECTION)
    build_index(graph)
    yield graph
    graph.close()


@pytest.fixture
def acled(acled_retracted: KnowledgeGraph) -> KnowledgeGraph:
    return acled_retracted


def days_around(graph: KnowledgeGraph) -> list[dt.date]:
    """Every day from the day before the first event to the day after the last one (and the ends of
    the long imprecise facts)."""
    ix = event_index(graph)
    assert ix is not None
    bounds = {d for name in ("start", "end", "earliest", "latest") for d in ix.events.column(name).to_pylist() if d}
    short = sorted(d for d in bounds if d >= D(2017, 4, 1)) or sorted(bounds)
    one = dt.timedelta(days=1)
    days = {short[0] - one + k * one for k in range((short[-1] - short[0]).days + 3)}
    return sorted(days | {d + k * one for d in bounds for k in (-1, 0, 1)})


def busy_actors(graph: KnowledgeGraph, n: int) -> list[str]:
    """The ``n`` actors in most events (any role), and one in a side role if there is one."""
    ix = event_index(graph)
    assert ix is not None
    counts: dict[str, int] = {}
    for role in indexed_events.ACTOR_COLUMNS:
        for members in ix.events.column(role).to_pylist():
            for a in members:
                counts[a] = counts.get(a, 0) + 1
    picked = sorted(counts, key=lambda a: (-counts[a], a))[:n]
    sides = [a for members in ix.events.column("sideB").to_pylist() for a in members]
    return picked + sides[:1]


# -- the seed --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_seed_windows(seed, monkeypatch, chosen, mode):
    windows = [*edge_windows(seed), (D(2010, 1, 1), D(2010, 1, 2)), (D(2017, 5, 19), D(2017, 5, 20))]
    assert len(windows) > 20
    rows = [same(monkeypatch, seed, start=a, end=b, mode=mode) for a, b in windows]
    assert len(chosen) == len(windows) and max(rows) > 0 and min(rows) == 0


@pytest.mark.parametrize("mode", MODES)
def test_seed_as_of(seed, monkeypatch, chosen, mode):
    found = [same(monkeypatch, seed, as_of=day, mode=mode) for day in days_around(seed)]
    assert len(chosen) == len(found) and max(found) > 1 and min(found) == 0
    # with a window too (the window then leaves the valid day to the filter)
    for day in (D(2017, 5, 18), D(2017, 5, 25), D(2016, 6, 1)):
        same(monkeypatch, seed, as_of=day, start=D(2017, 5, 1), end=D(2017, 5, 31), mode=mode)


def test_seed_known_on(seed, corrected, monkeypatch, chosen):
    for graph in (seed, corrected):
        for day in record_days(graph):
            for window in ((None, None), (D(2017, 5, 1), D(2017, 6, 30))):
                for mode in MODES:
                    same(monkeypatch, graph, known_on=day, start=window[0], end=window[1], mode=mode)
            same(monkeypatch, graph, known_on=day, as_of=D(2017, 5, 23))
    assert chosen


def test_correction_known_on_changes_the_answer(corrected, monkeypatch, chosen):
    """The fixture has to exercise record time: the answer differs before and after the retraction."""
    answers = {same(monkeypatch, corrected, known_on=day) for day in record_days(corrected)[1:]}
    assert len(answers) > 1


def test_seed_actors(seed, monkeypatch, chosen):
    actors = busy_actors(seed, 20)
    for actor in actors:
        same(monkeypatch, seed, actor=actor)
        same(monkeypatch, seed, actor=actor.rsplit("/", 1)[-1], start=D(2017, 5, 20), end=D(2017, 5, 31), mode="strict")
    same(monkeypatch, seed, actor="Islamic State of Iraq and Syria", as_of=D(2017, 5, 22))  # by label
    assert len(chosen) == 2 * len(actors) + 1


TYPES = ["Attack", "Statement", "Withdrawal", "Meeting", "armed-clash", "armed clash", "attack", "suicide-bombing",
         "meeting", "Battles", "Armed clash", "acled/battles", "acled/armed-clash", "Violence against civilians",
         "state-based", "19", "190", "cameo/19", "Use conventional military force"]


def _known_types(graph: KnowledgeGraph) -> list[str]:
    known = []
    for name in TYPES:
        try:
            sparql_events(graph, type=name, start=D(1900, 1, 1), end=D(1900, 1, 1))
        except UsageError:
            continue
        known.append(name)
    return known


def test_seed_types(seed, monkeypatch, chosen):
    names = _known_types(seed)
    assert {"Attack", "suicide-bombing", "19"} <= set(names)
    counts = {name: same(monkeypatch, seed, type=name) for name in names}
    assert counts["Attack"] > 1 and counts["suicide-bombing"] >= 1
    for name in names:
        same(monkeypatch, seed, type=name, start=D(2017, 5, 18), end=D(2017, 5, 23), mode="strict", actor="isis")


def test_seed_places(seed, monkeypatch, chosen):
    for place in ("Syria", "SY", "Brussels", "eastern-idlib", "Western Syria"):
        for mode in MODES:
            same(monkeypatch, seed, place=place, start=D(2017, 5, 1), end=D(2017, 5, 23), mode=mode)
        same(monkeypatch, seed, place=place, as_of=D(2017, 5, 22))
    same(monkeypatch, seed, place="Syria")  # a place alone: the SPARQL answers both
    assert len(chosen) == 15


def _facts(graph: KnowledgeGraph) -> list[str]:
    rows = graph.query("SELECT DISTINCT ?f WHERE { ?f ckg:startDate ?d ; a ?c "
                       "FILTER(STRSTARTS(STR(?f), 'https://w3id.org/conflict-kg/id/')) } ORDER BY ?f").records()
    return [r["f"] for r in rows]


def test_seed_relations(seed, monkeypatch, chosen):
    facts = _facts(seed)
    assert any("/state/" in f for f in facts) and len(facts) > 10
    hits = 0
    for relation in Allen:
        for fact in facts:
            hits += same(monkeypatch, seed, relation=relation.value, to_event=fact)
        same(monkeypatch, seed, relation=relation, to_event=facts[0], start=D(2017, 5, 20), end=D(2017, 6, 1))
    assert hits > 0
    assert len(chosen) == len(Allen) * (len(facts) + 1)


def test_seed_everything_at_once(seed, monkeypatch, chosen):
    for mode in MODES:
        same(monkeypatch, seed, actor="isis", type="Attack", place="Syria", start=D(2017, 5, 1), end=D(2017, 5, 31),
             as_of=D(2017, 5, 23), known_on=D(2017, 6, 1), mode=mode, relation="during",
             to_event="event:isis-withdrawal-southern-central-syria-2017-05")


def test_same_errors(seed, monkeypatch):
    same_error(monkeypatch, seed, actor="nobody-at-all")
    same_error(monkeypatch, seed, type="no such type")
    same_error(monkeypatch, seed, place="Atlantis", start=D(2017, 5, 1))
    same_error(monkeypatch, seed, start=D(2017, 6, 1), end=D(2017, 5, 1))
    same_error(monkeypatch, seed, relation="during", start=D(2017, 5, 1))
    same_error(monkeypatch, seed, to_event="event:nato-summit-brussels-2017-05-25", start=D(2017, 5, 1))
    same_error(monkeypatch, seed, relation="during", to_event="event:no-such-event")


def test_public_api_and_cli_use_the_index(seed, monkeypatch, chosen, runner):
    from kg.cli import main

    assert kg.events is indexed_events.events and kg.timeline is indexed_events.timeline
    monkeypatch.setenv("KG_INDEX", "auto")
    result = runner.invoke(main, ["--store", seed.location, "events", "--actor", "isis", "--as-of", "2017-05-23",
                                  "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "isis-vbied-homs-zahraa-2017-05-23" in result.output and chosen
    monkeypatch.setattr(indexed_events, "sparql_timeline", None)  # kg timeline --actor: the index's way only
    result = runner.invoke(main, ["--store", seed.location, "timeline", "--actor", "isis", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "isis-vbied-homs-zahraa-2017-05-23" in result.output


def test_auto_uses_the_index_where_it_pays(seed, monkeypatch, chosen):
    """By default a short window or a valid day alone is found by the SPARQL's join on its days."""
    monkeypatch.setenv("KG_INDEX", "auto")
    indexed_events.events(seed, start=D(2017, 5, 1), end=D(2017, 5, 31), known_on=D(2017, 6, 1))
    indexed_events.events(seed, as_of=D(2017, 5, 23), place="Syria")
    indexed_events.events(seed, place="Syria")
    indexed_events.events(seed)
    assert not chosen
    for options in ({"actor": "isis"}, {"type": "Attack", "as_of": D(2017, 5, 23)}, {"known_on": D(2017, 6, 1)},
                    {"relation": "during", "to_event": "event:isis-withdrawal-southern-central-syria-2017-05"},
                    {"start": D(2016, 1, 1), "end": D(2017, 12, 31)}, {"start": D(2017, 5, 20)}):
        chosen.clear()
        indexed_events.events(seed, **options)
        assert chosen, options


# -- ACLED and ICEWS14 -----------------------------------------------------------------------


def test_acled_has_what_the_comparison_needs(acled):
    ix = event_index(acled)
    assert ix is not None
    rows = ix.events.to_pylist()
    assert any(r["earliest"] is not None for r in rows) and any(r["invalidated"] for r in rows)
    assert any(r["dataset_type"] for r in rows) and any(r["sideA"] for r in rows)


@pytest.mark.parametrize("mode", MODES)
def test_acled_windows_and_valid_days(acled, monkeypatch, chosen, mode):
    ix = event_index(acled)
    assert ix is not None
    for start, end in [(D(2022, 1, 1), D(2022, 1, 31)), *edge_windows(acled)]:
        same(monkeypatch, acled, start=start, end=end, mode=mode)
    acled_days = sorted({d for d in ix.events.column("start").to_pylist() if d.year >= 2020})
    one = dt.timedelta(days=1)
    for day in sorted({d + k * one for d in acled_days for k in (-1, 0, 1)}):
        same(monkeypatch, acled, as_of=day, mode=mode)


def test_acled_record_time(acled, monkeypatch, chosen):
    ix = event_index(acled)
    assert ix is not None
    days = {d[:10] for name in ("recorded", "invalidated") for d in ix.events.column(name).to_pylist() if d}
    one = dt.timedelta(days=1)
    record = sorted({D.fromisoformat(d) + k * one for d in days for k in (-1, 0, 1)})
    for day in [*record_days(acled), *record]:
        same(monkeypatch, acled, known_on=day)
    assert record


def test_acled_actors_types_places(acled, monkeypatch, chosen):
    for actor in busy_actors(acled, 8):
        same(monkeypatch, acled, actor=actor)
    for name in _known_types(acled):
        for mode in MODES:
            same(monkeypatch, acled, type=name, start=D(2021, 1, 1), end=D(2023, 12, 31), mode=mode)
    ix = event_index(acled)
    assert ix is not None
    for country in sorted({c for c in ix.events.column("country").to_pylist() if c})[:4]:
        same(monkeypatch, acled, place=country, start=D(2000, 1, 1))


def test_acled_relations(acled, monkeypatch, chosen):
    ix = event_index(acled)
    assert ix is not None
    ranged = [r["event"] for r in ix.events.to_pylist() if r["earliest"] is not None][:2]
    for relation in Allen:
        for fact in ranged:
            same(monkeypatch, acled, relation=relation, to_event=fact)


def test_icews14_slice(icews, monkeypatch, chosen):
    week = (D(2014, 1, 1), D(2014, 1, 7))
    assert same(monkeypatch, icews, start=week[0], end=week[1]) > 100
    for mode in MODES:
        same(monkeypatch, icews, as_of=D(2014, 1, 3), mode=mode)
    for actor in busy_actors(icews, 3):
        same(monkeypatch, icews, actor=actor, start=D(2014, 1, 1), end=D(2014, 1, 31))
    for name in ("cameo/19", "190", "Attack", "Meeting"):
        same(monkeypatch, icews, type=name, start=week[0], end=week[1])
    ix = event_index(icews)
    assert ix is not None
    first = ix.events.column("event")[0].as_py()
    for relation in ("before", "after", "equals"):
        same(monkeypatch, icews, relation=relation, to_event=first, start=D(2014, 1, 1), end=D(2014, 1, 10))


# -- the timeline ------------------------------------------------------------------------------


def _timeline(graph: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch, policy: str, **options: Any) -> list[Any]:
    monkeypatch.setenv("KG_INDEX", policy)
    run = sparql_timeline if policy == "off" else indexed_events.timeline
    return run(graph, **options)  # type: ignore[operator]


@pytest.mark.parametrize("mode", MODES)
def test_timeline_same_both_ways(seed, corrected, acled, monkeypatch, mode):
    cases: list[tuple[KnowledgeGraph, dict[str, Any]]] = [
        (seed, {"actor": "isis"}), (seed, {"actor": "nato", "place": "Brussels"}), (seed, {"actor": "nato"}),
        (seed, {"actor": "anti-isis-coalition"}), (seed, {"actor": "isis", "start": D(2017, 5, 22)}),
        (corrected, {"known_on": D(2017, 6, 1)}), (corrected, {"known_on": D(2017, 6, 20)}),
        (acled, {"start": D(2022, 1, 1), "end": D(2022, 3, 31)}), (acled, {"place": "Syria", "start": D(2000, 1, 1)}),
        *[(seed, {"start": a, "end": b}) for a, b in edge_windows(seed)],
        *[(graph, {"known_on": day}) for graph in (seed, corrected) for day in record_days(graph)],
    ]
    for graph, options in cases:
        reference = _timeline(graph, monkeypatch, "off", mode=mode, **options)
        assert _timeline(graph, monkeypatch, "on", mode=mode, **options) == reference, options
    assert _timeline(seed, monkeypatch, "on", mode=mode) == _timeline(seed, monkeypatch, "off", mode=mode)


def test_timeline_chooses_from_the_index(seed, monkeypatch):
    monkeypatch.setenv("KG_INDEX", "auto")  # an actor: the index pays
    monkeypatch.setattr(indexed_events, "sparql_timeline", None)  # the SPARQL path must not be taken
    story = indexed_events.timeline(seed, actor="isis", start=D(2017, 5, 18), end=D(2017, 5, 23))
    assert any(e.kind == "event" for e in story)


def test_timeline_same_errors(seed, monkeypatch):
    for options in ({"actor": "nobody-at-all"}, {"place": "Atlantis", "start": D(2017, 5, 1)},
                    {"start": D(2017, 6, 1), "end": D(2017, 5, 1)}):
        messages = []
        for policy in ("off", "on"):
            with pytest.raises(UsageError) as err:
                _timeline(seed, monkeypatch, policy, **options)
            messages.append(str(err.value))
        assert messages[0] == messages[1]


def test_timeline_icews14(icews, monkeypatch):
    for options in ({"start": D(2014, 1, 1), "end": D(2014, 1, 3)}, {"actor": busy_actors(icews, 1)[0], "end": D(2014, 1, 5)}):
        assert _timeline(icews, monkeypatch, "on", **options) == _timeline(icews, monkeypatch, "off", **options)


@pytest.fixture(scope="module")
def stripped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The seed with one event's label gone, another's source link gone and a third with two
    labels: the query's requirements and one row per label."""
    graph = _disk(tmp_path_factory, "stripped")
    build(graph)
    graph.update("""
        DELETE { GRAPH ?g { ?e rdfs:label ?l } } WHERE { GRAPH ?g { ?e rdfs:label ?l }
          FILTER(?e = <https://w3id.org/conflict-kg/id/event/isis-vbied-homs-zahraa-2017-05-23>) } ;
        DELETE { GRAPH ?g { ?e prov:wasDerivedFrom ?s } } WHERE { GRAPH ?g { ?e prov:wasDerivedFrom ?s }
          FILTER(?e = <https://w3id.org/conflict-kg/id/event/nato-summit-brussels-2017-05-25>) } ;
        INSERT DATA { GRAPH <https://example.org/extra> {
          <https://w3id.org/conflict-kg/id/event/ahrar-al-sham-meeting-eastern-idlib-2017-05-22> rdfs:label "Treffen"@de } }
    """)
    build_index(graph)
    yield graph
    graph.close()


def test_requirements_of_the_query(stripped, monkeypatch, chosen):
    everything = same(monkeypatch, stripped, start=D(2017, 5, 1), end=D(2017, 5, 31))
    monkeypatch.setenv("KG_INDEX", "off")
    events = [row[0].value for row in sparql_events(stripped, start=D(2017, 5, 1), end=D(2017, 5, 31)).rows]
    assert not any("homs-zahraa" in e or "nato-summit" in e for e in events)
    assert sum("ahrar-al-sham-meeting" in e for e in events) == 2 and everything == len(events)
    for day in (D(2017, 5, 22), D(2017, 5, 23), D(2017, 5, 25)):
        same(monkeypatch, stripped, as_of=day)
