"""``kg events`` and ``kg actors``: the common lookups as rows (``--format``: see :mod:`kg.cli.options`)."""

from __future__ import annotations

import datetime as dt

import click

from kg.base.temporal import Allen
from kg.cli.base import pass_kg
from kg.cli.options import (
    as_of_option,
    date_option,
    echo_rows,
    format_option,
    known_on_option,
    place_option,
    precision_option,
)
from kg.contract.model import ACTOR_KINDS, EVENT_CLASSES
from kg.index.actors import actors
from kg.index.events import events
from kg.sparql.results import Result
from kg.store.graph import KnowledgeGraph

#: What ``--format table`` shows of an event (every column in csv, tsv, json, jsonl).
EVENT_TABLE_COLUMNS = ["date", "class", "dataset_type", "agents", "targets", "participants", "side_a", "side_b",
                       "fatalities", "country", "admin1", "event"]


@click.command("events")
@click.option("--actor", metavar="ACTOR", help="Only events where this actor (id or exact label) has a role.")
@click.option("--type", "type_", metavar="TYPE",
              help=f"Only events of this type: a class ({', '.join(EVENT_CLASSES)}), a project type (armed-clash) "
                   "or the dataset's own (ACLED 'Battles', 'Armed clash'; UCDP 'state-based'; CAMEO '190').")
@place_option
@date_option("--from", "start", help="First day of the window (inclusive).")
@date_option("--to", "end", help="Last day of the window (inclusive).")
@precision_option
@as_of_option
@known_on_option
@click.option("--relation", type=click.Choice([r.value for r in Allen]), help="Allen relation of each event to --to-event.")
@click.option("--to-event", metavar="IRI", help="The event or state for --relation (IRI, event:<slug> or state:<slug>).")
@format_option()
@pass_kg
def events_command(
    kg: KnowledgeGraph,
    actor: str | None,
    type_: str | None,
    place: str | None,
    start: dt.date | None,
    end: dt.date | None,
    precision: str,
    as_of: dt.date | None,
    known_on: dt.date | None,
    relation: str | None,
    to_event: str | None,
    fmt: str,
) -> None:
    """List events in date order, filtered by actor, type, place, window, valid time and record time.

    A window keeps events whose dates overlap it (--precision loose) or certainly fall
    in it (strict: an imprecise date such as "May 2017" must lie wholly inside);
    --from 2022-03 --to 2022-03 is March, --from 2022 the year. Rows carry the dataset's
    own type, agents, targets, participants or sides, fatalities, country and admin1.

    Example: kg events --actor isis --from 2017-05-18 --to 2017-05-25
    """
    result = events(
        kg, actor=actor, type=type_, place=place, start=start, end=end, mode=precision,
        as_of=as_of, known_on=known_on, relation=relation, to_event=to_event,
    )
    echo_rows(result.records(), fmt, columns=result.variables, table_columns=EVENT_TABLE_COLUMNS)


@click.command("actors")
@click.option("--type", "type_", type=click.Choice(ACTOR_KINDS), help="Only actors of this class.")
@click.option("--search", metavar="TEXT", help="Only actors whose id, label or an alias contains TEXT (any case).")
@place_option
@format_option()
@pass_kg
def actors_command(kg: KnowledgeGraph, type_: str | None, search: str | None, place: str | None, fmt: str) -> None:
    """List actors with type, Wikidata id, aliases and number of events.

    With --place, only the actors of events there, and only those events counted.

    Example: kg actors --type Community
    """
    _echo(actors(kg, type=type_, search=search, place=place), fmt)


def _echo(result: Result, fmt: str) -> None:
    """A lookup's SELECT rows, one column per variable (empty where unbound)."""
    echo_rows(result.records(), fmt, columns=result.variables)
