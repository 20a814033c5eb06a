"""The documentation site's generated pages (docs/site/hooks.py): the CLI reference covers every
command, the ontology page every term, the cookbook every saved query; links leaving docs/ are
rewritten or reported. The full build (``mkdocs build --strict``) runs in ``.ci/run``."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install 'conflict-kg[docs]')")
    spec = importlib.util.spec_from_file_location("kg_docs_hooks", ROOT / "docs" / "site" / "hooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_has_every_command(hooks: ModuleType) -> None:
    from click import Context

    from kg.cli import main

    page = hooks.cli_page()
    with Context(main) as ctx:
        for name in main.list_commands(ctx):
            assert f"## kg {name}\n" in page
    assert "Usage: kg analyze centrality" in page


def test_ontology_page_has_every_term(hooks: ModuleType) -> None:
    from rdflib import OWL, RDF, Graph

    page = hooks.ontology_page()
    onto = Graph().parse(ROOT / "ontology" / "conflict.ttl")
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            if str(term).startswith("https://w3id.org/conflict-kg/ontology#"):
                assert f"`ckg:{str(term).rsplit('#', 1)[1]}`" in page
    assert "## SHACL shapes" in page


def test_cookbook_has_every_saved_query_with_its_result(hooks: ModuleType) -> None:
    from kg.sparql.saved import saved_queries

    page = hooks.cookbook_page()
    for query in saved_queries().values():
        assert f"## {query.title}\n" in page
    assert page.count("Result on the seed") == len(saved_queries())
    assert re.search(r"\| .*Zahraa", page)


def test_links_leaving_docs_are_rewritten_or_reported(hooks: ModuleType, caplog: pytest.LogCaptureFixture) -> None:
    class Page:
        class file:  # noqa: N801 - the shape of mkdocs' Page.file
            src_uri = "conventions.md"

    text = "[bench](../bench/README.md#x) [code](../kg/base/tables.py) [here](datasets.md) [gone](../nowhere.md)"
    out = hooks.on_page_markdown(text, Page, None, None)
    assert "[bench](benchmarks/index.md#x)" in out and "code (`kg/base/tables.py`)" in out and "[here](datasets.md)" in out
    assert "nowhere.md" in caplog.text
