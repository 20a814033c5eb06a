"""``kg index``: build, check or drop the analytic event index beside the store (:mod:`kg.index`)."""

from __future__ import annotations

import time

import click

from kg.cli.progress import bars


@click.command("index")
@click.option("--status", "show", is_flag=True, help="Say where the index is and whether it is in step with the store; build nothing.")
@click.option("--drop", is_flag=True, help="Delete the index (the store is untouched; analyses use SPARQL until the next kg index).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
def index_command(ctx: click.Context, show: bool, drop: bool, quiet: bool) -> None:
    """Build the analytic event index beside the store, so analyses answer at dataset scale.

    The index is a columnar table of the store's events (Arrow files in STORE.index/, or a local
    cache folder for a remote store), read from the store in one pass. Every write to the store
    changes its generation stamp; an index that no longer matches is rebuilt before its next use.
    Analyses, kg actors, kg export --format parquet|csv and the views read it when it is fresh;
    KG_INDEX=off makes them use SPARQL instead.

    Example: kg index --status
    """
    from kg.index.cache import build_index, drop_index, status

    # --status and --drop only read the store (a missing store is refused, not created; an import
    # beside them goes on); a build may have to stamp the store first, so it opens it for writing
    kg = ctx.obj["store"].get(write=not (show or drop))
    if drop:
        click.echo("index dropped" if drop_index(kg) else "no index to drop")
        return
    if not show:
        started = time.perf_counter()
        ix = build_index(kg, progress=bars(quiet=quiet, unit=" steps"))
        click.echo(f"indexed {ix.events.num_rows:,} events, {ix.pairs.num_rows:,} actor pairs, "
                   f"{ix.actors.num_rows:,} actors in {time.perf_counter() - started:.1f} s")
    state = status(kg)
    where = state["location"]
    if not state["exists"]:
        click.echo(f"no index ({where}): run kg index")
        return
    freshness = "in step with the store" if state["fresh"] else "out of date: rebuilt at its next use, or run kg index"
    size = f", {state['bytes'] / 1e6:.1f} MB" if state["bytes"] else ""
    click.echo(f"{where}: {state['events']:,} events{size}, {freshness}")
