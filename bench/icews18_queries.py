"""ICEWS18 on a laptop: query latency, window projection, metrics and a view, on one store.

    .venv/bin/python bench/icews18_queries.py [--store DIR] [--out bench/results/icews18_queries.json]

Imports ICEWS18 (train, valid, test) into an embedded store unless --store names one already
built, then measures, each repeated: every saved query and `kg events` lookups (p50, p95);
the projection of a 30-day window to networkx; PageRank and balance on it; and `kg viz
network` of the month's top 300 actors. A raw pyoxigraph run of the same SPARQL is measured
beside each saved query, so the ratio shows what the library adds over the engine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
FILES = [
    SHARED / "datasets/icews18/derived-named/train.txt",
    SHARED / "datasets/icews18/tlogic-named/valid.txt",
    SHARED / "datasets/icews18/tlogic-named/test.txt",
]
PARAMS = {  # saved-query parameters that fit ICEWS18 (2018-01-01 .. 2018-10-31)
    "who-attacked-whom": {"start": "2018-05-01", "end": "2018-05-07"},
    "memberships-on-date": {"date": "2018-05-01"},
    "actor-events": {"actor": "actor:citizen-syria"},
    "events-in-place": {"place": "place:syria"},
    "events-known-on": {"knownOn": "2030-01-01"},
    "states-changed": {"start": "2018-05-01", "end": "2018-05-31"},
}
SKIP = {"colocated-events"}  # pairwise over every event: a research query, not an interactive one


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "runs": len(ordered)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "icews18_queries.json")
    args = parser.parse_args()

    import kg
    from kg.analysis.balance import balance, signed
    from kg.analysis.projection import actor_graph, collapse
    from kg.build import ensure_ontology
    from kg.ingest.base import import_file
    from kg.ingest.icews import IcewsFormat
    from kg.namespaces import PREFIXES
    from kg.query import bind_parameters, saved_queries

    tmp = tempfile.TemporaryDirectory()
    location = args.store or Path(tmp.name) / "store"
    graph = kg.open(location)
    results: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    if not args.store:
        ensure_ontology(graph)
        start = time.perf_counter()
        for path in FILES:
            import_file(graph, IcewsFormat(), path)
        results["import_s"] = time.perf_counter() - start
    results["quads"] = graph.count_quads()

    queries = {}
    for name, query in saved_queries().items():
        if name in SKIP:
            continue
        params = query.bind(PARAMS.get(name, {}))
        text = bind_parameters(query.text, params)
        kg_times = timed(lambda: graph.query(query.text, params=params), args.repeat)
        raw_times = timed(lambda: list(graph.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)), args.repeat)
        queries[name] = {"kg": summary(kg_times), "raw_pyoxigraph": summary(raw_times), "rows": len(graph.query(query.text, params=params))}
    results["saved_queries"] = queries
    all_p50 = sorted(q["kg"]["p50_ms"] for q in queries.values())
    results["saved_queries_median_of_p50_ms"] = statistics.median(all_p50)

    window = {"start": dt.date(2018, 5, 1), "end": dt.date(2018, 5, 30)}
    lookups = {
        "events --actor citizen-syria": lambda: graph.events(actor="citizen-syria"),
        "events --from/--to (7 days)": lambda: graph.events(start=dt.date(2018, 5, 1), end=dt.date(2018, 5, 7)),
        "events --as-of": lambda: graph.events(as_of=dt.date(2018, 5, 1)),
    }
    results["lookups"] = {name: summary(timed(fn, args.repeat)) for name, fn in lookups.items()}

    projection_times = timed(lambda: actor_graph(graph, **window), 3)
    month = actor_graph(graph, **window)
    results["projection_30d"] = {**summary(projection_times), "nodes": month.number_of_nodes(), "edges": month.number_of_edges()}
    import networkx as nx

    start = time.perf_counter()
    nx.pagerank(collapse(month), weight="weight")
    results["pagerank_s"] = time.perf_counter() - start
    start = time.perf_counter()
    balance(signed(month))
    results["balance_s"] = time.perf_counter() - start

    from viz.network import network_view  # type: ignore[attr-defined]

    start = time.perf_counter()
    html = network_view(graph, start=window["start"], end=window["end"], top=300).to_string()
    results["viz_top300_s"] = time.perf_counter() - start
    results["viz_top300_mb"] = len(html.encode()) / 1e6

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
