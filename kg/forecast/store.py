"""``kg.forecasts``: who will do what to whom next, from the events in any store, explained.

The events of the store (agent, target, type, start date; retracted events left out) become
quadruples; rules are learned on all of them (a fixed-seed sample on large stores), then applied to
the actor's queries on the requested day. Each row is one prediction with its rules, weights,
contributions (adding up to the score) and supporting events, and a SPARQL query that returns
exactly those events from the store.

>>> import kg
>>> graph = kg.open(":memory:"); _ = kg.build(graph)
>>> rows = forecasts(graph, actor="isis", relation="Attack", top=1)
>>> rows[0]["actor"].endswith("/actor/isis"), rows[0]["relation_label"]
(True, 'Attack')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kg.base.errors import UsageError
from kg.contract.model import EVENT_CLASSES
from kg.forecast.data import Quads
from kg.forecast.explain import explain
from kg.forecast.history import History
from kg.forecast.model import Forecaster, Params
from kg.forecast.rules import learn_rules

if TYPE_CHECKING:
    from kg.store.graph import KnowledgeGraph

VOCABULARIES = ("dataset", "project", "class")

#: the columns of :func:`forecast` rows, in order
COLUMNS = [
    "rank", "actor", "direction", "relation", "relation_label", "candidate", "candidate_label", "day", "until",
    "score", "rules", "contributions", "events", "explanation", "sparql",
]
TABLE_COLUMNS = ["rank", "direction", "relation_label", "candidate_label", "score", "rules"]

_EVENTS = """
SELECT ?event ?agent ?target ?rel ?date WHERE {
  ?event ckg:agent ?agent ; ckg:target ?target ; ckg:startDate ?date ; %(rel)s
  FILTER NOT EXISTS { ?event prov:invalidatedAtTime ?gone }
}
"""
_REL = {
    "dataset": "ckg:eventType ?ptype . OPTIONAL { ?event ckg:sourceEventType ?stype } BIND(COALESCE(?stype, ?ptype) AS ?rel)",
    "project": "ckg:eventType ?rel .",
    "class": "a ?rel . FILTER(?rel IN (%s))" % ", ".join(f"ckg:{c}" for c in EVENT_CLASSES),
}

#: the supporting events of one prediction (the pair's events before the cutoff day)
SUPPORT_QUERY = """SELECT DISTINCT ?event ?date ?label WHERE {
  { ?event ckg:agent <%(x)s> ; ckg:target <%(y)s> } UNION { ?event ckg:agent <%(y)s> ; ckg:target <%(x)s> }
  ?event ckg:startDate ?date ; %(rel)s
  FILTER (?date < "%(cutoff)s"^^xsd:date)
  FILTER NOT EXISTS { ?event prov:invalidatedAtTime ?gone }
  OPTIONAL { ?event rdfs:label ?label }
} ORDER BY ?date ?event"""


@dataclass
class StoreModel:
    """The store's events as a history, with the names behind the ids."""

    entities: list[str]
    relations: list[str]
    events: list[str]
    history: History
    model: Forecaster
    last_day: dt.date
    vocabulary: str


def _day(date: dt.date) -> int:
    return date.toordinal()


