"""``kg demo``: the newcomer's tour of the seed graph."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.base import pass_writable_kg
from kg.cli.demo import run_demo
from kg.store.graph import KnowledgeGraph


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("kg-demo"), show_default=True, help="Folder for the exports and views.")
@pass_writable_kg
def demo_command(kg: KnowledgeGraph, out_dir: Path) -> None:
    """Build the seed report into the store, summarize it, run saved queries, write exports and views.

    Example: kg demo --out kg-demo
    """
    from viz import write_demo_views

    report = run_demo(kg, out_dir)
    views = write_demo_views(kg, out_dir)
    b = report.build
    click.echo(click.style("conflict-kg demo: the ISW Syria SITREP of 31 May 2017", bold=True))
    click.echo(f"\nBuilt {b.events} events, {b.states} state{'' if b.states == 1 else 's'}, {b.actors} actors, {b.places} places, "
               f"{b.derived} shortcut edges ({b.quads} quads).")
    click.echo(f"Dates: {report.first_date} .. {report.last_date}")
    click.echo("Events by type: " + ", ".join(f"{k} {v}" for k, v in report.events_by_class.items()))
    for name, title, result in report.queries:
        click.echo(click.style(f"\n# {title}  (kg query --saved {name})", bold=True))
        click.echo(result.to_string())
    click.echo(click.style("\nWhere everything is", bold=True))
    click.echo(f"  store:   {Path(report.store).resolve()}  (kg --store {report.store} query ...)")
    for path in report.exports:
        click.echo(f"  export:  {path.resolve()}")
    for path in views:
        click.echo(f"  view:    {path.resolve()}  (open in a browser; works offline)")
    click.echo("\nNext: kg events --actor isis | kg actors | kg query --list")
