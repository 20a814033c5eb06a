"""The one bridge from RDF to networkx: actor networks of a time window.

:func:`actor_graph` runs three SPARQL queries (events, their actor pairs, node attributes), whatever the
number of actors, so it works the same on a remote store with millions of events.
Each event becomes one or more edges between actors:

- ``agent -> target`` for every agent and target (``role="target"``, directed);
- ``side A -- side B`` for every actor of one side and every actor of the other, when the
  event has two opposed sides and no direction (``ckg:sideA`` / ``ckg:sideB``: ACLED battles,
  agreements and riots, UCDP state-based and non-state violence): ``role="side"``,
  ``directed=False`` — a battle is mutual hostility between the sides, not neutral
  participation; two actors of the same side get no edge;
- ``agent -> participant`` when the event has an agent (``role="participant"``);
- between participants when the event has neither an agent nor sides (a curated meeting), one
  edge per pair, stored in sorted order with ``directed=False``;
- ``agent -> actor it is about`` for statements, plans and assessments (``role="about"``).

Edge attributes: ``event``, ``label``, ``cls`` (Attack...), ``type`` (the project
concept), ``dataset_type`` (the dataset's own type, ``acled/armed-clash``, ``ucdp/state-based``,
or ``""``), ``event_sign`` (-1 hostile, 0 neutral, +1 cooperative, from the concept) and
``sign``: the event's sign on ``target``, ``side`` and ``co-participant`` edges, 0 on
``participant`` and ``about`` edges (a bystander or a topic is not the one acted upon:
the Shi'a community protected by an interception is not its enemy),
``date``/``end`` (``datetime.date``), ``precision``, ``source``, ``role``, ``directed``.
Node attributes: ``label``, ``type`` (actor class), ``wikidata``.

>>> import kg, datetime as dt
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> g = actor_graph(graph, start=dt.date(2017, 5, 22), end=dt.date(2017, 5, 23), relations=["Attack"])
>>> sorted((g.nodes[a]["label"], g.nodes[b]["label"]) for a, b, d in g.edges(data=True) if d["sign"] < 0)[:2]
[('Islamic State of Iraq and Syria', 'Ahrar al-Sham'), ('Islamic State of Iraq and Syria', 'Alawite community (Syria)')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict, Unpack

import networkx as nx
import numpy as np
import pyarrow as pa

from kg.base.bulk import collector_paused
from kg.base.errors import UsageError
from kg.base.namespaces import CKG, is_slug, resource_iri, slug_of

# parse_duration: imported from here by kg.cli.analyze_cmd until it imports kg.base.temporal
from kg.base.temporal import Match, parse_duration  # noqa: F401
from kg.contract.classes import one_of
from kg.contract.model import EVENT_CLASSES
from kg.index.cache import event_index
from kg.index.table import EventIndex, Relation
from kg.read.timeview import window_filters, window_join
from kg.store.graph import KnowledgeGraph

# Two queries (the events, then their actor pairs), each starting from the window's days
# (kg.read.timeview.window_join): one query with a UNION of roles and OPTIONALs after it makes
# Oxigraph scan every event of the store.
_EVENTS = """
SELECT ?event ?label ?cls ?type ?sign ?date ?end ?p ?source ?datasetType WHERE {
  %(anchor)s
  ?event a ?cls ; ckg:eventType ?type ; ckg:datePrecision ?p ; ckg:startDate ?date .
  %(events)s
  OPTIONAL { ?event ckg:endDate ?end0 }
  BIND(COALESCE(?end0, ?date) AS ?end)
  FILTER NOT EXISTS { ?event sem:hasSubEvent ?part }
  FILTER NOT EXISTS { ?event prov:invalidatedAtTime ?retracted }
  %(filters)s
  OPTIONAL { ?type ckg:sign ?s0 }
  BIND(COALESCE(?s0, 0) AS ?sign)
  OPTIONAL { ?event rdfs:label ?label }
  OPTIONAL { ?event prov:wasDerivedFrom ?source }
  OPTIONAL { ?event ckg:sourceEventType ?datasetType }
}
"""

_PAIRS = """
SELECT ?event ?a ?b ?role WHERE {
  %(anchor)s
  {
    ?event ckg:agent ?a ; ckg:target ?b . BIND("target" AS ?role)
  } UNION {
    ?event ckg:agent ?a ; ckg:participant ?b . BIND("participant" AS ?role)
  } UNION {
    ?event ckg:sideA ?a ; ckg:sideB ?b . BIND("side" AS ?role)
  } UNION {
    ?event ckg:participant ?a , ?b . FILTER(STR(?a) < STR(?b))
    FILTER NOT EXISTS { ?event ckg:agent ?anyAgent }
    FILTER NOT EXISTS { ?event ckg:sideA ?anySide }
    BIND("co-participant" AS ?role)
  } UNION {
    ?event ckg:agent ?a ; ckg:about ?b . BIND("about" AS ?role)
  }
  FILTER(?a != ?b)
}
"""

_NODES = """
SELECT ?actor (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?type) (SAMPLE(?q) AS ?wikidata) WHERE {
  VALUES ?actor { %(actors)s }
  ?actor a ?c . %(classes)s
  OPTIONAL { ?actor rdfs:label ?l }
  OPTIONAL { ?actor ckg:wikidataId ?q }
}
GROUP BY ?actor
"""

_NODE_BATCH = 500

#: Edge roles that carry the event's sign (the others are 0: a bystander or a topic is not acted upon).
SIGNED_ROLES = ("target", "side", "co-participant")
#: Edge roles without direction (mutual between the two actors).
UNDIRECTED_ROLES = ("side", "co-participant")
_CONCEPT_PREFIX = str(resource_iri("concept", "x"))[:-1]


def dataset_type(iri: str | None) -> str:
    """A dataset's own type as a short name: ``acled/armed-clash``, ``ucdp/state-based``, ``cameo/190``.

    >>> dataset_type("https://w3id.org/conflict-kg/id/concept/acled/armed-clash"), dataset_type(None)
    ('acled/armed-clash', '')
    """
    if not iri:
        return ""
    return iri[len(_CONCEPT_PREFIX):] if iri.startswith(_CONCEPT_PREFIX) else iri


def actor_graph(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    known_on: dt.date | None = None,
    relations: Iterable[str] | None = None,
    mode: Match | str = Match.LOOSE,
) -> nx.MultiDiGraph:
    """The actors of events in ``start..end`` (inclusive) and one edge per event between them.

    ``relations`` keeps only some event classes (``"Attack"``, ``"Joining"``...) or project
    concepts (``"armed-clash"``...). Parent events of a campaign and retracted facts are left
    out (their parts / corrections stand for them). ``known_on`` applies record time.

    Answered from the analytic event index when the store has a fresh one (:mod:`kg.index`;
    ``$KG_INDEX=off`` forces the SPARQL below, the reference), with the same result.

    :raises UsageError: an unknown relation name or a window ending before it starts.
    """
    params, filters = window_filters(start, end, known_on=known_on, mode=mode)
    relations = list(relations or [])
    if relations:
        check_relations(kg, relations)
        filters.append(relation_filter(relations))
    ix = event_index(kg)
    if ix is not None:
        with collector_paused():  # tens of thousands of edge dicts
            return indexed_graph(ix, start=start, end=end, known_on=known_on, relations=relations, mode=mode)
    anchor = window_join(start, end)
    fill = {"anchor": anchor, "events": one_of("?cls", kg.subclasses("Event")), "filters": "\n  ".join(filters)}
    events = {row["event"]: row for row in kg.query(_EVENTS % fill, params=params).records()}
    graph = nx.MultiDiGraph(start=start, end=end, known_on=known_on)
    for pair in kg.query(_PAIRS % {"anchor": anchor}).records():
        row = events.get(pair["event"])
        if row is None:  # a campaign, a retracted event, another class or outside the window
            continue
        role = pair["role"]
        graph.add_edge(
            pair["a"], pair["b"], key=f"{row['event']}|{role}",
            event=row["event"], label=row.get("label", ""), cls=row["cls"].rsplit("#", 1)[-1],
            type=slug_of(row["type"]), dataset_type=dataset_type(row.get("datasetType")), event_sign=int(row["sign"]),
            sign=int(row["sign"]) if role in SIGNED_ROLES else 0,
            date=row["date"], end=row["end"],
            precision=row["p"].rsplit("#", 1)[-1].lower(), source=row.get("source", ""),
            role=role, directed=role not in UNDIRECTED_ROLES,
        )
    _add_node_attributes(kg, graph)
    return graph


def resolve_relations(relations: Iterable[str]) -> list[Relation]:
    """Relation names as the index filters them: ``("class", "Attack")``, ``("type", concept IRI)``,
    ``("dataset", concept IRI)`` (validate them with :func:`relation_filter` first)."""
    out: list[Relation] = []
    for name in relations:
        if name in EVENT_CLASSES:
            out.append(("class", name))
        elif "/" in name:
            out.append(("dataset", str(resource_iri("concept", name))))
        else:
            out.append(("type", str(resource_iri("concept", name))))
    return out


class Window(TypedDict, total=False):
    """What a projection selects: the window ``start..end`` (``mode``: how imprecise dates fall in
    it), as known on ``known_on``, of ``relations`` (names as :func:`relation_filter` reads them)."""

    start: dt.date | None
    end: dt.date | None
    known_on: dt.date | None
    relations: Iterable[str] | None
    mode: Match | str


def _chosen_pairs(ix: EventIndex, window: Window) -> np.ndarray:
    """Rows of the index's pairs table whose event the ``window`` selects."""
    names = list(window.get("relations") or [])
    if names:
        relation_filter(names)  # the same errors for malformed names
    keep = ix.select(start=window.get("start"), end=window.get("end"), known_on=window.get("known_on"),
                     relations=resolve_relations(names), mode=window.get("mode", Match.LOOSE))
    return np.flatnonzero(keep[ix.pair_array("eid")])


