"""``kg export``: the whole dataset in an RDF format."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import main, pass_kg
from kg.export.rdf import RdfExportFormat, export_rdf, write_rdf
from kg.store import KnowledgeGraph


@main.command("export")
@click.option("--format", "fmt", type=click.Choice([f.label for f in RdfExportFormat]), help="Default: from the -o extension, else turtle.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file instead of stdout.")
@pass_kg
def export_command(kg: KnowledgeGraph, fmt: str | None, output: Path | None) -> None:
    """Export the dataset: turtle, ntriples, rdfxml (union of graphs) or nquads, trig, jsonld (named graphs kept).

    Example: kg export --format nquads -o conflict.nq
    """
    if output:
        path = write_rdf(kg, output, fmt)
        click.echo(f"Wrote {path}", err=True)
    else:
        click.echo(export_rdf(kg, fmt or "turtle").decode("utf-8"), nl=False)
