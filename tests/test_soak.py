"""Issue 13 (5): the soak of ``kg serve`` (bench/soak.py) for 60 seconds: 16 clients on 127.0.0.1 with
good, slow, malformed and oversized requests. No good request may get a 5xx, the server must
still answer, and its memory (with its workers) must not grow past a bound. The 10-minute run's
figures are in bench/README-reliability.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[1] / "bench" / "soak.py"


@pytest.mark.slow
def test_soak_sixty_seconds(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    command = [sys.executable, str(SOAK), "--seconds", "60", "--clients", "16", "--timeout", "8", "--sample", "2",
               "--max-growth", "1.6", "--json", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=400)
    assert out.exists(), done.stderr[-3000:]
    report = json.loads(out.read_text())
    kinds = report["kinds"]
    assert report["good_5xx"] == 0, (kinds["good"], report["answers"])
    assert report["still_answering"], report
    assert kinds["good"]["requests"] > 50 and kinds["good"]["statuses"].get("200", 0) > 50, kinds["good"]
    for kind in ("malformed", "oversized"):  # refused with a 4xx (or the connection closed), never a 500
        assert not any(s == "500" for s in kinds[kind]["statuses"]), (kind, kinds[kind], report["answers"])
    assert "500" not in kinds["slow"]["statuses"], kinds["slow"]
    assert report["rss_mb"]["growth"] <= 1.6, report["rss_mb"]
    assert done.returncode == 0, done.stdout[-3000:]
