"""What issue 20's data contract costs: SHACL validation of imports and stores, and OWL-Time quads.

- import of ACLED's 9,000-row sample (and ICEWS14's validation split) with and without the core-profile
  validation every import now runs (``import_dataset(..., validate=...)``), median of ``--repeat`` runs;
- the whole store (seed + ACLED sample) validated against the core profile by the store's SPARQL
  checks (``kg.contract.validation.check_store``) and by pyshacl on the same triples;
- the quads and OWL-Time share of an import (``time:`` triples per event).

    python bench/data_contract.py                 # all, 3 repeats
    python bench/data_contract.py --repeat 1 --no-pyshacl
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import kg
from kg.contract.ontology import load_ontology
from kg.contract.validation import check_store, load_profile, union_of, violations

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR") or (ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else "/work/shared"))
FILES = {
    "acled": SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv",
    "icews": SHARED / "datasets" / "icews14" / "tlogic-named" / "valid.txt",
}


def timed_import(fmt: str, validate: bool) -> tuple[float, kg.KnowledgeGraph, int]:
    graph = kg.open(":memory:")
    kg.build(graph)
    started = time.perf_counter()
    report = kg.import_dataset(graph, fmt, FILES[fmt], validate=validate)
    return time.perf_counter() - started, graph, report.quads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pyshacl", action="store_true")
    args = parser.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for fmt, path in FILES.items():
        if not path.is_file():
            print(f"{fmt}: {path} missing, skipped")
            continue
        for validate in (False, True):
            runs = [timed_import(fmt, validate) for _ in range(args.repeat)]
            seconds = statistics.median(r[0] for r in runs)
            graph, quads = runs[-1][1], runs[-1][2]
            print(f"{fmt}: import validate={validate}: {seconds:.2f} s median of {args.repeat} ({quads:,} quads)")
        events = int(graph.query("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:eventType ?t }").scalar())
        owl_time = int(graph.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(STRSTARTS(STR(?p), 'http://www.w3.org/2006/time#') || STRSTARTS(STR(?s), 'https://w3id.org/conflict-kg/id/time/')) }"
        ).scalar())
        print(f"{fmt}: {events:,} events; OWL-Time triples {owl_time:,} ({owl_time / max(events, 1):.2f} per event)")
        started = time.perf_counter()
        found = check_store(graph)
        print(f"{fmt}: whole store, core profile, SPARQL checks: {time.perf_counter() - started:.2f} s, {len(found)} violations")
        if not args.no_pyshacl:
            started = time.perf_counter()
            found_py = violations(union_of(graph), load_profile("core"), load_ontology())
            print(f"{fmt}: whole store, core profile, pyshacl: {time.perf_counter() - started:.2f} s, {len(found_py)} violations")


if __name__ == "__main__":
    main()
