"""``kg build``: curated data -> store."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.base import pass_writable_kg
from kg.curated.build import build
from kg.store.graph import KnowledgeGraph


@click.command("build")
@click.argument("data_dir", required=False, type=click.Path(path_type=Path))
@click.option("--include-drafts", is_flag=True,
              help="Also build records still marked for review by kg draft; they get bibo:status draft in the graph.")
@pass_writable_kg
def build_command(kg: KnowledgeGraph, data_dir: Path | None, include_drafts: bool) -> None:
    """Build the curated data (default: the packaged seed data) into the store.

    Validates everything (YAML, ids, dates, quotes, SHACL) before writing; on any
    error the store is left exactly as it was. Running it twice gives the same store.

    Example: kg build ./data
    """
    report = build(kg, data_dir, include_drafts=include_drafts)
    click.echo(
        f"Built {report.events} events, {report.states} state{'' if report.states == 1 else 's'}, {report.actors} actors, "
        f"{report.places} places from {report.sources} source(s); "
        f"{report.derived} shortcut edges; {report.quads} quads in {kg.location}"
    )
