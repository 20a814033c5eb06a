"""The ``kg`` command line: one group; each command parses options, calls one library
function and formats its result. The only package that imports click.

Commands are loaded lazily: :data:`COMMANDS` names the module of each one and its one-line
help, so ``kg --help`` imports no command module and ``kg query`` only ``kg.cli.query_cmd``
(neither loads Starlette nor networkx). ``--store`` is resolved when a command first opens the
store (:func:`kg.open`: ``$KG_STORE``, else ``./kg-store``), so ``kg --help`` imports no RDF library. A command module declares its command with
``@click.command`` and imports shared helpers from :mod:`kg.cli.base`, never from this package.
Row-producing commands share one ``--format`` rule (:mod:`kg.cli.options`).
"""

from __future__ import annotations

import logging

import click

import kg
from kg.cli.base import KGGroup, LazyCommand, LazyGroup, StoreHandle, pass_kg

__all__ = ["COMMANDS", "KGGroup", "LazyGroup", "StoreHandle", "main", "pass_kg"]

#: name -> where the command lives and its one-line help (a test checks it matches the docstring)
COMMANDS: dict[str, LazyCommand] = {
    "actors": LazyCommand(
        "kg.cli.lookups_cmd:actors_command", "List actors with type, Wikidata id, aliases and number of events."
    ),
    "analyze": LazyCommand(
        "kg.cli.analyze_cmd:analyze_group",
        "Network analysis of the actor graph over time: centrality, balance, factions, escalation, paths, ego.",
    ),
    "build": LazyCommand(
        "kg.cli.build_cmd:build_command", "Build the curated data (default: the packaged seed data) into the store."
    ),
    "demo": LazyCommand(
        "kg.cli.demo_cmd:demo_command",
        "Build the seed report into the store, summarize it, run saved queries, write exports and views.",
    ),
    "diff": LazyCommand("kg.cli.time_cmd:diff_command", "What changed in the actor network from --from to --to (inclusive)."),
    "draft": LazyCommand(
        "kg.cli.draft_cmd:draft_command", "Draft the events, states, actors and places of a report's text for review."
    ),
    "events": LazyCommand(
        "kg.cli.lookups_cmd:events_command",
        "List events in date order, filtered by actor, type, place, window, valid time and record time.",
    ),
    "export": LazyCommand(
        "kg.cli.export_cmd:export_command",
        "Export the dataset: turtle, ntriples, rdfxml (union of graphs) or nquads, trig, jsonld (named graphs kept); "
        "or the actor network of a period: graphml, gexf (dynamic: plays on Gephi's timeline).",
    ),
    "forecast": LazyCommand(
        "kg.cli.forecast_cmd:forecast_group",
        "Forecast what an actor will do, and to whom, with the rules and past events behind each prediction.",
    ),
    "import": LazyCommand(
        "kg.cli.import_cmd:import_command", "Import dataset files, each into its own named graph, all or nothing per file."
    ),
    "index": LazyCommand(
        "kg.cli.index_cmd:index_command", "Build the analytic event index beside the store, so analyses answer at dataset scale."
    ),
    "map": LazyCommand(
        "kg.cli.sources_cmd:map_command", "Apply an actor mapping file: which dataset actors are the same actor (YAML or CSV)."
    ),
    "query": LazyCommand(
        "kg.cli.query_cmd:query_command", "Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the union of all graphs."
    ),
    "reconcile": LazyCommand(
        "kg.cli.reconcile_cmd:reconcile_command", "Propose ckg:sameEventAs links between events reported by different sources."
    ),
    "remove": LazyCommand(
        "kg.cli.sources_cmd:remove_command",
        "Remove one imported source (or the actor mapping) from the store, in one transaction.",
    ),
    "serve": LazyCommand(
        "kg.cli.serve_cmd:serve_command",
        "Serve the store: SPARQL 1.1 endpoint at /sparql, resource pages at /id/..., a query page at /.",
    ),
    "sources": LazyCommand(
        "kg.cli.sources_cmd:sources_command",
        "List the sources in the store: curated reports, imported files and the actor mapping.",
    ),
    "timeline": LazyCommand("kg.cli.time_cmd:timeline_command", "The chronological story: one line per event or state change."),
    "validate": LazyCommand(
        "kg.cli.validate_cmd:validate_command",
        "Validate the whole store against the SHACL shapes: core profile everywhere, curated evidence on reports.",
    ),
    "viz": LazyCommand("kg.cli.viz_cmd:viz_group", "Write interactive views as single HTML files that work offline."),
}


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    metavar="PATH",
    help="Store folder (embedded Oxigraph), :memory:, or a SPARQL server's query URL. Default: $KG_STORE, else kg-store.",
)
@click.option("--update-url", envvar="KG_UPDATE_URL", metavar="URL", help="Remote store: SPARQL Update endpoint (default: derived).")
@click.option("--graph-store-url", envvar="KG_GRAPH_STORE_URL", metavar="URL", help="Remote store: Graph Store Protocol endpoint (default: derived).")
@click.option(
    "--wait", type=click.FloatRange(min=0), metavar="SECONDS",
    help="A write waits this long for another writer of the store to finish. Env: KG_WAIT; default 5.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.version_option(kg.__version__, prog_name="kg")
@click.pass_context
def main(
    ctx: click.Context, store: str | None, update_url: str | None, graph_store_url: str | None, wait: float | None, debug: bool
) -> None:
    """conflict-kg: a temporal knowledge graph of armed-conflict actors and events.

    Start with `kg demo`. Every command works on the store named by --store: a folder
    (embedded Oxigraph, the default ./kg-store), :memory:, or a SPARQL 1.1 server's query
    URL (credentials from KG_STORE_TOKEN or KG_STORE_USER/KG_STORE_PASSWORD). Reading commands
    run beside a writer (kg serve, an import); one process writes at a time.
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handle = StoreHandle(store, update_url=update_url, graph_store_url=graph_store_url, wait=wait)
    ctx.obj = {"store": handle, "debug": debug}
    ctx.call_on_close(handle.close)
