"""Progress bars (issue 17, point 4): long commands draw a bar with rate and ETA when stderr is a
terminal (a real pseudo-terminal here), and nothing when stderr is a pipe or --quiet is given."""

from __future__ import annotations

import fcntl
import os
import pty
import random
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ACLED = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"
KG = [sys.executable, "-m", "kg.cli"]
#: tqdm's bar: "NAME:  40%|####      | 12/30 [00:01<00:02, 9.50 rows/s]" (rate and ETA inside the brackets)
BAR = re.compile(r"\d+%\|.*\| *\d+/\d+ \[[\d:]+<[\d:?]+, *[\d.?]+ (rows|quads|queries)/s\]")


def run_on_terminal(args: list[str]) -> tuple[int, str]:
    """Run ``kg ARGS`` with stderr on a pseudo-terminal; return the exit code and what it drew."""
    return on_terminal([*KG, *args])


def on_terminal(command: list[str]) -> tuple[int, str]:
    """Run ``command`` with stderr on a 24x100 pseudo-terminal; return the exit code and what it drew."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def run_in_pipe(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "store")


def test_import_draws_a_bar_on_a_terminal_only(store: str, tmp_path: Path) -> None:
    code, drawn = run_on_terminal(["--store", store, "import", "acled", str(ACLED)])
    assert code == 0, drawn
    assert BAR.search(drawn) and "acled-sample-30.csv" in drawn, drawn
    piped = run_in_pipe(["--store", str(tmp_path / "other"), "import", "acled", str(ACLED)])
    assert piped.returncode == 0, piped.stderr
    assert "%|" not in piped.stderr and "rows/s" not in piped.stderr, piped.stderr
    code, quiet = run_on_terminal(["--store", str(tmp_path / "third"), "import", "--quiet", "acled", str(ACLED)])
    assert code == 0 and "%|" not in quiet and "rows/s" not in quiet, quiet


def test_export_draws_a_bar_on_a_terminal_only(store: str, tmp_path: Path) -> None:
    assert run_in_pipe(["--store", store, "build"]).returncode == 0
    code, drawn = run_on_terminal(["--store", store, "export", "-o", str(tmp_path / "all.nq")])
    assert code == 0 and BAR.search(drawn), drawn
    assert (tmp_path / "all.nq").stat().st_size > 0
    piped = run_in_pipe(["--store", store, "export", "-o", str(tmp_path / "again.nq")])
    assert piped.returncode == 0 and "quads/s" not in piped.stderr, piped.stderr
    assert (tmp_path / "again.nq").read_bytes() == (tmp_path / "all.nq").read_bytes()


def test_forecast_evaluation_draws_a_bar_per_stage(tmp_path: Path) -> None:
    folder = tmp_path / "icews14-tiny"  # the name gives the calendar epoch (ICEWS14: 2014-01-01)
    folder.mkdir()
    rng = random.Random(7)
    (folder / "entity2id.txt").write_text("".join(f"Actor_{i}_(Country{i % 3})\t{i}\n" for i in range(12)))
    (folder / "relation2id.txt").write_text("Make_statement\t0\nConsult\t1\n")
    for split, days in (("train", range(1, 21)), ("valid", range(21, 26)), ("test", range(26, 31))):
        rows = {(rng.randrange(12), rng.randrange(2), rng.randrange(12), day) for day in days for _ in range(15)}
        (folder / f"{split}.txt").write_text("".join("\t".join(map(str, row)) + "\n" for row in sorted(rows)))
    args = ["--store", str(tmp_path / "s"), "forecast", "evaluate", "--dataset", str(folder), "--tune-sample", "100"]
    code, drawn = run_on_terminal(args)
    assert code == 0, drawn
    assert "importing train.txt" in drawn and "scoring test" in drawn and BAR.search(drawn), drawn
    piped = run_in_pipe(["--store", str(tmp_path / "s2"), *args[2:]])
    assert piped.returncode == 0 and "queries/s" not in piped.stderr and "%|" not in piped.stderr, piped.stderr


def test_a_stage_without_ticks_keeps_its_elapsed_time_moving() -> None:
    """A stage of unknown length (forecast tuning) or past its last tick (an import publishing)
    is redrawn every second, so it never looks frozen."""
    code = "import time\nfrom kg.cli.progress import bars\nwith bars()('tuning on valid', None):\n    time.sleep(2.6)\n"
    status, drawn = on_terminal([sys.executable, "-c", code])
    assert status == 0, drawn
    stamps = set(re.findall(r"tuning on valid: \d+it \[(\d\d:\d\d)", drawn))
    assert {"00:00", "00:01", "00:02"} <= stamps, stamps


def test_viz_shows_that_it_is_working_on_a_terminal_only(store: str, tmp_path: Path) -> None:
    assert run_in_pipe(["--store", store, "build"]).returncode == 0
    code, drawn = run_on_terminal(["--store", store, "viz", "network", "-o", str(tmp_path / "n.html")])
    assert code == 0 and re.search(r"kg viz network: making the view: \d+it \[00:\d\d", drawn), drawn
    piped = run_in_pipe(["--store", store, "viz", "network", "-o", str(tmp_path / "m.html")])
    assert piped.returncode == 0 and "making the view" not in piped.stderr + piped.stdout, piped
    assert piped.stdout.startswith("Wrote ")
