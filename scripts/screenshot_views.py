"""Write the README's screenshot of the seed's network view (docs/img/network.png).

Builds the seed into a memory store, writes the explore view into a temporary folder and
photographs it in headless Chromium (Debian's ``chromium``, driven by Playwright), after
searching for ISIS so that the details panel and the timeline highlight show.

    python scripts/screenshot_views.py                 # -> docs/img/network.png
    python scripts/screenshot_views.py --view network --out /tmp/network.png
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import kg
from kg.curated.build import build
from viz import View, explore_view, network_view, timeline_view

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--view", choices=["network", "timeline", "explore"], default="network")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "network.png")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=760)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    graph = kg.open(":memory:")
    build(graph)
    makers: dict[str, Callable[..., View]] = {"network": network_view, "timeline": timeline_view, "explore": explore_view}
    make = makers[args.view]
    with tempfile.TemporaryDirectory() as tmp:
        page_path = make(graph).write(Path(tmp) / "view.html")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(page_path.as_uri())
            page.wait_for_selector("[data-ready='1']", state="attached", timeout=30_000)
            if args.view != "timeline":
                page.fill("#kg-search", "ISIS")
                page.press("#kg-search", "Enter")
                page.evaluate("() => kgView.network.fit()")
            page.wait_for_timeout(800)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
