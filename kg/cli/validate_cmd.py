"""``kg validate``: check a whole store against the SHACL shapes of ``ontology/shapes.ttl``."""

from __future__ import annotations

import click

from kg.base.errors import ValidationError
from kg.cli.base import pass_kg
from kg.store.graph import KnowledgeGraph


@click.command("validate")
@pass_kg
def validate_command(kg: KnowledgeGraph) -> None:
    """Validate the whole store against the SHACL shapes: core profile everywhere, curated evidence on reports.

    Every fact must satisfy the core profile (types, dates, precision, roles, places, geometry,
    sources, Wikidata links); curated reports must also satisfy the curated-evidence profile
    (a verbatim quote at the right offsets, the full text, an agent or participant). Prints one
    line per kind of violation (how many, the shape and property, the message, an example node)
    and exits with 1 when the store does not conform.

    Example: kg validate
    """
    from kg.contract.validation import validate_store

    report = validate_store(kg)
    if report.conforms:
        click.echo(
            f"conforms: {report.checked['core']:,} quads checked against the core profile, "
            f"{report.checked['curated']:,} curated triples against the curated-evidence profile ({report.seconds:.1f} s)"
        )
        return
    for line in report.summary():
        click.echo(line)
    kinds = len(report.summary())
    raise ValidationError(
        f"the store does not conform: {len(report.violations):,} violations of {kinds} kind{'s' if kinds != 1 else ''}"
    )
