"""Betweenness at scale: networkx exact, networkx sampled (k sources) and igraph exact on months of ICEWS14.

Data: ``../shared/datasets/icews14/derived-named/train.txt`` (named ICEWS14 training facts, one
``subject<TAB>relation<TAB>object<TAB>day`` per line). Each month gives a directed actor graph
(subject -> object, one edge per pair, no self-loops), the shape :func:`kg.analysis.centrality.betweenness`
receives. For each month: networkx's exact normalized betweenness (the reference), igraph's exact
one through ``kg.analysis.centrality.betweenness`` (largest absolute difference), and networkx's
estimate from k sampled sources (seed 0) with its Spearman rank correlation and top-10 overlap
against exact. Times are wall-clock seconds of one run. Not part of the test suite.

    .venv/bin/python bench/betweenness_sampling.py [--months 2014-04 2014-07] [--out bench/results/betweenness_icews14.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import networkx as nx
from scipy.stats import spearmanr

from kg.analysis.centrality import betweenness

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "icews14" / "derived-named" / "train.txt"
SAMPLES = (100, 250, 500, 1000)


def month_graph(path: Path, month: str) -> nx.DiGraph:
    """The directed actor graph of one month (``YYYY-MM``) of named ICEWS facts."""
    graph = nx.DiGraph()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            subject, _, obj, day = line.rstrip("\n").split("\t")
            if day.startswith(month) and subject != obj:
                graph.add_edge(subject, obj)
    return graph


def top(values: dict[str, float], n: int = 10) -> set[str]:
    return {node for node, _ in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:n]}


def measure(graph: nx.DiGraph) -> dict[str, object]:
    nodes = sorted(graph.nodes)
    started = time.perf_counter()
    exact = nx.betweenness_centrality(graph, normalized=True)
    row: dict[str, object] = {"actors": len(nodes), "pairs": graph.number_of_edges(),
                              "networkx_exact_s": round(time.perf_counter() - started, 2)}
    started = time.perf_counter()
    fast = betweenness(graph, engine="auto")
    row["igraph_exact_s"] = round(time.perf_counter() - started, 2)
    row["igraph_max_abs_diff"] = max(abs(fast[n] - exact[n]) for n in nodes)
    for k in SAMPLES:
        started = time.perf_counter()
        sampled = nx.betweenness_centrality(graph, k=k, normalized=True, seed=0)
        seconds = time.perf_counter() - started
        rho = spearmanr([exact[n] for n in nodes], [sampled[n] for n in nodes]).statistic
        row[f"k{k}"] = {"seconds": round(seconds, 2), "spearman": round(float(rho), 3),
                        "top10_overlap": len(top(exact) & top(sampled))}
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--months", nargs="+", default=["2014-04", "2014-07"])
    parser.add_argument("--out", type=Path, default=Path("bench/results/betweenness_icews14.json"))
    args = parser.parse_args()
    results = {month: measure(month_graph(args.data, month)) for month in args.months}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"data": str(args.data), "months": results}, indent=2) + "\n", encoding="utf-8")
    print("| month | actors | exact (networkx) | igraph exact | " + " | ".join(f"k={k}" for k in SAMPLES) + " |")
    print("|---|---|---|---|" + "---|" * len(SAMPLES))
    for month, row in results.items():
        cells = [f"{row[f'k{k}']['spearman']:.3f}, {row[f'k{k}']['top10_overlap']}/10, {row[f'k{k}']['seconds']} s" for k in SAMPLES]  # type: ignore[index]
        print(f"| {month} | {row['actors']:,} | {row['networkx_exact_s']} s | {row['igraph_exact_s']} s "
              f"(max diff {row['igraph_max_abs_diff']:.1e}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