def indexed_graph(ix: EventIndex, **window: Unpack[Window]) -> nx.MultiDiGraph:
    """:func:`actor_graph` answered from the analytic event index ``ix`` (same edges, attributes, nodes)."""
    chosen = _chosen_pairs(ix, window)
    eids = ix.pair_array("eid")
    graph = nx.MultiDiGraph(start=window.get("start"), end=window.get("end"), known_on=window.get("known_on"))
    if len(chosen) == 0:
        return graph
    picked = eids[chosen]
    texts = ("event", "label", "class", "type", "dataset_type", "sign", "precision", "source")
    rows = ix.events.select([*texts, "start", "end"]).take(pa.array(picked))  # copy only these columns
    column = {name: rows.column(name).to_pylist() for name in texts}
    for name in ("start", "end"):  # few distinct days: one date object each (to_pylist makes one per row)
        days = rows.column(name).cast(pa.int32()).to_numpy(zero_copy_only=False)
        unique, inverse = np.unique(days, return_inverse=True)
        objects = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in unique]
        column[name] = [objects[i] for i in inverse.tolist()]
    slugs = {iri: slug_of(iri) for iri in set(column["type"])}
    owns = {iri: dataset_type(iri) for iri in set(column["dataset_type"])}
    pairs = ix.pair_rows(chosen, ("a", "b", "role"))
    roles = pairs["role"]
    attributes = {
        "event": column["event"], "label": column["label"], "cls": column["class"],
        "type": [slugs[t] for t in column["type"]], "dataset_type": [owns[t] for t in column["dataset_type"]],
        "event_sign": column["sign"],
        "sign": [s if role in SIGNED_ROLES else 0 for s, role in zip(column["sign"], roles)],
        "date": column["start"], "end": column["end"], "precision": column["precision"], "source": column["source"],
        "role": roles, "directed": [role not in UNDIRECTED_ROLES for role in roles],
    }
    keys = [f"{event}|{role}" for event, role in zip(column["event"], roles)]
    names = list(attributes)
    edges = [dict(zip(names, values)) for values in zip(*attributes.values())]
    _add_edges(graph, pairs["a"], pairs["b"], keys, edges)
    details = ix.actor_details()
    for node, node_attributes in graph.nodes(data=True):
        label, kind, qid = details[node]
        node_attributes.update(label=label or slug_of(node), type=kind, wikidata=qid)
    return graph


