"""Shared fixtures: stores (memory and embedded Oxigraph on disk), the built seed, a CLI runner."""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kg
from kg.base.resources import default_data_dir
from kg.curated.build import build
from kg.store.graph import KnowledgeGraph


def _shared_dir() -> Path:
    """The project's ../shared folder (datasets, seed): $KG_SHARED_DIR, else next to the checkout."""
    if os.environ.get("KG_SHARED_DIR"):
        return Path(os.environ["KG_SHARED_DIR"])
    beside = Path(__file__).resolve().parents[2] / "shared"
    return beside if beside.is_dir() else Path("/work/shared")


SHARED = _shared_dir()
SEED_TEXT = SHARED / "seed" / "isw-syria-sitrep-2017-05-31.txt"


def _open_empty(kind: str, tmp_path: Path) -> Iterator[KnowledgeGraph]:
    graph = kg.open(":memory:" if kind == "memory" else str(tmp_path / "store"))
    yield graph
    graph.close()


@pytest.fixture(params=["oxigraph"])
def empty_kg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeGraph]:
    """An empty Oxigraph store folder on disk: the store a user runs (``kg`` defaults to one)."""
    yield from _open_empty(request.param, tmp_path)


@pytest.fixture(params=["memory", "oxigraph"])
def empty_kg_both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeGraph]:
    """An empty store, once in memory and once on disk: for the storage layer's own tests (the
    two differ in how writes are staged and locked, not in the engine)."""
    yield from _open_empty(request.param, tmp_path)


@pytest.fixture(scope="session")
def seed_kg() -> KnowledgeGraph:
    """The seed report built into an in-memory store (shared: do not write to it)."""
    graph = kg.open(":memory:")
    build(graph)
    return graph


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the curated data folder, for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def dump(graph: KnowledgeGraph) -> list[str]:
    """Every quad as a sorted list of N-Quads lines: equal lists = equal stores."""
    return sorted(str(q) for q in graph.quads())


#: ICEWS14's named training facts (the first 3,000 make the index tests' slice)
ICEWS14_TRAIN = SHARED / "datasets" / "icews14" / "derived-named" / "train.txt"


@pytest.fixture(scope="session")
def icews(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The first 3,000 facts of ICEWS14's training file in a store on disk, with its analytic index
    (skipped when the shared data are absent). Read it only: the session shares it."""
    from kg.index.cache import build_index

    if not ICEWS14_TRAIN.exists():
        pytest.skip("ICEWS14 is not in the shared folder")
    folder = tmp_path_factory.mktemp("icews")
    head = folder / "train.txt"
    with ICEWS14_TRAIN.open(encoding="utf-8") as source:
        head.write_text("".join(line for _, line in zip(range(3000), source)), encoding="utf-8")
    graph = kg.open(str(folder / "store"))
    kg.import_dataset(graph, "icews", head)
    build_index(graph)
    yield graph
    graph.close()


#: The ACLED fixture (30 rows) the index tests re-import with retractions.
ACLED_SAMPLE = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"


@pytest.fixture(scope="session")
def acled_retracted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The seed and the ACLED fixture on disk, re-imported with its last three rows deleted (so three
    events are retracted), with its analytic index. Read it only: the session shares it."""
    from kg.index.cache import build_index

    folder = tmp_path_factory.mktemp("acled-retracted")
    graph = kg.open(str(folder / "store"))
    build(graph)
    kg.import_dataset(graph, "acled", ACLED_SAMPLE)
    changed = folder / ACLED_SAMPLE.name  # the same file name: a re-import of a changed file
    lines = ACLED_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    changed.write_text("".join(lines[:-3]), encoding="utf-8")
    kg.import_dataset(graph, "acled", changed, replace=True)
    build_index(graph)
    yield graph
    graph.close()


# -- the network fixture shared by the analysis tests (tests/data/network) -----------------

NETWORK_DATA = Path(__file__).parent / "data" / "network"
NETWORK_ACTORS = tuple(f"https://w3id.org/conflict-kg/id/actor/group-{x}" for x in "abcde")
NETWORK_RESIDENTS = "https://w3id.org/conflict-kg/id/actor/town-q-residents"
EVENT_BASE = "https://w3id.org/conflict-kg/id/event/"


@pytest.fixture(scope="session")
def network_kg() -> KnowledgeGraph:
    """tests/data/network built into memory (shared: do not write to it)."""
    graph = kg.open(":memory:")
    build(graph, NETWORK_DATA)
    return graph


# -- fuzzing (issue 13, item 4): hypothesis profiles and the count of cases run per target ----------

from hypothesis import settings as _hsettings  # noqa: E402

#: ``ci`` (the default) keeps the fuzz tests bounded; ``KG_FUZZ_PROFILE=long`` runs 20 times as many cases.
#: The tests/test_fuzz_*.py files ask for ``fuzz_helpers.cases(n)``: n under ci, 20 n under long.
_hsettings.register_profile("ci", deadline=None, database=None, print_blob=True)
_hsettings.register_profile("long", parent=_hsettings.get_profile("ci"), max_examples=2000)
_hsettings.load_profile(os.environ.get("KG_FUZZ_PROFILE", "ci"))


def _fuzz_counts() -> Counter[str]:
    """Fuzz cases run in this process (tests/fuzz_helpers.py counts them)."""
    helpers = sys.modules.get("fuzz_helpers")
    return Counter(getattr(helpers, "CASES", None) or {})


#: Cases counted by the xdist workers (``make test`` runs the suite on several), summed on the controller.
_WORKER_CASES: Counter[str] = Counter()


class _WorkerCases:
    """With pytest-xdist: each worker sends its counts when it finishes; the controller adds them."""

    @pytest.hookimpl
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        _WORKER_CASES.update(getattr(node, "workeroutput", {}).get("fuzz_cases", {}))


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_WorkerCases())


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # on an xdist worker
        workeroutput["fuzz_cases"] = dict(_fuzz_counts())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many fuzz cases ran per target (only when a tests/test_fuzz_*.py file ran)."""
    counts = _fuzz_counts() + _WORKER_CASES
    if counts:
        terminalreporter.section(f"fuzz cases run (profile {os.environ.get('KG_FUZZ_PROFILE', 'ci')})")
        for target, count in sorted(counts.items()):
            terminalreporter.write_line(f"{target:28} {count}")
        terminalreporter.write_line(f"{'total':28} {sum(counts.values())}")
