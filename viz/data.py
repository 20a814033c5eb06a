"""What the views show, gathered from the store: actors, events, membership states and the links
between them, as plain JSON-ready records (:class:`ViewData`).

The network comes from :func:`kg.analysis.projection.actor_graph` (one link per event and role);
membership states (``org:member`` -> ``org:organization``) are added as links of their own, held
from their start to their end (or still holding). The timeline gets every event with an actor in
any role, including the ones with a single actor (a meeting, a withdrawal).

Dates are ISO strings; an open state has ``end = None``. Text is kept verbatim: the page escapes it.

>>> import kg, datetime as dt
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> data = collect(graph)
>>> sorted(n["label"] for n in data.nodes)[:2]
['Ahrar al-Sham', 'Alawite community (Syria)']
>>> [s["label"] for s in data.states]
['NATO membership in the Anti-ISIS Coalition']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kg.analysis.projection import actor_graph, dataset_type, relation_filter, resolve_relations
from kg.base.bulk import collector_paused
from kg.base.errors import UsageError
from kg.base.namespaces import slug_of
from kg.base.temporal import Match
from kg.contract.classes import iri_values, one_of
from kg.index.cache import event_index
from kg.index.columns import ROLES
from kg.index.table import EventIndex
from kg.read.lookups import actor_iri
from kg.read.places import events_in_place, resolve_place
from kg.read.timeview import fact_dates, window_filters, window_join
from kg.store.graph import KnowledgeGraph

#: Relation names that are states, not events (kept out of :func:`actor_graph`).
STATE_RELATIONS = ("Membership",)

_BATCH = 400

_EVENT_DETAILS = """
SELECT ?event (MIN(STR(?l)) AS ?label) (MIN(STR(?c)) AS ?cls) (MIN(STR(?t)) AS ?type) (MIN(?sign0) AS ?sign)
       (MIN(?d) AS ?date) (MAX(?e) AS ?end) (MIN(STR(?p)) AS ?precision)
       (GROUP_CONCAT(DISTINCT ?placeLabel; SEPARATOR="|") AS ?places)
       (MIN(STR(?q)) AS ?quote) (MIN(STR(?desc)) AS ?description) (MIN(STR(?src)) AS ?source) (MIN(STR(?srcTitle)) AS ?sourceTitle)
       (MIN(STR(?parent0)) AS ?parent) (MIN(STR(?dt)) AS ?datasetType) (MIN(STR(?dtl)) AS ?datasetLabel)
WHERE {
  VALUES ?event { %(events)s }
  ?event a ?c ; ckg:startDate ?d ; ckg:datePrecision ?p .
  %(classes)s
  FILTER NOT EXISTS { ?event a ?sub . ?sub rdfs:subClassOf+ ?c . FILTER(?sub != ?c) }
  OPTIONAL { ?event ckg:endDate ?e0 }
  BIND(COALESCE(?e0, ?d) AS ?e)
  OPTIONAL { ?event ckg:eventType ?t . OPTIONAL { ?t ckg:sign ?s0 } }
  BIND(COALESCE(?s0, 0) AS ?sign0)
  OPTIONAL { ?event rdfs:label ?l }
  OPTIONAL { ?event ckg:place ?pl . OPTIONAL { ?pl rdfs:label ?plLabel } BIND(COALESCE(?plLabel, STR(?pl)) AS ?placeLabel) }
  OPTIONAL { ?event ckg:quote ?q }
  OPTIONAL { ?event dcterms:description ?desc }
  OPTIONAL { ?event prov:wasDerivedFrom ?src . OPTIONAL { ?src dcterms:title ?srcTitle } }
  OPTIONAL { ?parent0 sem:hasSubEvent ?event }
  OPTIONAL { ?event ckg:sourceEventType ?dt . OPTIONAL { ?dt skos:prefLabel ?dtl } }
}
GROUP BY ?event
"""

_ACTOR_DETAILS = """
SELECT ?actor (MIN(STR(?l)) AS ?label) (MIN(STR(?c)) AS ?type) (MIN(STR(?q)) AS ?wikidata)
       (MIN(STR(?desc)) AS ?description) (GROUP_CONCAT(DISTINCT ?alias; SEPARATOR="|") AS ?aliases)
       (MIN(STR(?kindLabel)) AS ?kind)
