"""``kg viz network|timeline|explore|map``: write a self-contained, offline HTML view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.base.errors import DataError, UsageError
from kg.cli.base import pass_kg
from kg.cli.options import date_option, known_on_option
from kg.cli.progress import bars, clear_bars
from kg.store.graph import KnowledgeGraph


def _split(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    """``--relations Attack,Joining --relations Plan`` -> ``["Attack", "Joining", "Plan"]``."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _window(f: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed([
        date_option("--from", "start", help="First day of the window (inclusive)."),
        date_option("--to", "end", help="Last day of the window (inclusive)."),
        known_on_option,
        click.option("--relations", multiple=True, callback=_split, metavar="NAMES",
                     help="Only these event classes or event-type slugs, comma-separated or repeated "
                          "(e.g. Attack,Joining; Membership for membership states)."),
    ]):
        f = decorator(f)
    return f


def _network_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed([
        click.option("--actor", "actors", multiple=True, metavar="SLUG", help="Only this actor's neighbourhood (repeatable)."),
        click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True, help="Neighbourhood radius for --actor."),
        click.option("--top", type=click.IntRange(min=1), metavar="N", help="Only the N actors with the most links (large data)."),
        click.option("--size", "size_by", type=click.Choice(["pagerank", "degree", "betweenness"]), default="pagerank",
                     show_default=True, help="Centrality that sizes the nodes."),
        click.option("--collapse", is_flag=True, help="One edge per actor pair, labelled with its number of events."),
    ]):
        f = decorator(f)
    return f


def _check_relations(kg: KnowledgeGraph, relations: list[str]) -> None:
    """Refuse a --relations name that is no event class, state, event type or dataset type of the
    store (exit 2), listing the allowed values in one line."""
    from kg.analysis.projection import check_relations
    from viz.data import STATE_RELATIONS

    check_relations(kg, relations, also=STATE_RELATIONS)


def _nothing(what: str) -> DataError:
    return DataError(f"no {what} in this selection: nothing to draw (widen --from/--to, or check --place, --actor, "
                     "--relations and the store with `kg events`)")


def _output(default: str) -> Callable[[Any], Any]:
    return click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path(default),
                        show_default=True, help="HTML file to write ('-' for standard output).")


def _emit(view: Any, output: Path) -> None:
    with clear_bars():
        _report(view, output)


def _report(view: Any, output: Path) -> None:
    if str(output) == "-":
        click.echo(view.to_string(), nl=False)
        return
    path = view.write(output)
    s = view.stats
    if view.kind == "map":
        outside = f", {s['outside']} dated outside the window (approximate dates possibly in it)" if s.get("outside") else ""
        click.echo(f"Wrote {path.resolve()}  ({s['mapped']} events on the map at {s['places']} places, "
                   f"{s['unmapped']} without coordinates{outside}; {s['start'] or '?'} .. {s['end'] or '?'})")
        return
    what = (f"{s['items']} items in {len(s['lanes'])} lanes" if view.kind == "timeline"
            else f"{s['actors']} actors, {s['links']} links")
    click.echo(f"Wrote {path.resolve()}  ({what}; {s['events']} events, {s['states']} states; "
               f"{s['start'] or '?'} .. {s['end'] or '?'})")


@click.group("viz")
@click.pass_context
def viz_group(ctx: click.Context) -> None:
    """Write interactive views as single HTML files that work offline.

    On a terminal, a line with the elapsed time shows while a view is made (big stores take minutes).

    Example: kg viz network --from 2017-05-18 --to 2017-05-31 -o network.html
    """
    ctx.with_resource(bars()(f"kg viz {ctx.invoked_subcommand}: making the view", None))


