"""The analytic event index of a remote store, against a real ``oxigraph serve`` started here.

A remote store keeps its index in a local cache folder named by a hash of its endpoint
(``$KG_INDEX_CACHE``, set to the test's ``tmp_path``), and follows the store's generation stamp:
the same answers as the SPARQL path on the same server, rebuilt after a write made through kg,
reused (not rebuilt) by a fresh process when nothing changed, and one line when the cache folder
cannot be written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from test_index import both

import kg
from kg.analysis.projection import actor_graph
from kg.base.errors import StoreError
from kg.curated.build import build
from kg.index import cache
from kg.index.cache import build_index, event_index, index_folder, status
from kg.store.graph import KnowledgeGraph

from servers import OxigraphServer

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled" / "acled-sample-30.csv"
ACLED_GRAPH = "https://w3id.org/conflict-kg/graph/import/acled-acled-sample-30"
D = dt.date


def signature(graph: nx.MultiDiGraph) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Everything a projection holds, in a comparable order (as tests/test_index.py)."""
    edges = sorted((a, b, k, sorted(data.items())) for a, b, k, data in graph.edges(keys=True, data=True))
    nodes = sorted((n, sorted(data.items())) for n, data in graph.nodes(data=True))
    return edges, nodes, dict(graph.graph)


