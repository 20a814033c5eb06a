"""What crash-safe writes cost (kg/store/journal.py): seed query latency and an ICEWS14 import.

Run it once on the tree to measure and once on the tree before the change (``PYTHONPATH`` of
an older checkout), and compare:

    .venv/bin/python bench/write_safety_overhead.py [ICEWS_FILE]

1. Query latency on the built seed (a folder store): the median over 300 runs of each of three
   queries through ``KnowledgeGraph.query`` (point lookup, a typical events query, a count), in
   microseconds. Between writes the only extra work is one key lookup (is there a journal graph?).
2. The same queries while a write is staged (a journal names a graph): the committed graphs are
   then listed explicitly (default_graph / named_graphs), which is the slower path.
3. ``import_file`` of ICEWS14's validation split (13,823 facts, ``$KG_SHARED_DIR`` or ../shared),
   best of three, into a fresh folder store holding the built seed.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import kg
from kg.curated.build import build
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat

QUERIES = {
    "point": "SELECT ?l WHERE { actor:isis rdfs:label ?l }",
    "events": "SELECT ?e ?d WHERE { ?e ckg:agent actor:isis ; ckg:startDate ?d } ORDER BY ?d",
    "count": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}


def latency(graph: kg.KnowledgeGraph, runs: int = 300) -> dict[str, float]:
    out = {}
    for name, text in QUERIES.items():
        graph.query(text)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            graph.query(text)
            times.append(time.perf_counter() - started)
        out[name] = round(statistics.median(times) * 1e6)
    return out


def main() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared"
    icews = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "datasets" / "icews14" / "tlogic-named" / "valid.txt"
    with tempfile.TemporaryDirectory() as folder:
        graph = kg.open(str(Path(folder) / "seed"))
        build(graph)
        print("kg from", kg.__file__)
        print("seed query median, us:", latency(graph))
        try:
            from kg.store import journal
        except ImportError:
            print("no kg.store.journal in this tree: no staged-write figures")
        else:
            journal.begin(graph.store, "bench write", ["https://example.org/staged"])
            print("seed query median while a write is staged, us:", latency(graph))
            journal.recover(graph.store)
        graph.close()
        if not icews.exists():
            print(f"{icews} missing: no import figure")
            return
        seconds = []
        for attempt in range(3):
            graph = kg.open(str(Path(folder) / f"import-{attempt}"))
            build(graph)
            started = time.perf_counter()
            report = import_file(graph, IcewsFormat(), icews, now=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
            seconds.append(time.perf_counter() - started)
            graph.close()
        print(f"import {icews.name}: {report.quads} quads, best of 3 {min(seconds):.2f} s ({', '.join(f'{s:.2f}' for s in seconds)})")


if __name__ == "__main__":
    main()