WHERE {
  VALUES ?actor { %(actors)s }
  ?actor a ?c . %(classes)s
  FILTER NOT EXISTS { ?actor a ?sub . ?sub rdfs:subClassOf+ ?c . FILTER(?sub != ?c) }
  OPTIONAL { ?actor rdfs:label ?l }
  OPTIONAL { ?actor ckg:wikidataId ?q }
  OPTIONAL { ?actor dcterms:description ?desc }
  OPTIONAL { ?actor skos:altLabel ?alias }
  OPTIONAL { ?actor ckg:actorKind/skos:prefLabel ?kindLabel }
}
GROUP BY ?actor
"""

_STATES = """
SELECT ?state ?cls ?member ?org ?date ?end0 ?p (MIN(STR(?l)) AS ?label) (MIN(STR(?q)) AS ?quote)
       (MIN(STR(?src)) AS ?source) (MIN(STR(?srcTitle)) AS ?sourceTitle)
WHERE {
  VALUES ?cls { %(states)s }
  ?state a ?cls ; org:member ?member ; org:organization ?org ; ckg:datePrecision ?p .
  %(dates)s
  OPTIONAL { ?state ckg:endDate ?end0 }
  FILTER NOT EXISTS { ?state prov:invalidatedAtTime ?retracted }
  %(filters)s
  OPTIONAL { ?state rdfs:label ?l }
  OPTIONAL { ?state ckg:quote ?q }
  OPTIONAL { ?state prov:wasDerivedFrom ?src . OPTIONAL { ?src dcterms:title ?srcTitle } }
}
GROUP BY ?state ?cls ?member ?org ?date ?end0 ?p
ORDER BY ?date ?state
"""

#: One branch per role property: Oxigraph joins each by index (``?event ?prop ?actor`` filtered by a
#: list of properties took 41 s on 1,000 ACLED events, the union 0.7 s, with the same rows).
_ROLES = """
SELECT DISTINCT ?event ?actor ?role WHERE {
  %(anchor)s
  ?event a ?cls ; ckg:datePrecision ?p .
  %(events)s
  %(dates)s
  FILTER NOT EXISTS { ?event prov:invalidatedAtTime ?retracted }
  %(filters)s
  { ?event ckg:agent ?actor BIND("agent" AS ?role) } UNION { ?event ckg:target ?actor BIND("target" AS ?role) }
  UNION { ?event ckg:sideA ?actor BIND("sideA" AS ?role) } UNION { ?event ckg:sideB ?actor BIND("sideB" AS ?role) }
  UNION { ?event ckg:about ?actor BIND("about" AS ?role) }
  UNION { ?event ckg:participant ?actor FILTER NOT EXISTS { ?event ckg:sideA|ckg:sideB ?actor } BIND("participant" AS ?role) }
  ?actor a ?actorClass . %(actors)s
}
"""


@dataclass
class ViewData:
    """JSON-ready records behind a view (see the module docstring)."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    roles: list[list[Any]] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph, repr=False)

    def node_index(self) -> dict[str, int]:
        return {n["iri"]: i for i, n in enumerate(self.nodes)}


class Selection(TypedDict, total=False):
    """What a view shows: the window ``start..end`` as known on ``known_on`` (``mode``: how
    imprecise dates fall in it), event classes or concepts (``relations``; ``Membership`` for the
    states), the ``actors`` (slugs) and everyone within ``hops`` links of them (default 1), and
    the ``top`` actors with the most links; ``place`` keeps the events located in that place or
    inside it (an id, label or ISO code, as :func:`kg.read.places.resolve_place` reads it; states,
    which have no place, are left out)."""

    start: dt.date | None
    end: dt.date | None
    known_on: dt.date | None
    relations: Iterable[str] | None
    actors: Sequence[str]
    hops: int
    top: int | None
    mode: Match | str
    place: str | None


def collect(
    kg: KnowledgeGraph, *, timeline_actors: Sequence[str] = (), network_only: bool = False, **selection: Unpack[Selection]
) -> ViewData:
    """Actors, events and states of the :class:`Selection`, for the network and the timeline.

    ``actors`` keeps the actors within ``hops`` links of them in the network (ties by IRI).
    ``timeline_actors`` keeps only events involving those actors (in any role) on the timeline.
    ``top`` keeps the network's ``top`` actors with the most links (ties by IRI).
    ``network_only`` keeps only the events drawn as links (a view without a timeline).

    :raises UsageError: an unknown actor or relation, a window ending before it starts,
        negative ``hops``, or an actor with no links in the window.
    """
    with collector_paused():
        return _collect(kg, timeline_actors=timeline_actors, network_only=network_only, **selection)


