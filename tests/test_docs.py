"""The documentation cannot drift: links resolve inside the repository, the layer diagram is the
import-linter contract, the data contract's example is what the seed builds, every term the writer
emits is documented, and the README's Python examples run."""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, URIRef

import kg
from kg.base.namespaces import CKG, ONTOLOGY_GRAPH, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CONTRACT = ROOT / "docs" / "data-contract.md"
ONTOLOGY = ROOT / "ontology" / "conflict.ttl"


def documents() -> list[Path]:
    """Every Markdown page whose links are checked."""
    pages = [README, ROOT / "data" / "README.md", ROOT / "ontology" / "README.md"]
    pages += sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "bench").glob("*.md"))
    return [p for p in pages if p.exists()]


def without_code(text: str) -> str:
    """Markdown without fenced blocks and inline code (links there are examples, not links)."""
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


_INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.M)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]+)>")
_HTML = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")


def links(page: Path) -> list[str]:
    text = without_code(page.read_text(encoding="utf-8"))
    found = _INLINE.findall(text) + _REFERENCE.findall(text) + _AUTOLINK.findall(text) + _HTML.findall(text)
    return [link.strip() for link in found]


def test_pages_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in documents()}
    assert {"README.md", "docs/architecture.md", "docs/data-contract.md", "docs/conventions.md", "docs/datasets.md"} <= names


def test_link_extraction() -> None:
    sample = ROOT / "docs" / "architecture.md"
    assert "data-contract.md" in links(sample)


