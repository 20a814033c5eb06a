"""The HTML view of a resource: evidence of events, an actor's events, memberships and network,
the events at a place or from a source. Every list is capped at :data:`~kg.server.lookup.PAGE`
rows with a link to the whole list as a SPARQL query; no query sorts more than it shows."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES
from kg.server.lookup import PAGE, Description
from kg.server.published import Published
from kg.server.render import iri_view, short, term_view, text_view
from kg.server.work import Limits, take
from kg.sparql.params import bind_parameters, substitutions


def _select(store: ox.Store, sparql: str, limits: Limits, pub: Published, limit: int | None = None, **params: Any) -> list[Any]:
    raw = store.query(sparql, prefixes=PREFIXES, substitutions=substitutions(params), **pub.options)
    return take(raw, min(limit or limits.max_rows, limits.max_rows))


def query_link(sparql: str, **params: Any) -> str:
    """The query page running ``sparql`` with ``params`` bound (the full list behind a capped one)."""
    return "/query?" + urlencode({"query": bind_parameters(sparql, params) if params else sparql})


def _labels(store: ox.Store, iris: set[str], limits: Limits, pub: Published) -> dict[str, str]:
    labels: dict[str, str] = {}
    ordered = sorted(iris)
    for start in range(0, len(ordered), 200):
        values = " ".join(str(ox.NamedNode(i)) for i in ordered[start:start + 200])
        for r in _select(store, f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }}", limits, pub):
            labels.setdefault(r["x"].value, r["l"].value)
    return labels


def resource_context(store: ox.Store, found: Description, limits: Limits, pub: Published) -> dict[str, Any]:
    base = limits.base
    iri = found.iri
    names = {t.object.value for t in found.own if isinstance(t.object, ox.NamedNode)}
    names |= {t.subject.value for t in found.incoming if isinstance(t.subject, ox.NamedNode)} | {iri.value}
    labels = _labels(store, names, limits, pub)
    own = [t for t in found.own if t.subject == iri]
    parts = [t for t in found.own if t.subject != iri]
    title = labels.get(iri.value) or short(iri.value)
    kind = iri.value[len(base):].split("/")[1] if iri.value.startswith(base + "id/") else ""
    path = "/" + iri.value[len(base):] if iri.value.startswith(base) else None

    def label_of(term: Any) -> str | None:
        return labels.get(str(getattr(term, "value", "")))

    incoming_query = "SELECT ?s ?p WHERE { ?s ?p ?this }"
    context: dict[str, Any] = {
        "title": title, "iri": iri.value, "path": path, "truncated": found.truncated, "max_rows": limits.max_rows,
        "types": [iri_view(t.object.value, base) for t in own if t.predicate.value.endswith("#type") and isinstance(t.object, ox.NamedNode)],
        "downloads": [(".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples"), (".rdf", "RDF/XML")],
        "statements": [[iri_view(t.predicate.value, base), term_view(t.object, base, label_of(t.object))]
                       for t in own if not t.predicate.value.endswith("fullText")],
        "parts": [[term_view(t.subject, base), iri_view(t.predicate.value, base), term_view(t.object, base, label_of(t.object))]
                  for t in parts],
        "incoming": [[term_view(t.subject, base, label_of(t.subject)), iri_view(t.predicate.value, base)] for t in found.incoming],
        "incoming_page": found.page, "incoming_more": found.more, "page_size": PAGE,
        "incoming_all": query_link(incoming_query, this=iri),
        "full_text": next((str(getattr(t.object, "value", "")) for t in own if t.predicate.value.endswith("fullText")), ""),
        "alternates": [("text/turtle", path + ".ttl"), ("application/ld+json", path + ".jsonld")] if path else [],
        "evidence": None, "actor": None, "network": None, "events": None, "events_heading": "", "events_all": "",
    }
    if found.page > 1:  # a further page of incoming links only
        context.update(statements=[], parts=[], full_text="")
        return context
    if kind == "actor":
        context["actor"] = actor_context(store, iri, limits, pub)
        context["network"] = network(store, iri, limits, pub)
    elif kind in ("event", "state"):
        context["evidence"] = evidence(own, base, labels)
    elif kind in ("place", "source"):
        pattern = "?e ckg:place ?this" if kind == "place" else "?e prov:wasDerivedFrom ?this"
        context["events_heading"] = "Events here" if kind == "place" else "Events and states from this source"
        sparql = f"SELECT DISTINCT ?this ?e ?label ?date WHERE {{ {pattern} . ?e rdfs:label ?label OPTIONAL {{ ?e ckg:startDate ?date }} }}"
        rows = _select(store, sparql + f" LIMIT {PAGE + 1}", limits, pub, this=iri)
        shown = sorted(rows[:PAGE], key=lambda r: (r["date"].value if r["date"] is not None else "", r["e"].value))
        context["events"] = [[text_view(r["date"].value if r["date"] is not None else ""),
                              iri_view(r["e"].value, base, r["label"].value)] for r in shown]
        if len(rows) > PAGE:
            context["events_all"] = query_link(sparql + " ORDER BY ?date ?e", this=iri)
    return context


def evidence(own: list[ox.Triple], base: str, labels: dict[str, str]) -> dict[str, Any]:
    def get(name: str) -> list[Any]:
        return [t.object for t in own if t.predicate.value.endswith(name)]

    when = ""
    dates = get("#startDate")
    if dates:
        end = get("#endDate")
        when = dates[0].value + (f" – {end[0].value}" if end and end[0].value != dates[0].value else "")
    roles = [(role, [term_view(v, base, labels.get(getattr(v, "value", ""))) for v in get("#" + role)])
             for role in ("agent", "target", "participant", "place") if get("#" + role)]
    return {"when": when, "roles": roles, "quotes": [q.value for q in get("#quote")],
            "sources": [term_view(s, base, labels.get(getattr(s, "value", ""))) for s in get("wasDerivedFrom")]}


_ACTOR_EVENTS = """
SELECT DISTINCT ?this ?e ?role WHERE {
  VALUES (?rp ?role) { (ckg:agent "agent") (ckg:target "target") (ckg:participant "participant") }
  ?e ?rp ?this .
}"""
_EVENT_DETAILS = """
SELECT ?e ?label ?date ?quote ?source ?sourceTitle WHERE {
  VALUES ?e { %s }
  ?e rdfs:label ?label .
  OPTIONAL { ?e ckg:startDate ?date }
  OPTIONAL { ?e ckg:quote ?quote }
  OPTIONAL { ?e prov:wasDerivedFrom ?source OPTIONAL { ?source dcterms:title ?sourceTitle } }
}"""
_ACTOR_EVENTS_ALL = """
SELECT ?this ?e ?label ?date ?role WHERE {
  VALUES (?rp ?role) { (ckg:agent "agent") (ckg:target "target") (ckg:participant "participant") }
  ?e ?rp ?this ; rdfs:label ?label .
  OPTIONAL { ?e ckg:startDate ?date }
} ORDER BY ?date ?e"""

_MEMBERSHIPS = """
SELECT ?this ?m ?label ?org ?orgLabel ?member ?memberLabel ?start ?end WHERE {
  ?m a ckg:Membership . { ?m org:member ?this } UNION { ?m org:organization ?this }
  OPTIONAL { ?m rdfs:label ?label } OPTIONAL { ?m org:organization ?org OPTIONAL { ?org rdfs:label ?orgLabel } }
  OPTIONAL { ?m org:member ?member OPTIONAL { ?member rdfs:label ?memberLabel } }
  OPTIONAL { ?m ckg:startDate ?start } OPTIONAL { ?m ckg:endDate ?end }
}"""


def _value(row: Any, name: str) -> str | None:
    return row[name].value if row[name] is not None else None


def actor_context(store: ox.Store, iri: ox.NamedNode, limits: Limits, pub: Published) -> dict[str, Any]:
    """Aliases, Wikidata, description, the actor's events (at most :data:`PAGE`), memberships."""
    base = limits.base
    aliases = sorted(r["alias"].value for r in _select(store, "SELECT ?this ?alias WHERE { ?this skos:altLabel ?alias }", limits, pub, PAGE, this=iri))
    wikidata = [iri_view("https://www.wikidata.org/wiki/" + r["q"].value, base, r["q"].value)
                for r in _select(store, "SELECT ?this ?q WHERE { ?this ckg:wikidataId ?q }", limits, pub, 10, this=iri)]
    description = _select(store, "SELECT ?this ?d WHERE { ?this dcterms:description ?d } LIMIT 1", limits, pub, 1, this=iri)
    found = _select(store, _ACTOR_EVENTS + f" LIMIT {PAGE + 1}", limits, pub, this=iri)
    roles: dict[str, list[str]] = {}
    for r in found[:PAGE]:
        roles.setdefault(r["e"].value, []).append(r["role"].value)
    events: list[dict[str, Any]] = []
    if roles:
        values = " ".join(str(ox.NamedNode(e)) for e in roles)
        details: dict[str, Any] = {}
        for r in _select(store, _EVENT_DETAILS % values, limits, pub):
            details.setdefault(r["e"].value, r)
        for e, rs in roles.items():
            r = details.get(e)
            if r is None:
                continue
            for role in rs:
                events.append({"date": _value(r, "date") or "", "role": role, "quote": _value(r, "quote"),
                               "event": iri_view(e, base, r["label"].value),
                               "source": term_view(r["source"], base, _value(r, "sourceTitle"))})
        events.sort(key=lambda e: (e["date"], e["event"]["href"] or ""))
    memberships = [[iri_view(r["m"].value, base, _value(r, "label")), term_view(r["member"], base, _value(r, "memberLabel")),
                    term_view(r["org"], base, _value(r, "orgLabel")), text_view(_value(r, "start") or ""),
                    text_view(_value(r, "end") or "holding")]
                   for r in _select(store, _MEMBERSHIPS + f" LIMIT {PAGE}", limits, pub, this=iri)]
    memberships.sort(key=lambda m: str((m[3] or {}).get("text", "")))
    return {"aliases": aliases, "wikidata": wikidata, "description": description[0]["d"].value if description else "",
            "events": events, "memberships": memberships,
            "events_all": query_link(_ACTOR_EVENTS_ALL, this=iri) if len(found) > PAGE else ""}