def _add_edges(graph: nx.MultiDiGraph, sources: list[str], targets: list[str], keys: list[str],
               edges: list[dict[str, object]]) -> None:
    """``graph.add_edge(u, v, key, **attributes)`` for each edge, into the graph's adjacency dicts
    directly (what :meth:`networkx.MultiDiGraph.add_edges_from` does per edge, without its
    per-call checks: a month of ICEWS18, 46,433 edges, in a third of the time). ``graph`` must be
    new (no cached views to clear); a repeated key replaces the edge, as ``add_edge`` does.

    >>> g = nx.MultiDiGraph()
    >>> _add_edges(g, ["a", "a"], ["b", "b"], ["e1", "e2"], [{"sign": -1}, {"sign": 1}])
    >>> sorted(g.edges(keys=True, data="sign")), g.has_edge("a", "b", "e2"), list(g.predecessors("b"))
    ([('a', 'b', 'e1', -1), ('a', 'b', 'e2', 1)], True, ['a'])
    """
    succ, pred, node = graph._succ, graph._pred, graph._node  # noqa: SLF001 - the bulk path networkx lacks
    for u, v, key, data in zip(sources, targets, keys, edges):
        if u not in succ:
            succ[u], pred[u], node[u] = {}, {}, {}
        if v not in succ:
            succ[v], pred[v], node[v] = {}, {}, {}
        keyed = succ[u].get(v)
        if keyed is None:
            keyed = succ[u][v] = pred[v][u] = {}
        keyed[key] = data