def load_model(graph: KnowledgeGraph, *, vocabulary: str = "dataset", params: Params | None = None,
               budget: int = 5_000_000) -> StoreModel:
    """Read the store's events and learn the rules (see the module doc).

    :raises UsageError: an unknown vocabulary, or a store without dated agent-target events.
    """
    if vocabulary not in VOCABULARIES:
        raise UsageError(f"unknown relation vocabulary {vocabulary!r}: use one of {', '.join(VOCABULARIES)}")
    rows = graph.query(_EVENTS % {"rel": _REL[vocabulary]}).records()
    entity_ids: dict[str, int] = {}
    relation_ids: dict[str, int] = {}
    facts: list[tuple[int, int, int, int]] = []
    events: list[str] = []
    for row in rows:
        date = row["date"]
        if not isinstance(date, dt.date):
            continue
        s = entity_ids.setdefault(str(row["agent"]), len(entity_ids))
        o = entity_ids.setdefault(str(row["target"]), len(entity_ids))
        r = relation_ids.setdefault(str(row["rel"]), len(relation_ids))
        facts.append((s, r, o, _day(date)))
        events.append(str(row["event"]))
    if not facts:
        raise UsageError("the store has no dated events with an agent and a target to forecast from: build or import some")
    a = np.array(facts, dtype=np.int64)
    quads = Quads(a[:, 0], a[:, 1], a[:, 2], a[:, 3])
    history = History(quads, len(entity_ids), len(relation_ids))
    days = np.unique(quads.days)
    table = learn_rules(history, days[1:] if len(days) > 1 else days, budget=budget)
    last = dt.date.fromordinal(int(days.max()))
    return StoreModel(list(entity_ids), list(relation_ids), events, history, Forecaster(history, table, params or Params()),
                      last, vocabulary)


