"""``kg events`` and ``kg actors``: the common lookups as tables, CSV or JSON."""

from __future__ import annotations

import datetime as dt

import click

from kg.cli import main, pass_kg
from kg.lookups import actors_result, events_result
from kg.model import ACTOR_KINDS, EVENT_CLASSES
from kg.query import ResultFormat
from kg.store import KnowledgeGraph

FORMATS = click.Choice(["table", "csv", "tsv", "json"])


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD, e.g. 2017-05-18") from None


@main.command("events")
@click.option("--actor", metavar="SLUG", help="Only events where this actor is agent, target or participant.")
@click.option("--type", "type_", type=click.Choice(EVENT_CLASSES), help="Only events of this class.")
@click.option("--from", "start", callback=_date, metavar="DATE", help="First day (inclusive).")
@click.option("--to", "end", callback=_date, metavar="DATE", help="Last day (inclusive).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_kg
def events_command(kg: KnowledgeGraph, actor: str | None, type_: str | None, start: dt.date | None, end: dt.date | None, fmt: str) -> None:
    """List events in date order. A window keeps events whose dates overlap it.

    Example: kg events --actor isis --from 2017-05-18 --to 2017-05-25
    """
    result = events_result(kg, actor=actor, type=type_, start=start, end=end)
    click.echo(result.to_string(ResultFormat(fmt)).rstrip("\n"))


@main.command("actors")
@click.option("--type", "type_", type=click.Choice(ACTOR_KINDS), help="Only actors of this class.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_kg
def actors_command(kg: KnowledgeGraph, type_: str | None, fmt: str) -> None:
    """List actors with type, Wikidata id, aliases and number of events.

    Example: kg actors --type Community
    """
    click.echo(actors_result(kg, type=type_).to_string(ResultFormat(fmt)).rstrip("\n"))
