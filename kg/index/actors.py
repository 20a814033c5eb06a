"""``kg actors`` from the analytic event index.

The SPARQL of :func:`kg.read.lookups.actors` groups every actor's labels, classes and aliases and
counts its events with one join over all events (ICEWS18: 12 s; ICEWS14: 7.8 s). Here the index
gives each actor's label, class, Wikidata id and aliases, and counts the events: distinct events with the actor as ``agent``,
``target`` or ``participant`` (sides are participants too), campaigns and retracted events
included, as the SPARQL counts them. Without a fresh index, or with ``place`` (an area's events,
resolved in the store), the SPARQL answers.

>>> import kg
>>> graph = kg.open(":memory:"); _ = kg.build(graph)
>>> counts = actor_event_counts(event_index(graph, build=True))
>>> counts["https://w3id.org/conflict-kg/id/actor/isis"] >= 5
True
"""

from __future__ import annotations

import polars as pl
import pyoxigraph as ox

from kg.base.errors import UsageError
from kg.base.namespaces import CKG
from kg.contract.model import ACTOR_KINDS
from kg.index.cache import event_index
from kg.index.table import EventIndex
from kg.read.lookups import actors as sparql_actors
from kg.read.lookups import narrowed
from kg.sparql.results import Result, Term
from kg.store.graph import KnowledgeGraph

#: The roles ``kg actors`` counts (``ckg:agent|ckg:target|ckg:participant``).
COUNTED_ROLES = ("agent", "target", "participant")


def actor_event_counts(ix: EventIndex) -> dict[str, int]:
    """Actor IRI -> number of distinct events with it in a counted role."""
    frame = pl.from_arrow(ix.events.select(list(COUNTED_ROLES)))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_row_index("eid")
    roles = pl.concat([frame.select("eid", pl.col(role).alias("actor")).explode("actor") for role in COUNTED_ROLES])
    counts = roles.lazy().drop_nulls("actor").group_by("actor").agg(pl.col("eid").n_unique()).collect()
    return dict(zip(counts["actor"].to_list(), counts["eid"].to_list()))


def actors(
    kg: KnowledgeGraph, *, type: str | None = None, place: str | None = None, search: str | None = None,  # noqa: A002
) -> Result:
    """:func:`kg.read.lookups.actors` (the same columns and rows), from the index when the store has a fresh one."""
    ix = event_index(kg)
    if ix is None or place is not None:  # a place's events are counted by the store (kg.read.places)
        return sparql_actors(kg, type=type, place=place, search=search)
    if type and type not in ACTOR_KINDS:
        raise UsageError(f"unknown actor type {type!r}: use one of {', '.join(ACTOR_KINDS)}")
    counts = actor_event_counts(ix)
    table = ix.actors.select(["actor", "label", "type", "wikidata", "aliases"]).to_pydict()
    rows: list[tuple[Term | None, ...]] = []
    for actor, label, kind, qid, aliases in zip(table["actor"], table["label"], table["type"], table["wikidata"], table["aliases"]):
        if not kind or label is None or (type and kind != type):
            continue
        rows.append((ox.NamedNode(actor), ox.Literal(label), ox.NamedNode(str(CKG[kind])),
                     ox.Literal(qid) if qid else None, ox.Literal(str(counts.get(actor, 0)), datatype=_INTEGER),
                     ox.Literal("; ".join(sorted(set(aliases or []))))))
    rows.sort(key=lambda r: (-int(r[4].value), r[1].value))  # type: ignore[union-attr]  # as the SPARQL orders
    result = Result("select", variables=["actor", "label", "class", "wikidata", "events", "aliases"], rows=rows)
    return narrowed(kg, result, place=None, search=search)

_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
