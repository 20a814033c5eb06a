"""The forecasting benchmark on ICEWS14 / ICEWS18 (issue 15): learn, tune on valid, test once.

    nice -n 10 .venv/bin/python bench/forecast_icews.py --dataset ../shared/datasets/icews14/cen-icews14s \
        [--via-store DIR] [--out bench/results/forecast_icews14.json]

With ``--via-store`` the three files are imported into that store with ``kg import icews`` (each split its
own source id) and the facts are read back from the store, mapped to the folder's ids; without it they
are read from the files (the same facts; a test checks the store path on a fixture).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=SHARED / "datasets/icews14/cen-icews14s")
    parser.add_argument("--via-store", type=Path, help="import into this store folder and read the facts from it")
    parser.add_argument("--tune-sample", type=int, default=8000)
    parser.add_argument("--budget", type=float, default=4e7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not args.dataset.exists():
        raise SystemExit(f"{args.dataset} is missing: see docs/datasets.md (KG_SHARED_DIR)")
    import kg
    from kg.forecast.benchmark import run_benchmark
    from kg.forecast.data import import_into, load_folder, load_from_store

    started = time.perf_counter()
    load: dict[str, float] = {}
    if args.via_store:
        graph = kg.open(str(args.via_store))
        t0 = time.perf_counter()
        import_into(graph, args.dataset)
        load["import"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        dataset = load_from_store(graph, args.dataset)
        load["read_store"] = time.perf_counter() - t0
        graph.close()
    else:
        dataset = load_folder(args.dataset)
    result = run_benchmark(dataset, tune_sample=args.tune_sample, budget=int(args.budget))
    result["seconds"].update(load)
    result["seconds"]["wall"] = time.perf_counter() - started
    result["cpu_seconds"]["process"] = time.process_time()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