def key_of(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def current_build(folder: Path) -> tuple[str, int]:
    """The build ``CURRENT`` names and its folder's modification time: both change on a rebuild."""
    name = json.loads((folder / "CURRENT").read_text(encoding="utf-8"))["build"]
    return name, (folder / name / "events.arrow").stat().st_mtime_ns


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test caches under its own tmp_path, never in ~/.cache; the default policy unless set."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KG_INDEX_CACHE", str(folder))
    monkeypatch.delenv("KG_INDEX", raising=False)
    yield folder
    cache._loaded.clear()  # this process's copies of indexes in folders about to be deleted


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A server holding the seed and the ACLED fixture (only the stamp is written after this)."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-index"))
    graph = kg.open(server.url)
    build(graph)
    kg.import_dataset(graph, "acled", ACLED)
    yield server
    server.stop()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[OxigraphServer]:
    """An empty server of the test's own, for tests that write."""
    server = OxigraphServer(tmp_path / "oxigraph")
    yield server
    server.stop()


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stores the index scanned (each call a full read of the store)."""
    seen: list[str] = []
    real = cache.scan

    def counting(graph: KnowledgeGraph, **options: Any) -> Any:
        seen.append(graph.location)
        return real(graph, **options)

    monkeypatch.setattr(cache, "scan", counting)
    return seen


def cli(runner: Any, url: str, *args: str, policy: str | None = None) -> Any:
    from kg.cli import main

    env = {"KG_INDEX": policy} if policy else {}
    return runner.invoke(main, ["--store", url, *args], env=env, catch_exceptions=False)


# -- 1. where it lives ---------------------------------------------------------------------------


def test_index_of_a_remote_store_is_cached_per_endpoint(shared, fresh, own_cache, runner, monkeypatch):
    result = cli(runner, shared.url, "index", "--quiet")
    assert result.exit_code == 0, result.output
    first = own_cache / key_of(shared.url)
    assert f"{first}:" in result.output and "in step with the store" in result.output
    assert index_folder(kg.open(shared.url)) == first

    monkeypatch.setenv("KG_INDEX", "on")  # the second endpoint's index built on first use
    other = kg.open(fresh.url)
    other.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> a <https://example.org/B> } }")
    assert actor_graph(other).number_of_edges() == 0
    second = own_cache / key_of(fresh.url)

    assert sorted(p.name for p in own_cache.iterdir()) == sorted([first.name, second.name]) and first != second
    for folder, url in ((first, shared.url), (second, fresh.url)):
        state = status(kg.open(url))
        assert state["location"] == str(folder) and state["exists"] and state["fresh"], state
        assert (folder / current_build(folder)[0] / "events.arrow").is_file()
    assert status(kg.open(shared.url))["events"] > 50 and status(other)["events"] == 0  # each its own data
    result = cli(runner, fresh.url, "index", "--status")
    assert result.output.startswith(f"{second}: 0 events") and "in step" in result.output


# -- 2. the same answers as SPARQL on the same server --------------------------------------------


WINDOWS = [(None, None), (D(2017, 5, 1), D(2017, 5, 31)), (D(2017, 5, 22), D(2017, 5, 24)),
           (D(2022, 1, 1), D(2022, 1, 31)), (D(2022, 1, 10), None)]


@pytest.mark.parametrize("mode", ["loose", "strict"])
def test_projection_from_the_cache_same_as_sparql(shared, monkeypatch, mode):
    graph = kg.open(shared.url)
    build_index(graph)
    asked: list[bytes] = []
    real = graph._engine._request
    monkeypatch.setattr(graph._engine, "_request", lambda url, data, *a, **k: asked.append(data) or real(url, data, *a, **k))
    compared = 0
    for start, end in WINDOWS:
        for relations in ([], ["Attack"], ["acled/battles"], ["Joining", "Meeting"]):
            for known_on in (None, D(2017, 6, 1)):
                reference, indexed = both(monkeypatch, graph, start=start, end=end, mode=mode, relations=relations,
                                          known_on=known_on)
                assert signature(indexed) == signature(reference), (start, end, relations, known_on)
                compared += reference.number_of_edges()
    assert compared > 100
    monkeypatch.setenv("KG_INDEX", "auto")  # the cached index answers with one request: the stamp
    asked.clear()
    actor_graph(graph)
    assert len(asked) == 1 and b"generation" in asked[0]


def test_analyze_metric_from_the_cache_same_as_sparql(shared, runner):
    def rows(policy: str, *args: str) -> list[dict[str, Any]]:
        result = cli(runner, shared.url, "analyze", *args, "--format", "json", policy=policy)
        assert result.exit_code == 0, result.output
        key = lambda r: (str(r.get("window_start")), str(r.get("actor")), str(r.get("actor_a")), str(r.get("kind")))  # noqa: E731
        return sorted(json.loads(result.stdout), key=key)

    assert cli(runner, shared.url, "index", "--quiet").exit_code == 0
    for args in (["centrality", "--window", "7d", "--from", "2017-05-01", "--to", "2017-05-31"],
                 ["balance", "--window", "14d"], ["escalation", "--min-count", "1"]):
        reference, found = rows("off", *args), rows("auto", *args)
        assert len(found) == len(reference), args
        assert reference or args[0] == "escalation", args
        for mine, theirs in zip(found, reference):
            assert mine.keys() == theirs.keys()
            for column, value in mine.items():
                if isinstance(value, float):
                    assert value == pytest.approx(theirs[column], rel=1e-9, abs=1e-12), (args, column)
                else:
                    assert value == theirs[column], (args, column)
    assert status(kg.open(shared.url))["fresh"]


# -- 3. in step with the store: rebuilt after a write, reused when nothing changed -----------------


def test_a_write_makes_the_cache_stale_and_the_next_use_rebuilds(fresh, own_cache, scans, monkeypatch):
    graph = kg.open(fresh.url)
    build(graph)
    build_index(graph)
    folder = own_cache / key_of(fresh.url)
    before = current_build(folder)
    seed_events = status(graph)["events"]

    kg.import_dataset(graph, "acled", ACLED)  # a staged import over HTTP: publishes with the bump
    assert not status(graph)["fresh"]
    assert len(scans) == 1
    rebuilt = actor_graph(graph)  # policy auto: the stale index is rebuilt before it answers
    assert len(scans) == 2 and status(graph)["fresh"]
    assert current_build(folder) != before and not (folder / before[0]).exists()  # the old build is gone
    assert status(graph)["events"] > seed_events
    monkeypatch.setenv("KG_INDEX", "off")
    assert signature(rebuilt) == signature(actor_graph(graph))  # the SPARQL path, after the import
    reference, indexed = both(monkeypatch, graph, start=D(2022, 1, 1), end=D(2022, 12, 31))
    assert signature(indexed) == signature(reference) and reference.number_of_edges() > 0  # ACLED's events

    monkeypatch.setenv("KG_INDEX", "auto")
    with_acled = status(graph)["events"]
    graph.update(f"DROP GRAPH <{ACLED_GRAPH}>")  # a SPARQL Update through the store API
    assert not status(graph)["fresh"]
    ix = event_index(graph)
    assert ix is not None and len(scans) == 3 and ix.events.num_rows == seed_events < with_acled
    reference, indexed = both(monkeypatch, graph, start=D(2022, 1, 1), end=D(2022, 12, 31))
    assert signature(indexed) == signature(reference) and reference.number_of_edges() == 0  # ACLED is gone


def test_a_fresh_open_and_a_fresh_process_reuse_the_cache(shared, own_cache, scans, runner):
    graph = kg.open(shared.url)
    build_index(graph)
    folder = own_cache / key_of(shared.url)
    built = current_build(folder)
    expected = cli(runner, shared.url, "analyze", "centrality", "--window", "7d", "--format", "json")
    assert expected.exit_code == 0 and len(scans) == 1

    cache._loaded.clear()  # as a new process: nothing loaded, only the folder on disk
    again = kg.open(shared.url, read_only=True)
    ix = event_index(again)
    assert ix is not None and ix.stamp == graph.generation() and len(scans) == 1
    assert signature(actor_graph(again)) == signature(actor_graph(graph))

    env = {**os.environ, "KG_INDEX_CACHE": str(own_cache), "KG_INDEX": "auto"}
    done = subprocess.run([sys.executable, "-m", "kg.cli", "--store", shared.url, "analyze", "centrality",
                           "--window", "7d", "--format", "json"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(expected.stdout)
    assert current_build(folder) == built  # not rebuilt: the same build folder, files untouched
    assert sorted(p.name for p in folder.iterdir()) == sorted(["CURRENT", built[0]])


def test_an_unstamped_remote_store_read_only_keeps_the_sparql_path(fresh, own_cache, runner, scans):
    """``kg analyze`` opens the store read-only: it cannot write the stamp, so it answers by SPARQL."""
    kg.import_dataset(kg.open(fresh.url), "acled", ACLED)
    off = cli(runner, fresh.url, "analyze", "balance", "--window", "14d", "--format", "json", policy="off")
    on = cli(runner, fresh.url, "analyze", "balance", "--window", "14d", "--format", "json", policy="on")
    assert on.exit_code == 0 and off.exit_code == 0, on.output
    assert json.loads(on.stdout) == json.loads(off.stdout) != []
    assert scans == [] and not own_cache.exists()


# -- 4. a cache folder that cannot be written --------------------------------------------------


def test_unwritable_cache_is_one_line_before_any_scan(shared, tmp_path, monkeypatch, runner, scans):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache should be", encoding="utf-8")
    monkeypatch.setenv("KG_INDEX_CACHE", str(blocked))
    graph = kg.open(shared.url)
    monkeypatch.setenv("KG_INDEX", "on")
    with pytest.raises(StoreError) as err:
        actor_graph(graph)
    text = str(err.value)
    assert "\n" not in text and text.startswith(str(blocked))
    assert "cannot write the analytic index" in text and "KG_INDEX_CACHE" in text and "KG_INDEX=off" in text
    assert scans == []  # failed before reading the whole store, not after

    for command in (["index", "--quiet"], ["analyze", "balance", "--window", "14d"]):
        result = cli(runner, shared.url, *command, policy="on")
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert result.output.count("\n") == 1 and "KG_INDEX_CACHE" in result.output, result.output
    assert scans == []
    off = cli(runner, shared.url, "analyze", "balance", "--window", "14d", "--format", "json", policy="off")
    assert off.exit_code == 0 and json.loads(off.stdout)  # the way out the message names works


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes a read-only folder anyway")
def test_read_only_cache_folder_is_one_line(shared, own_cache, monkeypatch, scans):
    own_cache.mkdir()
    own_cache.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="KG_INDEX_CACHE"):
            build_index(kg.open(shared.url))
    finally:
        own_cache.chmod(0o700)
    assert scans == []
