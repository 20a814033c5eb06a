"""The actor network as GraphML or dynamic GEXF, for Gephi, Cytoscape, yEd or networkx.

Both formats hold the *collapsed* projection of a period
(:func:`kg.analysis.projection.collapse`): one directed edge per ordered pair of actors
(agent -> target; an undirected co-participation gives both directions) with

- ``count``, ``hostile``, ``cooperative``, ``neutral``, ``sign_sum``, ``sign`` (-1/0/+1 of
  ``sign_sum``), ``first`` and ``last`` (ISO dates) and ``weight`` (= ``count``);
- nodes: their IRI as id, ``label``, ``type`` (actor class) and ``wikidata``.

GEXF is *dynamic* (``mode="dynamic"``, ``timeformat="date"``): every node and edge carries
``<spells>``, the days its events cover (each event ``startDate..endDate``, inclusive;
overlapping or adjacent days merged, since Gephi rejects overlapping intervals), so the
network plays on Gephi's timeline. GEXF 1.2 (``http://www.gexf.net/1.2draft``), the
version Gephi and networkx read.

>>> import kg, io, networkx as nx
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> g = nx.read_gexf(io.BytesIO(export_network(graph, "gexf")))
>>> g.graph["mode"], g.nodes["https://w3id.org/conflict-kg/id/actor/ahrar-al-sham"]["spells"]
('dynamic', [('2017-05-22', '2017-05-22')])
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Unpack

import networkx as nx

import kg as _kg
from kg.analysis.projection import collapse
from kg.analysis.span import Scope, projection
from kg.base.errors import UsageError
from kg.store.graph import KnowledgeGraph

GEXF_NS = "http://www.gexf.net/1.2draft"


class NetworkFormat(enum.Enum):
    """Network formats of ``kg export``."""

    GRAPHML = ("graphml", ".graphml")
    GEXF = ("gexf", ".gexf")

    def __init__(self, label: str, extension: str) -> None:
        self.label = label
        self.extension = extension

    @classmethod
    def parse(cls, name: str | NetworkFormat) -> NetworkFormat:
        """By name (``gexf``) or file extension (``.gexf``).

        :raises UsageError: anything else.
        """
        if isinstance(name, NetworkFormat):
            return name
        for fmt in cls:
            if name in (fmt.label, fmt.extension, fmt.extension.lstrip(".")):
                return fmt
        raise UsageError(f"unknown network format {name!r}: use graphml or gexf")

    @classmethod
    def from_extension(cls, path: str | Path) -> NetworkFormat:
        """The format a file name implies (``net.gexf`` -> GEXF)."""
        return cls.parse(Path(path).suffix.lower())


def export_network(kg: KnowledgeGraph, fmt: str | NetworkFormat, **scope: Unpack[Scope]) -> bytes:
    """The actor network as GraphML or GEXF bytes: the projection of ``start..end`` (the whole store
    without bounds; options: :class:`kg.analysis.span.Scope`, ``place`` included), collapsed."""
    fmt = NetworkFormat.parse(fmt)
    graph = projection(kg, **scope)
    graph.graph["place"] = scope.get("place")
    return graphml_bytes(graph) if fmt is NetworkFormat.GRAPHML else gexf_bytes(graph)


def write_network(kg: KnowledgeGraph, path: str | Path, fmt: str | NetworkFormat | None = None, **scope: Unpack[Scope]) -> Path:
    """Write the network to ``path`` (format from the extension unless given); return the path."""
    target = Path(path)
    chosen = NetworkFormat.parse(fmt) if fmt else NetworkFormat.from_extension(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(export_network(kg, chosen, **scope))
    return target


def _collapsed(graph: nx.MultiDiGraph) -> nx.DiGraph:
    out = collapse(graph)
    for _, _, data in out.edges(data=True):
        data["sign"] = (data["sign_sum"] > 0) - (data["sign_sum"] < 0)
    return out


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GraphML of the collapsed projection (dates as ISO strings; graph attributes ``start``,
    ``end``, ``known_on`` and ``place`` as strings, empty when open).

    Examples
    --------
    >>> g = nx.MultiDiGraph(start=None, end=None, known_on=None)
    >>> _ = g.add_edge("a", "b", sign=-1, date=dt.date(2017, 5, 1), directed=True)
    >>> back = nx.read_graphml(io.BytesIO(graphml_bytes(g)))
    >>> back.edges["a", "b"]["hostile"], back.edges["a", "b"]["first"]
    (1, '2017-05-01')
    """
    out = _collapsed(graph)
    clean = nx.DiGraph(**{k: _text(graph.graph.get(k)) for k in ("start", "end", "known_on", "place")})
    for node, data in out.nodes(data=True):
        clean.add_node(node, **{k: _text(data.get(k)) for k in ("label", "type", "wikidata")})
    for a, b, data in out.edges(data=True):
        clean.add_edge(a, b, **{k: (_text(v) if isinstance(v, (dt.date, type(None))) else v) for k, v in data.items()})
    buf = io.BytesIO()
    nx.write_graphml(clean, buf, encoding="utf-8")
    return buf.getvalue()


