"""MkDocs hooks of the documentation site: the pages generated from the code, so they cannot drift.

- ``cookbook.md``: every saved query (``data/queries``) with its parameters and its result on the seed;
- ``reference/ontology.md``: classes and properties of ``ontology/conflict.ttl``, shapes of ``shapes.ttl``;
- ``reference/cli.md``: the help of every ``kg`` command, from the click commands themselves;
- ``benchmarks/*.md`` and ``repository/*.md``: the READMEs of ``bench/``, ``ontology/``, ``data/``, ``tests/data/``.

Links that leave ``docs/`` are rewritten: to the generated copy of a README, or to the file's path
in the repository as code (the site does not serve source files). A link to a file that exists
nowhere is a warning, which ``mkdocs build --strict`` turns into a failure.
"""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.kg")
ROOT = Path(__file__).resolve().parents[2]

#: Repository READMEs shown on the site: repository path -> page.
COPIED = {
    "bench/README.md": "benchmarks/index.md",
    "bench/README-serve.md": "benchmarks/serve.md",
    "bench/README-analysis.md": "benchmarks/analysis.md",
    "bench/README-viz.md": "benchmarks/viz.md",
    "ontology/README.md": "repository/ontology.md",
    "data/README.md": "repository/curated-data.md",
    "tests/data/README.md": "repository/test-fixtures.md",
}
#: Pages written at build time (besides the COPIED ones): tests/test_docs.py accepts links to them.
GENERATED_PAGES = ("cookbook.md", "reference/ontology.md", "reference/cli.md")
_ORIGIN: dict[str, str] = {}  # generated page -> its repository path (for its relative links)
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def on_files(files: Files, config: Any) -> Files:
    pages = {
        "cookbook.md": cookbook_page(),
        "reference/ontology.md": ontology_page(),
        "reference/cli.md": cli_page(),
    }
    for source, page in COPIED.items():
        path = ROOT / source
        if path.is_file():
            pages[page] = path.read_text(encoding="utf-8")
            _ORIGIN[page] = source
    for page, text in pages.items():
        files.append(File.generated(config, page, content=text))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    origin = _ORIGIN.get(src, "docs/" + src)
    return _LINK.sub(lambda m: _rewrite(m, src, origin), markdown)


def _rewrite(match: re.Match[str], src: str, origin: str) -> str:
    bang, text, target = match.groups()
    if re.match(r"^[a-z]+:", target) or target.startswith("#") or target.startswith("/"):
        return match.group(0)
    path, _, fragment = target.partition("#")
    repo_path = posixpath.normpath(posixpath.join(posixpath.dirname(origin), path))
    anchor = f"#{fragment}" if fragment else ""
    if repo_path.startswith("docs/"):
        if src in _ORIGIN:  # a copied README pointing into docs/
            rel = posixpath.relpath(repo_path[len("docs/"):], posixpath.dirname(src) or ".")
            return f"{bang}[{text}]({rel}{anchor})"
        return match.group(0)  # inside docs: MkDocs checks it
    if repo_path in COPIED:
        rel = posixpath.relpath(COPIED[repo_path], posixpath.dirname(src) or ".")
        return f"{bang}[{text}]({rel}{anchor})"
    if (ROOT / repo_path).exists():
        return text if text.strip("`") == repo_path else f"{text} (`{repo_path}`)"
    log.warning("%s: link to %s, which does not exist (%s)", src, target, repo_path)
    return match.group(0)


# -- generated pages ---------------------------------------------------------------------------


def _cell(value: Any) -> str:
    text = " ".join(str(value).split()).replace("|", "\\|")
    return text if len(text) <= 120 else text[:119] + "…"


