"""Readers beside a writer, with real processes: a writer holds the store folder while readers
query it; a second writer waits, then fails naming the first; a read-only view sees new writes
after ``refresh()``; a killed writer's lock dies with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.base.errors import StoreError, UsageError
from kg.store import lock

pytestmark = pytest.mark.slow

#: Holds the store for writing; each line on stdin adds one triple; "close" releases it.
HOLDER = r"""
import sys, kg
graph = kg.open(sys.argv[1], wait=0)
n = 0
graph.update(f"INSERT DATA {{ GRAPH <https://example.org/g> {{ <https://example.org/s0> <https://example.org/p> 0 }} }}")
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "close":
        graph.close()
        print("closed", flush=True)
        continue
    n += 1
    graph.update(f"INSERT DATA {{ GRAPH <https://example.org/g> {{ <https://example.org/s{n}> <https://example.org/p> {n} }} }}")
    print("wrote", n, flush=True)
"""

READER = r"""
import sys, time, kg
graph = kg.open(sys.argv[1], read_only=True)
time.sleep(float(sys.argv[2]))  # stay open while the others read too
print(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").records()[0]["n"], flush=True)
"""

WRITER = r"""
import sys, time, kg
started = time.monotonic()
try:
    graph = kg.open(sys.argv[1])
except kg.StoreError as err:
    print(f"{time.monotonic() - started:.2f}", err, flush=True)
    sys.exit(1)
graph.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/w> <https://example.org/p> 'w' } }")
graph.close()
print(f"{time.monotonic() - started:.2f}", "wrote", flush=True)
"""


def _python(code: str, *args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, **(env or {})}, **kwargs,
    )


@pytest.fixture
def holder(tmp_path):
    """A process holding ``tmp_path/store`` for writing, started with a secret on its command line."""
    store = tmp_path / "store"
    process = _python(HOLDER, str(store), "--update-token", "s3cret-token")
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    process.store = store  # type: ignore[attr-defined]
    yield process
    if process.poll() is None:
        process.stdin.close()
        process.wait(30)


def _tell(process: subprocess.Popen, line: str) -> str:
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def test_readers_query_while_a_writer_holds_the_store(holder):
    readers = [_python(READER, str(holder.store), "1.0") for _ in range(4)]
    outputs = [reader.communicate(timeout=60) for reader in readers]
    assert [reader.returncode for reader in readers] == [0, 0, 0, 0], outputs
    assert [out.strip() for out, _ in outputs] == ["1"] * 4


def test_second_writer_waits_then_fails_naming_the_holder(holder):
    writer = _python(WRITER, str(holder.store), env={"KG_WAIT": "1.5"})
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 1, err
    seconds, message = out.split(" ", 1)
    assert 1.5 <= float(seconds) < 10
    assert message.count("\n") == 1 and message.startswith(str(holder.store))
    assert f"being written by pid {holder.pid} (" in message and "--update-token ***" in message
    assert "s3cret" not in message and "s3cret" not in (holder.store / lock.LOCK_FILE).read_text()
    assert "waited 1.5 s" in message and "--wait SECONDS" in message


def test_second_writer_gets_the_store_once_the_first_is_done(holder):
    writer = _python(WRITER, str(holder.store), env={"KG_WAIT": "30"})
    time.sleep(1.0)
    assert writer.poll() is None  # still waiting
    assert _tell(holder, "close") == "closed"
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0 and out.split()[1] == "wrote", err
    with kg.open(holder.store, read_only=True) as graph:
        assert graph.count_quads() == 2


def test_a_read_only_view_sees_new_writes_after_refresh(holder):
    view = kg.open(holder.store, read_only=True)
    live = kg.open(holder.store, read_only=True, auto_refresh=True)
    assert view.count_quads() == live.count_quads() == 1 and not view.changed()
    assert _tell(holder, "more") == "wrote 1"
    assert view.count_quads() == 1  # a snapshot...
    assert view.changed() and view.refresh() and not view.changed()
    assert view.count_quads() == 2  # ...until refreshed
    assert view.refresh() is False
    assert live.count_quads() == 2
    assert _tell(holder, "more") == "wrote 2"
    assert live.query("ASK { <https://example.org/s2> ?p 2 }").boolean
    view.close()
    live.close()


def test_a_killed_writer_leaves_no_lock(tmp_path, holder):
    assert lock.holder(holder.store).pid == holder.pid
    holder.send_signal(signal.SIGKILL)
    holder.wait(30)
    assert lock.holder(holder.store) is None  # the file is still there, its contents are not believed
    graph = kg.open(holder.store, wait=0)
    assert graph.count_quads() == 1
    graph.close()


def test_a_program_that_is_not_kg_holding_the_folder_is_named(tmp_path):
    store = tmp_path / "store"
    kg.open(store).close()
    code = "import sys, pyoxigraph\ns = pyoxigraph.Store(sys.argv[1])\nprint('ready', flush=True)\nsys.stdin.read()\n"
    other = _python(code, str(store))
    try:
        assert other.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="being written by") as err:
            kg.open(store, wait=0.3)
        if Path("/proc/locks").exists():
            assert f"pid {other.pid}" in str(err.value)
        with kg.open(store, read_only=True) as view:  # readers still can
            assert view.count_quads() == 0
    finally:
        other.stdin.close()
        other.wait(30)


def test_read_only_views_refuse_writes(tmp_path):
    graph = kg.open(tmp_path / "store")
    graph.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/p> 1 } }")
    view = kg.open(tmp_path / "store", read_only=True)
    with pytest.raises(StoreError, match="opened read-only"):
        view.update("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/b> <https://example.org/p> 1 } }")
    quad = ox.Quad(ox.NamedNode("https://example.org/c"), ox.NamedNode("https://example.org/p"), ox.Literal("1"),
                   ox.NamedNode("https://example.org/g"))
    with pytest.raises(StoreError, match="opened read-only"):
        view.add_quads([quad])
    assert view.read_only and not graph.read_only
    view.close()
    graph.close()


def test_read_only_on_a_missing_folder_creates_an_empty_store(tmp_path):
    with kg.open(tmp_path / "new", read_only=True) as view:
        assert view.count_quads() == 0
    assert (tmp_path / "new" / "CURRENT").exists()


def test_in_process_second_writer_and_stale_lock_file(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / lock.LOCK_FILE).write_text('{"pid": 1, "command": "kg serve", "host": "elsewhere", "since": "x"}\n')
    graph = kg.open(store, wait=0)  # a leftover file from a dead writer blocks nobody
    with pytest.raises(StoreError, match=f"pid {os.getpid()}"):
        kg.open(store, wait=0)
    graph.close()
    kg.open(store, wait=0).close()


def test_wait_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("KG_WAIT", "2.5")
    assert lock.wait_seconds() == 2.5
    assert lock.wait_seconds(0) == 0
    monkeypatch.delenv("KG_WAIT")
    assert lock.wait_seconds() == lock.DEFAULT_WAIT
    for bad in ("soon", "-1", "nan"):
        monkeypatch.setenv("KG_WAIT", bad)
        with pytest.raises(UsageError, match="KG_WAIT"):
            lock.wait_seconds()


def _kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_reads_beside_a_writer_and_a_cli_write_waits_then_names_it(holder):
    """`kg query`/`kg events` answer while another process writes; `kg build` waits --wait seconds."""
    read = _kg("--store", str(holder.store), "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    assert read.returncode == 0, read.stderr
    assert read.stdout.splitlines() == ["n", "1"]
    assert _kg("--store", str(holder.store), "events").returncode == 0
    started = time.monotonic()
    write = _kg("--store", str(holder.store), "--wait", "1", "build")
    assert write.returncode == 1
    assert time.monotonic() - started >= 1
    assert write.stderr.count("\n") == 1 and f"being written by pid {holder.pid}" in write.stderr
    assert "Traceback" not in write.stderr
