"""Write the README's screenshots of the views: docs/img/network.png, map.png and trends.png.

Each page is written into a temporary folder and photographed in headless Chromium (Debian's
``chromium``, driven by Playwright):

- network: the seed's network after searching for ISIS, so that the details panel shows;
- map: the seed's map (``kg viz map``) after searching for ISIS: zoomed to Syria, its events outlined;
- trends: the Syrian events of the ACLED 2022 sample per week and type
  (``kg viz trends --place Syria --by type --period week``) on a memory store with
  ``datasets/acled-sample/acled_old_deletion_dummy.csv`` of the shared folder imported
  (``$KG_SHARED_DIR``, else ``shared/`` beside the checkout, else ``/work/shared``).

    python scripts/screenshot_views.py                          # all three, into docs/img/
    python scripts/screenshot_views.py --view map --out /tmp/map.png
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import kg
from kg.curated.build import build
from kg.store.graph import KnowledgeGraph
from viz import View, explore_view, map_view, network_view, timeline_view

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "img"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
ACLED = Path("datasets") / "acled-sample" / "acled_old_deletion_dummy.csv"
#: The README's pictures: view -> file in docs/img/ (timeline and explore only on demand).
README_VIEWS = {"network": "network.png", "map": "map.png", "trends": "trends.png"}
#: Viewport of each picture (width, height); kept small: the README shows them at page width.
SIZES = {"network": (1280, 760), "map": (1200, 700), "trends": (1200, 560)}


def shared_dir() -> Path:
    """``$KG_SHARED_DIR``, else ``shared/`` beside the checkout, else ``/work/shared`` (as the tests)."""
    if os.environ.get("KG_SHARED_DIR"):
        return Path(os.environ["KG_SHARED_DIR"])
    beside = ROOT.parent / "shared"
    return beside if beside.is_dir() else Path("/work/shared")


def seed() -> KnowledgeGraph:
    graph = kg.open(":memory:")
    build(graph)
    return graph


def syria_trends() -> View:
    """``kg viz trends --place Syria --by type --period week`` on the ACLED 2022 sample."""
    from viz.trends import trends_view

    path = shared_dir() / ACLED
    if not path.is_file():
        raise SystemExit(f"the trend chart needs the ACLED sample: {path} is missing (set KG_SHARED_DIR)")
    graph = kg.open(":memory:")
    kg.import_dataset(graph, "acled", path)
    return trends_view(graph, place="Syria", by="type", period="week",
                       title="conflict-kg: Syrian events per week by type (ACLED 2022 sample)")


def make_view(name: str) -> View:
    makers: dict[str, Callable[[KnowledgeGraph], View]] = {
        "network": network_view, "explore": explore_view, "timeline": timeline_view, "map": map_view,
    }
    return syria_trends() if name == "trends" else makers[name](seed())


def photograph(name: str, view: View, out: Path, *, chromium: str, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_path = view.write(Path(tmp) / "view.html")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_path.as_uri())
            page.wait_for_selector("[data-ready='1']", state="attached", timeout=60_000)
            if name in ("network", "explore"):
                page.fill("#kg-search", "ISIS")
                page.press("#kg-search", "Enter")
                page.evaluate("() => kgView.network.fit()")
            if name == "map":
                page.fill("#kg-search", "ISIS")
                page.press("#kg-search", "Enter")
                page.wait_for_timeout(300)
                page.evaluate("() => { kgMap.map.setZoom(7, { animate: false }); }")  # western Syria
            if name == "trends":
                page.wait_for_selector("#kg-chart svg", timeout=60_000)
            page.wait_for_timeout(1000)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--view", choices=["network", "timeline", "explore", "map", "trends"],
                        help="one view (default: the README's network, map and trends)")
    parser.add_argument("--out", type=Path, help="where --view goes (default: docs/img/<view>.png)")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--width", type=int, help="viewport width (default 1200, the network 1280)")
    parser.add_argument("--height", type=int, help="viewport height (default 700, the network 760)")
    args = parser.parse_args()
    if args.out and not args.view:
        parser.error("--out needs --view")
    names = [args.view] if args.view else list(README_VIEWS)
    for name in names:
        out = args.out or IMAGES / README_VIEWS.get(name, f"{name}.png")
        width, height = SIZES.get(name, (1200, 700))
        photograph(name, make_view(name), out, chromium=args.chromium, width=args.width or width,
                   height=args.height or height)


if __name__ == "__main__":
    main()
