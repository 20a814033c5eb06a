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
from typing import Any

import networkx as nx

import kg as _kg
from kg.analysis.projection import actor_graph, collapse
from kg.base.errors import UsageError
from kg.store.graph import KnowledgeGraph

GEXF_NS = "http://www.gexf.net/1.2draft"
_NODE_ATTRS = [("type", "string"), ("wikidata", "string")]
_EDGE_ATTRS = [
    ("count", "integer"), ("hostile", "integer"), ("cooperative", "integer"), ("neutral", "integer"),
    ("sign_sum", "integer"), ("sign", "integer"), ("first", "string"), ("last", "string"),
]


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


def network(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    relations: Iterable[str] | None = None,
    known_on: dt.date | None = None,
) -> nx.MultiDiGraph:
    """The per-event projection an export is written from (the whole store without bounds)."""
    return actor_graph(kg, start=start, end=end, relations=list(relations) if relations else None, known_on=known_on)


def export_network(kg: KnowledgeGraph, fmt: str | NetworkFormat, **options: Any) -> bytes:
    """The actor network of ``start..end`` as GraphML or GEXF bytes (``options``: :func:`network`)."""
    fmt = NetworkFormat.parse(fmt)
    graph = network(kg, **options)
    return graphml_bytes(graph) if fmt is NetworkFormat.GRAPHML else gexf_bytes(graph)


def write_network(kg: KnowledgeGraph, path: str | Path, fmt: str | NetworkFormat | None = None, **options: Any) -> Path:
    """Write the network to ``path`` (format from the extension unless given); return the path."""
    target = Path(path)
    chosen = NetworkFormat.parse(fmt) if fmt else NetworkFormat.from_extension(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(export_network(kg, chosen, **options))
    return target


def _collapsed(graph: nx.MultiDiGraph) -> nx.DiGraph:
    out = collapse(graph)
    for _, _, data in out.edges(data=True):
        data["sign"] = (data["sign_sum"] > 0) - (data["sign_sum"] < 0)
    return out


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    """GraphML of the collapsed projection (dates as ISO strings; graph attributes ``start``,
    ``end``, ``known_on`` as strings, empty when open).

    Examples
    --------
    >>> g = nx.MultiDiGraph(start=None, end=None, known_on=None)
    >>> _ = g.add_edge("a", "b", sign=-1, date=dt.date(2017, 5, 1), directed=True)
    >>> back = nx.read_graphml(io.BytesIO(graphml_bytes(g)))
    >>> back.edges["a", "b"]["hostile"], back.edges["a", "b"]["first"]
    (1, '2017-05-01')
    """
    out = _collapsed(graph)
    clean = nx.DiGraph(**{k: _text(graph.graph.get(k)) for k in ("start", "end", "known_on")})
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
    all_days = [d for spans in node_days.values() for span in spans for d in span]

    ET.register_namespace("", GEXF_NS)
    q = lambda tag: f"{{{GEXF_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("gexf"), {"version": "1.2"})
    meta = ET.SubElement(root, q("meta"), {"lastmodifieddate": dt.date.today().isoformat()})
    ET.SubElement(meta, q("creator")).text = f"conflict-kg {_kg.__version__}"
    ET.SubElement(meta, q("description")).text = "Actor network: one edge per ordered pair of actors, spells = days of their events"
    attrs = {"mode": "dynamic", "defaultedgetype": "directed", "timeformat": "date"}
    if all_days:
        attrs.update(start=min(all_days).isoformat(), end=max(all_days).isoformat())
    g = ET.SubElement(root, q("graph"), attrs)
    for cls, declared in (("node", _NODE_ATTRS), ("edge", _EDGE_ATTRS)):
        block = ET.SubElement(g, q("attributes"), {"class": cls, "mode": "static"})
        for i, (title, kind) in enumerate(declared):
            ET.SubElement(block, q("attribute"), {"id": f"{cls[0]}{i}", "title": title, "type": kind})
    nodes = ET.SubElement(g, q("nodes"))
    for node in sorted(out.nodes, key=str):
        data = out.nodes[node]
        element = ET.SubElement(nodes, q("node"), {"id": str(node), "label": _text(data.get("label")) or str(node)})
        _attvalues(element, q, "n", _NODE_ATTRS, data)
        _spells(element, q, spells(node_days[node]))
    edges = ET.SubElement(g, q("edges"))
    for i, (a, b) in enumerate(sorted(out.edges, key=lambda e: (str(e[0]), str(e[1])))):
        data = out.edges[a, b]
        element = ET.SubElement(edges, q("edge"), {"id": str(i), "source": str(a), "target": str(b), "weight": str(data["weight"])})
        _attvalues(element, q, "e", _EDGE_ATTRS, data)
        _spells(element, q, spells(edge_days.get((a, b), [])))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _attvalues(element: ET.Element, q: Any, prefix: str, declared: list[tuple[str, str]], data: dict[str, Any]) -> None:
    values = ET.SubElement(element, q("attvalues"))
    for i, (title, _) in enumerate(declared):
        value = data.get(title)
        if value is not None and value != "":
            ET.SubElement(values, q("attvalue"), {"for": f"{prefix}{i}", "value": _text(value)})


def _spells(element: ET.Element, q: Any, intervals: list[tuple[dt.date, dt.date]]) -> None:
    if intervals:
        block = ET.SubElement(element, q("spells"))
        for first, last in intervals:
            ET.SubElement(block, q("spell"), {"start": first.isoformat(), "end": last.isoformat()})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)