def _collect(
    kg: KnowledgeGraph, *, timeline_actors: Sequence[str] = (), network_only: bool = False, **selection: Unpack[Selection]
) -> ViewData:
    start, end, known_on = selection.get("start"), selection.get("end"), selection.get("known_on")
    relations = list(selection.get("relations") or []) or None
    actors, hops, top = selection.get("actors", ()), selection.get("hops", 1), selection.get("top")
    mode = selection.get("mode", Match.LOOSE)
    if hops < 0:
        raise UsageError(f"--hops must be 0 or more, not {hops}")
    event_relations = [r for r in relations if r not in STATE_RELATIONS] if relations else None
    with_states = relations is None or any(r in STATE_RELATIONS for r in relations)
    graph = nx.MultiDiGraph(start=start, end=end, known_on=known_on)
    if event_relations is None or event_relations:
        graph = actor_graph(kg, start=start, end=end, known_on=known_on, relations=event_relations, mode=mode)
    params, filters = window_filters(start, end, known_on=known_on, mode=mode, fact="?state", fact_end="?stateEnd")
    states = []
    if with_states:
        states_in = iri_values(kg.subclasses("State"))
        query = _STATES % {"states": states_in, "dates": fact_dates(kg, "?state", "?date", "?stateEnd"), "filters": "\n  ".join(filters)}
        for row in kg.query(query, params=params).records():
            states.append(row)
            graph.add_edge(row["member"], row["org"], key=f"{row['state']}|member", state=row["state"], role="member",
                           sign=1, directed=True, date=row["date"], end=row.get("end0"))
    inside: frozenset[str] | None = None
    if selection.get("place"):
        inside = events_in_place(kg, resolve_place(kg, str(selection["place"])))
        graph.remove_edges_from([(a, b, k) for a, b, k, d in graph.edges(keys=True, data=True) if d.get("event") not in inside])
        graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
        states = []
    centre = [str(actor_iri(kg, slug)) for slug in actors]
    if centre:
        missing = [slug_of(a) for a in centre if a not in graph]
        if missing:
            raise UsageError(f"no links of {', '.join(missing)} in this window: widen --from/--to or drop --relations")
        keep: set[str] = set()
        undirected = graph.to_undirected(as_view=True)
        for a in centre:
            keep |= set(nx.single_source_shortest_path_length(undirected, a, cutoff=hops))
        graph = graph.subgraph(keep).copy()
    if top is not None:
        if top < 1:
            raise UsageError(f"--top must be 1 or more, not {top}")
        if graph.number_of_nodes() > top:
            graph = _busiest(graph, top, keep=set(centre))
    lane_filter = {str(actor_iri(kg, slug)) for slug in timeline_actors}
    ix = event_index(kg)
    if network_only:  # the links already say who did what in each event drawn
        roles = sorted(_roles_of_links(graph))
    elif (event_relations is None or event_relations) and ix is not None:
        roles = _indexed_roles(ix, start, end, known_on, event_relations if relations else None, mode)
    elif event_relations is None or event_relations:
        roles = _roles(kg, start, end, known_on, event_relations if relations else None, mode)
    else:
        roles = []
    if inside is not None:
        roles = [r for r in roles if r[0] in inside]
    if lane_filter:
        involved = {e for e, a, _ in roles if a in lane_filter}
        roles = [r for r in roles if r[0] in involved]
    elif top is not None or centre:  # the timeline shows the same actors as the network
        roles = [r for r in roles if r[1] in graph]
    states = [s for s in states if graph.has_edge(s["member"], s["org"], key=f"{s['state']}|member")]
    if start or end:
        states = _inside(states, graph, start, end)
    return _assemble(kg, graph, states, roles, ix)


#: An edge's role -> (the role of its first actor, the role of its second).
_EDGE_ROLES = {
    "target": ("agent", "target"), "participant": ("agent", "participant"),
    "co-participant": ("participant", "participant"), "about": ("agent", "about"), "side": ("sideA", "sideB"),
}


