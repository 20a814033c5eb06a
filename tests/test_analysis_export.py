"""GraphML and dynamic GEXF exports of the actor network, read back with networkx."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from kg.analysis.tables import to_dataframe, to_string
from kg.base.errors import UsageError
from kg.export.network import GEXF_NS, NetworkFormat, export_network, spells, write_network

from conftest import NETWORK_ACTORS
from conftest import NETWORK_RESIDENTS as RES

A, B, C, D, E = NETWORK_ACTORS



def test_graphml_round_trip(network_kg, tmp_path):
    path = write_network(network_kg, tmp_path / "net.graphml")
    g = nx.read_graphml(path)
    assert isinstance(g, nx.DiGraph) and set(g) == {A, B, C, D, E, RES}
    assert g.nodes[A]["label"] == "Group A" and g.nodes[RES]["type"] == "Community"
    edge = g.edges[B, RES]
    assert (edge["count"], edge["hostile"], edge["sign"], edge["first"], edge["last"]) == (4, 4, -1, "2017-03-22", "2017-03-25")
    assert g.edges[D, A]["sign_sum"] == -1 and g.edges[A, D]["cooperative"] == 1  # the alliance counts both ways
    assert g.graph["start"] == ""


def test_graphml_window(network_kg):
    g = nx.read_graphml(io.BytesIO(export_network(network_kg, "graphml", start=dt.date(2017, 3, 20), end=dt.date(2017, 3, 31))))
    assert set(g) == {A, B, D, E, RES} and g.graph["start"] == "2017-03-20"


def test_gexf_is_dynamic_with_spells(network_kg, tmp_path):
    path = write_network(network_kg, tmp_path / "net.gexf")
    root = ET.parse(path).getroot()  # well-formed XML
    assert root.tag == f"{{{GEXF_NS}}}gexf" and root.get("version") == "1.2"
    graph = root.find(f"{{{GEXF_NS}}}graph")
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("start"), graph.get("end")) == ("dynamic", "date", "2017-03-06", "2017-03-30")
    g = nx.read_gexf(path)
    assert g.graph["mode"] == "dynamic" and set(g) == {A, B, C, D, E, RES}
    assert g.nodes[A]["label"] == "Group A" and g.nodes[A]["type"] == "ArmedGroup"
    assert g.nodes[A]["spells"] == [("2017-03-06", "2017-03-06"), ("2017-03-08", "2017-03-08"), ("2017-03-15", "2017-03-15"), ("2017-03-29", "2017-03-30")]
    assert g.nodes[RES]["spells"] == [("2017-03-22", "2017-03-25")]  # four days in a row: one spell
    assert g.edges[D, A]["spells"] == [("2017-03-15", "2017-03-15"), ("2017-03-29", "2017-03-30")]
    assert g.edges[A, D]["spells"] == [("2017-03-15", "2017-03-15")]
    assert g.edges[B, RES]["count"] == 4 and g.edges[B, RES]["weight"] == 4.0
    for _, data in g.nodes(data=True):  # Gephi refuses overlapping intervals
        days = data["spells"]
        assert all(a[1] < b[0] for a, b in zip(days, days[1:]))


def test_gexf_read_without_networkx(network_kg):
    """The GEXF is written by networkx: check its dynamic parts with ElementTree alone."""
    q = lambda tag: f"{{{GEXF_NS}}}{tag}"  # noqa: E731
    root = ET.fromstring(export_network(network_kg, "gexf"))
    assert root.find(q("meta")).find(q("creator")).text.startswith("conflict-kg ")
    graph = root.find(q("graph"))
    first, last = graph.get("start"), graph.get("end")
    declared = {(block.get("class"), a.get("id")): a.get("title") for block in graph.findall(q("attributes")) for a in block}
    nodes = {n.get("id"): n for n in graph.find(q("nodes"))}
    assert set(nodes) == {A, B, C, D, E, RES}
    edges = graph.find(q("edges")).findall(q("edge"))
    assert len({e.get("id") for e in edges}) == len(edges)
    for element in [*nodes.values(), *edges]:
        spans = [(s.get("start"), s.get("end")) for s in element.find(q("spells"))]
        assert spans and all(first <= a <= b <= last for a, b in spans)  # ISO dates compare as text
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))  # sorted, disjoint: Gephi refuses overlaps
    values = {declared["node", v.get("for")]: v.get("value") for v in nodes[RES].find(q("attvalues"))}
    assert values == {"type": "Community"}  # empty values (no Wikidata id) are left out
    b_res = next(e for e in edges if (e.get("source"), e.get("target")) == (B, RES))
    values = {declared["edge", v.get("for")]: v.get("value") for v in b_res.find(q("attvalues"))}
    assert (b_res.get("weight"), values["count"], values["hostile"], values["sign"], values["first"], values["last"]) == (
        "4", "4", "4", "-1", "2017-03-22", "2017-03-25")
    assert [(s.get("start"), s.get("end")) for s in b_res.find(q("spells"))] == [("2017-03-22", "2017-03-25")]


def test_spells_merge():
    d = dt.date
    assert spells([]) == []
    assert spells([(d(2017, 1, 1), d(2017, 1, 5)), (d(2017, 1, 3), d(2017, 1, 4))]) == [(d(2017, 1, 1), d(2017, 1, 5))]


def test_empty_export(empty_kg):
    g = nx.read_gexf(io.BytesIO(export_network(empty_kg, "gexf")))
    assert g.number_of_nodes() == 0
    assert nx.read_graphml(io.BytesIO(export_network(empty_kg, "graphml"))).number_of_nodes() == 0


def test_formats():
    assert NetworkFormat.from_extension("x.GEXF") is NetworkFormat.GEXF
    with pytest.raises(UsageError, match="graphml or gexf"):
        NetworkFormat.parse("pajek")


def test_tables():
    rows = [{"actor": A, "events": ["e1", "e2"], "share": None, "day": dt.date(2017, 3, 6)}]
    assert "group-a  e1; e2" in to_string(rows)
    assert to_string(rows, "csv").splitlines()[1] == f"{A},e1; e2,,2017-03-06"
    assert '"events": [\n      "e1"' in to_string(rows, "json")
    assert to_string([], "table", columns=["a"]).endswith("(0 rows)")
    with pytest.raises(UsageError, match="unknown format"):
        to_string(rows, "xml")


def test_to_dataframe_without_pandas(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UsageError, match="pip install"):
        to_dataframe([{"a": 1}])


def test_to_dataframe_with_pandas():
    pytest.importorskip("pandas")
    frame = to_dataframe([{"actor": "a", "pagerank": 0.5}, {"actor": "b", "pagerank": 0.5}])
    assert list(frame.columns) == ["actor", "pagerank"] and len(frame) == 2
    assert list(to_dataframe([], columns=["x"]).columns) == ["x"]
