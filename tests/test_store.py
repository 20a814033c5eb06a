from __future__ import annotations

import os
import subprocess
import sys

import pytest

import kg
from kg.base.errors import QueryError, StoreError, UsageError

INSERT = "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/p> 'x' } }"


def test_update_query_count(empty_kg_both):
    assert empty_kg_both.count_quads() == 0
    empty_kg_both.update(INSERT)
    assert empty_kg_both.count_quads() == 1
    assert empty_kg_both.graphs() == ["https://example.org/g"]
    # queries see the union of named graphs as the default graph
    assert empty_kg_both.query("SELECT ?o WHERE { ?s ?p ?o }").records() == [{"o": "x"}]


def test_update_is_all_or_nothing(empty_kg_both):
    empty_kg_both.update(INSERT)
    before = sorted(map(str, empty_kg_both.quads()))
    failing = "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/b> <https://example.org/p> 1 } } ; CREATE GRAPH <https://example.org/g>"
    with pytest.raises(QueryError, match="already exists"):
        empty_kg_both.update(failing)
    assert sorted(map(str, empty_kg_both.quads())) == before


def test_syntax_errors_are_query_errors(empty_kg_both):
    with pytest.raises(QueryError, match="syntax error"):
        empty_kg_both.query("SELEC ?x WHERE {}")
    with pytest.raises(QueryError, match="syntax error"):
        empty_kg_both.update("INSERT NOTHING")


def test_disk_store_persists(tmp_path):
    location = tmp_path / "store"
    graph = kg.open(location)
    graph.update(INSERT)
    graph.close()
    del graph
    reopened = kg.open(location)
    assert reopened.count_quads() == 1


def test_disk_store_in_use_by_other_process(tmp_path):
    location = tmp_path / "store"
    graph = kg.open(location)
    code = f"import kg\ntry:\n    kg.open({str(location)!r})\nexcept kg.StoreError as e:\n    print('ERR', e)\n"
    env = {**os.environ, "KG_WAIT": "0"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.stdout.startswith("ERR") and str(location) in out.stdout
    assert f"being written by pid {os.getpid()}" in out.stdout
    graph.close()


def test_bad_locations(tmp_path):
    file = tmp_path / "file.txt"
    file.write_text("x")
    with pytest.raises(StoreError, match="not a store folder"):
        kg.open(file)
    with pytest.raises(UsageError, match="http"):
        kg.open("ftp://127.0.0.1/query")


def test_default_location_from_env(monkeypatch, tmp_path):
    from kg.store.graph import default_location

    monkeypatch.delenv("KG_STORE", raising=False)
    assert default_location() == "kg-store"
    monkeypatch.setenv("KG_STORE", str(tmp_path / "s"))
    assert default_location() == str(tmp_path / "s")


def test_subclasses_are_read_again_after_a_write(seed_kg):
    graph = kg.open(":memory:")
    graph.add_quads(seed_kg.quads())
    before = graph.subclasses("Event")
    assert "https://w3id.org/conflict-kg/ontology#Attack" in before
    graph.update("INSERT DATA { GRAPH <https://w3id.org/conflict-kg/graph/source/t> { "
                 "<https://example.org/Ambush> rdfs:subClassOf ckg:Attack } }")
    assert graph.subclasses("Event") == sorted(before + ["https://example.org/Ambush"])
