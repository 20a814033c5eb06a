"""The wheel: built from the checkout, installed in a fresh venv, it runs `kg demo` anywhere.

Slow (builds a wheel, creates a venv, installs dependencies through pip's cache); still part
of the default run, because a wheel without its ontology or data is a broken release.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str | Path], *, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    """Run a command outside the checkout, without anything that would import the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_STORE", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def check(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    check(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, ROOT], cwd=out))
    wheels = list(out.glob("conflict_kg-*.whl"))
    assert len(wheels) == 1, list(out.iterdir())
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (outside the checkout) with only the wheel and its dependencies."""
    where = tmp_path_factory.mktemp("venv") / "env"
    check(run([sys.executable, "-m", "venv", where], cwd=where.parent))
    check(run([where / "bin" / "python", "-m", "pip", "install", wheel], cwd=where.parent))
    return where


def test_wheel_contains_ontology_data_and_queries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "kg/__init__.py",
        "kg/py.typed",
        "kg/ontology/conflict.ttl",
        "kg/ontology/shapes.ttl",
        "kg/ontology/context.jsonld",
        "kg/data/actors.yaml",
        "kg/data/places.yaml",
    ):
        assert required in names, f"{required} is missing from {wheel.name}"
    queries = {n for n in names if re.fullmatch(r"kg/data/queries/[^/]+\.rq", n)}
    assert queries == {f"kg/data/queries/{p.name}" for p in (ROOT / "data" / "queries").glob("*.rq")}
    assert queries, "no saved queries in the wheel"
    assert any(n.startswith("kg/data/sources/") and n.endswith(".txt") for n in names)
    assert any(n.startswith("kg/data/events/") and n.endswith(".yaml") for n in names)
    assert not any(n.startswith(("tests/", "kg-store/", "kg-demo/")) for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "kg = kg.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode("utf-8")


def test_installed_package_is_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    done = check(run([venv / "bin" / "python", "-c", "import kg, kg.base.resources as r; print(kg.__file__); print(r.ontology_dir())"], cwd=tmp_path))
    module, ontology = done.stdout.split()
    assert Path(module).resolve().is_relative_to(venv.resolve())
    assert Path(ontology).resolve().is_relative_to(venv.resolve())
    assert not Path(module).resolve().is_relative_to(ROOT)


def test_demo_runs_from_the_wheel_outside_the_checkout(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "newcomer"
    work.mkdir()
    kg = venv / "bin" / "kg"

    done = check(run([kg, "demo"], cwd=work))
    out = done.stdout
    assert "Traceback" not in out + done.stderr
    built = re.search(r"Built (\d+) events", out)
    assert built and int(built.group(1)) >= 10, out
    by_type = re.search(r"Events by type: (.+)", out)
    assert by_type, out
    counts = dict(re.findall(r"(\w+) (\d+)", by_type.group(1)))
    assert sum(int(n) for n in counts.values()) == int(built.group(1))

    assert (work / "kg-store").is_dir() and any((work / "kg-store").iterdir())
    exports = [Path(p) for p in re.findall(r"export:\s+(\S+)", out)]
    assert {p.suffix for p in exports} == {".ttl", ".nt", ".rdf", ".nq", ".trig", ".jsonld"}
    for path in exports:
        assert path.is_file() and path.stat().st_size > 0, path
        assert path.resolve().is_relative_to(work.resolve()), f"{path} was written outside {work}"

    query = 'SELECT (COUNT(*) AS ?n) WHERE { ?e a ckg:Attack }'
    done = check(run([kg, "--store", "kg-store", "query", query], cwd=work))
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", done.stdout, flags=re.MULTILINE)]
    assert len(numbers) == 1, done.stdout
    assert numbers[0] >= 4
    assert numbers[0] == int(counts["Attack"])  # the same number the demo reported
