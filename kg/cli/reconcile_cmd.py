"""``kg reconcile``: propose links between records of the same event in different datasets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kg.cli.base import pass_writable_kg
from kg.cli.options import date_option, echo_rows, format_option
from kg.ingest.identity import apply_mapping, reapply
from kg.ingest.reconcile import RECONCILIATION_GRAPH, reconcile, write_links
from kg.store.graph import KnowledgeGraph

#: The keys of :meth:`kg.ingest.reconcile.Proposal.as_dict`, one row per proposed link.
COLUMNS = ["event", "same_as", "score", "km", "gap_days", "shared_actors", "evidence"]


@click.command("reconcile")
@date_option("--from", "start", help="Only events possibly on or after this day.")
@date_option("--to", "end", help="Only events possibly on or before this day.")
@click.option("--days", type=click.IntRange(0, 30), default=1, show_default=True,
              help="Hard limit: largest gap in days between the two records' possible dates.")
@click.option("--km", type=click.FloatRange(0.1, 1000), default=10.0, show_default=True,
              help="Hard limit: largest distance between the two points (areas: same first-level region).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.6, show_default=True)
@click.option("--actors", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="MAPPING",
              help="Apply this actor mapping file first (see `kg map`).")
@click.option("--dry-run", is_flag=True, help="Only print the proposals; write nothing.")
@format_option()
@pass_writable_kg
def reconcile_command(
    kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, days: int, km: float,
    min_score: float, actors: Path | None, dry_run: bool, fmt: str,
) -> None:
    """Propose ckg:sameEventAs links between events reported by different sources.

    Candidates are pairs at most --days apart and --km apart (hard limits); a hostile record
    never pairs with a non-hostile one. Score: distance 0.35, days 0.25, shared actors 0.30
    (through the actor mapping; generic actors such as civilians give no evidence), same
    violent flag 0.10. Prints a summary line on stderr, "0 proposal(s)" included, and writes the
    links with their score and evidence into graph/derived/reconciliation (replacing earlier
    ones). See docs/reconcile.md for the rules and the precision measured on the samples.

    Example: kg reconcile --days 1 --km 10 --min-score 0.6
    """
    if actors is not None:
        click.echo(apply_mapping(kg, actors).summary(), err=True)
    elif not dry_run:
        reapply(kg)
    found = reconcile(kg, start=start, end=end, days=days, km=km, min_score=min_score)
    echo_rows([p.as_dict() for p in found.proposals], fmt, columns=COLUMNS)
    click.echo(found.summary(), err=True)
    if not dry_run:
        write_links(kg, found.proposals)
        click.echo(f"{len(found.proposals)} link(s) written to {RECONCILIATION_GRAPH}", err=True)
