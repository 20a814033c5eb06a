"""`kg serve` without a token reads beside other commands: reads and writes of the same folder run
while it serves, and it answers from the new data after a write, without a restart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from server_live import live_server, request

pytestmark = pytest.mark.slow

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _kg(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store), *args], capture_output=True, text=True, timeout=300)


def _served_count(live) -> int:  # type: ignore[no-untyped-def]
    reply = request(live, "GET", "/sparql?query=" + quote("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> " + COUNT),
                    headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


def test_read_only_server_beside_cli_reads_and_writes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert _kg(store, "build").returncode == 0
    with live_server(store, "--include-restricted") as live:  # the ICEWS graph is not redistributable: count it too
        before = _served_count(live)
        assert before > 1000
        # a read and a write of the same folder while the server runs
        read = _kg(store, "events", "--actor", "isis", "--format", "csv")
        assert read.returncode == 0, read.stderr
        fixture = Path(__file__).parent / "data" / "icews" / "icews14-valid-head40.txt"
        write = _kg(store, "import", "icews", str(fixture))
        assert write.returncode == 0, write.stderr
        imported = int(_kg(store, "query", COUNT, "--format", "csv").stdout.splitlines()[1])
        assert imported > before
        assert _served_count(live) == imported  # no restart
