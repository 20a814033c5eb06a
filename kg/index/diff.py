"""``kg diff`` with its event parts read from the analytic event index.

:func:`kg.read.diff.network_diff` reads every event of the store twice (first-ever hostile dyads,
each actor's first and last activity); here the index answers both with the same rules: hostile
means an event type with a negative ``ckg:sign``, campaigns with parts and retracted events are
left out of the dyads, retracted events out of the activity, dates are start days, actors need a
label. States come from the store (few). With ``place`` (an area's events), or without a fresh
index, the SPARQL answers. A dyad's ``event`` is an event of its first day (the SPARQL's
``SAMPLE`` may name any of its events).

>>> import kg, datetime as dt
>>> graph = kg.open(":memory:"); _ = kg.build(graph)
>>> change = network_diff(graph, start=dt.date(2017, 5, 18), end=dt.date(2017, 5, 20))
>>> change.first_hostile_dyads[0]["agentLabel"]
'Islamic State of Iraq and Syria'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from kg.index.cache import event_index
from kg.index.table import EventIndex
from kg.read import diff as sparql
from kg.read.diff import NetworkDiff
from kg.store.graph import KnowledgeGraph

#: The roles of an actor's activity (``ckg:agent|target|participant|sideA|sideB``).
ACTIVE_ROLES = ("agent", "target", "participant", "sideA", "sideB")


def network_diff(kg: KnowledgeGraph, *, start: dt.date, end: dt.date, place: str | None = None) -> NetworkDiff:
    """:func:`kg.read.diff.network_diff`, its event parts from the index when the store has a fresh one."""
    ix = event_index(kg) if place is None else None
    if ix is None:
        return sparql.network_diff(kg, start=start, end=end, place=place)
    change = sparql.state_changes(kg, start=start, end=end)
    change.first_hostile_dyads = [row for row in first_hostile_dyads(ix) if start <= row["first"] <= end]
    sparql.sort_activity(change, activity(ix, start=start, end=end))
    return change


def _frame(ix: EventIndex, *columns: str) -> pl.DataFrame:
    frame = pl.from_arrow(ix.events.select(["invalidated", *columns]))
    assert isinstance(frame, pl.DataFrame)
    return frame.filter(pl.col("invalidated").is_null()).drop("invalidated")


def _labels(ix: EventIndex) -> pl.DataFrame:
    frame = pl.from_arrow(ix.actors.select(["actor", "label"]))
    assert isinstance(frame, pl.DataFrame)
    return frame.filter(pl.col("label").is_not_null())


def first_hostile_dyads(ix: EventIndex) -> list[dict[str, Any]]:
    """Every (agent, target) pair of hostile events with the first day and an event of that day,
    by first day and labels."""
    events = _frame(ix, "event", "start", "sign", "has_parts", "agent", "target").filter(
        (pl.col("sign") < 0) & ~pl.col("has_parts"))
    pairs = events.explode("agent").explode("target").drop_nulls(["agent", "target"])
    labels = _labels(ix)
    out = (pairs.sort("start", "event").group_by("agent", "target", maintain_order=True)
           .agg(pl.col("start").first().alias("first"), pl.col("event").first())
           .join(labels.rename({"actor": "agent", "label": "agentLabel"}), on="agent")
           .join(labels.rename({"actor": "target", "label": "targetLabel"}), on="target")
           .sort("first", "agentLabel", "targetLabel", "agent", "target"))
    return out.select("agent", "target", "agentLabel", "targetLabel", "first", "event").to_dicts()


def activity(ix: EventIndex, *, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Each labelled actor's first and last start day, and its events in the period (``now``) and in
    the period of equal length before it (``earlier``), by label."""
    before = sparql.quiet_since(start, end)
    events = _frame(ix, "start", *ACTIVE_ROLES).with_row_index("eid")
    roles = pl.concat([events.select("eid", "start", pl.col(role).alias("actor")).explode("actor") for role in ACTIVE_ROLES])
    day = pl.col("start")
    # one row per (event, actor): a property path with alternatives matches each pair once
    out = (roles.drop_nulls("actor").unique(["eid", "actor"]).group_by("actor")
           .agg(day.min().alias("first"), day.max().alias("last"),
                day.is_between(start, end).sum().alias("now"),
                ((day >= before) & (day < start)).sum().alias("earlier"))
           .join(_labels(ix), on="actor")
           .sort("label", "actor"))
    return out.select("actor", "label", "first", "last", "now", "earlier").to_dicts()