def spells(intervals: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Inclusive day intervals merged where they overlap or touch.

    >>> d = dt.date
    >>> spells([(d(2017, 5, 3), d(2017, 5, 3)), (d(2017, 5, 1), d(2017, 5, 2)), (d(2017, 5, 9), d(2017, 5, 9))])
    [(datetime.date(2017, 5, 1), datetime.date(2017, 5, 3)), (datetime.date(2017, 5, 9), datetime.date(2017, 5, 9))]
    """
    merged: list[list[dt.date]] = []
    for first, last in sorted(intervals):
        if merged and first <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


def gexf_bytes(graph: nx.MultiDiGraph) -> bytes:
    """Dynamic GEXF 1.2 of the collapsed projection, with node and edge spells from event dates.

    Written by :func:`networkx.write_gexf` (``version="1.2draft"``), which turns a ``spells``
    attribute of ISO-date pairs into ``<spells>`` and sets ``mode="dynamic"`` and
    ``timeformat="date"``. Two things it cannot write are added to its output afterwards: the
    graph's ``start``/``end`` (the bounds of Gephi's timeline; networkx writes no graph-level
    time attribute) and our ``<meta>`` creator and description (networkx writes its own).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", sign=1, date=dt.date(2017, 5, 1), end=dt.date(2017, 5, 1), directed=True)
    >>> _ = g.add_edge("a", "b", sign=1, date=dt.date(2017, 5, 7), end=dt.date(2017, 5, 8), directed=True)
    >>> back = nx.read_gexf(io.BytesIO(gexf_bytes(g)))
    >>> back.edges["a", "b"]["spells"], back.edges["a", "b"]["count"]
    ([('2017-05-01', '2017-05-01'), ('2017-05-07', '2017-05-08')], 2)
    """
    out = _collapsed(graph)
    node_days: dict[Any, list[tuple[dt.date, dt.date]]] = {n: [] for n in out}
    edge_days: dict[tuple[Any, Any], list[tuple[dt.date, dt.date]]] = {}
    for a, b, data in graph.edges(data=True):
        span = (data["date"], data.get("end") or data["date"])
        node_days[a].append(span)
        node_days[b].append(span)
        pairs = [(a, b)] if data.get("directed", True) else [(a, b), (b, a)]
        for pair in pairs:
            edge_days.setdefault(pair, []).append(span)
    dynamic = nx.DiGraph(mode="dynamic")
    for node in sorted(out.nodes, key=str):
        data = out.nodes[node]
        dynamic.add_node(node, label=_text(data.get("label")) or str(node), **_present(data, _NODE_ATTRS),
                         spells=_iso_spells(node_days[node]))
    for i, (a, b) in enumerate(sorted(out.edges, key=lambda e: (str(e[0]), str(e[1])))):
        data = out.edges[a, b]
        dynamic.add_edge(a, b, id=str(i), weight=data["weight"], **_present(data, _EDGE_ATTRS),
                         spells=_iso_spells(edge_days.get((a, b), [])))
    buf = io.BytesIO()
    nx.write_gexf(dynamic, buf, encoding="utf-8", version="1.2draft")
    root = ET.fromstring(buf.getvalue())
    meta = root.find(f"{{{GEXF_NS}}}meta")
    if meta is not None:
        meta.find(f"{{{GEXF_NS}}}creator").text = f"conflict-kg {_kg.__version__}"  # type: ignore[union-attr]
        ET.SubElement(meta, f"{{{GEXF_NS}}}description").text = (
            "Actor network: one edge per ordered pair of actors, spells = days of their events")
    element = root.find(f"{{{GEXF_NS}}}graph")
    days = [d for spans in node_days.values() for span in spans for d in span]
    if element is not None and days:
        element.set("start", min(days).isoformat())
        element.set("end", max(days).isoformat())
    ET.register_namespace("", GEXF_NS)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


#: GEXF attributes of nodes and edges besides id, label and weight (always written).
_NODE_ATTRS = ("type", "wikidata")
_EDGE_ATTRS = ("count", "hostile", "cooperative", "neutral", "sign_sum", "sign", "first", "last")


def _present(data: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The attributes that have a value (dates as ISO strings); empty ones are left out."""
    return {k: _text(data[k]) if isinstance(data[k], dt.date) else data[k] for k in names if data.get(k) not in (None, "")}


def _iso_spells(intervals: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[str, str]]:
    return [(first.isoformat(), last.isoformat()) for first, last in spells(intervals)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
