"""``kg export``: the whole dataset in an RDF format, or the actor network as GraphML / GEXF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.base.errors import UsageError
from kg.cli.base import pass_kg
from kg.cli.options import date_option, known_on_option, place_option
from kg.cli.progress import bars, shown
from kg.export.network import NetworkFormat, export_network, write_network
from kg.export.rdf import RdfExportFormat, export_rdf, withheld_graphs, write_rdf
from kg.store.graph import KnowledgeGraph

if TYPE_CHECKING:
    from kg.analysis.span import Scope

_CHOICES = [f.label for f in RdfExportFormat] + [f.label for f in NetworkFormat] + ["parquet", "csv"]


def _network_format(fmt: str | None, output: Path | None) -> NetworkFormat | None:
    """The network format asked for by --format or the -o extension; None for RDF."""
    if fmt:
        return NetworkFormat.parse(fmt) if fmt in [f.label for f in NetworkFormat] else None
    if output and output.suffix.lower() in [f.extension for f in NetworkFormat]:
        return NetworkFormat.from_extension(output)
    return None


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(_CHOICES), help="Default: from the -o extension, else turtle.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file instead of stdout.")
@date_option("--from", "start", help="graphml/gexf: first day of the events projected (inclusive).")
@date_option("--to", "end", help="graphml/gexf: last day of the events projected (inclusive).")
@click.option("--relations", metavar="NAMES", help="graphml/gexf: only these event classes or type slugs, comma-separated.")
@place_option
@known_on_option
@click.option("--include-restricted", is_flag=True,
              help="RDF formats: also export named graphs not marked redistributable (ckg:redistributable true).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_kg
def export_command(
    kg: KnowledgeGraph,
    fmt: str | None,
    output: Path | None,
    start: dt.date | None,
    end: dt.date | None,
    relations: str | None,
    place: str | None,
    known_on: dt.date | None,
    include_restricted: bool,
    quiet: bool,
) -> None:
    """Export the dataset: turtle, ntriples, rdfxml (union of graphs) or nquads, trig, jsonld (named graphs kept);
    or the actor network of a period: graphml, gexf (dynamic: plays on Gephi's timeline).

    parquet and csv write the events, one row per event (columns in docs/analytics.md; actors
    as IRIs and labels), from the analytic event index when it is fresh; like the RDF formats,
    they leave out the events of graphs not marked redistributable unless --include-restricted.

    The network formats hold one edge per ordered pair of actors (agent -> target) with
    event counts by sign, first/last dates and, in GEXF, spells from the event dates.

    --place keeps the events at a place or inside it (a Syria-only network: --place SY).

    RDF exports hold only the named graphs whose licence allows redistribution (each graph says
    so itself); the others are named in one line on stderr and exported with --include-restricted.

    Example: kg export --format gexf --from 2017-05-01 --to 2017-05-31 -o network.gexf
    """
    if fmt in ("parquet", "csv") or (not fmt and output and output.suffix.lower() in (".parquet", ".csv")):
        from kg.index.frame import write_events  # one row per event (docs/analytics.md)

        if output is None:
            raise UsageError("--format parquet|csv writes a file: give -o FILE")
        if start or end or relations or known_on or place:
            raise UsageError("--from, --to, --relations, --place and --known-on apply to --format graphml or gexf only")
        _say_withheld(kg, include_restricted)
        click.echo(f"wrote {write_events(kg, output, fmt, include_restricted=include_restricted)}", err=True)
        return
    network = _network_format(fmt, output)
    if network is None:
        if start or end or relations or known_on or place:
            raise UsageError("--from, --to, --relations, --place and --known-on apply to --format graphml or gexf only")
        chosen = RdfExportFormat.parse(fmt) if fmt else RdfExportFormat.from_extension(output) if output else None
        _say_withheld(kg, include_restricted)
        with bars(quiet=quiet, unit=" quads")("reading quads", kg.count_quads() if shown(quiet) else None) as tick:
            if output:
                path = write_rdf(kg, output, chosen, include_restricted=include_restricted, progress=tick)
            else:
                data = export_rdf(kg, chosen or "turtle", include_restricted=include_restricted, progress=tick)
        if output:
            click.echo(f"Wrote {path}", err=True)
        else:
            click.echo(data.decode("utf-8"), nl=False)
        return
    names = [r.strip() for r in relations.split(",") if r.strip()] if relations else None
    options: Scope = {"start": start, "end": end, "relations": names, "known_on": known_on, "place": place}
    if output:
        path = write_network(kg, output, network, **options)
        click.echo(f"Wrote {path}", err=True)
    else:
        click.echo(export_network(kg, network, **options).decode("utf-8"), nl=False)


def _say_withheld(kg: KnowledgeGraph, include_restricted: bool) -> None:
    """One line on stderr naming the graphs an export leaves out (not marked redistributable)."""
    withheld = [] if include_restricted else withheld_graphs(kg)
    if withheld:
        listed = ", ".join(f"<{g.graph}>" for g in withheld)
        click.echo(f"Left out {len(withheld)} graph{'s' if len(withheld) != 1 else ''} not marked redistributable "
                   f"({listed}): --include-restricted exports them", err=True)
