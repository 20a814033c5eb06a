"""Does import memory stay flat as files grow? Peak RSS of `kg import icews` for growing slices.

    python bench/import_memory.py [ROWS ...]      (default: 100000 and the whole 373,018-row ICEWS18 train)

Each slice is imported into a fresh embedded store in its own process; prints rows, peak RSS, seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
TRAIN = SHARED / "datasets/icews18/derived-named/train.txt"

CHILD = """
import resource, sys, time, kg
from pathlib import Path
from kg.contract.ontology import ensure_ontology
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat
graph = kg.open(sys.argv[1]); ensure_ontology(graph)
start = time.perf_counter()
report = import_file(graph, IcewsFormat(), Path(sys.argv[2]))
print(report.imported, round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), round(time.perf_counter() - start, 1))
"""


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 0]
    lines = TRAIN.read_text(encoding="utf-8").splitlines(keepends=True)
    print("rows\tpeak RSS MB\tseconds")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            part = Path(tmp) / "slice.txt"
            part.write_text("".join(lines[:size] if size else lines), encoding="utf-8")
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "store"), str(part)],
                                 capture_output=True, text=True, check=True)
            print("\t".join(out.stdout.split()))


if __name__ == "__main__":
    main()