def _roles_of_links(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    """(event, actor, role) for every event edge of the network."""
    roles = set()
    for a, b, d in graph.edges(data=True):
        if "event" in d and d.get("role") in _EDGE_ROLES:
            first, second = _EDGE_ROLES[d["role"]]
            roles.update({(d["event"], a, first), (d["event"], b, second)})
    return roles


def _inside(states: list[dict[str, Any]], graph: nx.MultiDiGraph, start: dt.date | None,
            end: dt.date | None) -> list[dict[str, Any]]:
    """The states a bounded window shows: those that begin or end inside it, and those that began
    before it (still holding, or ending after it) only between two actors of the window's events.
    A 2017 membership still holding is context for a 2022 view only if both sides act in 2022;
    otherwise it is not news of the window and is left out (with its link)."""
    def inside(day: Any) -> bool:
        return day is not None and (start is None or day >= start) and (end is None or day <= end)

    active = {n for a, b, d in graph.edges(data=True) if "event" in d for n in (a, b)}
    kept, dropped = [], []
    for s in states:
        if inside(s["date"]) or inside(s.get("end0")) or (s["member"] in active and s["org"] in active):
            kept.append(s)
        else:
            dropped.append(s)
    for s in dropped:
        if graph.has_edge(s["member"], s["org"], key=f"{s['state']}|member"):
            graph.remove_edge(s["member"], s["org"], key=f"{s['state']}|member")
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    return kept


def _busiest(graph: nx.MultiDiGraph, top: int, *, keep: set[str]) -> nx.MultiDiGraph:
    """The subgraph of the ``top`` actors with the most links that keep a link among themselves
    (an actor whose links all go to actors left out is replaced by the next one)."""
    degree = dict(graph.degree())
    ranked = sorted(graph.nodes, key=lambda n: (n not in keep, -degree[n], n))
    succ, pred = graph.succ, graph.pred

    def lonely_in(nodes: list[str]) -> list[str]:
        """The nodes without a link to another of ``nodes`` (a loop counts as a link)."""
        inside = set(nodes)
        return [n for n in nodes if not any(m in inside for m in succ[n]) and not any(m in inside for m in pred[n])]

    chosen, rest = ranked[:top], ranked[top:]
    for _ in range(10):
        lonely = [n for n in lonely_in(chosen) if n not in keep]
        if not lonely or not rest:
            break
        chosen = [n for n in chosen if n not in set(lonely)] + rest[: len(lonely)]
        rest = rest[len(lonely):]
    final = set(chosen) - (set(lonely_in(chosen)) - keep)
    # graph.subgraph(final).copy() without the filtered views' cost: the same nodes and edges, in the graph's order
    out = nx.MultiDiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in final)
    out.add_edges_from((u, v, k, d) for u, nbrs in graph.adj.items() if u in final
                       for v, keyed in nbrs.items() if v in final for k, d in keyed.items())
    return out


def _roles(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None, known_on: dt.date | None,
           relations: list[str] | None, mode: Match | str) -> list[tuple[str, str, str]]:
    params, filters = window_filters(start, end, known_on=known_on, mode=mode)
    if relations:  # actor_graph has already validated the names
        filters.append(relation_filter(relations))
    anchor = window_join(start, end)  # the window's days first, not every event
    query = _ROLES % {
        "anchor": anchor, "dates": fact_dates(kg, "?event"), "filters": "\n  ".join(filters),
        "events": one_of("?cls", kg.subclasses("Event")), "actors": one_of("?actorClass", kg.subclasses("Actor")),
    }
    return [(r["event"], r["actor"], r["role"]) for r in kg.query(query, params=params).records()]


def _indexed_roles(ix: EventIndex, start: dt.date | None, end: dt.date | None, known_on: dt.date | None,
                   relations: list[str] | None, mode: Match | str) -> list[tuple[str, str, str]]:
    """:func:`_roles` answered from the analytic event index: the same rows (a campaign with parts
    keeps its roles here, unlike in the projection; retracted events are left out)."""
    keep = ix.in_window(start, end, mode) & ix.known_on(known_on) & np.isnat(ix.array("invalidated"))
    if relations:
        keep &= ix.of_relations(resolve_relations(relations))
    picked = ix.events.select(["event", *ROLES]).take(pa.array(np.flatnonzero(keep)))
    actors = ix.actors.filter(pc.not_equal(ix.actors.column("type"), "")).column("actor")
    events = picked.column("event").combine_chunks()
    found: dict[str, list[tuple[str, str]]] = {}
    for role in ROLES:
        members = picked.column(role).combine_chunks()
        flat = pc.list_flatten(members)
        mask = pc.is_in(flat, value_set=actors)
        owners = events.take(pc.filter(pc.list_parent_indices(members), mask))
        found[role] = list(zip(owners.to_pylist(), pc.filter(flat, mask).to_pylist()))
    sides = set(found["sideA"]) | set(found["sideB"])
    found["participant"] = [pair for pair in found["participant"] if pair not in sides]
    return [(event, actor, role) for role in ROLES for event, actor in found[role]]