def _horizon_days(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*d", text.strip())
    if not match or int(match.group(1)) < 1:
        raise UsageError(f"--horizon {text!r}: write a number of days, e.g. 7d")
    return int(match.group(1))


def _labels(graph: KnowledgeGraph, iris: list[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(set(iris)))
    rows = graph.query(f"SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }} GROUP BY ?x")
    return {str(r["x"]): str(r["label"]) for r in rows.records()}


def _event_details(graph: KnowledgeGraph, iris: list[str]) -> dict[str, dict[str, Any]]:
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(set(iris)))
    query = (f"SELECT ?e ?date (SAMPLE(?l) AS ?label) (SAMPLE(?q) AS ?quote) WHERE {{ VALUES ?e {{ {values} }} "
             "?e ckg:startDate ?date . OPTIONAL { ?e rdfs:label ?l } OPTIONAL { ?e ckg:quote ?q } } GROUP BY ?e ?date")
    return {str(r["e"]): {"iri": str(r["e"]), "date": r["date"], "label": r.get("label"), "quote": r.get("quote")}
            for r in graph.query(query).records()}


def _relations_named(store: StoreModel, graph: KnowledgeGraph, text: str) -> list[int]:
    folded = " ".join(text.split()).lower()
    labels = _labels(graph, store.relations)
    found = []
    for i, iri in enumerate(store.relations):
        local = iri.rsplit("#", 1)[-1].rsplit("/id/concept/", 1)[-1].lower()
        names = {local, local.rsplit("/", 1)[-1], labels.get(iri, "").lower()}
        if folded in names:
            found.append(i)
    return found


def forecasts(
    graph: KnowledgeGraph, *, actor: str, relation: str | None = None, on: dt.date | None = None,
    horizon: str | None = None, top: int = 10, vocabulary: str | None = None, params: Params | None = None,
) -> list[dict[str, Any]]:
    """The ``top`` most likely (relation, other actor) for ``actor`` on day ``on`` (default: the day
    after the store's last event), or averaged over the ``horizon`` days from it (``"7d"``),
    each explained (see :data:`COLUMNS`). Both directions: ``agent`` rows say whom the actor will
    act on, ``target`` rows who will act on it.

    ``relation``: a project class (``Attack``), a project event type, or a dataset's own type
    (``Make statement``); the vocabulary follows from it unless given.

    :raises UsageError: an unknown actor or relation, a bad horizon, ``on`` before the data.
    """
    from kg.read.lookups import actor_iri

    x_iri = str(actor_iri(graph, actor))
    vocab = vocabulary or ("class" if relation in EVENT_CLASSES else "dataset")
    store = load_model(graph, vocabulary=vocab, params=params)
    if relation and vocabulary is None and vocab == "dataset" and not _relations_named(store, graph, relation):
        store = load_model(graph, vocabulary="project", params=params)
    if x_iri not in store.entities:
        raise UsageError(f"{actor!r} takes part in no dated agent-target event: nothing to forecast from")
    x = store.entities.index(x_iri)
    start = on or store.last_day + dt.timedelta(days=1)
    days = _horizon_days(horizon) if horizon else 1
    cutoff = _day(min(start, store.last_day + dt.timedelta(days=1)))
    r_count = len(store.relations)
    wanted = _relations_named(store, graph, relation) if relation else list(range(r_count))
    if relation and not wanted:
        raise UsageError(f"unknown relation {relation!r} in the store's events (try a class such as Attack, "
                         "a project event type, or a dataset type as its label)")
    rows_x = store.history.before(x, cutoff)
    seen = set(rows_x.rels.tolist())
    queries = [r for r in wanted if r in seen] + [r + r_count for r in wanted if r + r_count in seen]
    if relation:
        queries = [r for r in wanted] + [r + r_count for r in wanted]
    scored: list[tuple[float, int, int]] = []
    day_list = [_day(start) + k for k in range(days)]
    for rel in queries:
        total = np.zeros(store.history.num_entities)
        for d in day_list:
            total += store.model.parts(d, x, rel, cutoff=cutoff).total(store.model.params)
        total /= days
        total[x] = -1.0  # never the actor itself
        for y in np.flatnonzero(total > 0).tolist():
            scored.append((float(total[y]), rel, y))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    return _rows(graph, store, x, scored[:top], day_list, cutoff)


def _rows(graph: KnowledgeGraph, store: StoreModel, x: int, best: list[tuple[float, int, int]],
          day_list: list[int], cutoff: int) -> list[dict[str, Any]]:
    r_count = len(store.relations)
    labels = _labels(graph, store.relations + [store.entities[y] for _, _, y in best] + [store.entities[x]])

    def rel_name(r: int) -> str:
        base = store.relations[r % r_count]
        text = labels.get(base, base.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
        return text if r < r_count else f"{text} (by)"

    out = []
    for rank, (score, rel, y) in enumerate(best, start=1):
        merged: dict[str, dict[str, Any]] = {}
        for d in day_list:
            _, parts = explain(store.model, d, x, rel, y, cutoff=cutoff, relation_name=rel_name)
            for part in parts:
                if part.kind == "rule":
                    key = f"rule|{part.detail.get('body')}|{part.detail.get('bin')}"
                else:  # a path term is one contribution per intermediate Z
                    key = f"{part.kind}|{part.detail['via']}" if "via" in part.detail else part.kind
                entry = merged.setdefault(key, {"kind": part.kind, "rule": part.text, "contribution": 0.0,
                                                "detail": part.detail, "facts": part.facts})
                entry["contribution"] += part.contribution / len(day_list)
        contributions = sorted(merged.values(), key=lambda e: -e["contribution"])
        if len(day_list) > 1:  # the texts and details are those of the first day; the contribution is the mean
            for c in contributions:
                c["rule"] = f"{c['rule']} [first day; contribution: mean over {len(day_list)} days]"
        via = sorted({store.entities[int(c["detail"]["via"])] for c in contributions
                      if c["kind"].removesuffix("-scale") == "path"})
        rel_via = sorted({store.entities[int(c["detail"]["via"])] for c in contributions
                          if c["kind"].removesuffix("-scale") == "rpath"})
        via_labels = _labels(graph, via + rel_via)
        for c in contributions:
            if "via" in c["detail"]:
                z = store.entities[int(c["detail"]["via"])]
                c["rule"] = c["rule"].replace(f"Z={c['detail']['via']}", via_labels.get(z, z))
                c["detail"] = {**c["detail"], "via": z}
        event_iris = sorted({store.events[f] for c in contributions for f in c["facts"]})
        details = _event_details(graph, event_iris)
        explanation = [{
            "kind": c["kind"], "rule": c["rule"], "contribution": c["contribution"], **{
                k: v for k, v in c["detail"].items() if k != "weights"},
            "events": [details.get(iri, {"iri": iri}) for iri in sorted({store.events[f] for f in c["facts"]})],
        } for c in contributions]
        x_iri, y_iri = store.entities[x], store.entities[y]
        base = rel % r_count
        out.append({
            "rank": rank, "actor": x_iri, "direction": "agent" if rel < r_count else "target",
            "relation": store.relations[base], "relation_label": rel_name(base), "candidate": y_iri,
            "candidate_label": labels.get(y_iri, y_iri), "day": dt.date.fromordinal(day_list[0]),
            "until": dt.date.fromordinal(day_list[-1]), "score": score,
            "rules": [c["rule"] for c in contributions], "contributions": [c["contribution"] for c in contributions],
            "events": event_iris, "explanation": explanation,
            "sparql": support_query(x_iri, y_iri, dt.date.fromordinal(cutoff), store.vocabulary, via=via,
                                    since=dt.date.fromordinal(cutoff - store.model.params.two_window),
                                    rel_via=rel_via, relation=(store.relations[base], rel >= r_count),
                                    rel_since=dt.date.fromordinal(cutoff - store.model.params.rpath_window)),
        })
    return out


def support_query(x: str, y: str, cutoff: dt.date, vocabulary: str = "dataset", *, via: list[str] | None = None,
                  since: dt.date | None = None, rel_via: list[str] | None = None,
                  relation: tuple[str, bool] | None = None, rel_since: dt.date | None = None) -> str:
    """SPARQL returning the supporting events of a prediction about ``x`` and ``y``: their events before
    ``cutoff``, and for the length-2 rule through each of ``via`` the events between x and Z and between
    Z and y from ``since`` to the cutoff (exactly what the forecaster read); for the relation-specific
    length-2 rule through each of ``rel_via``, the events between x and Z from ``since`` and Z's events of
    ``relation`` (its IRI, and whether Z is its target) with y from ``rel_since``."""
    query = SUPPORT_QUERY % {"x": x, "y": y, "cutoff": cutoff.isoformat(), "rel": _REL[vocabulary]}
    if not via and not rel_via:
        return query
    start = (since or cutoff).isoformat()
    paths = ""
    if via:
        paths += (f"""  UNION {{ VALUES ?z {{ {' '.join(f'<{z}>' for z in via)} }}
    {{ ?event ckg:agent <{x}> ; ckg:target ?z }} UNION {{ ?event ckg:agent ?z ; ckg:target <{x}> }} UNION
    {{ ?event ckg:agent ?z ; ckg:target <{y}> }} UNION {{ ?event ckg:agent <{y}> ; ckg:target ?z }}
    ?event ckg:startDate ?date . FILTER (?date >= "{start}"^^xsd:date) }}\n""")
    if rel_via and relation:
        zs = " ".join(f"<{z}>" for z in rel_via)
        iri, inverse = relation
        agent, target = (f"<{y}>", "?z") if inverse else ("?z", f"<{y}>")
        own = _REL[vocabulary].replace("?rel", "?zrel").replace("?ptype", "?zptype").replace("?stype", "?zstype")
        paths += (f"""  UNION {{ VALUES ?z {{ {zs} }}
    {{ ?event ckg:agent <{x}> ; ckg:target ?z }} UNION {{ ?event ckg:agent ?z ; ckg:target <{x}> }}
    ?event ckg:startDate ?date . FILTER (?date >= "{start}"^^xsd:date) }}
  UNION {{ VALUES ?z {{ {zs} }} ?event ckg:agent {agent} ; ckg:target {target} ; ckg:startDate ?date ; {own}
    FILTER (?zrel = <{iri}> && ?date >= "{(rel_since or cutoff).isoformat()}"^^xsd:date) }}\n""")
    head, rest = query.split("\n", 1)
    pair, tail = rest.split("\n", 1)
    return f"{head}\n  {{ {pair.strip()} }}\n{paths}{tail}"
