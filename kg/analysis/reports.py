"""Whole-dataset reports on the analytic event index: the saved queries that read every event.

Four saved queries aggregate every event of the store (``hostile-dyads``, ``weekly-event-counts``,
``actor-activity-span``, ``shared-attacker-targets``): on ICEWS18 each takes 10 to over 15 s of
SPARQL. Here they are the same questions asked of the index (:mod:`kg.index`) with Polars, with
the same rules: campaigns (events with parts) and retracted events are left out, hostile means
an event type with ``ckg:sign`` -1, weeks are ISO weeks of day-precise events. Rows carry both
the IRIs and the labels (the saved queries group by label; on data where two resources share a
label they merge rows the reports keep apart). A store without a fresh index gets one first.

>>> import kg
>>> graph = kg.open(":memory:"); _ = kg.build(graph)
>>> [(r["agent_label"], r["target_label"], r["events"]) for r in hostile_dyads(graph)][:1]
[('Islamic State of Iraq and Syria', 'Ismaili community (Syria)', 1)]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from kg.index.cache import event_index
from kg.index.table import EventIndex
from kg.store.graph import KnowledgeGraph

#: Columns of each report, in order.
DYAD_COLUMNS = ["agent", "agent_label", "target", "target_label", "events", "first", "last"]
WEEKLY_COLUMNS = ["actor", "label", "week", "week_start", "events"]
SPAN_COLUMNS = ["actor", "label", "first", "last", "events"]
SHARED_COLUMNS = ["attacker", "attacker_label", "target1", "target1_label", "target2", "target2_label", "attacks1", "attacks2"]


def _index(kg: KnowledgeGraph) -> EventIndex:
    ix = event_index(kg, build=True)
    if ix is None:  # a read-only store without a stamp, or KG_INDEX=off
        from kg.base.errors import UsageError

        raise UsageError("this report reads the analytic event index: run 'kg index' once (and leave KG_INDEX unset)")
    return ix


def _standing(ix: EventIndex, *columns: str) -> pl.DataFrame:
    """Events the reports count (not campaigns with parts, never retracted), with ``eid``."""
    frame = pl.from_arrow(ix.events.select(["has_parts", "invalidated", *columns]))
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_row_index("eid")
    return frame.filter(~pl.col("has_parts") & pl.col("invalidated").is_null()).drop("has_parts", "invalidated")


def _labels(ix: EventIndex, *, actors_only: bool = False) -> pl.DataFrame:
    frame = pl.from_arrow(ix.actors.select(["actor", "label", "type"]))
    assert isinstance(frame, pl.DataFrame)
    if actors_only:
        frame = frame.filter(pl.col("type") != "")
    return frame.filter(pl.col("label").is_not_null()).select("actor", "label").unique("actor", keep="first")


def _rows(frame: pl.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    return frame.select(columns).to_dicts()


def hostile_dyads(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Directed (agent, target) pairs of hostile events with the number of events and the first and
    last day (``hostile-dyads``), by first day."""
    ix = _index(kg)
    events = _standing(ix, "sign", "start", "end", "agent", "target").filter(pl.col("sign") == -1)
    pairs = events.explode("agent").explode("target").drop_nulls(["agent", "target"])
    labels = _labels(ix)
    out = (pairs.group_by("agent", "target")
           .agg(pl.col("eid").n_unique().alias("events"), pl.col("start").min().alias("first"), pl.col("end").max().alias("last"))
           .join(labels.rename({"actor": "agent", "label": "agent_label"}), on="agent")
           .join(labels.rename({"actor": "target", "label": "target_label"}), on="target")
           .sort("first", "agent_label", "target_label"))
    return _rows(out, DYAD_COLUMNS)


def weekly_counts(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Events per ISO week per actor as agent, day-precise events only (``weekly-event-counts``)."""
    ix = _index(kg)
    events = _standing(ix, "precision", "start", "agent").filter(pl.col("precision") == "day")
    rows = events.explode("agent").drop_nulls("agent").with_columns(
        pl.col("start").dt.truncate("1w").alias("week_start"),
        (pl.col("start").dt.iso_year().cast(pl.Utf8) + "-W" + pl.col("start").dt.week().cast(pl.Utf8).str.zfill(2)).alias("week"),
    )
    out = (rows.group_by("agent", "week", "week_start").agg(pl.col("eid").n_unique().alias("events"))
           .join(_labels(ix).rename({"actor": "agent"}), on="agent")
           .rename({"agent": "actor"})
           .sort("label", "week_start"))
    return _rows(out, WEEKLY_COLUMNS)


def activity_spans(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """First start, last day and number of events of every actor as agent, target or participant
    (``actor-activity-span``), by first day."""
    ix = _index(kg)
    events = _standing(ix, "start", "end", "agent", "target", "participant")
    roles = pl.concat([events.select("eid", "start", "end", pl.col(role).alias("actor")).explode("actor")
                       for role in ("agent", "target", "participant")]).drop_nulls("actor")
    out = (roles.group_by("actor")
           .agg(pl.col("start").min().alias("first"), pl.col("end").max().alias("last"), pl.col("eid").n_unique().alias("events"))
           .join(_labels(ix, actors_only=True), on="actor")
           .sort("first", "label"))
    return _rows(out, SPAN_COLUMNS)


def shared_attacker_targets(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """Pairs of targets attacked by the same attacker, with the attacks on each
    (``shared-attacker-targets``); attacks are events of ``ckg:Attack`` or a subclass."""
    ix = _index(kg)
    attack_classes = [iri.rsplit("#", 1)[-1] for iri in kg.subclasses("Attack")]
    events = _standing(ix, "class", "agent", "target").filter(pl.col("class").is_in(attack_classes))
    hits = (events.explode("agent").explode("target").drop_nulls(["agent", "target"])
            .group_by("agent", "target").agg(pl.col("eid").n_unique().alias("attacks")))
    pairs = (hits.join(hits, on="agent", suffix="2").filter(pl.col("target") < pl.col("target2"))
             .rename({"agent": "attacker", "target": "target1", "target2": "target2", "attacks": "attacks1"}))
    labels = _labels(ix)
    out = (pairs.join(labels.rename({"actor": "attacker", "label": "attacker_label"}), on="attacker")
           .join(labels.rename({"actor": "target1", "label": "target1_label"}), on="target1")
           .join(labels.rename({"actor": "target2", "label": "target2_label"}), on="target2")
           .sort("attacker_label", "target1_label", "target2_label"))
    return _rows(out, SHARED_COLUMNS)


def first_and_last(kg: KnowledgeGraph) -> tuple[dt.date, dt.date] | None:
    """The first start and last end of the events analyses count (the default analysed window)."""
    ix = _index(kg)
    frame = _standing(ix, "start", "end")
    if frame.height == 0:
        return None
    return frame["start"].min(), frame["end"].max()  # type: ignore[return-value]
