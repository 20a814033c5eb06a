"""``kg sources``, ``kg remove`` and ``kg map``: the store's sources and the actor mapping file."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.base import pass_kg, pass_writable_kg
from kg.cli.options import echo_rows, format_option
from kg.ingest.identity import apply_mapping
from kg.ingest.sources import COLUMNS, remove_source, sources
from kg.store.graph import KnowledgeGraph


@click.command("sources")
@format_option()
@pass_kg
def sources_command(kg: KnowledgeGraph, fmt: str) -> None:
    """List the sources in the store: curated reports, imported files and the actor mapping.

    One row per source: its id (what `kg remove` takes), kind, dataset, file, SHA-256
    checksum, rows imported, events, the first and last event date, and when it was imported.

    Example: kg sources --format csv
    """
    echo_rows([s.as_dict() for s in sources(kg)], fmt, columns=COLUMNS,
              table_columns=["source", "kind", "dataset", "file", "rows", "events", "first", "last", "imported"])


@click.command("remove")
@click.argument("source")
@pass_writable_kg
def remove_command(kg: KnowledgeGraph, source: str) -> None:
    """Remove one imported source (or the actor mapping) from the store, in one transaction.

    Drops the import's graph, its derived shortcut edges, its provenance and the reconciliation
    links to events no other source holds. Descriptions of actors and places that another import
    still uses move to that import first. Curated sources are rebuilt with `kg build` instead.

    Example: kg remove acled-2022-syria
    """
    click.echo(remove_source(kg, source).summary())


@click.command("map")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_writable_kg
def map_command(kg: KnowledgeGraph, file: Path) -> None:
    """Apply an actor mapping file: which dataset actors are the same actor (YAML or CSV).

    The links go to graph/derived/identity (imported graphs are not rewritten) and replace the
    previous mapping; the file is recorded with its checksum and applied again after every
    import and before `kg reconcile`, so editing it is enough. Generic actors (civilians,
    protesters, unidentified groups...) are never merged across countries. See docs/reconcile.md.

    Example: kg map actor-identity.yaml
    """
    click.echo(apply_mapping(kg, file).summary())