_NEIGHBOURS = """
SELECT DISTINCT ?this ?p ?other ?out WHERE {
  ?p ckg:shortcutOf ?cls .
  { ?this ?p ?other BIND(true AS ?out) } UNION { ?other ?p ?this BIND(false AS ?out) }
} LIMIT 24
"""


def network(store: ox.Store, iri: ox.NamedNode, limits: Limits, pub: Published) -> dict[str, Any] | None:
    """The actor and up to 24 direct neighbours by shortcut edges (attacked, joined...), as SVG data."""
    base = limits.base
    rows = _select(store, _NEIGHBOURS, limits, pub, this=iri)
    if not rows:
        return None
    labels = _labels(store, {r["other"].value for r in rows if isinstance(r["other"], ox.NamedNode)}, limits, pub)
    others: dict[str, str] = {}
    for r in rows:
        others.setdefault(r["other"].value, labels.get(r["other"].value) or short(r["other"].value))
    width, height, radius = 720, 420, 160
    cx, cy = width / 2, height / 2
    spots = {o: (cx + radius * 1.5 * math.cos(2 * math.pi * i / len(others)), cy + radius * math.sin(2 * math.pi * i / len(others)))
             for i, o in enumerate(sorted(others, key=lambda o: others[o]))}
    edges = []
    for r in rows:
        x, y = spots[r["other"].value]
        (x1, y1), (x2, y2) = ((cx, cy), (x, y)) if r["out"].value == "true" else ((x, y), (cx, cy))
        edges.append({"x1": f"{x1:.0f}", "y1": f"{y1:.0f}", "x2": f"{x2:.0f}", "y2": f"{y2:.0f}",
                      "mx": f"{(x1 + x2) / 2:.0f}", "my": f"{(y1 + y2) / 2:.0f}", "label": short(r["p"].value).split(":")[-1]})
    nodes = [{"x": f"{x:.0f}", "y": f"{y:.0f}", "ty": f"{y - 11:.0f}", "label": others[o][:40],
              "href": "/" + o[len(base):] if o.startswith(base) else None} for o, (x, y) in spots.items()]
    return {"width": width, "height": height, "cx": f"{cx:.0f}", "cy": f"{cy:.0f}", "edges": edges, "nodes": nodes}
