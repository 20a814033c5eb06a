"""The analytic event index (issue 14): engine choice, index build, and the SPARQL path beside it.

    .venv/bin/python bench/analytics_index.py engines --store DIR     # DuckDB vs Polars on the index's tables
    .venv/bin/python bench/analytics_index.py compare --store DIR     # SPARQL path vs index, every target of issue 14

``engines`` times the workload the index serves, with each engine on the same Arrow tables
(built from the store by ``kg.index.scan``): load the tables, one 30-day window's actor pairs
(filter + join), and windowed counts (events per actor and ISO week over the whole dataset).
``compare`` times each target once through the SPARQL path (``KG_INDEX=off``) and once through
the index, in one run, each step in a child process with a timeout. Figures go to
``bench/results/`` and, by hand, to ``bench/README-index.md``. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def _best(f: Any, repeat: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def engines(store: str, month: str) -> dict[str, Any]:
    """DuckDB vs Polars on the index's tables."""
    import duckdb
    import polars as pl

    import kg
    from kg.index.cache import event_index

    graph = kg.open(store, read_only=True)
    ix = event_index(graph, build=False)
    if ix is None:
        sys.exit(f"{store} has no fresh index: run kg --store {store} index first")
    events = ix.events.select(["event", "start", "end", "sign", "has_parts", "invalidated"])
    pairs = ix.pairs
    first = dt.date.fromisoformat(month + "-01")
    last = first + dt.timedelta(days=29)
    out: dict[str, Any] = {"events": events.num_rows, "pairs": pairs.num_rows, "window": [str(first), str(last)]}

    con = duckdb.connect()
    t_load_duck, _ = _best(lambda: (con.register("events", events), con.register("pairs", pairs)))
    window_sql = """
        SELECT p.a, p.b, p.role, e.event, e.start, e."end", e.sign
        FROM pairs p JOIN (SELECT row_number() OVER () - 1 AS eid, * FROM events) e USING (eid)
        WHERE NOT e.has_parts AND e.invalidated IS NULL AND e."end" >= ? AND e.start <= ?
    """
    t_win_duck, rows = _best(lambda: con.execute(window_sql, [first, last]).to_arrow_table())
    weekly_sql = """
        SELECT actor, date_trunc('week', start) AS week, count(*) AS n FROM (
          SELECT e.start, unnest(list_distinct([p.a, p.b])) AS actor
          FROM pairs p JOIN (SELECT row_number() OVER () - 1 AS eid, * FROM events) e USING (eid)
          WHERE NOT e.has_parts AND e.invalidated IS NULL)
        GROUP BY actor, week
    """
    t_week_duck, weekly = _best(lambda: con.execute(weekly_sql).to_arrow_table())
    out["duckdb"] = {"register": t_load_duck, "window_pairs": t_win_duck, "window_rows": rows.num_rows,
                     "weekly_counts": t_week_duck, "weekly_rows": weekly.num_rows}

    t_load_pl, (pe, pp) = _best(lambda: (pl.from_arrow(events).with_row_index("eid"), pl.from_arrow(pairs)))
    pe = pe.with_columns(pl.col("eid").cast(pl.Int32))

    def window_pl() -> Any:
        chosen = pe.filter(~pl.col("has_parts") & pl.col("invalidated").is_null()
                           & (pl.col("end") >= first) & (pl.col("start") <= last))
        return pp.join(chosen, on="eid", how="inner")

    t_win_pl, rows_pl = _best(window_pl)

    def weekly_pl() -> Any:
        standing = pe.filter(~pl.col("has_parts") & pl.col("invalidated").is_null()).select("eid", "start")
        joined = pp.join(standing, on="eid")
        actors = pl.concat([joined.select("eid", "start", pl.col("a").alias("actor")),
                            joined.select("eid", "start", pl.col("b").alias("actor"))]).unique(["eid", "actor"])
        return actors.group_by("actor", pl.col("start").dt.truncate("1w").alias("week")).len()

    t_week_pl, weekly_pl_rows = _best(weekly_pl)
    out["polars"] = {"from_arrow": t_load_pl, "window_pairs": t_win_pl, "window_rows": rows_pl.height,
                     "weekly_counts": t_week_pl, "weekly_rows": weekly_pl_rows.height}

    import numpy as np

    def window_np() -> Any:
        keep = ix.select(start=first, end=last)
        return np.flatnonzero(keep[ix.pair_array("eid")])

    t_win_np, picked = _best(window_np)
    out["numpy (kg.index.table)"] = {"window_pairs": t_win_np, "window_rows": len(picked)}
    return out


