"""The command line: every command's happy path, options, and error paths (exit codes, one line)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest

from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A built embedded store shared by the read-only CLI tests."""
    location = str(tmp_path_factory.mktemp("cli") / "store")
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--store", location, "build"])
    assert result.exit_code == 0, result.output
    return location


def run(runner, store, *args):
    return runner.invoke(main, ["--store", store, *args])


def test_build_output(runner, tmp_path):
    result = run(runner, str(tmp_path / "s"), "build")
    assert result.exit_code == 0
    assert result.output.startswith("Built ") and "events" in result.output and str(tmp_path / "s") in result.output


def test_store_from_environment(runner, tmp_path):
    location = tmp_path / "env-store"
    result = runner.invoke(main, ["build"], env={"KG_STORE": str(location)})
    assert result.exit_code == 0 and location.is_dir()


def test_query_table_and_json(runner, store):
    result = run(runner, store, "query", "SELECT ?b WHERE { actor:isis ckg:attacked ?b } ORDER BY ?b")
    assert result.exit_code == 0
    assert "actor:ahrar-al-sham" in result.output and result.output.rstrip().endswith("(4 rows)")
    doc = json.loads(run(runner, store, "query", "ASK { ?a ckg:joined ?b }", "--format", "json").output)
    assert doc["boolean"] is True


def test_query_saved_with_params_and_file(runner, store, tmp_path):
    result = run(runner, store, "query", "--saved", "who-attacked-whom", "-p", "start=2017-05-23", "-p", "end=2017-05-23", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert result.exit_code == 0
    assert sorted(r["target"] for r in rows) == ["Alawite community (Syria)", "two bombers wearing SVESTs intercepted near the Sayyida Zeinab Shrine"]
    file = tmp_path / "q.rq"
    file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a ckg:Membership }")
    assert run(runner, store, "query", "--file", str(file), "--format", "tsv").output.splitlines()[1].startswith('"1"')


def test_query_list(runner, store):
    result = run(runner, store, "query", "--list")
    assert result.exit_code == 0 and "who-attacked-whom" in result.output and "start=2017-05-18" in result.output


def test_query_construct_turtle(runner, store):
    result = run(runner, store, "query", "CONSTRUCT WHERE { actor:nato ckg:joined ?o }", "--format", "turtle")
    assert result.exit_code == 0 and "ckg:joined" in result.output and "actor:anti-isis-coalition" in result.output


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["query"], 2, "give exactly one of"),
        (["query", "SELECT * {}", "--saved", "x"], 2, "give exactly one of"),
        (["query", "SELEC nothing"], 1, "SPARQL syntax error"),
        (["query", "--saved", "nope"], 1, "no saved query named 'nope'"),
        (["query", "--saved", "who-attacked-whom", "-p", "oops"], 2, "write it as name=value"),
        (["query", "--saved", "who-attacked-whom", "-p", "x=1"], 1, "has no parameter 'x'"),
        (["query", "SELECT * { ?s ?p ?o } LIMIT 1", "--format", "turtle"], 1, "cannot be written as turtle"),
        (["query", "SELECT * {}", "--format", "yaml"], 2, "Invalid value for '--format'"),
        (["events", "--actor", "nobody"], 2, "unknown actor 'nobody'"),
        (["events", "--actor", "Not A Slug"], 2, "invalid actor id"),
        (["events", "--from", "2017-02-30"], 2, "is not a date"),
        (["events", "--from", "2017-06-01", "--to", "2017-05-01"], 2, "is before --from"),
        (["events", "--type", "Riot"], 2, "Invalid value for '--type'"),
        (["export", "--format", "yaml"], 2, "Invalid value for '--format'"),
        (["export", "-o", "out.xyz"], 2, "unknown RDF format '.xyz'"),
        (["build", "/nonexistent/data"], 1, "data folder not found"),
    ],
)
def test_errors_are_one_line_with_exit_code(runner, store, args, code, message):
    result = run(runner, store, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Error: ")


def test_events_lookup(runner, store):
    result = run(runner, store, "events", "--actor", "isis", "--from", "2017-05-22", "--to", "2017-05-23", "--format", "json")
    doc = json.loads(result.output)
    events = [b["event"]["value"].rsplit("/", 1)[1] for b in doc["results"]["bindings"]]
    assert "isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22" in events
    assert "isis-vbied-homs-zahraa-2017-05-23" in events
    assert "isis-ground-attack-eastern-hama-ismaili-towns-2017-05-18" not in events
    # the wave (18..23 May) overlaps the window, and the month-long withdrawal too
    assert "isis-attack-wave-western-syria-2017-05" in events
    assert "isis-withdrawal-southern-central-syria-2017-05" in events
    dates = [b["date"]["value"] for b in doc["results"]["bindings"]]
    assert dates == sorted(dates)


def test_events_by_type_csv(runner, store):
    result = run(runner, store, "events", "--type", "Assessment", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 3 and {r["date"] for r in rows} == {"2017-05-31"}


def test_actors(runner, store):
    result = run(runner, store, "actors", "--type", "Community", "--format", "csv")
    labels = {r["label"] for r in csv.DictReader(io.StringIO(result.output))}
    assert len(labels) == 3 and all("community" in label for label in labels)
    table = run(runner, store, "actors").output
    assert "Q7184" in table and "Islamic State of Iraq and Syria" in table


def test_demo(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE", raising=False)
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "Events by type: Attack 4" in result.output
    assert "who-attacked-whom" in result.output and "Membership" in result.output
    assert (tmp_path / "kg-store").is_dir()
    for ext in ("ttl", "nt", "rdf", "nq", "trig", "jsonld"):
        assert (tmp_path / f"kg-demo/conflict-kg.{ext}").stat().st_size > 1000
    assert str(tmp_path / "kg-store") in result.output


def _commands(group: click.Group, prefix: str = "kg") -> list[tuple[str, click.Command]]:
    return [(f"{prefix} {name}", cmd) for name, cmd in sorted(group.commands.items())]


def test_every_command_has_help_and_is_in_readme(runner):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands(main)
    assert {name for name, _ in commands} >= {"kg build", "kg query", "kg events", "kg actors", "kg export", "kg demo"}
    for name, command in commands:
        result = runner.invoke(main, [*name.split()[1:], "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name
        assert command.help and f"$ {name}" in readme, f"{name} lacks help or a README example"
