"""Write the screenshot of the tour notebook (docs/img/notebook.png).

Runs ``docs/notebooks/tour.ipynb`` with nbclient (it needs the ACLED sample, see
docs/datasets.md), renders the executed cells as a plain notebook-like page (inputs, HTML and
image outputs, the inline network in its frame) and photographs the part showing the month's
network, the centrality table and the plot in headless Chromium.

    python scripts/screenshot_notebook.py
    python scripts/screenshot_notebook.py --out /tmp/notebook.png
"""

from __future__ import annotations

import argparse
import html
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "docs" / "notebooks" / "tour.ipynb"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;background:#fff}
.cell{margin:.6em 0}.in{background:#f5f5f5;border:1px solid #e0e0e0;padding:.5em;font:13px ui-monospace,monospace;white-space:pre-wrap}
.prompt{color:#303f9f;font:12px ui-monospace,monospace}.out{padding:.3em .5em}
.kg-table{border-collapse:collapse;font-size:12px}.kg-table td,.kg-table th{border:1px solid #ddd;padding:2px 6px}
.md{font-size:14px}.md h1,.md h2{margin:.3em 0}"""


def render(notebook: object) -> str:
    import markdown

    parts = [f"<!doctype html><html><head><meta charset=utf-8><style>{STYLE}</style></head><body>"]
    count = 0
    for cell in notebook.cells:  # type: ignore[attr-defined]
        if cell.cell_type == "markdown":
            parts.append(f"<div class='cell md' id='md{count}'>{markdown.markdown(cell.source)}</div>")
            continue
        count += 1
        parts.append(f"<div class=cell id='c{count}'><div class=prompt>In [{count}]:</div><div class=in>{html.escape(cell.source)}</div>")
        for out in cell.outputs:
            data = out.get("data", {})
            if "text/html" in data:
                parts.append(f"<div class=out>{data['text/html']}</div>")
            elif "image/png" in data:
                parts.append(f"<div class=out><img src='data:image/png;base64,{data['image/png']}'></div>")
            elif out.get("output_type") == "stream":
                parts.append(f"<pre class=out>{html.escape(out['text'])}</pre>")
            elif "text/plain" in data:
                parts.append(f"<pre class=out>{html.escape(data['text/plain'])}</pre>")
        parts.append("</div>")
    return "".join(parts) + "</body></html>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "notebook.png")
    parser.add_argument("--chromium", default=os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--cell", type=int, default=5, help="the code cell at the top of the picture")
    args = parser.parse_args()

    import nbclient
    import nbformat
    from playwright.sync_api import sync_playwright

    notebook = nbformat.read(TOUR, as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(TOUR.parent)}}).execute()
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "tour.html"
        page_path.write_text(render(notebook), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.goto(page_path.as_uri())
            page.wait_for_timeout(4000)  # the inline view lays out its network
            page.evaluate(f"document.getElementById('c{args.cell}').scrollIntoView()")
            page.wait_for_timeout(500)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
