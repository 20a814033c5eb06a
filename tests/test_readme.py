"""Every `$ kg ...` line of the README runs successfully (docs cannot drift)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from kg.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ kg ")]


def test_readme_has_examples():
    assert len(readme_commands()) >= 10


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A scratch folder where README paths such as tests/data/... resolve."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "tests").symlink_to(README.parent / "tests")
    return folder


@pytest.mark.parametrize("command", readme_commands())
def test_readme_example_runs(command, runner, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("KG_STORE", str(workdir / "kg-store"))
    if not (workdir / "kg-store").exists():
        assert runner.invoke(main, ["build"]).exit_code == 0
    result = runner.invoke(main, shlex.split(command)[1:])
    assert result.exit_code == 0, f"{command}\n{result.output}"


def test_readme_sparql_examples_run(seed_kg):
    text = README.read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", text, re.S)
    assert len(queries) >= 4
    for query in queries:
        assert len(seed_kg.query(query)) > 0, query


def test_readme_dataset_queries_run(empty_kg):
    """The dataset questions (fenced ```SPARQL, they need imported data) are valid and run."""
    text = README.read_text(encoding="utf-8")
    queries = re.findall(r"```SPARQL\n(.*?)```", text, re.S)
    assert len(queries) >= 5
    for query in queries:
        assert empty_kg.query(query).kind == "select"
