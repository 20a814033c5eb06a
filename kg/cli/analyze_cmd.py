"""``kg analyze``: network metrics over time windows, as rows (``--format``: see :mod:`kg.cli.options`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from kg.analysis import balance as balance_mod
from kg.analysis import centrality as centrality_mod
from kg.analysis import ego as ego_mod
from kg.analysis import escalation as escalation_mod
from kg.analysis import paths as paths_mod
from kg.analysis.projection import parse_duration
from kg.analysis.span import actor_id, analysis_graph
from kg.base.errors import UsageError
from kg.cli.base import pass_kg
from kg.cli.options import date_option, echo_rows, format_option, known_on_option, place_option
from kg.store.graph import KnowledgeGraph


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parse_duration(value)
    except UsageError as err:
        raise click.BadParameter(str(err)) from None
    return value


def _relations(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str] | None:
    names = [name.strip() for item in value for name in item.split(",") if name.strip()]
    return names or None


def _top(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter(f"must be at least 1, not {value}")
    return value


def period_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--from, --to, --relations, --place, --known-on, --format: the options every metric takes."""
    for option in reversed([
        date_option("--from", "start", help="First day analysed (inclusive). Default: the first event."),
        date_option("--to", "end", help="Last day analysed (inclusive). Default: the last event."),
        click.option("--relations", multiple=True, callback=_relations, metavar="NAMES",
                     help="Only these event classes or event-type slugs, comma-separated (e.g. Attack,Joining)."),
        place_option,
        known_on_option,
        format_option(),
    ]):
        f = option(f)
    return f