#: Schemes of the datasets' own types, accepted as relations (``acled/armed-clash``, ``ucdp/state-based``).
DATASET_SCHEMES = ("acled", "ucdp", "cameo", "icews")


_SCHEMES = ("event-types", "acled", "ucdp", "cameo", "icews")
_RELATION_CONCEPTS = """
SELECT DISTINCT ?c WHERE {
  { ?c skos:inScheme ?scheme . VALUES ?scheme { %(schemes)s } }
  UNION { [] ckg:eventType ?c } UNION { [] ckg:sourceEventType ?c }
}
"""
_known: dict[tuple[str, str], frozenset[str]] = {}


def relation_names(kg: KnowledgeGraph) -> frozenset[str]:
    """The concept names ``relations`` accepts in this store (besides the event classes): the
    short names of the concepts in the project's and the datasets' schemes and of every event's
    type and dataset type (``armed-clash``, ``acled/battles``, ``cameo/190``). Read once per
    store generation (a scan of the events' types: about a second on ICEWS18)."""
    stamp = kg.generation()
    key = (kg.location if not kg.in_memory else f"memory:{id(kg)}", stamp)
    if stamp and key in _known:
        return _known[key]
    schemes = " ".join(f"<{resource_iri('concept', s)}>" for s in _SCHEMES)
    found = frozenset(row["c"][len(_CONCEPT_PREFIX):] for row in kg.query(_RELATION_CONCEPTS % {"schemes": schemes}).records()
                      if row["c"].startswith(_CONCEPT_PREFIX))
    if stamp:
        _known[key] = found
    return found


def check_relations(kg: KnowledgeGraph, relations: Iterable[str], *, also: Iterable[str] = ()) -> None:
    """Refuse a relation name that is no event class, no concept of this store (and none of
    ``also``), in one line listing what the store has: a typo must not answer with nothing.

    :raises UsageError: an unknown name.
    """
    names = list(relations)
    if not names:
        return
    relation_filter(names)  # the syntax first
    concepts = relation_names(kg)
    unknown = [name for name in names if name not in EVENT_CLASSES and name not in concepts and name not in also]
    if unknown:
        types = sorted(c for c in concepts if "/" not in c)
        schemes = sorted({c.split("/", 1)[0] for c in concepts if "/" in c})
        raise UsageError(
            f"unknown relation {', '.join(map(repr, unknown))}: use an event class ({', '.join([*EVENT_CLASSES, *also])}), "
            f"an event type ({', '.join(types) or 'none in the store'}) or a dataset type "
            f"({', '.join(s + '/...' for s in schemes) or 'none in the store'}, e.g. acled/battles)")


