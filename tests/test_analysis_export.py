"""GraphML and dynamic GEXF exports of the actor network, read back with networkx."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import NETWORK_ACTORS
from conftest import NETWORK_RESIDENTS as RES

from kg.analysis.tables import to_dataframe, to_string
from kg.base.errors import UsageError
from kg.export.network import GEXF_NS, NetworkFormat, export_network, spells, write_network

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