def dataset_label(iri: str | None, label: str | None) -> str:
    """A dataset's own type for filters and legends: ``ACLED: Armed clash``, ``UCDP: state-based conflict``.

    >>> dataset_label("https://w3id.org/conflict-kg/id/concept/acled/armed-clash", "Armed clash"), dataset_label(None, None)
    ('ACLED: Armed clash', '')
    """
    short = dataset_type(iri)
    if not short:
        return ""
    scheme, _, code = short.partition("/")
    return f"{scheme.upper()}: {label or code}"


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value else None)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else slug_of(iri)


def _batched(items: Sequence[str]) -> Iterable[str]:
    for i in range(0, len(items), _BATCH):
        yield " ".join(f"<{x}>" for x in items[i : i + _BATCH])


def _nodes(kg: KnowledgeGraph, actor_iris: list[str], graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The actors' records, their details read by SPARQL (the reference)."""
    actors: dict[str, dict[str, Any]] = {}
    actor_classes = one_of("?c", kg.subclasses("Actor"))
    for values in _batched(actor_iris):
        for row in kg.query(_ACTOR_DETAILS % {"actors": values, "classes": actor_classes}).records():
            actors[row["actor"]] = row
    nodes = []
    for iri in actor_iris:
        row = actors.get(iri, {})
        aliases = sorted({a for a in (row.get("aliases") or "").split("|") if a and a != row.get("label")})
        nodes.append({
            "iri": iri, "slug": slug_of(iri), "label": row.get("label") or slug_of(iri),
            "type": _local(row["type"]) if row.get("type") else "Actor", "wikidata": row.get("wikidata") or "",
            "description": row.get("description") or "", "aliases": aliases, "inNetwork": iri in graph,
            "kind": row.get("kind") or "",
        })
    return nodes


def _indexed_nodes(ix: EventIndex, actor_iris: list[str], graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """:func:`_nodes` from the index's actor table (a resource of no actor class has no details there either)."""
    table = ix.actors
    table = table.filter(pc.is_in(table.column("actor"), value_set=pa.array(actor_iris, pa.string())))
    columns = table.select(["actor", "label", "type", "wikidata", "description", "aliases", "kind"]).to_pydict()
    actors = {row[0]: row for row in zip(*columns.values()) if row[2]}
    nodes = []
    for iri in actor_iris:
        _, label, kind, qid, description, aliases, actor_kind = actors.get(iri) or (iri, None, "", "", "", [], "")
        nodes.append({
            "iri": iri, "slug": slug_of(iri), "label": label or slug_of(iri), "type": kind or "Actor", "wikidata": qid or "",
            "description": description or "", "aliases": sorted({a for a in "|".join(aliases).split("|") if a and a != label}),
            "inNetwork": iri in graph, "kind": actor_kind or "",
        })
    return nodes


def _events(kg: KnowledgeGraph, event_iris: list[str]) -> list[dict[str, Any]]:
    """The events' records in date order, their details read by SPARQL (the reference)."""
    event_classes = one_of("?c", kg.subclasses("Event"))
    details: dict[str, dict[str, Any]] = {}
    for values in _batched(event_iris):
        for row in kg.query(_EVENT_DETAILS % {"events": values, "classes": event_classes}).records():
            details[row["event"]] = row
    rows = sorted((details[e] for e in event_iris if e in details), key=lambda r: (r["date"], r["end"], r["event"]))
    return [{
        "iri": row["event"], "label": row.get("label") or slug_of(row["event"]), "cls": _local(row["cls"]),
        "type": slug_of(row["type"]) if row.get("type") else "", "sign": int(row.get("sign") or 0),
        "date": _iso(row["date"]), "end": _iso(row["end"]), "precision": _local(row["precision"]).lower(),
        "places": sorted(p for p in (row.get("places") or "").split("|") if p),
        "quote": row.get("quote") or row.get("description") or "", "quoted": bool(row.get("quote")),
        "source": row.get("source") or "", "sourceTitle": row.get("sourceTitle") or "",
        "parent": row.get("parent") or "",
        "datasetType": dataset_label(row.get("datasetType"), row.get("datasetLabel")),
    } for row in rows]


_EVENT_COLUMNS = ("event", "label", "class", "type", "sign", "start", "end", "precision", "place_labels", "quote",
                  "description", "source", "source_title", "parent", "dataset_type", "dataset_type_label")


def _indexed_events(ix: EventIndex, event_iris: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """:func:`_events` from the index's events table, and the IRIs it does not hold."""
    wanted = pa.array(event_iris, pa.string())
    table = ix.events.filter(pc.is_in(ix.events.column("event"), value_set=wanted)).select(list(_EVENT_COLUMNS))
    table = table.sort_by([("start", "ascending"), ("end", "ascending"), ("event", "ascending")])
    columns = {name: table.column(name).cast(pa.string()).to_pylist() if name in ("start", "end")  # ISO days
               else table.column(name).to_pylist() for name in _EVENT_COLUMNS}
    slugs = {iri: slug_of(iri) if iri else "" for iri in set(columns["type"])}
    owns = {(iri, label): dataset_label(iri or None, label or None)
            for iri, label in set(zip(columns["dataset_type"], columns["dataset_type_label"]))}
    events = [{
        "iri": event, "label": label or slug_of(event), "cls": cls, "type": slugs[kind], "sign": int(sign or 0),
        "date": start, "end": end, "precision": precision, "places": places,
        "quote": quote or description or "", "quoted": bool(quote), "source": source or "",
        "sourceTitle": title or "", "parent": parent or "", "datasetType": owns[(own, own_label)],
    } for event, label, cls, kind, sign, start, end, precision, places, quote, description, source, title, parent, own,
        own_label in zip(*columns.values())]
    held = set(columns["event"])
    return events, [e for e in event_iris if e not in held]


def _assemble(kg: KnowledgeGraph, graph: nx.MultiDiGraph, states: list[dict[str, Any]], roles: list[tuple[str, str, str]],
              ix: EventIndex | None = None) -> ViewData:
    actor_iris = sorted(set(graph.nodes) | {a for _, a, _ in roles})
    data = ViewData(graph=graph)
    data.nodes = _indexed_nodes(ix, actor_iris, graph) if ix is not None else _nodes(kg, actor_iris, graph)
    index = data.node_index()
    edges = list(graph.edges(data=True))
    event_iris = sorted({d["event"] for _, _, d in edges if "event" in d} | {e for e, _, _ in roles})
    if ix is not None:
        data.events, missing = _indexed_events(ix, event_iris)
        if missing:  # an event the index does not hold (no event type): its details from the store
            data.events = sorted(data.events + _events(kg, missing), key=lambda e: (e["date"], e["end"], e["iri"]))
    else:
        data.events = _events(kg, event_iris)
    event_index = {e["iri"]: i for i, e in enumerate(data.events)}
    state_index: dict[str, int] = {}
    for row in states:
        state_index[row["state"]] = len(data.states)
        data.states.append({
            "iri": row["state"], "label": row.get("label") or slug_of(row["state"]), "cls": _local(row["cls"]),
            "member": index[row["member"]], "organization": index[row["org"]],
            "date": _iso(row["date"]), "end": _iso(row.get("end0")), "precision": _local(row["p"]).lower(),
            "quote": row.get("quote") or "", "source": row.get("source") or "", "sourceTitle": row.get("sourceTitle") or "",
        })
    for a, b, d in sorted(edges, key=lambda e: (str(e[2].get("date")), e[0], e[1], e[2].get("role", ""), e[2].get("event") or e[2].get("state", ""))):
        link = {"from": index[a], "to": index[b], "role": d["role"], "sign": int(d.get("sign", 0)),
                "directed": bool(d.get("directed", True))}
        if "state" in d:
            link.update(kind="state", ref=state_index[d["state"]])
        elif d.get("event") in event_index:
            link.update(kind="event", ref=event_index[d["event"]])
        else:
            continue
        data.links.append(link)
    data.roles = [[event_index[e], index[a], role] for e, a, role in sorted(roles) if e in event_index and a in index]
    dates = [e["date"] for e in data.events] + [s["date"] for s in data.states]
    ends = [e["end"] for e in data.events] + [s["end"] or s["date"] for s in data.states]
    first, last = graph.graph.get("start"), graph.graph.get("end")
    data.start = first.isoformat() if first else min(dates, default=None)
    data.end = last.isoformat() if last else max(ends, default=None)
    return data
