"""``kg query``: SPARQL text, a file or a saved query."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kg.base.errors import UsageError
from kg.cli.base import pass_kg
from kg.cli.options import as_of_option, known_on_option
from kg.read.timeview import query as query_at
from kg.sparql.checks import Refused, refuse_federation
from kg.sparql.results import ResultFormat
from kg.sparql.saved import saved_queries, saved_query
from kg.store.graph import KnowledgeGraph


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """``("start=2017-05-18",)`` -> ``{"start": "2017-05-18"}``."""
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {item!r}: write it as name=value, e.g. --param start=2017-05-18")
        params[name.strip()] = value
    return params


@click.command("query")
@click.argument("sparql", required=False)
@click.option("--file", "-f", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Read the query from a file.")
@click.option("--saved", metavar="NAME", help="Run a saved query from data/queries (see --list).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a variable (as an RDF term, never pasted into the query).")
@click.option("--format", "fmt", type=click.Choice([f.value for f in ResultFormat]), default="table", show_default=True)
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries and exit.")
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let the query call other SPARQL servers with SERVICE (refused by default: a query file could reach your network).",
)
@as_of_option
@known_on_option
@pass_kg
def query_command(
    kg: KnowledgeGraph,
    sparql: str | None,
    file: Path | None,
    saved: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_saved: bool,
    allow_service: bool,
    as_of: dt.date | None,
    known_on: dt.date | None,
) -> None:
    """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the union of all graphs.

    Prefixes ckg, rdf, rdfs, owl, xsd, skos, sem, time, prov, geo, org, dcterms, wd,
    actor, event, place, source, state and concept are predeclared.

    --as-of and --known-on run the query on a snapshot: only the events and states
    valid on that day, as known from sources issued by that day (retractions applied).

    SERVICE (a call to another SPARQL server) is refused unless --allow-service is given.

    Example: kg query "SELECT ?a ?b WHERE { ?a ckg:attacked ?b }"
    """
    if list_saved:
        for query in saved_queries().values():
            names = " ".join(f"{p.name}={p.default}" for p in query.parameters)
            click.echo(f"{query.name:28} {query.title}" + (f"  [{names}]" if names else ""))
        return
    given = [x for x in (sparql, file, saved) if x]
    if len(given) != 1:
        raise UsageError("give exactly one of: a SPARQL query, --file FILE or --saved NAME")
    bound = parse_params(params)
    if saved:
        query = saved_query(saved)
        text, bound = query.text, query.bind(bound)
    elif file:
        text = file.read_text(encoding="utf-8")
    else:
        text = sparql or ""
    if not allow_service:
        try:
            refuse_federation(text, where="kg query (without --allow-service)")
        except Refused as err:
            raise UsageError(str(err)) from None
    result = query_at(kg, text, params=bound, as_of=as_of, known_on=known_on)
    click.echo(result.to_string(ResultFormat(fmt)).rstrip("\n"))