STEPS: dict[str, str] = {
    "projection 30 days": "from kg.analysis.projection import actor_graph; g = actor_graph(G, start=A, end=B); N = g.number_of_edges()",
    "12 windows x 30 days: degree, PageRank, betweenness": (
        "from kg.analysis.centrality import centrality_series; "
        "N = len(centrality_series(G, start=A0, end=A0 + dt.timedelta(days=359), size='30d'))"),
    "kg actors with counts": "from kg.index.actors import actors; N = len(actors(G).rows)",
    "viz network --top 300 of a month, file written": (
        "from viz.network import network_view; import tempfile, pathlib; "
        "p = pathlib.Path(tempfile.mkdtemp()) / 'v.html'; network_view(G, start=A, end=B, top=300).write(p); "
        "N = p.stat().st_size"),
    "hostile dyads (all events)": "N = len(REPORT('hostile-dyads', 'hostile_dyads'))",
    "weekly event counts (all events)": "N = len(REPORT('weekly-event-counts', 'weekly_counts'))",
    "activity spans (all events)": "N = len(REPORT('actor-activity-span', 'activity_spans'))",
    "shared attacker targets (all events)": "N = len(REPORT('shared-attacker-targets', 'shared_attacker_targets'))",
}

# a report: the saved query on the SPARQL path (KG_INDEX=off), kg.analysis.reports on the index
_REPORT = """
def REPORT(saved, function):
    import os
    if os.environ.get("KG_INDEX") == "off":
        from kg.sparql.saved import saved_query
        return G.query(saved_query(saved).text).rows
    from kg.analysis import reports
    return getattr(reports, function)(G)
"""


def _child(store: str, step: str, index: str, month: str, timeout: float) -> dict[str, Any]:
    first = dt.date.fromisoformat(month + "-01")
    code = (
        "import time, datetime as dt, json, kg\n"
        f"G = kg.open({store!r}, read_only=True)\n"
        f"A = dt.date.fromisoformat({str(first)!r}); B = A + dt.timedelta(days=29)\n"
        "A0 = dt.date(A.year, 1, 1)\n"
        "from kg.index.cache import event_index\n"
        f"{_REPORT}\n"
        "t0 = time.perf_counter(); event_index(G); load = time.perf_counter() - t0\n"
        "t0 = time.perf_counter()\n"
        f"{STEPS[step]}\n"
        "print(json.dumps({'seconds': time.perf_counter() - t0, 'load': load, 'n': N}))\n"
    )
    env = dict(os.environ, KG_INDEX=index)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "timeout": timeout}
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def compare(store: str, month: str, timeout: float, steps: list[str], paths: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in steps:
        out[step] = {path: _child(store, step, "auto" if path == "index" else "off", month, timeout) for path in paths}
        print(step, json.dumps(out[step]), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["engines", "compare"])
    parser.add_argument("--store", required=True)
    parser.add_argument("--month", default="2018-05", help="the month of the 30-day window (YYYY-MM)")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--steps", nargs="*", default=list(STEPS))
    parser.add_argument("--paths", nargs="*", default=["index", "sparql"], choices=["index", "sparql"],
                        help="which paths to time (default both, in this order, one step at a time)")
    args = parser.parse_args()
    result = engines(args.store, args.month) if args.what == "engines" else compare(args.store, args.month, args.timeout, args.steps, args.paths)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"analytics_index_{args.what}_{'_'.join(args.paths) if args.what == 'compare' else ''}{Path(args.store).name}.json"
    path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
