"""``kg events`` with its events chosen by the analytic event index.

:func:`kg.read.lookups.events` finds the events with one SPARQL query: the store has no index on
dates, so a window, a valid day (``as_of``) or a record day (``known_on``) is a join on each day of
the window and a filter on every candidate. Here the index chooses them column by column with the
same tests (:class:`~kg.index.table.EventIndex`: the window in both precision modes with a
dataset's possible range, the valid day, the record day), and the actor in any role
(:data:`~kg.read.lookups.ACTOR_ROLES`), the type (a class, a project type or a dataset's own, with
the concepts below it), the place (its events from the store: :func:`kg.read.places.events_in_place`)
and an Allen relation to another event or state (its dates from the store). The rows are then
read from the store for those events only (:func:`kg.read.lookups.event_rows`: the same query's
columns and requirements, the same order, every column), so they are the SPARQL path's rows.

The SPARQL path stays the reference (``KG_INDEX=off``) and answers without a fresh index. With
the default policy (``auto``) it also answers where it is as fast, measured on ICEWS18 (see
:func:`pays`): a window of up to a year or a valid day without an actor, a type or a relation (the
SPARQL joins on the window's days and is as fast or faster), a place alone, nothing at all.
``KG_INDEX=on`` sends every lookup with something to choose through the index.

>>> import kg
>>> graph = kg.open(":memory:"); _ = kg.build(graph)
>>> _ = event_index(graph, build=True)
>>> [e["event"].rsplit("/", 1)[-1] for e in events(graph, actor="ahrar-al-sham", type="Attack").records()]
['isis-attack-wave-western-syria-2017-05', 'isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22']
"""

from __future__ import annotations

import datetime as dt
from typing import Unpack

import numpy as np
import pyarrow as pa
import pyoxigraph as ox

from kg.base.temporal import Allen, Match, Window
from kg.index.cache import event_index, policy
from kg.index.table import EventIndex
from kg.read import lookups as sparql
from kg.read.lookups import EventFilters, actor_iri, event_rows, event_type_of, fact_iri, relation_of
from kg.read.timeline import Entry, TimelineFilters, entries, state_rows
from kg.read.timeline import event_rows as timeline_event_rows
from kg.read.timeline import timeline as sparql_timeline
from kg.read.timeview import JOIN_DAYS_MAX, fact_dates
from kg.sparql.results import Result
from kg.store.graph import KnowledgeGraph

#: The roles of :data:`kg.read.lookups.ACTOR_ROLES` as the index's columns.
ACTOR_COLUMNS = ("agent", "target", "participant", "sideA", "sideB")

_ONE_DAY = np.timedelta64(1, "D")


def events(kg: KnowledgeGraph, **filters: Unpack[EventFilters]) -> Result:
    """:func:`kg.read.lookups.events` (the same rows in the same order), its events chosen by the
    index when the store has a fresh one.

    :raises UsageError: as :func:`kg.read.lookups.events`.
    """
    Match(filters.get("mode", Match.LOOSE))  # a bad mode fails here, as in the reference
    start, end, as_of = filters.get("start"), filters.get("end"), filters.get("as_of")
    Window(start, end)
    chooses = any(filters.get(k) is not None for k in ("actor", "type", "start", "end", "as_of", "known_on", "relation", "to_event"))
    narrowed = filters.get("actor") or filters.get("type") or filters.get("relation")
    ix = event_index(kg) if chooses and pays(start, end, as_of, narrowed) else None
    if ix is None:
        return sparql.events(kg, **filters)
    return event_rows(kg, facts(kg, ix, choose(kg, ix, **filters)))