@viz_group.command("network")
@_window
@_network_options
@_output("kg-network.html")
@click.option("--title", help="Page title.")
@pass_kg
def network_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, known_on: dt.date | None,
                    relations: list[str], actors: tuple[str, ...], hops: int, top: int | None, size_by: str,
                    collapse: bool, output: Path, title: str | None) -> None:
    """The actor network: nodes coloured by type and sized by centrality, one edge per event
    (coloured hostile/cooperative/neutral, agent -> target), membership states, a time slider with
    play, filters, search and details.

    Example: kg viz network --actor isis --hops 2 --size degree -o isis.html
    """
    from viz.network import network_view

    view = network_view(kg, start=start, end=end, known_on=known_on, relations=relations or None, actors=actors,
                        hops=hops, top=top, size_by=size_by, collapse=collapse, title=title)
    _emit(view, output)


@viz_group.command("timeline")
@click.option("--actor", "actors", multiple=True, metavar="SLUG", help="Only events involving this actor, in its own lane (repeatable).")
@click.option("--lanes", "lane_by", type=click.Choice(["actor", "type"]), default="actor", show_default=True,
              help="One swimlane per actor (agents, or the --actor ones) or per event type.")
@_window
@_output("kg-timeline.html")
@click.option("--title", help="Page title.")
@pass_kg
def timeline_command(kg: KnowledgeGraph, actors: tuple[str, ...], lane_by: str, start: dt.date | None,
                     end: dt.date | None, known_on: dt.date | None, relations: list[str], output: Path,
                     title: str | None) -> None:
    """Events on a time axis in swimlanes, with the network's tooltips (date, precision, type,
    place, quote, source).

    Example: kg viz timeline --actor isis --actor nato -o timeline.html
    """
    from viz.timeline import timeline_view

    view = timeline_view(kg, actors=actors, lane_by=lane_by, start=start, end=end, known_on=known_on,
                         relations=relations or None, title=title)
    _emit(view, output)


@viz_group.command("explore")
@_window
@_network_options
@click.option("--lanes", "lane_by", type=click.Choice(["actor", "type"]), default="actor", show_default=True,
              help="Timeline swimlanes per actor or per event type.")
@_output("kg-explore.html")
@click.option("--title", help="Page title.")
@pass_kg
def explore_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, known_on: dt.date | None,
                    relations: list[str], actors: tuple[str, ...], hops: int, top: int | None, size_by: str,
                    collapse: bool, lane_by: str, output: Path, title: str | None) -> None:
    """Network, timeline and map in one page: selecting an actor highlights its events on the
    timeline and the map, selecting an event selects its edges and its marker; one time slider.

    Example: kg viz explore --from 2017-05-18 -o explore.html
    """
    from viz.timeline import explore_view

    view = explore_view(kg, start=start, end=end, known_on=known_on, relations=relations or None, actors=actors,
                        hops=hops, top=top, size_by=size_by, collapse=collapse, lane_by=lane_by, title=title)
    _emit(view, output)


@viz_group.command("map")
@_window
@click.option("--place", metavar="PLACE", help="Only events in this place or inside it: an id, a label or an ISO code (Syria, SY, Aleppo).")
@click.option("--actor", "actors", multiple=True, metavar="SLUG", help="Only events of this actor and its neighbours (repeatable).")
@click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True, help="Neighbourhood radius for --actor.")
@click.option("--color", "color_by", type=click.Choice(["sign", "type"]), default="sign", show_default=True,
              help="Colour the events by sign (hostile, cooperative, neutral) or by event type (the page can switch).")
@click.option("--base", metavar="URL", help="Address of a kg serve (http://localhost:8000/): popups link to the events' pages there.")
@_output("kg-map.html")
@click.option("--title", help="Page title.")
@pass_kg
def map_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, known_on: dt.date | None,
                relations: list[str], place: str | None, actors: tuple[str, ...], hops: int, color_by: str,
                base: str | None, output: Path, title: str | None) -> None:
    """Events at their places on an offline map (Natural Earth boundaries): colour by sign or type,
    size by fatalities, regions drawn as rings, popups with date, quote and source, a time slider with
    play, filters and actor search.

    Example: kg viz map --place Syria --from 2017-05-01 -o map.html
    """
    from viz.map import map_view

    if str(output) != "-" and output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"the map is an HTML page: give -o FILE.html, not {output.name!r}")
    _check_relations(kg, relations)
    try:
        view = map_view(kg, start=start, end=end, known_on=known_on, relations=relations or None, place=place,
                        actors=actors, hops=hops, color_by=color_by, base=base, title=title)
    except UsageError as err:  # a known actor without events in the window: an empty selection, not bad usage
        if str(err).startswith("no links of"):
            raise DataError(str(err)) from None
        raise
    if not view.stats["events"]:
        raise _nothing("events")
    if not view.stats["mapped"]:
        raise _nothing(f"events with coordinates (of its {view.stats['events']} events)")
    _emit(view, output)


