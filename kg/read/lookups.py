"""The common lookups behind ``kg events`` and ``kg actors``, one SPARQL query each.

Windows are inclusive; ``mode`` says how imprecise dates count (see
:class:`kg.base.temporal.Match`). ``as_of`` and ``known_on`` are the bi-temporal
selections of :mod:`kg.read.timeview`; ``relation``/``to_event`` keep events in an Allen
relation to another event or state.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> [e["event"].rsplit("/", 1)[-1] for e in events(graph, actor="ahrar-al-sham", type="Attack")]
['isis-attack-wave-western-syria-2017-05', 'isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22']
"""

from __future__ import annotations

import datetime as dt

from kg.base.errors import UsageError
from kg.base.namespaces import CKG, is_slug, resource_iri
from kg.base.temporal import Allen, Match
from kg.contract.classes import is_a, one_of
from kg.contract.model import ACTOR_KINDS, EVENT_CLASSES
from kg.read.timeview import as_of_expr, fact_dates, window_filters, window_join
from kg.sparql.results import Result
from kg.store.graph import KnowledgeGraph

_EVENTS = """
SELECT ?event ?date ?end ?precision ?class ?type ?label
       (GROUP_CONCAT(DISTINCT ?agentLabel; SEPARATOR="; ") AS ?agents)
       (GROUP_CONCAT(DISTINCT ?targetLabel; SEPARATOR="; ") AS ?targets)
       (GROUP_CONCAT(DISTINCT ?placeLabel; SEPARATOR="; ") AS ?places)
       (SAMPLE(?sourceTitle) AS ?source)
WHERE {
  %(anchor)s
  ?event a ?class ; ckg:datePrecision ?p ; rdfs:label ?label ; ckg:eventType ?type ;
         prov:wasDerivedFrom ?sourceId .
  %(events)s
  %(dates)s
  BIND(LCASE(STRAFTER(STR(?p), "#")) AS ?precision)
  OPTIONAL { ?sourceId dcterms:title ?sourceTitle }
  OPTIONAL { ?event ckg:agent ?a . ?a rdfs:label ?agentLabel }
  OPTIONAL { ?event ckg:target ?t . ?t rdfs:label ?targetLabel }
  OPTIONAL { ?event ckg:place ?pl . ?pl rdfs:label ?placeLabel }
  %(filters)s
}
GROUP BY ?event ?date ?end ?precision ?class ?type ?label
ORDER BY ?date ?event
"""

_ACTORS = """
SELECT ?actor (SAMPLE(?name) AS ?label) (SAMPLE(?cls) AS ?class) (SAMPLE(?qid) AS ?wikidata)
       (COUNT(DISTINCT ?event) AS ?events) (GROUP_CONCAT(DISTINCT ?alias; SEPARATOR="; ") AS ?aliases)
WHERE {
  ?actor a ?cls ; rdfs:label ?name .
  %(actors)s
  FILTER(!BOUND(?wantClass) || ?cls = ?wantClass)
  OPTIONAL { ?actor ckg:wikidataId ?qid }
  OPTIONAL { ?actor skos:altLabel ?alias }
  # events only: a UCDP per-side death record (<event>#deaths-a) names its actor but is no event
  OPTIONAL { ?event ckg:agent|ckg:target|ckg:participant ?actor ; ckg:eventType ?anyType }
}
GROUP BY ?actor
ORDER BY DESC(?events) ?label
"""