def window_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--window and --step of the sliding-window metrics."""
    f = click.option("--step", callback=_duration, metavar="DURATION", help="Window step (default: the window size).")(f)
    return click.option("--window", "size", default="30d", show_default=True, callback=_duration, metavar="DURATION",
                        help="Window size: days (30d) or weeks (2w).")(f)


top_option = click.option("--top", type=int, callback=_top, metavar="N", help="Keep the N strongest rows (see each metric).")


def _echo(rows: list[dict[str, Any]], fmt: str, columns: list[str], table: list[str] | None = None) -> None:
    """Every column in csv, tsv, json and jsonl; the ``table`` ones (default: all) in a table."""
    echo_rows(rows, fmt, columns=columns, table_columns=table)


@click.group("analyze")
def analyze_group() -> None:
    """Network analysis of the actor graph over time: centrality, balance, factions, escalation, paths, ego.

    Each metric projects the events of a period (or of sliding windows) to an actor
    network, edges pointing from agent to target, and prints one row per result. With an
    analytic event index (kg index) the projections read it, and an index out of date is
    rebuilt first, with a progress bar.

    Example: kg analyze centrality --window 7d --top 3
    """
    from kg.cli.progress import bars
    from kg.index.cache import show_progress

    show_progress(bars(unit=" steps"))


#: report name -> (function of kg.analysis.reports, its columns)
REPORTS = {
    "hostile-dyads": ("hostile_dyads", "DYAD_COLUMNS"),
    "weekly-event-counts": ("weekly_counts", "WEEKLY_COLUMNS"),
    "actor-activity-span": ("activity_spans", "SPAN_COLUMNS"),
    "shared-attacker-targets": ("shared_attacker_targets", "SHARED_COLUMNS"),
}


@analyze_group.command("report")
@click.argument("name", type=click.Choice(sorted(REPORTS)))
@format_option()
@pass_kg
def report_command(kg: KnowledgeGraph, name: str, fmt: str) -> None:
    """A whole-dataset report from the analytic event index (the saved query of the same name, at scale).

    Hostile dyads with counts and first and last days, events per ISO week per actor, each
    actor's first and last activity, pairs of targets of the same attacker. The store's index
    is built first if it has none (kg index).

    Example: kg analyze report hostile-dyads --format csv
    """
    from kg.analysis import reports

    function, columns = REPORTS[name]
    _echo(getattr(reports, function)(kg), fmt, getattr(reports, columns))


@analyze_group.command("centrality")
@period_options
@window_options
@top_option
@pass_kg
def centrality_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, relations: list[str] | None,
                       place: str | None, known_on: dt.date | None, fmt: str, size: str, step: str | None, top: int | None) -> None:
    """Degree in/out, betweenness and PageRank of every actor, window by window.

    --top N keeps the N highest-PageRank actors of each window.

    Example: kg analyze centrality --from 2017-05-18 --to 2017-05-31 --window 7d --top 3
    """
    rows = centrality_mod.centrality_series(kg, start=start, end=end, size=size, step=step, relations=relations, place=place, known_on=known_on, top=top)
    _echo(rows, fmt, centrality_mod.COLUMNS)


@analyze_group.command("balance")
@period_options
@window_options
@top_option
@click.option("--show", type=click.Choice(["series", "triads", "alignments"]), default="series", show_default=True,
              help="series: balance share per window; triads: frustrated triangles; alignments: enemy-of-my-enemy pairs (whole period).")
@pass_kg
def balance_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, relations: list[str] | None,
                    place: str | None, known_on: dt.date | None, fmt: str, size: str, step: str | None, top: int | None, show: str) -> None:
    """Structural balance of the signed network: the share of balanced triangles per window,
    the most frustrated triads, or "enemy of my enemy" candidate alignments.

    A triangle is balanced when the product of its three signs (hostile -1,
    cooperative +1) is positive. --top N keeps the N best-attested triads or
    alignments (with --show series: the first N windows).

    Example: kg analyze balance --show alignments --top 5
    """
    if show == "series":
        rows = balance_mod.balance_series(kg, start=start, end=end, size=size, step=step, relations=relations, place=place, known_on=known_on)
        _echo(rows[:top] if top else rows, fmt, balance_mod.SERIES_COLUMNS)
        return
    graph = analysis_graph(kg, start=start, end=end, relations=relations, place=place, known_on=known_on)
    if show == "triads":
        rows = balance_mod.frustrated_triads(graph, top=top)
        _echo(rows, fmt, balance_mod.TRIAD_COLUMNS, ["label_a", "label_b", "label_c", "signs", "event_count"])
    else:
        rows = balance_mod.enemy_of_enemy(graph, top=top)
        _echo(rows, fmt, balance_mod.ALIGNMENT_COLUMNS, ["label_a", "label_c", "enemy_labels", "relation", "event_count"])


@analyze_group.command("factions")
@period_options
@click.option("--camps", default="2", show_default=True, metavar="N|any",
              help="Most camps per connected group of actors (2: strict balance; any: as many as helps).")
@pass_kg
def factions_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, relations: list[str] | None,
                     place: str | None, known_on: dt.date | None, fmt: str, camps: str) -> None:
    """Split the actors into camps that leave the fewest frustrated ties (hostile inside a camp,
    cooperative across camps), over the whole period.

    Exact search for groups of up to 15 actors, local search above; the summary line
    (on stderr) says which, and how many ties stay frustrated.

    Example: kg analyze factions --camps any
    """
    if camps != "any" and not (camps.isdigit() and int(camps) >= 1):
        raise click.BadParameter(f"{camps!r}: give a number of camps (2) or 'any'", param_hint="--camps")
    result = balance_mod.factions_of(kg, start=start, end=end, relations=relations, place=place, known_on=known_on,
                                     camps=None if camps == "any" else int(camps))
    _echo(result.rows(), fmt, balance_mod.FACTION_COLUMNS)
    method = "exact" if result.exact else "local search"
    click.echo(f"{len(result.camps)} camps, {result.frustration} frustrated ties ({method})", err=True)


@analyze_group.command("escalation")
@period_options
@top_option
@click.option("--actor", metavar="SLUG", help="Only alerts about this actor (alone or in a dyad).")
@click.option("--period", type=click.Choice(escalation_mod.PERIODS), default="week", show_default=True, help="Counting period.")
@click.option("--factor", type=float, default=2.0, show_default=True, help="A surge is at least FACTOR x the baseline (ACLED: 2).")
@click.option("--min-count", type=int, default=3, show_default=True, help="... and at least this many events.")
@click.option("--history", type=int, metavar="N", help="Baseline over the last N periods only (default: all previous).")
@pass_kg
def escalation_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, relations: list[str] | None,
                       place: str | None, known_on: dt.date | None, fmt: str, top: int | None, actor: str | None, period: str,
                       factor: float, min_count: int, history: int | None) -> None:
    """Surges (count at least double the average of previous periods), first-ever hostile dyads
    and sign flips (cooperative, then hostile) per actor and dyad.

    Events before --from feed the baselines. --top N keeps the N strongest alerts
    (count minus baseline), in time order.

    Example: kg analyze escalation --period week --min-count 2
    """
    iri = actor_id(kg, actor) if actor else None  # an unknown actor is refused before the work
    rows = escalation_mod.escalation_of(kg, start=start, end=end, relations=relations, known_on=known_on, place=place,
                                        period=period, factor=factor, min_count=min_count, history=history)
    if iri:
        rows = [r for r in rows if iri in (r["actor"], r["counterpart"])]
    if top:
        rows = escalation_mod.strongest(rows, n=top)
    _echo(rows, fmt, escalation_mod.COLUMNS,
          ["kind", "period_start", "label", "counterpart_label", "count", "baseline", "ratio"])


@analyze_group.command("paths")
@period_options
@top_option
@click.option("--actor", required=True, metavar="SLUG", help="The actor influence starts from.")
@click.option("--undirected", is_flag=True, help="Follow events both ways, not only agent -> target.")
@pass_kg
def paths_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, relations: list[str] | None,
                  place: str | None, known_on: dt.date | None, fmt: str, top: int | None, actor: str, undirected: bool) -> None:
    """Who the actor could have influenced through a chain of events in time order:
    each reachable actor with its earliest arrival day, hops and the chain of events.

    --top N keeps the N earliest reached.

    Example: kg analyze paths --actor isis --relations Attack
    """
    rows = paths_mod.paths_of(kg, actor, start=start, end=end, relations=relations, place=place, known_on=known_on, directed=not undirected)
    _echo(rows[:top] if top else rows, fmt, paths_mod.COLUMNS, ["actor", "label", "arrival", "hops", "path"])


@analyze_group.command("ego")
@period_options
@window_options
@click.option("--actor", required=True, metavar="SLUG", help="The actor at the centre.")
@pass_kg
def ego_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, relations: list[str] | None,
                place: str | None, known_on: dt.date | None, fmt: str, size: str, step: str | None, actor: str) -> None:
    """The actor's neighbours window by window: how many, who entered, who left.

    Example: kg analyze ego --actor isis --window 7d
    """
    rows = ego_mod.ego_network(kg, actor, start=start, end=end, size=size, step=step, relations=relations, place=place, known_on=known_on)
    _echo(rows, fmt, ego_mod.COLUMNS, ["window_start", "window_end", "events", "degree", "entered", "left"])