def _md_table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def cookbook_page(limit: int = 12) -> str:
    import kg
    from kg.curated.build import build
    from kg.sparql.results import _short
    from kg.sparql.saved import saved_queries

    graph = kg.open(":memory:")
    build(graph)
    out = ["# SPARQL cookbook", "",
           "Every saved query of `data/queries/`, with its parameters and its result on the curated seed "
           f"(first {limit} rows). Generated when the site is built, so it is the current query and the current "
           "answer. Run one with `kg query --saved NAME --param name=value`, from Python with "
           "`kg.query(graph, q.text, params=q.bind({...}))`, or open it in the SPARQL editor of `kg serve` "
           "(its Examples menu).", ""]
    for query in saved_queries().values():
        out += [f"## {query.title}", "", f"`{query.name}` — {query.description}", ""]
        if query.parameters:
            out += _md_table(["parameter", "default", "meaning"],
                             [[f"`{p.name}`", p.default or "—", p.description] for p in query.parameters]).split("\n") + [""]
        out += ["```sparql", query.text.strip(), "```", ""]
        if query.example:
            out += ["```console", f"$ {query.example}", "```", ""]
        try:
            result = kg.query(graph, query.text, params=query.bind({}))
        except Exception as err:  # the page says so; the tests of the saved queries fail on it
            log.warning("saved query %s failed on the seed: %s", query.name, err)
            continue
        if result.kind == "ask":
            out += [f"Result on the seed: **{'yes' if result.boolean else 'no'}**", ""]
        elif result.kind == "select":
            out += [f"Result on the seed ({len(result.rows)} rows):", ""]
            out += _md_table(result.variables, [[_short(t) for t in row] for row in result.rows[:limit]]).split("\n") + [""]
        else:
            out += [f"Result on the seed: {len(result.triples)} triples.", ""]
    return "\n".join(out)


def ontology_page() -> str:
    from rdflib import OWL, RDF, RDFS, Graph, URIRef
    from rdflib.namespace import SH, SKOS

    from kg.base.namespaces import PREFIXES
    from kg.base.tables import short_iri

    onto = Graph().parse(ROOT / "ontology" / "conflict.ttl")
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ns = PREFIXES["ckg"]

    def text(node: Any, prop: Any) -> str:
        values = sorted(str(v) for v in onto.objects(node, prop))
        return " ".join(values)

    def terms(kind: Any) -> list[URIRef]:
        return sorted((s for s in onto.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(ns)), key=str)

    out = ["# Ontology", "",
           "Generated from `ontology/conflict.ttl` and `ontology/shapes.ttl` when the site is built. "
           "What the writer emits for each kind of fact is in the [data contract](../data-contract.md).", ""]
    for title, kind, extra in (("Classes", OWL.Class, RDFS.subClassOf), ("Object properties", OWL.ObjectProperty, RDFS.range),
                               ("Datatype properties", OWL.DatatypeProperty, RDFS.range)):
        rows = []
        for term in terms(kind):
            supers = ", ".join(short_iri(str(o)) for o in onto.objects(term, extra) if isinstance(o, URIRef))
            rows.append([f"`{short_iri(str(term))}`", text(term, RDFS.label),
                         supers, text(term, RDFS.comment) or text(term, SKOS.definition)])
        head = "subclass of" if kind == OWL.Class else "range"
        out += [f"## {title} ({len(rows)})", "", _md_table(["term", "label", head, "comment"], rows), ""]
    rows = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        targets = ", ".join(short_iri(str(t)) for t in shapes.objects(shape, SH.targetClass))
        for prop in shapes.objects(shape, SH.property):
            path = next(iter(shapes.objects(prop, SH.path)), None)
            counts = [str(next(iter(shapes.objects(prop, p)), "")) for p in (SH.minCount, SH.maxCount)]
            kind = next(iter(list(shapes.objects(prop, SH["class"])) + list(shapes.objects(prop, SH.datatype))), None)
            rows.append([targets or short_iri(str(shape)), f"`{short_iri(str(path))}`" if isinstance(path, URIRef) else "(path)",
                         f"{counts[0] or 0}..{counts[1] or '*'}", short_iri(str(kind)) if kind is not None else ""])
    out += [f"## SHACL shapes ({len(rows)} property constraints)", "",
            "Checked by `kg build` on every curated build (`kg.curated.build`).", "",
            _md_table(["target", "property", "count", "class or datatype"], sorted(rows)), ""]
    return "\n".join(out)


def cli_page() -> str:
    import click

    from kg.cli import main

    out = ["# Command line", "", "The help of every `kg` command, generated from the click commands when the site is built.", ""]
    with click.Context(main, info_name="kg", terminal_width=100) as ctx:
        out += ["## kg", "", "```text", main.get_help(ctx), "```", ""]
        for name in main.list_commands(ctx):
            command = main.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            with click.Context(command, info_name=name, parent=ctx, terminal_width=100) as sub:
                out += [f"## kg {name}", "", "```text", command.get_help(sub), "```", ""]
                if isinstance(command, click.Group):
                    for child in command.list_commands(sub):
                        cmd = command.get_command(sub, child)
                        if cmd is not None and not cmd.hidden:
                            with click.Context(cmd, info_name=child, parent=sub, terminal_width=100) as leaf:
                                out += [f"### kg {name} {child}", "", "```text", cmd.get_help(leaf), "```", ""]
    return "\n".join(out)
