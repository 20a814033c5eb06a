"""How fast a large network view is made and opened: ICEWS14 in, a 1,000-actor view out, loaded in Chromium.

Imports the first ``--rows`` rows of ICEWS14 (``derived-named/train.txt``, in date order) into a
temporary Oxigraph store, writes ``kg viz network --top 1000`` of it and opens it in headless
Chromium (Debian's, driven by Playwright). Reports:

- generation: SPARQL projection + centrality + seeded layout + HTML (the ``network_view`` call);
- load: from navigation start until the network is drawn (``data-ready``), with the page's own
  performance marks; and how long one time-slider move takes to refilter and redraw.

    python bench/viz_load.py                       # 6,000 rows -> top 1,000 actors, ~5,000 links
    python bench/viz_load.py --rows 63685 --top 1000 --keep out/bench-network.html
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
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6_000, help="ICEWS14 rows to import (from the start)")
    parser.add_argument("--top", type=int, default=1000, help="actors in the view")
    parser.add_argument("--runs", type=int, default=3, help="page loads to time")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--keep", type=Path, help="also write the view here")
    args = parser.parse_args()

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


def measure(path: Path, chromium: str, runs: int) -> tuple[list[float], list[float]]:
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
            took = page.evaluate("""() => {
                const r = kgView.range(), t0 = performance.now();
                kgView.setRange(r.from, r.from.slice(0, 8) + '20');
                kgView.network.redraw();
                const t1 = performance.now();
                kgView.setRange(r.from, r.to);
                return (t1 - t0) / 1000;
            }""")
            slider.append(took)
            page.close()
        browser.close()
    return loads, slider


if __name__ == "__main__":
    main()
