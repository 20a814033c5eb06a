"""``kg reconcile``: propose links between records of the same event in different datasets."""

from __future__ import annotations

import datetime as dt

import click

from kg.cli.base import pass_writable_kg
from kg.cli.options import date_option, echo_rows, format_option, place_option
from kg.ingest.reconcile import RECONCILIATION_GRAPH, propose, write_links
from kg.store.graph import KnowledgeGraph

#: The keys of :meth:`kg.ingest.reconcile.Proposal.as_dict`, one row per proposed link.
COLUMNS = ["event", "same_as", "score", "evidence"]


@click.command("reconcile")
@date_option("--from", "start", help="Only events from this day.")
@date_option("--to", "end", help="Only events up to this day.")
@click.option("--days", type=click.IntRange(0, 30), default=1, show_default=True, help="Largest gap in days.")
@click.option("--km", type=click.FloatRange(0.1, 1000), default=10.0, show_default=True, help="Distance at which the place score reaches 0.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.6, show_default=True)
@place_option
@click.option("--dry-run", is_flag=True, help="Only print the proposals; write nothing.")
@format_option()
@pass_writable_kg
def reconcile_command(
    kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, days: int, km: float,
    min_score: float, place: str | None, dry_run: bool, fmt: str,
) -> None:
    """Propose ckg:sameEventAs links between events reported by different sources.

    Scores time (0.4), place (0.3) and shared actors (0.3); writes the links with their
    score and evidence into graph/derived/reconciliation (replacing earlier ones).

    Example: kg reconcile --days 1 --km 10 --min-score 0.6
    """
    proposals = propose(kg, start=start, end=end, days=days, km=km, min_score=min_score)
    if place:  # pairs with a record in the place (or inside it)
        from kg.read.places import events_in_place

        there = events_in_place(kg, place)
        proposals = [p for p in proposals if {p.as_dict()["event"], p.as_dict()["same_as"]} & there]
    echo_rows([p.as_dict() for p in proposals], fmt, columns=COLUMNS)
    if not dry_run:
        write_links(kg, proposals)
        click.echo(f"{len(proposals)} link(s) written to {RECONCILIATION_GRAPH}", err=True)
