"""``kg timeline`` and ``kg diff``: the story in time and what changed between two dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from kg.cli.base import pass_kg
from kg.cli.options import (
    date_option,
    echo_rows,
    format_option,
    known_on_option,
    parse_date,
    place_option,
    precision_option,
)
from kg.index.diff import network_diff
from kg.index.events import timeline
from kg.read.diff import NetworkDiff
from kg.store.graph import KnowledgeGraph

#: The keys of :meth:`kg.read.timeline.Entry.as_dict` (the header of an empty timeline too).
TIMELINE_COLUMNS = ["date", "start", "end", "precision", "type", "change", "label", "agents", "targets", "places", "source", "fact"]

#: The keys of :func:`diff_rows`.
DIFF_COLUMNS = ["change", "date", "class", "subject", "label", "object", "object_label", "event"]


@click.command("timeline")
@click.option("--actor", metavar="ACTOR", help="Only this actor's events and state changes (id or exact label).")
@place_option
@date_option("--from", "start", help="First day (inclusive).")
@date_option("--to", "end", help="Last day (inclusive).")
@precision_option
@known_on_option
@format_option(default="text", extra=["text"], extra_help="text: one readable line per entry.")
@pass_kg
def timeline_command(
    kg: KnowledgeGraph,
    actor: str | None,
    place: str | None,
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
    entries = timeline(kg, actor=actor, place=place, start=start, end=end, known_on=known_on, mode=precision)
    if fmt == "text":
        for entry in entries:
            click.echo(entry.line())
        return
    echo_rows([entry.as_dict() for entry in entries], fmt, columns=TIMELINE_COLUMNS)


@click.command("diff")
@click.option("--from", "start", required=True, callback=parse_date, metavar="DATE|YYYY-MM|YYYY", help="First day of the period.")
@click.option("--to", "end", required=True, callback=parse_date, metavar="DATE|YYYY-MM|YYYY", help="Last day of the period.")
@place_option
@format_option(default="text", extra=["text"], extra_help="text: a report by section; the other formats: one row per change.")
@pass_kg
def diff_command(kg: KnowledgeGraph, start: dt.date, end: dt.date, place: str | None, fmt: str) -> None:
    """What changed in the actor network from --from to --to (inclusive).

    New and ended states (memberships, alliances, control), first-ever hostile dyads,
    actors that appeared, and actors active in the period before that went quiet.

    Example: kg diff --from 2017-05-18 --to 2017-05-31
    """
    change = network_diff(kg, start=start, end=end, place=place)
    if fmt == "text":
        click.echo("\n".join(change.lines()))
    else:
        echo_rows(diff_rows(change), fmt, columns=DIFF_COLUMNS)


def diff_rows(change: NetworkDiff) -> list[dict[str, Any]]:
    """One row per change, in the report's order: ``change`` names the section, ``date`` is
    when it happened (an ended state's end, an actor's last activity for ``went-quiet``),
    ``subject``/``label`` the state, actor or agent, ``object``/``object_label`` a dyad's target."""
    rows: list[dict[str, Any]] = []
    for s in change.new_states:
        rows.append({"change": "new-state", "date": s["start"], "class": s["class"], "subject": s["state"], "label": s["label"]})
    for s in change.ended_states:
        rows.append({"change": "ended-state", "date": s["end"], "class": s["class"], "subject": s["state"], "label": s["label"]})
    for d in change.first_hostile_dyads:
        rows.append({"change": "first-hostile-dyad", "date": d["first"], "subject": d["agent"], "label": d["agentLabel"],
                     "object": d["target"], "object_label": d["targetLabel"], "event": d.get("event")})
    for a in change.appeared:
        rows.append({"change": "appeared", "date": a["first"], "subject": a["actor"], "label": a["label"]})
    for a in change.went_quiet:
        rows.append({"change": "went-quiet", "date": a["last"], "subject": a["actor"], "label": a["label"]})
    return rows