def relation_filter(relations: Iterable[str], *, cls: str = "?cls", event: str = "?event") -> str:
    """A SPARQL ``FILTER`` keeping events of any of ``relations``: an event class (``Attack``), a
    project event type (``armed-clash``) or a dataset's own type with everything under it
    (``acled/battles``, ``acled/armed-clash``, ``ucdp/state-based``, ``cameo/19``).

    >>> relation_filter(["Attack", "acled/battles"]).count("||")
    1

    :raises UsageError: a name that is none of these.
    """
    tests = []
    for name in relations:
        if name in EVENT_CLASSES:
            tests.append(f"{cls} = <{CKG[name]}>")
        elif is_slug(name) and name.split("/", 1)[0] in DATASET_SCHEMES and "/" in name:
            tests.append(f"EXISTS {{ {event} ckg:sourceEventType/skos:broader* <{resource_iri('concept', name)}> }}")
        elif is_slug(name) and "/" not in name:
            tests.append(f"EXISTS {{ {event} ckg:eventType <{resource_iri('concept', name)}> }}")
        else:
            raise UsageError(
                f"unknown relation {name!r}: use an event class ({', '.join(EVENT_CLASSES)}), an event-type slug "
                "(armed-clash) or a dataset type (acled/armed-clash, acled/battles, ucdp/state-based, cameo/19)"
            )
    return f"FILTER({' || '.join(tests)})"


