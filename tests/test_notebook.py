"""Notebooks: results, lookups, rows and the store summary as HTML tables; the views inline; the
example notebook ``docs/notebooks/tour.ipynb`` executed end to end (nbclient), so it cannot go stale.

The inline views are opened in a real headless Chromium (as ``tests/test_viz_browser.py``): the
frame must draw with no request and no console error. Skipped, with the reason, when Playwright,
Chromium, nbclient or the ACLED sample is missing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kg
from kg.base.errors import UsageError
from kg.base.tables import Rows
from kg.store.graph import KnowledgeGraph
from viz import notebook as vn

from chromium import launch_chromium

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "docs" / "notebooks" / "tour.ipynb"
HOSTILE = '<img src=x onerror="window.__xss=1">'


def _shared() -> Path:
    if os.environ.get("KG_SHARED_DIR"):
        return Path(os.environ["KG_SHARED_DIR"])
    beside = ROOT.parent / "shared"
    return beside if beside.is_dir() else Path("/work/shared")


ACLED = _shared() / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"


# -- HTML reprs ------------------------------------------------------------------------------


def test_query_results_and_lookups_render_as_escaped_tables(seed_kg: KnowledgeGraph) -> None:
    html = kg.events(seed_kg, actor="isis", type="Attack")._repr_html_()
    assert html.startswith('<table class="kg-table">') and "<th>event</th>" in html
    assert 'title="https://w3id.org/conflict-kg/id/event/' in html and ">event:isis-" in html
    result = kg.open(":memory:").query("SELECT ?x ?n WHERE { VALUES (?x ?n) { (%s 1) } }" % json.dumps(HOSTILE))
    assert "&lt;img src=x onerror=" in result._repr_html_() and "<img" not in result._repr_html_()
    assert seed_kg.query("ASK { ?a ckg:attacked ?b }")._repr_html_().startswith("<p><b>yes</b>")
    graph_html = seed_kg.query("CONSTRUCT { actor:isis ?p ?o } WHERE { actor:isis ?p ?o }")._repr_html_()
    assert "<th>subject</th><th>predicate</th><th>object</th>" in graph_html


def test_big_results_are_cut_in_html_and_counted(seed_kg: KnowledgeGraph) -> None:
    html = seed_kg.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")._repr_html_()
    assert html.count("<tr>") == 201 and "rows, first 200 shown)" in html


def test_analysis_rows_as_a_table_and_a_dataframe(network_kg: KnowledgeGraph) -> None:
    rows = kg.centrality(kg.actor_graph(network_kg))
    table = kg.table(rows)
    assert isinstance(table, Rows) and table == rows and len(table) == len(rows)
    assert "<th>pagerank</th>" in table._repr_html_() and "pagerank" in repr(table)
    pd = pytest.importorskip("pandas")
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == list(rows[0]) and len(frame) == len(rows)
    assert kg.events(network_kg).to_pandas().shape[0] == len(kg.events(network_kg))


def test_to_pandas_says_how_to_install_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UsageError, match="pip install"):
        Rows([{"a": 1}]).to_pandas()


def test_store_summary(seed_kg: KnowledgeGraph) -> None:
    summary = kg.summary(seed_kg)
    assert summary.types["Attack"] == 4 and summary.types["ArmedGroup"] == 6
    assert (str(summary.first), str(summary.last)) == ("2016-03-01", "2017-05-31")
    assert summary.sources[0]["title"] == "Syria SITREP Map: May 31, 2017"
    assert repr(summary).startswith("<Summary ") and "2016-03-01 – 2017-05-31" in repr(summary)
    assert "ArmedGroup" in str(summary) and "<td>ArmedGroup</td>" in summary._repr_html_()
    empty = kg.summary(kg.open(":memory:"))
    assert empty.quads == 0 and empty.first is None and "no dated facts" in repr(empty)


# -- the views inline, in Chromium --------------------------------------------------------------



@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.mark.parametrize("kind", ["network", "timeline", "explore"])
def test_views_display_inline_offline(browser: Any, seed_kg: KnowledgeGraph, tmp_path: Path, kind: str) -> None:
    shown = getattr(vn, kind)(seed_kg, height=600)
    cell = tmp_path / "cell.html"  # what a notebook puts in an output cell
    cell.write_text(f"<!doctype html><html><body><div class=output>{shown._repr_html_()}</div></body></html>", encoding="utf-8")
    url = cell.resolve().as_uri()
    errors: list[str] = []
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 1300, "height": 800})
    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        frame = page.frames[1]
        frame.wait_for_selector("[data-ready='1']", state="attached", timeout=30_000)
        if kind != "timeline":
            assert "isis" in frame.evaluate("kgView.visibleActors()")
        else:
            assert frame.locator(".vis-item").count() > 5
        assert page.evaluate("() => { try { return window.frames[0].document.body !== null } catch (e) { return 'sandboxed' } }") == "sandboxed"
        page.screenshot(path=str(tmp_path / f"inline-{kind}.png"))
    finally:
        context.close()
    assert errors == [] and [u for u in requests if not u.startswith(("data:", "about:"))] == [url], (errors, requests)


# -- the example notebook --------------------------------------------------------------------


def test_tour_notebook_is_committed_without_outputs() -> None:
    cells = json.loads(TOUR.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)


@pytest.mark.slow
def test_tour_notebook_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install 'conflict-kg[notebook]')")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install 'conflict-kg[notebook]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed")
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    if not ACLED.is_file():
        pytest.skip(f"the ACLED sample is not beside the repository ({ACLED})")
    monkeypatch.setenv("KG_SHARED_DIR", str(_shared()))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(TOUR, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(TOUR.parent)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("<iframe" in h and "srcdoc=" in h for h in html)  # the month's network, inline
    assert any("Military Forces of" in h and "<th>pagerank</th>" in h for h in html)  # centrality rows
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the matplotlib plot
    assert any("2022-06-30" in h for h in html if "kg-summary" in h)  # the summary after the import
