"""Sources as first-class objects (issue 19 point 3): ``kg sources``, ``kg remove``, duplicates refused.

The expected values come from the ACLED sample itself, read with the csv module and hashlib
(row counts, event ids, checksums, dates), never from the store. Skipped when the sample
(``../shared/datasets/acled-sample``) is absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

import kg
from kg.cli import main
from tests.conftest import SHARED, dump

ACLED = SHARED / "datasets" / "acled-sample"
BIG = ACLED / "acled_old_deletion_dummy.csv"
SMALL = ACLED / "acled_old_dummy.csv"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BIG.exists() or not SMALL.exists(), reason=f"{ACLED} not available"),
]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(runner, store: Path, *args: str):
    return runner.invoke(main, ["--store", str(store), *args])


def listed(runner, store: Path) -> dict[str, dict]:
    result = cli(runner, store, "sources", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["source"]: row for row in json.loads(result.output)}


def event_ids(store: Path) -> list[str]:
    graph = kg.open(str(store), read_only=True)
    try:
        return sorted(r["id"] for r in graph.query("SELECT DISTINCT ?id WHERE { ?e ckg:sourceId ?id }").records())
    finally:
        graph.close()


def store_dump(store: Path) -> list[str]:
    graph = kg.open(str(store), read_only=True)
    try:
        return dump(graph)
    finally:
        graph.close()


def test_duplicates_refused_as_new_and_remove_restores(runner, tmp_path):
    big, small = read(BIG), read(SMALL)
    store = tmp_path / "store"
    assert cli(runner, store, "import", "acled", str(BIG), "-q").exit_code == 0
    before = store_dump(store)
    assert event_ids(store) == sorted({r["event_id_cnty"] for r in big})

    # kg sources: file, checksum, rows, date range and import time, from the CSV
    row = listed(runner, store)["acled-acled-old-deletion-dummy"]
    days = sorted(r["event_date"] for r in big)
    assert (row["kind"], row["dataset"], row["file"], row["checksum"], row["rows"], row["events"]) == (
        "import", "ACLED", BIG.name, sha256(BIG), len(big), len({r["event_id_cnty"] for r in big}))
    # the first day is event_date, or the start of ACLED's possible range (time_precision 2: 3 days, 3: the month)
    assert dt.date.fromisoformat(days[0]) - dt.timedelta(days=31) <= dt.date.fromisoformat(row["first"]) <= dt.date.fromisoformat(days[0])
    assert row["last"] >= days[-1] and row["imported"].endswith("Z")

    # a renamed copy of the same file is refused with one line naming the source, store unchanged
    renamed = tmp_path / "acled-copy.csv"
    shutil.copyfile(BIG, renamed)
    refused = cli(runner, store, "import", "acled", str(renamed), "-q")
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        f"Error: {renamed}: the same file (same SHA-256 checksum) is already in the store as source "
        "acled-acled-old-deletion-dummy; use --replace to replace that source, or --as-new to keep both")
    assert store_dump(store) == before

    # the other ACLED file shares 10 event ids (identical rows) with the big one: refused, named
    shared = sorted({r["event_id_cnty"] for r in small} & {r["event_id_cnty"] for r in big})
    refused = cli(runner, store, "import", "acled", str(SMALL), "-q")
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    assert f"{len(shared)} of its events (e.g. {shared[0]}) are already in the store as source acled-acled-old-deletion-dummy" in refused.output
    assert store_dump(store) == before

    both = cli(runner, store, "import", "acled", str(renamed), "--replace", "--as-new")
    assert both.exit_code == 2

    # --as-new: both kept, knowingly; kg remove restores the store exactly
    kept = cli(runner, store, "import", "acled", str(renamed), "--as-new", "-q")
    assert kept.exit_code == 0 and "kept beside overlapping source acled-acled-old-deletion-dummy" in kept.output
    assert {"acled-acled-old-deletion-dummy", "acled-acled-copy"} <= set(listed(runner, store))
    removed = cli(runner, store, "remove", "acled-acled-copy")
    assert removed.exit_code == 0 and removed.output.startswith("removed import source acled-acled-copy")
    assert store_dump(store) == before

    # --replace: the small file replaces the big one in one transaction; what the small file's
    # events use keeps its labels even where the big file described it first
    replaced = cli(runner, store, "import", "acled", str(SMALL), "--replace", "-q")
    assert replaced.exit_code == 0 and "replaced source acled-acled-old-deletion-dummy" in replaced.output
    assert set(listed(runner, store)) == {"acled-acled-old-dummy"}
    assert event_ids(store) == sorted({r["event_id_cnty"] for r in small})
    graph = kg.open(str(store), read_only=True)
    try:
        unlabelled = graph.query(
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?e ckg:sourceId ?id ; ckg:agent|ckg:target|ckg:participant|ckg:place ?a "
            "FILTER NOT EXISTS { ?a rdfs:label ?l } }").scalar()
        names = {str(r["l"]) for r in graph.query(
            "SELECT DISTINCT ?l WHERE { ?e ckg:sourceId ?id ; ckg:agent|ckg:target|ckg:participant ?a . ?a rdfs:label ?l }").records()}
    finally:
        graph.close()
    assert int(unlabelled) == 0
    assert {r["actor1"] for r in small} <= names | {""}


def test_remove_errors(runner, tmp_path, seed_kg):
    store = tmp_path / "store"
    assert cli(runner, store, "build").exit_code == 0
    assert cli(runner, store, "import", "acled", str(SMALL), "-q").exit_code == 0
    unknown = cli(runner, store, "remove", "acled-acled-old-dumy")
    assert unknown.exit_code == 1
    assert unknown.output.strip() == "Error: no source 'acled-acled-old-dumy' in the store; did you mean acled-acled-old-dummy?"
    curated = cli(runner, store, "remove", "isw-syria-sitrep-2017-05-31")
    assert curated.exit_code == 2 and "run `kg build` again" in curated.output
    rows = listed(runner, store)
    assert rows["isw-syria-sitrep-2017-05-31"]["kind"] == "curated"
    assert rows["acled-acled-old-dummy"]["rows"] == len(read(SMALL))
    reserved = cli(runner, store, "import", "acled", str(SMALL), "--source-id", "identity")
    assert reserved.exit_code == 2 and "reserved" in reserved.output