def _add_node_attributes(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> None:
    """Label, class and Wikidata id of each node; nodes that are not actors (a place acted
    upon is a ``ckg:target`` too) leave the graph with their edges."""
    actors = sorted(graph.nodes)
    classes = one_of("?c", kg.subclasses("Actor"))
    found = set()
    for i in range(0, len(actors), _NODE_BATCH):
        batch = actors[i : i + _NODE_BATCH]
        rows = kg.query(_NODES % {"actors": " ".join(f"<{a}>" for a in batch), "classes": classes}).records()
        for row in rows:
            found.add(row["actor"])
            graph.nodes[row["actor"]].update(
                label=row.get("label", slug_of(row["actor"])),
                type=row["type"].rsplit("#", 1)[-1],
                wikidata=row.get("wikidata", ""),
            )
    graph.remove_nodes_from([node for node in actors if node not in found])


def collapse(graph: nx.MultiDiGraph, *, weight: str = "count") -> nx.DiGraph:
    """One weighted edge per ordered pair: ``count``, ``hostile``, ``cooperative``, ``neutral``,
    ``sign_sum``, ``first``/``last`` dates and ``weight`` (= ``count``, or ``abs(sign_sum)`` with
    ``weight="sign"``). Undirected (side, co-participant) edges count in both directions.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", sign=-1, date=dt.date(2017, 5, 1), directed=True)
    >>> _ = g.add_edge("a", "b", sign=1, date=dt.date(2017, 5, 3), directed=True)
    >>> collapse(g).edges["a", "b"]["count"], collapse(g).edges["a", "b"]["sign_sum"]
    (2, 0)
    """
    if weight not in ("count", "sign"):
        raise UsageError(f"unknown weight {weight!r}: use count or sign")
    out = nx.DiGraph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for a, b, data in graph.edges(data=True):
        pairs = [(a, b)] if data.get("directed", True) else [(a, b), (b, a)]
        for u, v in pairs:
            if not out.has_edge(u, v):
                out.add_edge(u, v, count=0, hostile=0, cooperative=0, neutral=0, sign_sum=0, first=data["date"], last=data["date"])
            edge = out.edges[u, v]
            edge["count"] += 1
            edge["sign_sum"] += data["sign"]
            edge["hostile" if data["sign"] < 0 else "cooperative" if data["sign"] > 0 else "neutral"] += 1
            edge["first"] = min(edge["first"], data["date"])
            edge["last"] = max(edge["last"], data["date"])
    for _, _, edge in out.edges(data=True):
        edge["weight"] = edge["count"] if weight == "count" else abs(edge["sign_sum"])
    return out


@dataclass(frozen=True)
class PairCounts:
    """:func:`collapse` as arrays, for metrics computed in C (igraph, scipy): vertex ``i`` is
    ``nodes[i]`` (``labels[i]``: its label, else the end of its IRI), and one directed edge per
    ordered pair ``source[j] -> target[j]`` with ``count[j]`` events (undirected events both ways).

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", directed=True); _ = g.add_edge("a", "b", directed=True)
    >>> _ = g.add_edge("b", "c", directed=False)
    >>> p = PairCounts.of_graph(g)
    >>> [(p.nodes[u], p.nodes[v], int(c)) for u, v, c in zip(p.source, p.target, p.count)]
    [('a', 'b', 2), ('b', 'c', 1), ('c', 'b', 1)]
    """

    nodes: list[str]
    labels: list[str]
    source: np.ndarray
    target: np.ndarray
    count: np.ndarray

    @classmethod
    def of_graph(cls, graph: nx.MultiDiGraph) -> PairCounts:
        """The pair counts of a projection (or any multigraph whose edges may say ``directed=False``)."""
        nodes = list(graph.nodes)
        position = {node: i for i, node in enumerate(nodes)}
        ends = [(position[a], position[b], bool(d.get("directed", True))) for a, b, d in graph.edges(data=True)]
        a = np.array([e[0] for e in ends], dtype=np.int64)
        b = np.array([e[1] for e in ends], dtype=np.int64)
        both = ~np.array([e[2] for e in ends], dtype=bool)
        labels = [str(graph.nodes[n].get("label") or str(n).rsplit("/", 1)[-1]) for n in nodes]
        return cls._counted(nodes, labels, np.r_[a, b[both]], np.r_[b, a[both]])

    @classmethod
    def _counted(cls, nodes: list[str], labels: list[str], source: np.ndarray, target: np.ndarray) -> PairCounts:
        pairs, count = np.unique(source * max(len(nodes), 1) + target, return_counts=True)
        return cls(nodes, labels, pairs // max(len(nodes), 1), pairs % max(len(nodes), 1), count)


def indexed_pair_counts(ix: EventIndex, **window: Unpack[Window]) -> PairCounts:
    """``PairCounts.of_graph(indexed_graph(ix, ...))`` straight from the index's arrays, without the
    networkx graph (a month of ICEWS18 in milliseconds)."""
    chosen = _chosen_pairs(ix, window)
    actors, a_codes, b_codes = ix.pair_codes()
    a, b = a_codes[chosen], b_codes[chosen]
    used, local = np.unique(np.r_[a, b], return_inverse=True)
    a, b = local[: len(a)], local[len(a):]
    both = np.isin(np.asarray(ix.pair_rows(chosen, ("role",))["role"], dtype=object), UNDIRECTED_ROLES)
    nodes = [actors[i] for i in used.tolist()]
    details = ix.actor_details()
    labels = [details[n][0] or slug_of(n) for n in nodes]
    return PairCounts._counted(nodes, labels, np.r_[a, b[both]], np.r_[b, a[both]])


def signed_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected signed graph: one edge per pair with ``sign`` = the sign of the summed event signs
    (pairs whose events cancel out or are all neutral are left out) and ``events`` their count."""
    totals: dict[tuple[str, str], list[int]] = {}
    for a, b, data in graph.edges(data=True):
        key = (a, b) if a < b else (b, a)
        totals.setdefault(key, []).append(data["sign"])
    out = nx.Graph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for (a, b), signs in totals.items():
        total = sum(signs)
        if total:
            out.add_edge(a, b, sign=1 if total > 0 else -1, events=len(signs), sign_sum=total)
    return out
