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
#: With --with-seed the curated report is built into the same store: the queries about quotes,
#: states and campaigns (which ICEWS rows never have) then answer with rows, from 5.4 M quads.
SEED_PARAMS = {
    "who-attacked-whom": {"start": "2017-05-18", "end": "2017-05-25"},
    "memberships-on-date": {"date": "2017-05-31"},
    "states-changed": {"start": "2017-05-01", "end": "2017-05-31"},
    "actor-events": {"actor": "actor:isis"},
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


CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[4])
import kg
from kg.base.namespaces import PREFIXES
from kg.sparql.params import bind_parameters
from kg.sparql.saved import saved_query
graph = kg.open(sys.argv[1]); name = sys.argv[2]; repeat = int(sys.argv[3])
params = json.loads(sys.argv[5]); query = saved_query(name); bound = query.bind(params)
text = bind_parameters(query.text, bound)
def timed(fn):
    out = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); out.append(time.perf_counter() - start)
    return out
kg_times = timed(lambda: graph.query(query.text, params=bound))
raw_times = timed(lambda: list(graph.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)))
print(json.dumps({"kg": kg_times, "raw": raw_times, "rows": len(graph.query(query.text, params=bound))}))
"""


LOOKUP = """
import json, sys, time, datetime as dt
sys.path.insert(0, sys.argv[3])
import kg
graph = kg.open(sys.argv[1]); repeat = int(sys.argv[2]); options = json.loads(sys.argv[4])
call = getattr(graph, options.pop("call", "events"))
options = {k: (dt.date.fromisoformat(v) if k in ("start", "end", "as_of") else v) for k, v in options.items()}
out = []
for _ in range(repeat):
    start = time.perf_counter(); rows = call(**options); out.append(time.perf_counter() - start)
print(json.dumps({"times": out, "rows": len(rows)}))
"""


def _lookup_in_child(location: Path, options: dict[str, str], repeat: int, timeout: float) -> dict[str, object]:
    import subprocess

    try:
        out = subprocess.run([sys.executable, "-c", LOOKUP, str(location), str(repeat), str(ROOT), json.dumps(options)],
                             capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"over_timeout_s": timeout}
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {**summary(data["times"]), "rows": data["rows"]}


def _save(path: Path, results: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")


def _measure_in_child(location: Path, name: str, repeat: int, timeout: float, params: dict[str, dict[str, str]]) -> dict[str, object]:
    """Time one saved query in a child process, so a query slower than ``timeout`` can be stopped."""
    import subprocess

    try:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(location), name, str(repeat), str(ROOT), json.dumps(params.get(name, {}))],
            capture_output=True, text=True, timeout=timeout, check=True,
        )
    except subprocess.TimeoutExpired:
        return {"over_timeout_s": timeout}
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"kg": summary(data["kg"]), "raw_pyoxigraph": summary(data["raw"]), "rows": data["rows"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--query-timeout", type=float, default=60, help="seconds per saved query (all repeats)")
    parser.add_argument("--with-seed", action="store_true", help="build the curated seed into the store too")
    parser.add_argument("--only-queries", action="store_true", help="saved queries only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "icews18_queries.json")
    args = parser.parse_args()

    import kg
    from kg.analysis.balance import balance, signed
    from kg.analysis.projection import actor_graph, collapse
    from kg.contract.ontology import ensure_ontology
    from kg.ingest.base import import_file
    from kg.ingest.icews import IcewsFormat
    from kg.sparql.saved import saved_queries

    tmp = tempfile.TemporaryDirectory()
    location = args.store or Path(tmp.name) / "store"
    fresh = not (args.store and Path(args.store).exists())
    graph = kg.open(location)
    results: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    if fresh:
        ensure_ontology(graph)
        start = time.perf_counter()
        for path in FILES:
            import_file(graph, IcewsFormat(), path)
        results["import_s"] = time.perf_counter() - start
    params = dict(PARAMS)
    if args.with_seed:
        from kg.curated.build import build

        build(graph)
        params.update(SEED_PARAMS)
        results["with_seed"] = True
    results["quads"] = graph.count_quads()

    graph.close()
    del graph
    queries = {}
    for name in saved_queries():
        if name in SKIP:
            queries[name] = {"skipped": "pairwise over every event: a research query, not an interactive one"}
            continue
        queries[name] = _measure_in_child(location, name, args.repeat, args.query_timeout, params)
    results["saved_queries"] = queries
    all_p50 = sorted(q["kg"]["p50_ms"] for q in queries.values() if "kg" in q)
    results["saved_queries_median_of_p50_ms"] = statistics.median(all_p50)
    _save(args.out, results)
    if args.only_queries:
        print(json.dumps(results, indent=2, default=str))
        return
    graph = kg.open(location)

    window = {"start": dt.date(2018, 5, 1), "end": dt.date(2018, 5, 30)}
    lookups = {
        "events --actor citizen-syria": {"actor": "citizen-syria"},
        "events --from 2018-05-01 --to 2018-05-07": {"start": "2018-05-01", "end": "2018-05-07"},
        "events --as-of 2018-05-01": {"as_of": "2018-05-01"},
        "events --actor citizen-syria --from 2018-05-01 --to 2018-05-07": {"actor": "citizen-syria", "start": "2018-05-01", "end": "2018-05-07"},
        "timeline --actor citizen-syria": {"call": "timeline", "actor": "citizen-syria"},
        "timeline --from 2018-05-01 --to 2018-05-07": {"call": "timeline", "start": "2018-05-01", "end": "2018-05-07"},
    }
    graph.close()
    del graph
    results["lookups"] = {name: _lookup_in_child(location, options, args.repeat, args.query_timeout) for name, options in lookups.items()}
    _save(args.out, results)
    graph = kg.open(location)

    projection_times = timed(lambda: actor_graph(graph, **window), 3)
    month = actor_graph(graph, **window)
    results["projection_30d"] = {**summary(projection_times), "nodes": month.number_of_nodes(), "edges": month.number_of_edges()}
    _save(args.out, results)
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

    _save(args.out, results)
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
