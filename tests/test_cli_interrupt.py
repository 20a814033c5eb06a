"""Ctrl-C: one line, exit code 130, and the store as it was (no traceback, not click's bare "Aborted!").

The commands are stopped while blocked reading a pipe, so the signal lands inside the command,
never during start-up: each case is deterministic.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg
import kg.ingest.base
from kg.contract.ontology import ensure_ontology
from kg.ingest.base import Row, import_file
from kg.ingest.icews import IcewsFormat

from conftest import dump

KG = [sys.executable, "-m", "kg.cli"]
ICEWS = Path(__file__).parent / "data" / "icews" / "icews14-valid-head40.txt"
MESSAGE = "Interrupted (Ctrl-C): a write in progress was rolled back; the store is as it was.\n"


def _interrupt_when_reading_a_pipe(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Send SIGINT once ``process`` waits on a pipe (its kernel wait channel says so)."""
    wchan = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + 60
    while "pipe_read" not in wchan.read_text() and "fifo" not in wchan.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the command never waited on its pipe: {process.communicate()}")
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=60)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    with kg.open(str(path)) as graph:
        ensure_ontology(graph)
    return path


def test_ctrl_c_in_a_query_is_one_line_and_exit_130(store: Path) -> None:
    reader, writer = os.pipe()  # the query "file" is a pipe nobody writes to
    try:
        process = subprocess.Popen([*KG, "--store", str(store), "query", "-f", f"/dev/fd/{reader}"],
                                   pass_fds=(reader,), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = _interrupt_when_reading_a_pipe(process)
    finally:
        os.close(reader)
        os.close(writer)
    assert (process.returncode, out, err) == (130, "", MESSAGE)


class _CtrlCAfter(IcewsFormat):
    """ICEWS rows as usual, then Ctrl-C arrives (as KeyboardInterrupt does) after ``rows`` of them."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.limit = rows

    def rows(self, path: Path) -> Iterator[tuple[int, Row]]:
        for count, numbered_row in enumerate(super().rows(path)):
            if count == self.limit:
                raise KeyboardInterrupt
            yield numbered_row


@pytest.mark.parametrize("rows", [0, 25])  # before the first batch, and with batches already loaded
def test_ctrl_c_in_an_import_leaves_the_store_as_it_was(store: Path, rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.ingest.base, "CHUNK", 40)  # batches of 40 quads: 25 rows fill several
    with kg.open(str(store)) as graph:
        before = dump(graph)
        with pytest.raises(KeyboardInterrupt):
            import_file(graph, _CtrlCAfter(rows), ICEWS)
        assert dump(graph) == before
    with kg.open(str(store)) as graph:  # and so it stays, reopened
        assert dump(graph) == before


def test_a_pipe_is_refused_in_one_line(store: Path, tmp_path: Path) -> None:
    """`kg import icews <(zcat ...)`: the importer reads a file twice, so it asks for a file."""
    fifo = tmp_path / "events.txt"
    os.mkfifo(fifo)
    done = subprocess.run([*KG, "--store", str(store), "import", "icews", str(fifo)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (
        1, f"Error: {fifo}: not a regular file: save the data to a file and import that\n")
