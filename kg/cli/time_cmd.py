"""``kg timeline`` and ``kg diff``: the story in time and what changed between two dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import click

from kg.cli import main, pass_kg
from kg.cli.options import date_option, known_on_option, parse_date, precision_option
from kg.read.diff import network_diff
from kg.read.timeline import timeline
from kg.store.graph import KnowledgeGraph


@main.command("timeline")
@click.option("--actor", metavar="SLUG", help="Only this actor's events and state changes.")
@date_option("--from", "start", help="First day (inclusive).")
@date_option("--to", "end", help="Last day (inclusive).")
@precision_option
@known_on_option
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@pass_kg
def timeline_command(
    kg: KnowledgeGraph,
    actor: str | None,
    start: dt.date | None,
    end: dt.date | None,
    precision: str,
    known_on: dt.date | None,
    fmt: str,
) -> None:
    """The chronological story: one line per event or state change.

    Each line: date with its precision (e.g. "2017-05 (month)"), type, agent -> target,
    place and source.

    Example: kg timeline --actor nato
    """
    entries = timeline(kg, actor=actor, start=start, end=end, known_on=known_on, mode=precision)
    if fmt == "text":
        for entry in entries:
            click.echo(entry.line())
        return
    rows = [entry.as_dict() for entry in entries]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["date"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(buffer.getvalue().rstrip("\n"))


@main.command("diff")
@click.option("--from", "start", required=True, callback=parse_date, metavar="DATE", help="First day of the period.")
@click.option("--to", "end", required=True, callback=parse_date, metavar="DATE", help="Last day of the period.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_kg
def diff_command(kg: KnowledgeGraph, start: dt.date, end: dt.date, fmt: str) -> None:
    """What changed in the actor network from --from to --to (inclusive).

    New and ended states (memberships, alliances, control), first-ever hostile dyads,
    actors that appeared, and actors active in the period before that went quiet.

    Example: kg diff --from 2017-05-18 --to 2017-05-31
    """
    change = network_diff(kg, start=start, end=end)
    if fmt == "json":
        payload = {k: v for k, v in vars(change).items()}
        click.echo(json.dumps(payload, indent=2, default=str, ensure_ascii=False))
    else:
        click.echo("\n".join(change.lines()))
