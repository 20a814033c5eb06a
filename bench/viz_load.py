"""How fast large views are made and opened in Chromium: a 1,000-actor network of ICEWS14, the map of ACLED's 9,000 events.

Imports the first ``--rows`` rows of ICEWS14 (``derived-named/train.txt``, in date order) into a
temporary Oxigraph store, writes ``kg viz network --top 1000`` of it and opens it in headless
Chromium (Debian's, driven by Playwright). Reports:

- generation: SPARQL projection + centrality + seeded layout + HTML (the ``network_view`` call);
- load: from navigation start until the network is drawn (``data-ready``), with the page's own
  performance marks; and how long one time-slider move takes to refilter and redraw.

    python bench/viz_load.py                       # 6,000 rows -> top 1,000 actors, ~5,000 links
    python bench/viz_load.py --rows 63685 --top 1000 --keep out/bench-network.html
    python bench/viz_load.py --map                 # the ACLED 2022 sample (9,000 events) -> kg viz map
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import kg
from kg.contract.ontology import ensure_ontology
from kg.ingest.base import import_file
from kg.ingest.icews import IcewsFormat
from viz.network import network_view

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KG_SHARED_DIR") or (ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else "/work/shared"))
TRAIN = SHARED / "datasets" / "icews14" / "derived-named" / "train.txt"
ACLED = SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6_000, help="ICEWS14 rows to import (from the start)")
    parser.add_argument("--top", type=int, default=1000, help="actors in the view")
    parser.add_argument("--runs", type=int, default=3, help="page loads to time")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--keep", type=Path, help="also write the view here")
    parser.add_argument("--map", action="store_true", help="time the map of the ACLED sample instead")
    args = parser.parse_args()
    if args.map:
        return bench_map(args)

    with tempfile.TemporaryDirectory() as tmp:
        rows = TRAIN.read_text(encoding="utf-8").splitlines()[: args.rows]
        sample = Path(tmp) / "icews14-train-head.txt"
        sample.write_text("\n".join(rows) + "\n", encoding="utf-8")
        graph = kg.open(str(Path(tmp) / "store"))
        ensure_ontology(graph)
        t0 = time.perf_counter()
        import_file(graph, IcewsFormat(), sample, source_id="icews14-bench")
        imported = time.perf_counter() - t0

        t0 = time.perf_counter()
        view = network_view(graph, top=args.top, size_by="pagerank")
        generated = time.perf_counter() - t0
        page_path = view.write(Path(tmp) / "network.html")
        if args.keep:
            view.write(args.keep)
        graph.close()
        size_mb = page_path.stat().st_size / 1e6
        loads, slider = measure(page_path, args.chromium, args.runs)

    s = view.stats
    print(f"machine: {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}")
    print(f"ICEWS14 rows imported: {len(rows):,} in {imported:.1f} s")
    print(f"view: {s['actors']:,} actors, {s['links']:,} links ({s['events']:,} events), {size_mb:.1f} MB HTML")
    print(f"generation (network_view): {generated:.2f} s")
    print(f"load in Chromium until drawn: median {sorted(loads)[len(loads) // 2]:.2f} s (runs: {', '.join(f'{x:.2f}' for x in loads)})")
    print(f"time-slider move (refilter + redraw): median {sorted(slider)[len(slider) // 2] * 1000:.0f} ms")


def bench_map(args: argparse.Namespace) -> None:
    from kg.ingest.acled import AcledFormat
    from viz.map import map_view

    if not ACLED.is_file():
        sys.exit(f"missing {ACLED}: see docs/datasets.md (set KG_SHARED_DIR)")
    with tempfile.TemporaryDirectory() as tmp:
        graph = kg.open(str(Path(tmp) / "store"))
        ensure_ontology(graph)
        t0 = time.perf_counter()
        import_file(graph, AcledFormat(), ACLED)
        imported = time.perf_counter() - t0
        t0 = time.perf_counter()
        view = map_view(graph)
        generated = time.perf_counter() - t0
        page_path = view.write(Path(tmp) / "map.html")
        if args.keep:
            view.write(args.keep)
        graph.close()
        size_mb = page_path.stat().st_size / 1e6
        loads, slider = measure(page_path, args.chromium, args.runs, api="kgMap", redraw=False)
    s = view.stats
    print(f"machine: {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}")
    print(f"ACLED rows imported: {ACLED.name} in {imported:.1f} s")
    print(f"view: {s['mapped']:,} events on the map at {s['places']:,} places ({s['unmapped']} without coordinates), {size_mb:.1f} MB HTML")
    print(f"generation (map_view): {generated:.2f} s")
    print(f"load in Chromium until drawn: median {sorted(loads)[len(loads) // 2]:.2f} s (runs: {', '.join(f'{x:.2f}' for x in loads)})")
    print(f"time-slider move (refilter + redraw): median {sorted(slider)[len(slider) // 2] * 1000:.0f} ms")


def measure(path: Path, chromium: str, runs: int, api: str = "kgView",
            redraw: bool = True) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    loads, slider = [], []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            started = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("[data-ready='1']", state="attached", timeout=120_000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            loads.append(time.perf_counter() - started)
            if errors:
                sys.exit(f"console errors: {errors[:3]}")
            took = page.evaluate("""([api, redraw]) => new Promise(done => {
                const view = window[api], r = view.range(), t0 = performance.now();
                view.setRange(r.from, r.from.slice(0, 8) + '20');
                if (redraw) {  // the network redraws synchronously
                    view.network.redraw();
                    const t1 = performance.now();
                    view.setRange(r.from, r.to);
                    return done((t1 - t0) / 1000);
                }
                requestAnimationFrame(() => requestAnimationFrame(() => {
                    const t1 = performance.now();
                    view.setRange(r.from, r.to);
                    done((t1 - t0) / 1000);
                }));
            })""", [api, redraw])
            slider.append(took)
            page.close()
        browser.close()
    return loads, slider


if __name__ == "__main__":
    main()
