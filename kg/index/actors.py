"""``kg actors`` with its event counts read from the analytic event index.

The SPARQL of :func:`kg.read.lookups.actors` counts every actor's events with one join over all
events (ICEWS18: 12 s); here the store lists the actors (class, labels, aliases: one lookup per
actor) and the index counts the events: distinct events with the actor as ``agent``, ``target``
or ``participant`` (sides are participants too), campaigns and retracted events included, as
the SPARQL counts them. Without a fresh index the SPARQL answers, with the same rows.

>>> import kg
>>> graph = kg.open(":memory:"); _ = kg.build(graph)
>>> counts = actor_event_counts(event_index(graph, build=True))
>>> counts["https://w3id.org/conflict-kg/id/actor/isis"] >= 5
True
"""

from __future__ import annotations

import polars as pl

from kg.index.cache import event_index
from kg.index.table import EventIndex
from kg.read.lookups import actors as sparql_actors
from kg.sparql.results import Result
from kg.store.graph import KnowledgeGraph

#: The roles ``kg actors`` counts (``ckg:agent|ckg:target|ckg:participant``).
COUNTED_ROLES = ("agent", "target", "participant")


def actor_event_counts(ix: EventIndex) -> dict[str, int]:
    """Actor IRI -> number of distinct events with it in a counted role."""
    frame = pl.from_arrow(ix.events.select(list(COUNTED_ROLES)))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_row_index("eid")
    roles = pl.concat([frame.select("eid", pl.col(role).alias("actor")).explode("actor") for role in COUNTED_ROLES])
    counts = roles.drop_nulls("actor").unique().group_by("actor").len()
    return dict(zip(counts["actor"].to_list(), counts["len"].to_list()))


def actors(
    kg: KnowledgeGraph, *, type: str | None = None, place: str | None = None, search: str | None = None,  # noqa: A002
) -> Result:
    """:func:`kg.read.lookups.actors`, its counts from the index when the store has a fresh one."""
    ix = event_index(kg)
    counts = actor_event_counts(ix) if ix is not None else None
    return sparql_actors(kg, type=type, place=place, search=search, counts=counts)
