"""The SPARQL editor at ``/`` (YASGUI) in a real headless Chromium against a real ``kg serve``.

The page must load and work under the server's Content-Security-Policy with no request leaving
the server's origin (every other request is aborted and counted) and no console error. Skipped,
with the reason, when Playwright or Chromium is not installed (as ``tests/test_viz_browser.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import kg
from kg.curated.build import build
from kg.server import create_app
from kg.server.settings import Settings

from chromium import launch_chromium
from server_live import Live, live_server

pytestmark = pytest.mark.slow

HOSTILE = '<img src=x onerror="window.__xss=1">'
TOKEN = "a-test-token-of-some-length"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    store = tmp_path_factory.mktemp("editor") / "store"
    graph = kg.open(str(store))
    build(graph)
    graph.update('INSERT DATA { GRAPH <urn:x:test> { <https://w3id.org/conflict-kg/id/actor/isis> '
                 f'<http://www.w3.org/2000/01/rdf-schema#comment> {HOSTILE!r} . '
                 '<urn:x:test> <https://w3id.org/conflict-kg/ontology#redistributable> true } }')  # served (kg.server.published)
    graph.close()
    with live_server(store, "--max-concurrent", "2", "--timeout", "20") as server:
        yield server


class Editor:
    """The editor page with its console errors and every request it made (foreign ones aborted)."""

    def __init__(self, browser: Any, live: Live, shots: Path) -> None:
        self.origin = live.url + "/"
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.shots = shots
        self.page.goto(self.origin)
        self.page.wait_for_selector("#kg-yasgui[data-ready='1']", state="attached", timeout=30_000)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def run(self, text: str | None = None) -> None:
        self.js("t => { kgEditor.run(t === null ? undefined : t).catch(() => null); }", text)
        self.page.wait_for_function("() => !kgEditor.yasqe().req && kgEditor.yasr().results", timeout=30_000)
        self.page.wait_for_timeout(300)

    def rows(self) -> list[list[str]]:
        return self.js("() => [...document.querySelectorAll('.tabPanel.active .yasr .dataTable tbody tr')]"
                       ".map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent.trim()))")

    def assert_clean(self, *, allow: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.errors if not any(a in e for a in allow)]
        assert errors == [], errors
        assert self.blocked == [], f"requests to other origins: {self.blocked}"
        assert all(u.startswith(self.origin) or u.startswith("data:") for u in self.requests), self.requests

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def editor(browser: Any, live: Live, tmp_path: Path) -> Iterator[Editor]:
    page = Editor(browser, live, tmp_path)
    yield page
    page.close()


def test_editor_runs_a_query_with_links_to_the_pages_and_sorts(editor: Editor) -> None:
    assert "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>" in editor.js("kgEditor.yasqe().getValue()")
    editor.run()
    rows = editor.rows()
    assert len(rows) >= 4 and any("actor:isis" in " ".join(r) for r in rows)
    hrefs = editor.js("() => [...document.querySelectorAll('.tabPanel.active .yasr a.iri')].map(a => a.getAttribute('href'))")
    assert "/id/actor/isis" in hrefs and not [h for h in hrefs if h.startswith("https://w3id.org/")]
    editor.run("SELECT ?actor ?label WHERE { ?c rdfs:subClassOf* ckg:Actor . ?actor a ?c ; rdfs:label ?label } ORDER BY ?actor")
    first = [r[2] for r in editor.rows()]
    assert len(first) > 10 and first != sorted(first)
    editor.page.click(".tabPanel.active .yasr .dataTable thead th:nth-child(3)")  # sort by ?label
    editor.page.wait_for_timeout(200)
    assert [r[2] for r in editor.rows()] == sorted(first, key=str.lower)
    editor.page.click(".tabPanel.active .yasr .dataTable thead th:nth-child(3)")
    editor.page.wait_for_timeout(200)
    assert [r[2] for r in editor.rows()] == sorted(first, key=str.lower, reverse=True)
    with editor.context.expect_page() as opened:
        editor.page.click(".tabPanel.active .yasr a.iri[href='/id/actor/isis']")
    page = opened.value
    page.wait_for_load_state()
    assert page.url == editor.origin + "id/actor/isis" and "Islamic State" in page.text_content("h1")
    editor.assert_clean()


def test_saved_queries_open_as_examples_with_their_parameters(editor: Editor) -> None:
    editor.page.select_option("#kg-examples", "who-attacked-whom")
    text = editor.js("kgEditor.yasqe().getValue()")
    assert "VALUES (?start ?end)" in text and '"2017-05-18"^^' in text and "PREFIX ckg:" in text
    assert editor.js("kgEditor.yasgui.getTab().getName()") == "Who attacked whom in a window"
    assert "?start = 2017-05-18" in editor.page.text_content("#kg-example-info")
    editor.run()
    assert any("Zahraa" in " ".join(r) for r in editor.rows())
    editor.page.screenshot(path=str(editor.shots / "editor.png"))
    editor.assert_clean()


def test_response_format_and_a_chart_of_an_aggregate(editor: Editor) -> None:
    editor.page.select_option("#kg-format", "csv")
    editor.run("SELECT ?attacker ?target WHERE { ?attacker ckg:attacked ?target }")
    assert editor.js("kgEditor.yasr().results.getType()") == "csv" and len(editor.rows()) >= 4
    editor.page.select_option("#kg-format", "json")
    editor.run("SELECT ?type (COUNT(DISTINCT ?e) AS ?events) WHERE { ?e ckg:eventType ?type } GROUP BY ?type ORDER BY DESC(?events)")
    editor.js("kgEditor.yasr().selectPlugin('chart')")
    editor.page.wait_for_selector(".tabPanel.active svg.kg-chart rect", timeout=10_000)
    bars = editor.js("() => document.querySelectorAll('.tabPanel.active svg.kg-chart rect').length")
    assert bars == len(editor.js("kgEditor.yasr().results.getBindings()")) > 1
    editor.assert_clean()


def test_hostile_values_are_shown_not_run(editor: Editor) -> None:
    editor.run("SELECT ?c WHERE { actor:isis rdfs:comment ?c }")
    assert HOSTILE in " ".join(" ".join(r) for r in editor.rows())
    editor.page.wait_for_timeout(300)
    assert editor.js("typeof window.__xss") == "undefined"
    assert editor.js("() => document.querySelectorAll('.yasr img').length") == 0
    editor.assert_clean()


def test_updates_are_refused_without_a_token(editor: Editor) -> None:
    assert editor.page.locator("#kg-token").count() == 0 and "read-only" in editor.page.text_content("main")
    editor.run("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert "read-only" in editor.page.text_content(".tabPanel.active .yasr")
    editor.assert_clean(allow=("403",))


def test_the_page_offers_updates_only_with_a_token(seed_kg: kg.KnowledgeGraph) -> None:
    for settings, token_field in ((Settings(), False), (Settings(update_token=TOKEN), True)):
        with TestClient(create_app(seed_kg, settings)) as client:
            page = client.get("/")
            assert page.status_code == 200 and ('id="kg-token"' in page.text) is token_field
            csp = page.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "default-src 'none'" in csp
            assert "http" not in csp and "unsafe-eval" not in csp
            script = client.get("/static/yasgui/yasgui.min.js")
            assert script.status_code == 200 and "sourceMappingURL" not in script.text[-200:]
            assert client.get("/static/yasgui/yasgui.min.js", headers={"If-None-Match": script.headers["etag"]}).status_code == 304
            assert client.get("/static/../app.py").status_code == 404 and client.get("/static/yasgui/README.md").status_code == 404