@pytest.mark.parametrize("page", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_stay_in_the_repository(page: Path) -> None:
    """Relative links resolve to a file or folder of the repository; other links are http(s) or mailto."""
    problems = []
    for link in links(page):
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", link)
        if scheme:
            if scheme.group(1).lower() not in {"http", "https", "mailto"}:
                problems.append(f"{link}: only http(s) and mailto links may leave the repository")
            continue
        path = link.split("#", 1)[0].split("?", 1)[0]
        if not path:  # an anchor on the same page
            continue
        if path.startswith("/"):
            problems.append(f"{link}: absolute path; link relative to {page.name}")
            continue
        target = (page.parent / path).resolve()
        if not target.is_relative_to(ROOT):
            problems.append(f"{link}: points outside the repository")
        elif not target.exists() and target.relative_to(ROOT).as_posix() not in _site_pages():
            problems.append(f"{link}: no such file")
    assert not problems, f"{page.relative_to(ROOT)}:\n" + "\n".join(problems)


def _site_pages() -> set[str]:
    """Pages the documentation site generates at build time (docs/site/hooks.py), as repository paths."""
    import ast

    tree = ast.parse((ROOT / "docs" / "site" / "hooks.py").read_text(encoding="utf-8"))
    pages: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in ("GENERATED_PAGES", "COPIED"):
            value = ast.literal_eval(node.value)
            pages |= {"docs/" + p for p in (value.values() if isinstance(value, dict) else value)}
    return pages


@pytest.mark.parametrize("page", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_page_sends_readers_to_the_old_design_files(page: Path) -> None:
    """DESIGN and STYLE lived beside the repository; their content is in docs/ now."""
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"shared/(DESIGN|STYLE)\.md", text), "link docs/architecture.md, docs/data-contract.md or docs/conventions.md"


# -- the layer diagram is the import-linter contract ---------------------------------------------


def contract_layers() -> list[str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layered = [c for c in contracts if c.get("type") == "layers"]
    assert len(layered) == 1, "one layers contract is expected"
    return [_normal(layer) for layer in layered[0]["layers"]]


def _normal(layer: str) -> str:
    return " | ".join(part.strip() for part in re.split(r"[|:]", layer.strip("()")) if part.strip())


def diagram_layers() -> tuple[list[str], list[str]]:
    """The nodes of the architecture page's mermaid diagram in order, and its chain of arrows."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "docs/architecture.md has one mermaid diagram: the layers"
    nodes = {int(n): _normal(label) for n, label in re.findall(r'^\s*L(\d+)\["([^"]+)"\]', blocks[0], re.M)}
    chain = re.findall(r"L(\d+)", "".join(line for line in blocks[0].splitlines() if "-->" in line))
    return [nodes[i] for i in sorted(nodes)], [f"L{i}" for i in chain]


def test_layer_diagram_matches_the_import_linter_contract() -> None:
    layers = contract_layers()
    nodes, chain = diagram_layers()
    assert nodes == layers
    assert chain == [f"L{i}" for i in range(len(layers))], "the arrows go from each layer to the next, top to bottom"


def test_every_package_has_its_line_in_the_architecture() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in (ROOT / "kg").glob("*/__init__.py"))
    missing = [name for name in packages if f"`kg/{name}/`" not in text]
    assert not missing, f"docs/architecture.md: no line for {missing}"
    layered = {part.split(".")[1] for layer in contract_layers() for part in layer.split(" | ") if part.startswith("kg.")}
    assert layered == set(packages), "every package of kg is in one layer of the import-linter contract"


# -- the data contract --------------------------------------------------------------------------


def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def contract_examples() -> list[str]:
    return re.findall(r"```turtle\n(.*?)```", CONTRACT.read_text(encoding="utf-8"), re.S)


_DECLARED = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual, RDF.Property}


def test_turtle_example_uses_only_declared_terms() -> None:
    """Every ckg: term of the example is declared in conflict.ttl; every other class or property
    comes from a vocabulary the ontology declares a prefix for."""
    examples = contract_examples()
    assert examples, "docs/data-contract.md has a ```turtle example"
    ontology = ontology_graph()
    vocabularies = {str(ns) for _, ns in ontology.namespaces()}
    ckg = str(CKG._NS)
    for example in examples:
        data = Graph().parse(data=example, format="turtle")
        assert len(data) >= 10
        used = {p for p in data.predicates()} | {o for o in data.objects(None, RDF.type)}
        used |= {t for triple in data for t in triple if isinstance(t, URIRef) and str(t).startswith(ckg)}
        for term in used:
            if str(term).startswith(ckg):
                kinds = set(ontology.objects(term, RDF.type))
                assert kinds & _DECLARED, f"{term} is not declared in ontology/conflict.ttl"
            else:
                assert any(str(term).startswith(ns) for ns in vocabularies), f"{term}: vocabulary unknown to the ontology"


def test_turtle_example_is_what_the_seed_builds(seed_kg) -> None:
    """The example is real: every triple of it is in a freshly built seed graph."""
    for example in contract_examples():
        data = Graph().parse(data=example, format="turtle")
        missing = [t for t in data if not seed_kg.query(f"ASK {{ {t[0].n3()} {t[1].n3()} {t[2].n3()} }}").boolean]
        assert not missing, f"not in the built seed: {missing}"


def _prefixed(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and prefix not in {"actor", "event", "place", "source", "state", "concept"}:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@pytest.mark.slow
def test_every_term_the_writer_emits_is_documented() -> None:
    """Build the seed and import every format's fixture: each class and property written outside
    the ontology graph is named in docs/data-contract.md."""
    graph = kg.open(":memory:")
    kg.build(graph)
    fixtures = ROOT / "tests" / "data"
    for fmt, path in [
        ("icews", fixtures / "icews" / "icews14-valid-head40.txt"),
        ("acled", fixtures / "acled" / "acled-sample-30.csv"),
        ("ucdp", fixtures / "ucdp" / "ucdp-ged-25.csv"),
        ("gdelt", fixtures / "gdelt" / "gdelt1-raw.export.CSV"),
        ("gdelt", fixtures / "gdelt" / "gdelt2-raw.export.CSV"),
    ]:
        kg.import_dataset(graph, fmt, path)
    outside = f"FILTER(?g != <{ONTOLOGY_GRAPH}>)"
    terms = {r["t"] for r in graph.query(f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ ?s ?t ?o }} {outside} }}").records()}
    terms |= {r["t"] for r in graph.query(f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ ?s a ?t }} {outside} }}").records()}
    graph.close()
    text = CONTRACT.read_text(encoding="utf-8")
    missing = sorted(name for name in map(_prefixed, terms) if f"`{name}`" not in text and name != "rdf:type")
    assert not missing, f"emitted but not in docs/data-contract.md: {missing}"


def test_contract_names_only_real_ckg_terms() -> None:
    """A ckg: term named on the contract page exists (the closed CKG namespace)."""
    text = CONTRACT.read_text(encoding="utf-8")
    named = set(re.findall(r"\bckg:([A-Za-z]+)\b", text))
    unknown = sorted(name for name in named if name not in CKG.__annotations__)
    assert not unknown, f"docs/data-contract.md names unknown terms: {unknown}"


# -- the README's Python examples run ------------------------------------------------------------


def python_blocks() -> list[str]:
    """The ```python blocks of the README's "Python" section."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Python\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, "the README has a '## Python' section"
    return re.findall(r"```python\n(.*?)```", section.group(1), re.S)


def test_readme_teaches_the_python_api() -> None:
    code = "\n".join(python_blocks())
    for name in ("kg.open", "kg.build", "kg.events(graph", "kg.query(graph", "as_of=", "kg.import_dataset", "kg.centrality_series"):
        assert name in code, f"the README's Python section does not show {name}"


@pytest.mark.slow
def test_readme_python_examples_run(tmp_path, monkeypatch) -> None:
    """Each ```python block of the README runs, in order, in one namespace (a scratch folder where
    tests/data/... resolves)."""
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    blocks = python_blocks()
    assert len(blocks) >= 2
    for block in blocks:
        if "pandas" in block and importlib.util.find_spec("pandas") is None:
            continue  # the optional extra: conflict-kg[pandas]
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102


# -- names and paths the docs mention exist -----------------------------------------------------


def prose_pages() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def _inline_code(page: Path) -> list[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    return re.findall(r"`([^`\n]+)`", text)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        try:
            value: object = importlib.import_module(module)
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(value, name):
                return False
            value = getattr(value, name)
        return True
    return False


@pytest.mark.parametrize("page", prose_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_named_python_objects_exist(page: Path) -> None:
    """`kg.read.timeview.window_join`, `kg.events(...)`: every dotted kg/viz name in inline code resolves."""
    names = {m.group(1) for code in _inline_code(page) for m in [re.match(r"((?:kg|viz)(?:\.[A-Za-z_]\w*)+)", code)] if m}
    missing = sorted(name for name in names if not _resolves(name))
    assert not missing, f"{page.relative_to(ROOT)} names what does not exist: {missing}"


@pytest.mark.parametrize("page", prose_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_named_repository_paths_exist(page: Path) -> None:
    """`kg/ingest/base.py`, `tests/test_seed.py`: every concrete path of the repository in inline code exists."""
    roots = ("kg/", "viz/", "tests/", "data/", "ontology/", "bench/", "scripts/", "docs/", ".ci/")
    paths = set()
    for code in _inline_code(page):
        words = code.split("::", 1)[0].split()
        path = words[0] if words else ""
        if path.startswith(roots) and not re.search(r"[<>*…{}]", path):
            paths.add(path.rstrip(".,;:"))
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"{page.relative_to(ROOT)} names paths that do not exist: {missing}"