def pays(start: dt.date | None, end: dt.date | None, as_of: dt.date | None, narrowed: object) -> bool:
    """Whether the index is worth loading for this lookup (``$KG_INDEX=on``: always).

    Measured on ICEWS18 (468,577 events; docs/analytics.md): the SPARQL finds a window of up to
    :data:`~kg.read.timeview.JOIN_DAYS_MAX` days, or a valid day, by a join on its days about as
    fast as the index chooses (a week: 4.4 s against 4.0-4.6 s; a valid day: 1.15 s against 1.4 s); an
    actor, a type or a relation (``narrowed``) makes the SPARQL filter every event of the actor or
    type (or every event), where the index answers in milliseconds.
    """
    if policy() == "on" or narrowed:
        return True
    short_window = start is not None and end is not None and (end - start).days < JOIN_DAYS_MAX
    return not (short_window or as_of is not None)


def choose(kg: KnowledgeGraph, ix: EventIndex, **filters: Unpack[EventFilters]) -> np.ndarray:
    """The index rows of the events :func:`kg.read.lookups.events` keeps (before its requirement of
    a label and a source, which :func:`kg.read.lookups.event_rows` applies).

    Names are resolved in the reference's order, so a wrong one fails with the same message.
    """
    actor, type_, place, as_of = filters.get("actor"), filters.get("type"), filters.get("place"), filters.get("as_of")
    relation, to_event, mode = filters.get("relation"), filters.get("to_event"), Match(filters.get("mode", Match.LOOSE))
    keep = ix.in_window(filters.get("start"), filters.get("end"), mode) & ix.known_on(filters.get("known_on"))
    if actor:
        keep &= ix.with_actor(actor_iri(kg, actor), ACTOR_COLUMNS)
    if place:
        from kg.read.places import events_in_place

        keep &= np.isin(ix.array("event"), sorted(events_in_place(kg, place)))
    if type_:
        keep &= of_type(ix, *event_type_of(kg, type_))
    if as_of:
        keep &= ix.as_of(as_of, mode)
    allen = relation_of(relation, to_event)
    if allen is not None and to_event is not None:
        other = fact_iri(kg, to_event)
        keep &= related(ix, allen, spans(kg, other)) & (ix.array("event") != other)
    return keep


def of_type(ix: EventIndex, kind: str, iris: list[str]) -> np.ndarray:
    """Events of a class (``kind`` ``"class"``) or of concepts with what is below them (``ckg:eventType``
    or ``ckg:sourceEventType``): :func:`kg.read.lookups.event_type_pattern` on the index's columns."""
    if kind == "class":
        return ix.array("class") == iris[0].rsplit("#", 1)[-1]
    below = sorted(set().union(*(ix.narrower(iri) for iri in iris)))
    return np.isin(ix.array("type"), below) | np.isin(ix.array("dataset_type"), below)


def spans(kg: KnowledgeGraph, fact: str) -> list[tuple[dt.date, dt.date]]:
    """The start and inclusive end of an event or state (an open state ends far in the future)."""
    query = f"SELECT ?otherStart ?otherEnd WHERE {{ {fact_dates(kg, '?other', '?otherStart', '?otherEnd')} }}"
    rows = kg.query(query, params={"other": ox.NamedNode(fact)}).records()
    return [(r["otherStart"], r["otherEnd"]) for r in rows
            if isinstance(r.get("otherStart"), dt.date) and isinstance(r.get("otherEnd"), dt.date)]


def related(ix: EventIndex, allen: Allen, others: list[tuple[dt.date, dt.date]]) -> np.ndarray:
    """Events in the relation ``allen`` to any of the spans ``others``
    (:meth:`kg.base.temporal.Allen.sparql_filter` on the columns)."""
    a0, a1 = ix.array("start"), ix.array("end")
    keep = np.zeros(ix.events.num_rows, dtype=bool)
    for first, last in others:
        keep |= _holds(allen, a0, a1, np.datetime64(first, "D"), np.datetime64(last, "D"))
    return keep