def events(
    kg: KnowledgeGraph,
    *,
    actor: str | None = None,
    type: str | None = None,  # noqa: A002 - mirrors the CLI option
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.date | None = None,
    known_on: dt.date | None = None,
    mode: Match | str = Match.LOOSE,
    relation: Allen | str | None = None,
    to_event: str | None = None,
) -> Result:
    """Events in date order, filtered by actor (any role), class, window, valid and record time.

    >>> import kg
    >>> graph = kg.open(":memory:"); _ = kg.build(graph)
    >>> [e["label"] for e in events(graph, actor="isis", type="Withdrawal").records()]
    ['ISIS continued withdrawal from Southern and Central Syria towards Eastern Syria']

    :raises UsageError: unknown actor or class, a window ending before it starts, or a
        relation without its ``to_event`` (or the reverse).
    """
    mode = Match(mode)
    params, filters = window_filters(start, end, known_on=known_on, mode=mode)
    # Joins first, so the engine starts from the actor's events or the window's days
    # instead of filtering every event.
    anchors = []
    if actor:
        params["actor"] = actor_iri(kg, actor)
        anchors.append("?event ckg:agent|ckg:target|ckg:participant ?actor .")
    if type:
        if type not in EVENT_CLASSES:
            raise UsageError(f"unknown event type {type!r}: use one of {', '.join(EVENT_CLASSES)}")
        params["wantClass"] = CKG[type]
        filters.append("FILTER(?class = ?wantClass)")
    if start or end:
        anchors.append(window_join(start, end))
    if as_of:
        params["asOf"] = as_of
        filters.append(f"FILTER({as_of_expr(mode)})")
        if not (start or end):
            anchors.append(window_join(as_of, as_of))
    if type and not anchors:  # nothing narrower to start from: the class, as a constant
        anchors.append(f"?event a <{CKG[type]}> .")
    if (relation is None) != (to_event is None):
        raise UsageError("--relation and --to-event go together: e.g. --relation during --to-event IRI")
    if relation is not None and to_event is not None:
        params["other"] = fact_iri(kg, to_event)
        filters.append(fact_dates(kg, "?other", "?otherStart", "?otherEnd"))
        filters.append(f"FILTER({Allen.parse(str(getattr(relation, 'value', relation))).sparql_filter(('?date', '?end'), ('?otherStart', '?otherEnd'))})")
        filters.append("FILTER(?event != ?other)")
    query = _EVENTS % {
        "anchor": "\n  ".join(anchors), "events": one_of("?class", kg.subclasses("Event")),
        "dates": fact_dates(kg, "?event"), "filters": "\n  ".join(filters),
    }
    return kg.query(query, params=params)


def actors(kg: KnowledgeGraph, *, type: str | None = None) -> Result:  # noqa: A002
    """Actors with their class, Wikidata id, aliases and number of events (in any role; sides are
    participants too), busiest first."""
    params = {}
    if type:
        if type not in ACTOR_KINDS:
            raise UsageError(f"unknown actor type {type!r}: use one of {', '.join(ACTOR_KINDS)}")
        params["wantClass"] = CKG[type]
    return kg.query(_ACTORS % {"actors": one_of("?cls", kg.subclasses("Actor"))}, params=params)


def actor_iri(kg: KnowledgeGraph, slug: str) -> str:
    """The IRI of an existing actor; a clear error for a malformed or unknown slug."""
    if not is_slug(slug):
        raise UsageError(f"invalid actor id {slug!r}: use a slug such as 'isis' (see kg actors)")
    iri = resource_iri("actor", slug)
    if not kg.query(f"ASK {{ {is_a(kg, '?actor', 'Actor')} }}", params={"actor": iri}).boolean:
        raise UsageError(f"unknown actor {slug!r}: run 'kg actors' to list the actor ids")
    return iri


def fact_iri(kg: KnowledgeGraph, ref: str) -> str:
    """An existing event or state, given as IRI, ``event:slug``, ``state:slug`` or a bare event slug."""
    from kg.sparql.terms import to_term

    text = ref if ":" in ref else f"event:{ref}"
    iri = to_term(text)
    facts = one_of("?c", kg.subclasses("Event") + kg.subclasses("State"))
    ok = kg.query(f"ASK {{ ?f a ?c ; ckg:startDate ?d . {facts} }}", params={"f": iri})
    if not ok.boolean:
        raise UsageError(f"unknown event or state {ref!r}: give its IRI or event:<slug> (see kg events)")
    return str(iri.value) if hasattr(iri, "value") else str(iri)
