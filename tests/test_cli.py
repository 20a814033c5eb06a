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
        (["events", "--actor", "Not A Slug"], 2, "unknown actor 'Not A Slug'"),
        (["events", "--from", "2017-02-30"], 2, "is not a date"),
        (["events", "--from", "2017-06-01", "--to", "2017-05-01"], 2, "is before --from"),
        (["events", "--type", "Nope"], 2, "unknown event type 'Nope'"),
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
    rows = json.loads(result.output)
    events = [row["event"].rsplit("/", 1)[1] for row in rows]
    assert "isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22" in events
    assert "isis-vbied-homs-zahraa-2017-05-23" in events
    assert "isis-ground-attack-eastern-hama-ismaili-towns-2017-05-18" not in events
    # the wave (18..23 May) overlaps the window, and the month-long withdrawal too
    assert "isis-attack-wave-western-syria-2017-05" in events
    assert "isis-withdrawal-southern-central-syria-2017-05" in events
    dates = [row["date"] for row in rows]
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
    ctx = click.Context(group)
    return [(f"{prefix} {name}", group.get_command(ctx, name)) for name in group.list_commands(ctx)]


def test_every_command_has_help_and_is_in_readme(runner):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands(main)
    assert {name for name, _ in commands} >= {"kg build", "kg query", "kg events", "kg actors", "kg export", "kg demo"}
    for name, command in commands:
        result = runner.invoke(main, [*name.split()[1:], "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name
        assert command.help and f"$ {name}" in readme, f"{name} lacks help or a README example"


# -- lazy commands ---------------------------------------------------------------------------


def test_registry_help_is_each_commands_own_short_help():
    """`kg --help` lists commands from kg.cli.COMMANDS without importing them: it cannot drift."""
    from kg.cli import COMMANDS

    for name, entry in COMMANDS.items():
        command = entry.load()
        assert command.name == name
        assert entry.help == command.get_short_help_str(10_000), name


def test_help_lists_every_command(runner):
    from kg.cli import COMMANDS

    listed = runner.invoke(main, ["--help"]).output.split("Commands:")[1]
    assert [line.split()[0] for line in listed.strip().splitlines()] == sorted(COMMANDS)
    assert "timeline   The chronological story: one line per event or state change." in listed


def test_store_help_names_the_library_default():
    from kg.store.graph import DEFAULT_STORE, STORE_ENV

    store = next(p for p in main.params if p.name == "store")
    assert f"${STORE_ENV}" in store.help and DEFAULT_STORE in store.help


HEAVY = ("starlette", "uvicorn", "networkx", "scipy", "pyvis", "viz", "kg.server", "kg.analysis")


def _modules_after(*args: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``kg ARGS``."""
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from kg.cli import main\n"
        f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _loaded(modules: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == r or m.startswith(r + ".") for r in roots))


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_command(args):
    modules = _modules_after(*args)
    assert _loaded(modules, HEAVY + ("rdflib", "pyoxigraph")) == []
    assert not [m for m in modules if m.startswith("kg.cli.") and m.endswith("_cmd")]


def test_query_imports_neither_starlette_nor_networkx():
    modules = _modules_after("--store", ":memory:", "query", "--format", "json", "ASK { ?s ?p ?o }")
    assert "kg.cli.query_cmd" in modules
    assert _loaded(modules, HEAVY) == []
    assert [m for m in modules if m.startswith("kg.cli.") and m.endswith("_cmd")] == ["kg.cli.query_cmd"]


# -- one --format rule for every row-producing command ---------------------------------------

ROW_COMMANDS = [
    ["events", "--actor", "isis"],
    ["actors"],
    ["timeline", "--actor", "nato"],
    ["diff", "--from", "2017-05-18", "--to", "2017-05-31"],
    ["reconcile", "--dry-run"],
    ["analyze", "centrality", "--top", "2"],
    ["analyze", "balance", "--window", "7d"],
    ["analyze", "balance", "--show", "triads"],
    ["analyze", "balance", "--show", "alignments"],
    ["analyze", "factions"],
    ["analyze", "escalation", "--min-count", "1"],
    ["analyze", "paths", "--actor", "isis"],
    ["analyze", "ego", "--actor", "isis", "--window", "7d"],
]


@pytest.fixture(scope="module")
def outputs(store):
    """Every row command in every row format: {(command, format): stdout}."""
    from click.testing import CliRunner

    runner = CliRunner()
    out = {}
    for args in ROW_COMMANDS:
        for fmt in ("table", "csv", "tsv", "json", "jsonl"):
            result = runner.invoke(main, ["--store", store, *args, "--format", fmt])
            assert result.exit_code == 0, (args, fmt, result.output)
            out[" ".join(args), fmt] = result.stdout
    return out


@pytest.mark.parametrize("args", ROW_COMMANDS, ids=[" ".join(a) for a in ROW_COMMANDS])
def test_row_formats_agree(outputs, args):
    key = " ".join(args)
    header, *records = list(csv.reader(io.StringIO(outputs[key, "csv"])))
    assert header and len(set(header)) == len(header)
    assert outputs[key, "tsv"].splitlines()[0].split("\t") == header
    assert len(outputs[key, "tsv"].splitlines()) == len(records) + 1
    objects = json.loads(outputs[key, "json"])
    assert isinstance(objects, list) and len(objects) == len(records)
    assert all(list(obj) == header for obj in objects)
    lines = [json.loads(line) for line in outputs[key, "jsonl"].splitlines()]
    assert lines == objects
    assert outputs[key, "table"].rstrip().endswith(f"({len(records)} row{'' if len(records) == 1 else 's'})")
    if key not in ("reconcile --dry-run", "analyze balance --show triads"):  # the seed: one source, no frustrated triad
        assert records, key


def test_row_commands_share_one_format_choice(runner):
    for args in ROW_COMMANDS:
        name = args[:2] if args[0] == "analyze" else args[:1]
        text = " ".join(runner.invoke(main, [*name, "--help"]).output.split())
        assert "table|csv|tsv|json|jsonl" in text and "leading '" in text, args


def test_timeline_and_diff_keep_their_text_view(runner, store):
    timeline = run(runner, store, "timeline", "--actor", "isis").output
    assert "2017-05-22  Attack  Islamic State of Iraq and Syria -> Ahrar al-Sham" in timeline
    assert run(runner, store, "diff", "--from", "2017-05-25", "--to", "2017-05-31").output.startswith("Changes from")


def test_column_lists_match_the_library(store):
    import kg
    from kg.cli.time_cmd import TIMELINE_COLUMNS

    graph = kg.open(store)
    try:
        assert list(kg.timeline(graph, actor="nato")[0].as_dict()) == TIMELINE_COLUMNS
    finally:
        graph.close()
    from kg.cli.reconcile_cmd import COLUMNS
    from kg.ingest.reconcile import Proposal

    assert list(Proposal("a", "b", 0.5, "e").as_dict()) == COLUMNS


def test_empty_results_keep_their_header(runner, store):
    args = ["timeline", "--from", "1990-01-01", "--to", "1990-01-02"]
    assert run(runner, store, *args, "--format", "csv").output.startswith("date,start,end,precision")
    assert run(runner, store, *args, "--format", "json").output.strip() == "[]"
    assert run(runner, store, *args, "--format", "jsonl").output == ""
    assert run(runner, store, *args, "--format", "table").output.strip().endswith("(0 rows)")


def test_readme_documents_the_format_rule():
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "`--format table|csv|tsv|json|jsonl`" in readme and "leading `'`" in readme
