"""Every `kg analyze` metric on real data: one month of ICEWS14 (and of the ACLED sample), timed.

Run from the repo (writes bench/README-analysis.md unless --out says otherwise):

    .venv/bin/python bench/analysis_icews14.py [--month 2014-10] [--acled-month 2022-03] [--out FILE]

Steps, each timed with time.perf_counter():
1. import: `kg import icews` of ICEWS14's TLogic validation split (tlogic-named/valid.txt,
   13,823 quadruples, 20 Sep - 10 Nov 2014) into a temporary embedded Oxigraph store;
2. projection of the month (one SPARQL query for edges, one per 500 actors for labels);
3. centrality: the month as one window (top actors by PageRank) and weekly windows;
4. balance: share of balanced triangles per week and for the month, most frustrated triads,
   "enemy of my enemy" alignments;
5. factions (two camps; exact for components up to 15 actors, local search above);
6. escalation: weekly surges (ACLED rule: at least 2x the average of previous weeks, at
   least 3 events), first-ever hostile dyads, sign flips;
7. time-respecting paths from the month's top actor; its ego network week by week;
8. exports: GraphML and dynamic GEXF of the month.
Then the same on the ACLED sample (acled_old_deletion_dummy.csv, 9,000 events of 2022).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
ICEWS = SHARED / "datasets/icews14/tlogic-named/valid.txt"
ACLED = SHARED / "datasets/acled-sample/acled_old_deletion_dummy.csv"

import kg  # noqa: E402
from kg.analysis import balance, centrality, ego, escalation, paths  # noqa: E402
from kg.analysis.projection import actor_graph, signed_graph  # noqa: E402
from kg.analysis.span import windows  # noqa: E402
from kg.contract.ontology import ensure_ontology  # noqa: E402
from kg.export.network import gexf_bytes, graphml_bytes  # noqa: E402
from kg.ingest import get_format  # noqa: E402
from kg.ingest.base import import_file  # noqa: E402


def timed(timings: list[tuple[str, float]], name: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = fn()
    timings.append((name, time.perf_counter() - start))
    return value


def month_bounds(text: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(text + "-01")
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def analyse(fmt: str, path: Path, month: str, store_dir: Path) -> dict[str, Any]:
    """Import ``path`` and run every metric on ``month``; return figures and timings."""
    t: list[tuple[str, float]] = []
    graph = kg.open(str(store_dir))
    ensure_ontology(graph)
    report = timed(t, "import", lambda: import_file(graph, get_format(fmt), path))
    first, last = month_bounds(month)
    month_graph = timed(t, "projection (month)", lambda: actor_graph(graph, start=first, end=last))
    signed = signed_graph(month_graph)
    top = timed(t, "centrality (month, 1 window)", lambda: centrality.centrality(month_graph, window_start=first, window_end=last))
    weekly_windows = timed(t, "projection (weekly windows)", lambda: list(windows(graph, start=first, end=last, size="7d")))
    weekly = timed(t, "centrality (weekly windows)", lambda: centrality.centrality_over(weekly_windows))
    bal_month = timed(t, "balance (month)", lambda: balance.balance(month_graph))
    bal_weeks = timed(t, "balance (weekly windows)", lambda: balance.balance_over(weekly_windows))
    triads = timed(t, "frustrated triads", lambda: balance.frustrated_triads(month_graph, top=3))
    allies = timed(t, "enemy-of-my-enemy alignments", lambda: balance.enemy_of_enemy(month_graph, top=3))
    camps = timed(t, "factions (2 camps)", lambda: balance.factions(month_graph))
    history_graph = timed(t, "projection (history to month end)", lambda: actor_graph(graph, end=last))
    alerts = timed(t, "escalation (weekly)", lambda: escalation.escalation(history_graph, start=first, end=last, period="week"))
    leader = top[0]["actor"]
    reach = timed(t, "time-respecting paths (top actor)", lambda: paths.earliest_arrival(month_graph, leader))
    ego_rows = timed(t, "ego network (top actor, weekly)", lambda: ego.ego_over(weekly_windows, leader))
    graphml = timed(t, "export GraphML (month)", lambda: graphml_bytes(month_graph))
    gexf = timed(t, "export GEXF (month)", lambda: gexf_bytes(month_graph))
    graph.close()
    return {
        "fmt": fmt, "path": path, "month": month, "first": first, "last": last, "rows": report.imported,
        "events": len({d["event"] for _, _, d in month_graph.edges(data=True)}),
        "actors": month_graph.number_of_nodes(), "edges": month_graph.number_of_edges(),
        "signed": (signed.number_of_edges(), sum(1 for *_, d in signed.edges(data=True) if d["sign"] < 0)),
        "top": top[:10], "weekly": weekly, "balance": bal_month, "balance_weeks": bal_weeks,
        "triads": triads, "alignments": allies, "factions": camps, "alerts": alerts,
        "reach": reach, "ego": ego_rows, "sizes": (len(graphml), len(gexf)), "timings": t,
    }


def fmt_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def section(r: dict[str, Any], title: str) -> list[str]:
    out = [f"## {title}", ""]
    out.append(f"Source: `{r['path'].relative_to(SHARED.parent) if r['path'].is_relative_to(SHARED.parent) else r['path']}` "
               f"({r['rows']:,} rows imported). Month analysed: **{r['first']} – {r['last']}**: {r['events']:,} events, "
               f"{r['actors']:,} actors, {r['edges']:,} event edges; signed network {r['signed'][0]:,} pairs "
               f"({r['signed'][1]:,} hostile).")
    if r["fmt"] == "acled":
        out += ["", "**Caveat (signed metrics on ACLED).** The ACLED importer makes both sides of a battle, and their "
                "associated actors, `ckg:participant`s without an agent; the projection then joins *every* pair of "
                "participants by a hostile co-participant edge, allies on the same side included (e.g. Russia's army and "
                "its own air force). Balance shares, frustrated triads and factions below are therefore not meaningful for "
                "ACLED until sides are recorded (importer) and co-participant edges are only drawn across sides (projection)."]
    out += ["", "### Top actors by PageRank (the month as one window)", "",
            "| # | actor | PageRank | in | out | betweenness |", "|---|---|---|---|---|---|"]
    for i, row in enumerate(r["top"], 1):
        out.append(f"| {i} | {row['label']} | {row['pagerank']:.4f} | {row['degree_in']} | {row['degree_out']} | {row['betweenness']:.4f} |")
    b = r["balance"]
    out += ["", "### Structural balance", "",
            f"Month: **{fmt_share(b['share'])}** of {b['triangles']:,} triangles balanced "
            f"({b['balanced']:,}; {b['positive']:,} cooperative and {b['negative']:,} hostile pairs).", "",
            "| week | triangles | balanced share |", "|---|---|---|"]
    for row in r["balance_weeks"]:
        out.append(f"| {row['window_start']} – {row['window_end']} | {row['triangles']} | {fmt_share(row['share'])} |")
    if r["triads"]:
        out += ["", "Most frustrated triads (most events behind their three ties):", ""]
        out += [f"- {t['label_a']} / {t['label_b']} / {t['label_c']}: signs {t['signs']}, {t['event_count']} events" for t in r["triads"]]
    if r["alignments"]:
        out += ["", "Strongest \"enemy of my enemy\" candidates:", ""]
        out += [f"- {a['label_a']} and {a['label_c']} ({a['relation']} tie): common enemies "
                f"{', '.join(a['enemy_labels'][:4])}{'…' if len(a['enemy_labels']) > 4 else ''}; {a['event_count']} events"
                for a in r["alignments"]]
    f = r["factions"]
    big = [len(c) for c in f.camps[:2]]
    out += ["", f"Factions (two camps per connected group): {len(f.camps)} camps over {max(f.components, default=0)} "
            f"groups, largest camps {big}; {f.frustration} of {r['signed'][0]:,} signed ties frustrated "
            f"({'exact' if f.exact else 'local search for the groups above 15 actors, exact below'})."]
    surges = sorted((a for a in r["alerts"] if a["kind"] == "surge"), key=lambda a: -a["strength"])[:5]
    counts = {k: sum(1 for a in r["alerts"] if a["kind"] == k) for k in escalation.KINDS}
    out += ["", "### Escalation (weekly; surge = at least 2x the average of previous weeks and at least 3 events)", "",
            f"{counts['surge']} surges, {counts['first-hostile']} first-ever hostile dyads, {counts['sign-flip']} sign flips "
            "(baselines use every whole week of the store before the one tested).", "",
            "Strongest surges (count minus baseline):", "", "| week | actor / dyad | events | baseline | ratio |", "|---|---|---|---|---|"]
    for a in surges:
        who = a["label"] + (f" – {a['counterpart_label']}" if a["counterpart"] else "")
        ratio = "∞" if a["ratio"] is None else f"{a['ratio']:.1f}"
        out.append(f"| {a['period_start']} | {who} | {a['count']} | {a['baseline']:.2f} | {ratio} |")
    leader = r["top"][0]["label"]
    reach = r["reach"]
    out += ["", "### Paths and ego network of the top actor", "",
            f"{leader} could have influenced {len(reach):,} actors through time-ordered chains of events in the month"
            + (f" (longest chain {max(x['hops'] for x in reach)} hops; last reached on {max(x['arrival'] for x in reach)})." if reach else "."),
            "", "| week | its events | neighbours | entered | left |", "|---|---|---|---|---|"]
    for row in r["ego"]:
        out.append(f"| {row['window_start']} – {row['window_end']} | {row['events']} | {row['degree']} | {len(row['entered'])} | {len(row['left'])} |")
    out += ["", f"Exports of the month: GraphML {r['sizes'][0] / 1e6:.1f} MB, dynamic GEXF {r['sizes'][1] / 1e6:.1f} MB.", "",
            "### Time per step", "", "| step | seconds |", "|---|---|"]
    out += [f"| {name} | {seconds:.2f} |" for name, seconds in r["timings"]]
    out.append(f"| **total** | **{sum(s for _, s in r['timings']):.2f}** |")
    return out + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2014-10", help="ICEWS14 month (YYYY-MM) inside 2014-09-20..2014-11-10")
    parser.add_argument("--acled-month", default="2022-03", help="ACLED sample month (YYYY-MM)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "README-analysis.md")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(("ICEWS14", analyse("icews", ICEWS, args.month, Path(tmp) / "icews")))
        if ACLED.is_file():
            results.append(("ACLED sample", analyse("acled", ACLED, args.acled_month, Path(tmp) / "acled")))
    lines = [
        "# Network analysis on real data",
        "",
        "Produced by `bench/analysis_icews14.py` (do not edit by hand; rerun it). It imports each dataset into a",
        "temporary embedded Oxigraph store, projects one month to an actor network (`kg.analysis.projection`) and runs",
        "every metric of `kg analyze` on it, timing each step. Never part of the test suite.",
        "",
        "    .venv/bin/python bench/analysis_icews14.py            # ~1-3 minutes",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; run on {dt.date.today()}.",
        "Signs come from the ontology (`ckg:sign` of each event type: ICEWS CAMEO roots and ACLED types mapped to",
        "project concepts). PageRank and betweenness are computed on the collapsed directed graph (agent -> target,",
        "weight = events); PageRank is networkx's (tolerance 1e-10).",
        "",
    ]
    for title, result in results:
        lines += section(result, f"{title}, {result['month']}")
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