@viz_group.command("trends")
@_window
@click.option("--place", metavar="PLACE", help="Only events in this place or inside it: an id, a label or an ISO code (Syria, SY, Aleppo).")
@click.option("--by", "by", type=click.Choice(["type", "actor", "country", "source"]), default="type", show_default=True,
              help="One line per event type, actor (any role), country or source (the publishers a dataset names, "
                   "such as ACLED's source column, else the imported file).")
@click.option("--period", type=click.Choice(["week", "month"]), default="week", show_default=True, help="Count per ISO week or calendar month.")
@click.option("--measure", type=click.Choice(["events", "fatalities"]), default="events", show_default=True,
              help="Count events, or sum their fatalities where known.")
@click.option("--top", type=click.IntRange(min=1), default=8, show_default=True, help="Lines for the N largest groups; the rest sum in one line, 'all other <groups> (K)'.")
@click.option("--no-surges", is_flag=True, help="Do not mark the surges of kg analyze escalation.")
@click.option("--format", "fmt", type=click.Choice(["html", "svg", "png", "pdf"]), default=None,
              help="html: the interactive page; svg, png or pdf: a static figure from the same specification (matplotlib). "
                   "Default: from the output's extension (.html, .svg, .png, .pdf; '-' is html).")
@_output("kg-trends.html")
@click.option("--title", help="Chart title.")
@pass_kg
def trends_command(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, known_on: dt.date | None,
                   relations: list[str], place: str | None, by: str, period: str, measure: str, top: int,
                   no_surges: bool, fmt: str | None, output: Path, title: str | None) -> None:
    """Event counts (or fatalities) per week or month by actor, type, country or source, with
    escalation surges marked: an interactive offline chart, or an SVG/PNG/PDF figure.

    Example: kg viz trends --place Syria --by type --period week -o syria-trends.html
    """
    from viz.trends import FIGURE_FORMATS, trends_view, write_figure

    to_stdout = str(output) == "-"
    if fmt is None:
        suffix = "html" if to_stdout else output.suffix.lower().lstrip(".")
        fmt = "html" if suffix == "htm" else suffix
        if fmt not in ("html", *FIGURE_FORMATS):
            raise UsageError(f"cannot tell the format of {output.name!r}: name it .html, .svg, .png or .pdf, or give --format")
    if fmt != "html" and to_stdout:
        raise UsageError("--format svg|png|pdf needs a file: give -o FILE")
    _check_relations(kg, relations)
    view = trends_view(kg, start=start, end=end, known_on=known_on, relations=relations or None, place=place,
                       by=by, period=period, measure=measure, lines=top, surges=not no_surges, title=title)
    s = view.stats
    if not s["events"]:
        raise _nothing("events")
    if fmt == "html":
        if to_stdout:
            click.echo(view.to_string(), nl=False)
            return
        path = view.write(output)
    else:
        path = write_figure(s["spec"], output, fmt=fmt)
    lines = len(s["groups"])
    what = f"{s['total']} events" if measure == "events" else f"{s['total']} fatalities in {s['events']} events"
    outside = f"; {s['outside']} dated outside the window (approximate dates possibly in it)" if s.get("outside") else ""
    click.echo(f"Wrote {path.resolve()}  ({what} per {period} in {lines} "
               f"line{'s' if lines != 1 else ''} by {by}; {s['surges']} surge{'s' if s['surges'] != 1 else ''} marked{outside})")
