"""``kg analyze`` and ``kg export --format graphml|gexf`` through the CLI runner."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

import kg
from kg.cli import main

from conftest import NETWORK_DATA as DATA  # noqa: E402


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("network") / "store"
    result = CliRunner().invoke(main, ["--store", str(path), "build", str(DATA)])
    assert result.exit_code == 0, result.output
    return str(path)


def run(runner, store, *args):
    return runner.invoke(main, ["--store", store, *args])


def test_help_has_examples(runner):
    for name in ("centrality", "balance", "factions", "escalation", "paths", "ego"):
        result = runner.invoke(main, ["analyze", name, "--help"])
        assert result.exit_code == 0 and "Example: kg analyze " + name in result.output.replace("\n", " "), name
    assert "Example:" in runner.invoke(main, ["analyze", "--help"]).output


def test_centrality_csv(runner, store):
    result = run(runner, store, "analyze", "centrality", "--from", "2017-03-06", "--to", "2017-03-19", "--window", "14d", "--top", "1", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 1 and rows[0]["window_start"] == "2017-03-06" and rows[0]["label"]


def test_balance_views(runner, store):
    series = json.loads(run(runner, store, "analyze", "balance", "--from", "2017-03-06", "--window", "2w", "--format", "json").output)
    assert [(r["triangles"], r["share"]) for r in series] == [(2, 0.5), (0, None)]
    triads = run(runner, store, "analyze", "balance", "--show", "triads", "--to", "2017-03-19")
    assert "Group A  Group C  Group D  + - +" in triads.output
    alignments = json.loads(run(runner, store, "analyze", "balance", "--show", "alignments", "--top", "1", "--format", "json").output)
    assert [(r["label_a"], r["label_c"], r["enemy_labels"]) for r in alignments] == [("Group B", "Group D", ["Group A", "Group C"])]


def test_factions(runner, store):
    result = run(runner, store, "analyze", "factions", "--format", "json")
    assert result.exit_code == 0
    camps = {r["label"]: r["camp"] for r in json.loads(result.stdout)}
    assert camps["Group B"] == camps["Group D"] != camps["Group A"] == camps["Group C"]
    assert "0 frustrated ties (exact)" in result.stderr
    assert run(runner, store, "analyze", "factions", "--camps", "any").exit_code == 0
    bad = run(runner, store, "analyze", "factions", "--camps", "lots")
    assert bad.exit_code == 2 and "--camps" in bad.output


def test_escalation(runner, store):
    result = run(runner, store, "analyze", "escalation", "--actor", "group-b", "--format", "json")
    rows = json.loads(result.output)
    assert {r["kind"] for r in rows} == {"surge", "first-hostile"}
    assert all("group-b" in (r["actor"] + str(r["counterpart"])) for r in rows)
    top = json.loads(run(runner, store, "analyze", "escalation", "--top", "1", "--format", "json").output)
    assert len(top) == 1 and top[0]["strength"] == 4.0
    monthly = json.loads(run(runner, store, "analyze", "escalation", "--period", "month", "--format", "json").output)
    assert {r["kind"] for r in monthly} == {"first-hostile"}  # one month: no baseline, no later period
    assert run(runner, store, "analyze", "escalation", "--factor", "1").exit_code == 2


def test_paths_and_ego(runner, store):
    paths = run(runner, store, "analyze", "paths", "--actor", "group-a")
    assert paths.exit_code == 0
    line = next(x for x in paths.output.splitlines() if x.startswith("actor:group-e "))
    assert line.split()[3:5] == ["2017-03-21", "4"]
    ego = json.loads(run(runner, store, "analyze", "ego", "--actor", "group-a", "--from", "2017-03-06", "--window", "14d", "--format", "json").output)
    assert [len(r["entered"]) for r in ego] == [3, 0]


@pytest.mark.parametrize("args, message", [
    (["analyze", "paths", "--actor", "group-z"], "unknown actor 'group-z'"),
    (["analyze", "ego", "--actor", "Not A Slug"], "unknown actor 'Not A Slug'"),
    (["analyze", "escalation", "--actor", "group-z"], "unknown actor 'group-z'"),
    (["analyze", "paths"], "Missing option '--actor'"),
    (["analyze", "centrality", "--window", "0d"], "invalid duration"),
    (["analyze", "centrality", "--step", "fortnight"], "invalid duration"),
    (["analyze", "centrality", "--from", "2017-03-30", "--to", "2017-03-01"], "before it starts"),
    (["analyze", "centrality", "--from", "30/03/2017"], "is not a date"),
    (["analyze", "balance", "--relations", "Bogus!"], "unknown relation"),
    # a well-formed name the store does not have: a typo must not answer with nothing
    (["analyze", "centrality", "--relations", "armed-clsh"], "unknown relation 'armed-clsh'"),
    (["analyze", "escalation", "--relations", "acled/batles"], "unknown relation 'acled/batles'"),
    (["analyze", "balance", "--relations", "Attack,cameo/999"], "unknown relation 'cameo/999'"),
    (["analyze", "centrality", "--top", "0"], "at least 1"),
    (["analyze", "factions", "--window", "7d"], "No such option"),
    (["analyze", "escalation", "--period", "day"], "Invalid value for '--period'"),
])
def test_errors_are_one_line_usage_errors(runner, store, args, message):
    result = run(runner, store, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_empty_windows_and_store(runner, store, tmp_path):
    result = run(runner, store, "analyze", "centrality", "--from", "2016-01-01", "--to", "2016-01-31")
    assert result.exit_code == 0 and "(0 rows)" in result.output
    result = run(runner, store, "analyze", "balance", "--from", "2016-01-01", "--to", "2016-01-31", "--format", "csv")
    assert result.output.splitlines()[1] == "2016-01-01,2016-01-30,0,0,0,0,0,"
    missing = runner.invoke(main, ["--store", str(tmp_path / "empty"), "analyze", "centrality"])
    assert missing.exit_code == 1 and "does not exist" in missing.output and not (tmp_path / "empty").exists()
    kg.open(str(tmp_path / "empty")).close()
    empty = runner.invoke(main, ["--store", str(tmp_path / "empty"), "analyze", "centrality"])
    assert empty.exit_code == 2 and "the store has no events" in empty.output


def test_export_network_formats(runner, store, tmp_path):
    out = tmp_path / "march.gexf"
    result = run(runner, store, "export", "--format", "gexf", "--from", "2017-03-20", "--to", "2017-03-31", "-o", str(out))
    assert result.exit_code == 0, result.output
    g = nx.read_gexf(out)
    assert g.graph["mode"] == "dynamic" and "https://w3id.org/conflict-kg/id/actor/group-c" not in g
    graphml = tmp_path / "net.graphml"
    assert run(runner, store, "export", "-o", str(graphml)).exit_code == 0  # format from the extension
    assert nx.read_graphml(graphml).number_of_nodes() == 6
    stdout = run(runner, store, "export", "--format", "graphml", "--relations", "Attack")
    assert nx.read_graphml(io.BytesIO(stdout.output.encode())).number_of_edges() == 6  # A>B B>C C>D D>E B>Q D>A
    bad = run(runner, store, "export", "--format", "turtle", "--from", "2017-03-01")
    assert bad.exit_code == 2 and "graphml or gexf only" in bad.output
    assert run(runner, store, "export", "--format", "pajek").exit_code == 2
