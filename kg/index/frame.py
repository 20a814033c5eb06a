"""The events as a table for researchers: pandas, Polars, Parquet and CSV.

One row per event with the columns of :mod:`kg.index.columns` and, beside each role's actor IRIs,
their labels (``agent_labels``, ``target_labels``...): the form people load into pandas, R
(``arrow::read_parquet``) and Stata (the CSV). Campaigns with parts and retracted events are
rows too (``has_parts``, ``invalidated``): filter them as the analyses do, or keep them.

The table is read from the analytic event index when it is fresh, else from a scan of the store
made for this call (nothing is written beside the store).

>>> import kg
>>> graph = kg.open(":memory:"); _ = kg.build(graph)
>>> frame = events_frame(graph)
>>> len(frame), list(frame.loc[frame["class"] == "Attack", "agent_labels"].iloc[0])
(19, ['Islamic State of Iraq and Syria'])
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kg.base.errors import UsageError
from kg.index.cache import event_index
from kg.index.columns import ROLES
from kg.index.scan import scan
from kg.read.licences import graph_licences
from kg.store.graph import KnowledgeGraph

#: File formats of :func:`write_events`.
FORMATS = ("parquet", "csv")


def events_table(kg: KnowledgeGraph) -> pa.Table:
    """Every event, one row each, with role labels (an Arrow table; columns: module docstring)."""
    ix = event_index(kg)
    tables = (ix.events, ix.actors) if ix is not None else _scanned(kg)
    events, actors = tables
    names = dict(zip(actors.column("actor").to_pylist(), actors.column("label").to_pylist()))
    out = events
    for role in ROLES:
        labels = [[names.get(iri) or "" for iri in members] for members in events.column(role).to_pylist()]
        out = out.append_column(f"{role}_labels", pa.array(labels, pa.list_(pa.string())))
    return out


def _scanned(kg: KnowledgeGraph) -> tuple[pa.Table, pa.Table]:
    tables = scan(kg)
    return tables.events, tables.actors


def events_frame(kg: KnowledgeGraph, *, engine: str = "pandas") -> Any:
    """The events as a pandas DataFrame (``engine="polars"``: a Polars one).

    :raises UsageError: an unknown engine, or pandas/Polars not installed.
    """
    table = events_table(kg)
    if engine == "polars":
        try:
            import polars as pl
        except ImportError:
            raise UsageError("engine='polars' needs Polars: pip install polars") from None
        return pl.from_arrow(table)
    if engine != "pandas":
        raise UsageError(f"unknown engine {engine!r}: use pandas or polars")
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise UsageError("a pandas DataFrame needs pandas: pip install 'conflict-kg[pandas]'") from None
    return table.to_pandas(types_mapper=None)


_GRAPH_SOURCES = "SELECT ?g ?source WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?source } }"


def restricted_sources(kg: KnowledgeGraph) -> set[str]:
    """The sources whose facts are in a named graph not marked redistributable (an ACLED import):
    their events stay out of an export unless it is asked for them (:mod:`kg.read.licences`)."""
    withheld = {g.graph for g in graph_licences(kg) if not g.redistributable}
    if not withheld:
        return set()
    return {row["source"] for row in kg.query(_GRAPH_SOURCES).records() if row["g"] in withheld}


def write_events(kg: KnowledgeGraph, path: str | os.PathLike[str], fmt: str | None = None, *,
                 include_restricted: bool = False) -> Path:
    """Write the events to ``path`` as Parquet or CSV (``fmt``, else from the extension); CSV joins
    each list of IRIs or labels with ``"; "``. Events from graphs not marked redistributable are
    left out unless ``include_restricted`` (as in ``kg export``'s RDF formats).

    :raises UsageError: an unknown format.
    """
    target = Path(path)
    fmt = fmt or target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"unknown events format {fmt!r}: use {' or '.join(FORMATS)}")
    table = events_table(kg)
    hidden = set() if include_restricted else restricted_sources(kg)
    if hidden:
        table = table.filter(pc.invert(pc.is_in(table.column("source"), value_set=pa.array(sorted(hidden)))))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, target)
        return target
    import pyarrow.csv as pcsv

    flat = table
    for i, column in enumerate(table.schema):
        if pa.types.is_list(column.type):
            joined = pc.binary_join(table.column(i), "; ")
            flat = flat.set_column(i, column.name, pc.fill_null(joined, ""))
    pcsv.write_csv(flat, target)
    return target
