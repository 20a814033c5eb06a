"""ICEWS18 import, side by side: `kg import icews` vs raw pyoxigraph bulk_load vs rdflib.

Each contender runs in its own subprocess so its peak RSS is its own. Run from the repo:

    .venv/bin/python bench/import_icews18.py [--rdflib] [--out bench/results/import.json]

Steps:
1. `kg import icews` of the three ICEWS18 files (train, valid, test: 468,558 quadruples)
   into an empty embedded store: wall time, peak RSS, quads/s.
2. The quads that import produced, exported once as N-Quads (the engine's own input format).
3. Raw pyoxigraph `Store.bulk_load` of exactly that file into an empty store (the engine's limit).
4. rdflib's in-memory `Dataset.parse` of the same file (what a user would otherwise pick; --rdflib).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
ICEWS18 = [
    SHARED / "datasets/icews18/derived-named/train.txt",
    SHARED / "datasets/icews18/tlogic-named/valid.txt",
    SHARED / "datasets/icews18/tlogic-named/test.txt",
]

CHILD = {
    "kg": """
import sys, time, kg
from pathlib import Path
from kg.contract.ontology import ensure_ontology
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat
graph = kg.open(sys.argv[1]); ensure_ontology(graph)
start = time.perf_counter(); rows = 0
for name in sys.argv[2:]:
    rows += import_file(graph, IcewsFormat(), Path(name)).imported
graph.close()
import resource
print(time.perf_counter() - start, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""",
    "oxigraph": """
import sys, time, pyoxigraph as ox
store = ox.Store(sys.argv[1])
start = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
import resource
print(time.perf_counter() - start, len(store), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""",
    "rdflib": """
import sys, time
from rdflib import Dataset
start = time.perf_counter()
ds = Dataset(); ds.parse(sys.argv[2], format="nquads")
import resource
print(time.perf_counter() - start, len(ds), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""",
}


def run(name: str, *args: str) -> dict[str, float]:
    """Run one contender in a child process; return its wall time, result count and peak RSS."""
    out = subprocess.run([sys.executable, "-c", CHILD[name], *args], capture_output=True, text=True, check=True)
    seconds, count, peak_kb = out.stdout.split()[-3:]
    return {"seconds": float(seconds), "count": int(float(count)), "peak_rss_mb": int(peak_kb) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rdflib", action="store_true", help="also time rdflib (slow, several GB)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "import_icews18.json")
    args = parser.parse_args()
    missing = [p for p in ICEWS18 if not p.exists()]
    if missing:
        sys.exit(f"ICEWS18 files not found: {missing}")
    rows = sum(1 for p in ICEWS18 for line in p.open(encoding="utf-8") if line.strip())
    results: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}", "rows": rows}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["kg_import"] = run("kg", str(work / "kg-store"), *map(str, ICEWS18))
        nquads = work / "icews18.nq"
        export = "import kg, sys\nfrom kg.export.rdf import write_rdf\nwrite_rdf(kg.open(sys.argv[1]), sys.argv[2], 'nquads')"
        subprocess.run([sys.executable, "-c", export, str(work / "kg-store"), str(nquads)], check=True)
        results["nquads_file_mb"] = nquads.stat().st_size / 1e6
        results["oxigraph_bulk_load"] = run("oxigraph", str(work / "raw-store"), str(nquads))
        if args.rdflib:
            results["rdflib_parse"] = run("rdflib", "-", str(nquads))
    quads = results["oxigraph_bulk_load"]["count"]  # type: ignore[index]
    for key in ("kg_import", "oxigraph_bulk_load", "rdflib_parse"):
        if key in results:
            entry = results[key]  # type: ignore[assignment]
            entry["quads_per_s"] = quads / entry["seconds"]  # type: ignore[index]
    kg_s = results["kg_import"]["seconds"]  # type: ignore[index]
    results["ratio_kg_vs_oxigraph"] = kg_s / results["oxigraph_bulk_load"]["seconds"]  # type: ignore[index]
    if "rdflib_parse" in results:
        results["ratio_rdflib_vs_kg"] = results["rdflib_parse"]["seconds"] / kg_s  # type: ignore[index]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
