"""Write the screenshot of ``kg serve``'s SPARQL editor (docs/img/query-page.png).

Builds the seed into a temporary store, starts ``kg serve`` on a free port, opens the editor in
headless Chromium (Debian's ``chromium``, driven by Playwright), picks the saved query "Who
attacked whom in a window" from the Example menu, runs it and photographs the page.

    python scripts/screenshot_query_page.py
    python scripts/screenshot_query_page.py --out /tmp/editor.png
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import kg
from kg.curated.build import build

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "query-page.png")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--example", default="who-attacked-whom")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        graph = kg.open(str(store))
        build(graph)
        graph.close()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "kg.cli", "--store", str(store), "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url)
                page.wait_for_selector("#kg-yasgui[data-ready='1']", state="attached", timeout=30_000)
                page.select_option("#kg-examples", args.example)
                page.evaluate("() => { kgEditor.run().catch(() => null); }")
                page.wait_for_function("() => !kgEditor.yasqe().req && kgEditor.yasr().results", timeout=30_000)
                page.wait_for_timeout(800)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            server.terminate()
            server.wait(15)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