def _holds(allen: Allen, a0: np.ndarray, a1: np.ndarray, b0: np.datetime64, b1: np.datetime64) -> np.ndarray:
    """``a0..a1 <allen> b0..b1`` element-wise (a missing date, NaT, fails as SPARQL's comparison does)."""
    if allen is Allen.BEFORE:
        return np.asarray((b0 - a1) > _ONE_DAY)
    if allen is Allen.AFTER:
        return (a0 - b1) > _ONE_DAY
    if allen is Allen.MEETS:
        return np.asarray((b0 - a1) == _ONE_DAY)
    if allen is Allen.MET_BY:
        return (a0 - b1) == _ONE_DAY
    if allen is Allen.OVERLAPS:
        return (a0 < b0) & (b0 <= a1) & (a1 < b1)
    if allen is Allen.OVERLAPPED_BY:
        return (b0 < a0) & (a0 <= b1) & (b1 < a1)
    if allen is Allen.STARTS:
        return (a0 == b0) & (a1 < b1)
    if allen is Allen.STARTED_BY:
        return (a0 == b0) & (b1 < a1)
    if allen is Allen.DURING:
        return (b0 < a0) & (a1 < b1)
    if allen is Allen.CONTAINS:
        return (a0 < b0) & (b1 < a1)
    if allen is Allen.FINISHES:
        return (a1 == b1) & (b0 < a0)
    if allen is Allen.FINISHED_BY:
        return (a1 == b1) & (a0 < b0)
    return (a0 == b0) & (a1 == b1)  # EQUALS


def facts(kg: KnowledgeGraph, ix: EventIndex, keep: np.ndarray) -> list[tuple[str, dt.date, dt.date, str, str, str]]:
    """The chosen events that have a source (the query asks for one), as
    :func:`kg.read.lookups.event_rows` takes them (IRI, start, end, precision, class IRI, type IRI),
    by start day, then IRI."""
    table = ix.events.select(["event", "start", "end", "precision", "class", "type", "source"]).take(
        pa.array(np.flatnonzero(keep)))
    classes = {iri.rsplit("#", 1)[-1]: iri for iri in kg.subclasses("Event")}
    rows = sorted(zip(*(c.to_pylist() for c in table.columns)), key=lambda r: (r[1], r[0]))
    return [(event, start, end, precision, classes[cls], kind)
            for event, start, end, precision, cls, kind, source in rows if source]


def in_order(ix: EventIndex, keep: np.ndarray) -> list[str]:
    """The chosen events' IRIs by start day, then IRI (so each batch of a ``VALUES`` query is a run)."""
    table = ix.events.select(["event", "start"]).take(pa.array(np.flatnonzero(keep)))
    return [event for event, _ in sorted(zip(*(c.to_pylist() for c in table.columns)), key=lambda r: (r[1], r[0]))]


def timeline(kg: KnowledgeGraph, **scope: Unpack[TimelineFilters]) -> list[Entry]:
    """:func:`kg.read.timeline.timeline` (the same entries), its events chosen by the index when the
    store has a fresh one (the actor in any role or what a statement is about); the state changes
    come from the store."""
    actor, place, known_on = scope.get("actor"), scope.get("place"), scope.get("known_on")
    start, end = scope.get("start"), scope.get("end")
    Window(start, end)
    mode = Match(scope.get("mode", Match.LOOSE))
    chooses = any(v is not None for v in (actor, start, end, known_on))
    ix = event_index(kg) if chooses and pays(start, end, None, actor) else None
    if ix is None:
        return sparql_timeline(kg, **scope)
    keep = ix.in_window(start, end, mode) & ix.known_on(known_on)
    if actor:
        keep &= ix.with_actor(actor_iri(kg, actor), (*ACTOR_COLUMNS, "about"))
    if place:
        from kg.read.places import events_in_place

        keep &= np.isin(ix.array("event"), sorted(events_in_place(kg, place)))
    rows = timeline_event_rows(kg, in_order(ix, keep))
    rows += state_rows(kg, **scope)
    return entries(rows)
