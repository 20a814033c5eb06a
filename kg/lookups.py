"""The common lookups behind ``kg events`` and ``kg actors``, as one SPARQL query each.

Date windows are inclusive and loose: an event is in ``start..end`` when its own
``startDate..endDate`` range overlaps the window.

>>> import kg
>>> from kg.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> [e["event"].rsplit("/", 1)[-1] for e in events(graph, actor="ahrar-al-sham")]
['isis-double-svest-attack-ahrar-al-sham-2017-05-22']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kg.errors import UsageError
from kg.model import EVENT_CLASSES
from kg.namespaces import CKG, is_slug, resource_iri
from kg.query import Result
from kg.store import KnowledgeGraph

EVENTS_QUERY = """
SELECT ?event ?date ?end ?precision ?class ?type ?label
       (GROUP_CONCAT(DISTINCT ?agentLabel; SEPARATOR="; ") AS ?agents)
       (GROUP_CONCAT(DISTINCT ?targetLabel; SEPARATOR="; ") AS ?targets)
       (GROUP_CONCAT(DISTINCT ?placeLabel; SEPARATOR="; ") AS ?places)
       (SAMPLE(?sourceId) AS ?source)
WHERE {
  ?event a ?class ; ckg:startDate ?date ; ckg:datePrecision ?p ; rdfs:label ?label ;
         ckg:eventType ?type ; prov:wasDerivedFrom ?sourceId .
  ?class rdfs:subClassOf* ckg:Event .
  OPTIONAL { ?event ckg:endDate ?e0 }
  BIND(COALESCE(?e0, ?date) AS ?end)
  BIND(LCASE(STRAFTER(STR(?p), "#")) AS ?precision)
  OPTIONAL { ?event ckg:agent ?a . ?a rdfs:label ?agentLabel }
  OPTIONAL { ?event ckg:target ?t . ?t rdfs:label ?targetLabel }
  OPTIONAL { ?event ckg:place ?pl . ?pl rdfs:label ?placeLabel }
  FILTER(!BOUND(?actor) || EXISTS { ?event ckg:agent|ckg:target|ckg:participant ?actor })
  FILTER(!BOUND(?wantClass) || ?class = ?wantClass)
  FILTER(!BOUND(?from) || ?end >= ?from)
  FILTER(!BOUND(?to) || ?date <= ?to)
}
GROUP BY ?event ?date ?end ?precision ?class ?type ?label
ORDER BY ?date ?event
"""

ACTORS_QUERY = """
SELECT ?actor ?label ?class ?wikidata (COUNT(DISTINCT ?event) AS ?events)
       (GROUP_CONCAT(DISTINCT ?alias; SEPARATOR="; ") AS ?aliases)
WHERE {
  ?actor a ?class ; rdfs:label ?label .
  ?class rdfs:subClassOf ckg:Actor .
  OPTIONAL { ?actor ckg:wikidataId ?wikidata }
  OPTIONAL { ?actor skos:altLabel ?alias }
  OPTIONAL { ?event ckg:agent|ckg:target|ckg:participant ?actor }
  FILTER(!BOUND(?wantClass) || ?class = ?wantClass)
}
GROUP BY ?actor ?label ?class ?wikidata
ORDER BY DESC(?events) ?label
"""


def events_result(
    kg: KnowledgeGraph,
    *,
    actor: str | None = None,
    type: str | None = None,  # noqa: A002 - mirrors the CLI option
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Result:
    """Events in date order, optionally of one actor (in any role), class and window."""
    params: dict[str, Any] = {}
    if actor:
        params["actor"] = _actor(kg, actor)
    if type:
        if type not in EVENT_CLASSES:
            raise UsageError(f"unknown event type {type!r}: use one of {', '.join(EVENT_CLASSES)}")
        params["wantClass"] = CKG[type]
    if start and end and end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    if start:
        params["from"] = start
    if end:
        params["to"] = end
    return kg.query(EVENTS_QUERY, params=params)


def events(kg: KnowledgeGraph, **options: Any) -> list[dict[str, Any]]:
    """:func:`events_result` as plain dicts."""
    return events_result(kg, **options).records()


def actors_result(kg: KnowledgeGraph, *, type: str | None = None) -> Result:  # noqa: A002
    """Actors with their class, Wikidata id, aliases and number of events, busiest first."""
    params = {}
    if type:
        from kg.model import ACTOR_KINDS

        if type not in ACTOR_KINDS:
            raise UsageError(f"unknown actor type {type!r}: use one of {', '.join(ACTOR_KINDS)}")
        params["wantClass"] = CKG[type]
    return kg.query(ACTORS_QUERY, params=params)


def _actor(kg: KnowledgeGraph, slug: str) -> str:
    if not is_slug(slug):
        raise UsageError(f"invalid actor id {slug!r}: use a slug such as 'isis' (see kg actors)")
    iri = resource_iri("actor", slug)
    if not kg.query("ASK { ?actor a ?class . ?class rdfs:subClassOf ckg:Actor }", params={"actor": iri}).boolean:
        raise UsageError(f"unknown actor {slug!r}: run 'kg actors' to list the actor ids")
    return iri
