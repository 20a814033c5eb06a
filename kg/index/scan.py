"""Build the analytic event index from the store: one streaming pass per property.

The store is read one property at a time (``store.quads_for_pattern(None, p, None, None)`` on an
embedded store, ``SELECT ?s ?o WHERE { ?s p ?o }`` on a remote one): about twenty properties,
each a sequential index scan, with no join planned by the engine. Python keeps one small dict
per property and assembles the tables at the end (:class:`Tables`, columns in
:mod:`kg.index.columns`).

The same rules as the SPARQL queries of :mod:`kg.analysis.projection` decide what an event is:
a resource of an event class with an event type, a date precision and a start date. Where a
property has several values, the index keeps what the queries test: the earliest
``ckg:earliestDate``, the latest ``ckg:latestDate``, the earliest source issue date and
retraction, the latest record time (``prov:generatedAtTime``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyoxigraph as ox

from kg.base.namespaces import CKG, DCTERMS, PROV, RDF, RDFS, SEM, SKOS
from kg.base.progress import Stages, no_progress
from kg.index.columns import ACTOR_SCHEMA, CONCEPT_SCHEMA, EVENT_SCHEMA, PAIR_SCHEMA, ROLES
from kg.store.graph import KnowledgeGraph


@dataclass
class Tables:
    """The index's tables (Arrow) and the store generation they were read at."""

    events: pa.Table
    pairs: pa.Table
    actors: pa.Table
    concepts: pa.Table
    stamp: str


def _triples(kg: KnowledgeGraph, predicate: str, *, dates: bool = False) -> list[list[str]]:
    """``[subject, object]`` of every triple with ``predicate`` in the committed graphs, as text:
    IRIs bare, literals by their lexical form (``dates``: only ``xsd:date`` literals, the only ones
    that compare with a date in the SPARQL path).

    An embedded store serializes the whole answer as SPARQL CSV in the engine and Python splits it
    with the C csv reader: the engine's cost of decoding each term (4 to 8 µs a row on this
    machine) is the floor; reading the same rows as term objects costs about twice as much.
    """
    test = " FILTER(DATATYPE(?o) = xsd:date)" if dates else ""
    raw = kg.raw_query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o{test} }}")
    if not isinstance(raw, ox.QuerySolutions):  # a remote store's Result
        return [[row[0].value, row[1].value] for row in raw.rows if isinstance(row[0], ox.NamedNode) and row[1] is not None]
    text = (raw.serialize(format=ox.QueryResultsFormat.CSV) or b"").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[1:]  # after the header


def _first(kg: KnowledgeGraph, predicate: str, keep: Collection[str] | None = None) -> dict[str, str]:
    """subject IRI -> the value of its last triple with ``predicate`` (the last row also wins in
    the projection's SPARQL), for subjects in ``keep``."""
    if keep is None:
        return {row[0]: row[1] for row in _triples(kg, predicate)}
    return {s: o for s, o in _triples(kg, predicate) if s in keep}


def _dates(kg: KnowledgeGraph, predicate: str, keep: Collection[str], pick: Any) -> dict[str, dt.date]:
    """subject -> ``pick`` (min or max) of its xsd:date values."""
    out: dict[str, dt.date] = {}
    for s, o in _triples(kg, predicate, dates=True):
        if s not in keep:
            continue
        try:
            day = dt.date.fromisoformat(o)
        except ValueError:
            continue
        seen = out.get(s)
        out[s] = day if seen is None else pick(seen, day)
    return out


def _days(kg: KnowledgeGraph, predicate: str, keep: Collection[str], pick: Any) -> dict[str, str]:
    """subject -> ``pick`` of the first ten characters of its values (record times: a day as text)."""
    out: dict[str, str] = {}
    for s, o in _triples(kg, predicate):
        if s in keep:
            day = o[:10]
            seen = out.get(s)
            out[s] = day if seen is None else pick(seen, day)
    return out


def _least(kg: KnowledgeGraph, predicate: str, keep: Collection[str]) -> dict[str, str]:
    """subject -> the least of its values (text order, as SPARQL's ``MIN(STR(?o))``), for subjects in ``keep``."""
    out: dict[str, str] = {}
    for s, o in _triples(kg, predicate):
        if s in keep:
            seen = out.get(s)
            if seen is None or o < seen:
                out[s] = o
    return out


def _all(kg: KnowledgeGraph, predicate: str, keep: Collection[str]) -> dict[str, list[str]]:
    """subject -> its distinct values in store order, for subjects in ``keep``."""
    out: dict[str, list[str]] = {}
    for s, o in _triples(kg, predicate):
        if s in keep:
            found = out.setdefault(s, [])
            if o not in found:
                found.append(o)
    return out


def scan(kg: KnowledgeGraph, *, progress: Stages = no_progress) -> Tables:
    """Read the store into the index's tables, one property at a time.

    The stamp is read first: a write during the scan changes the store's stamp, so the index
    built here is found stale at its next use, never wrongly fresh.
    """
    stamp = kg.generation()
    event_classes = set(kg.subclasses("Event"))
    actor_classes = set(kg.subclasses("Actor"))
    country_class = str(CKG.Country)
    steps = 25
    with progress("index: read the store", steps) as tick:
        cls: dict[str, str] = {}
        actor_cls: dict[str, str] = {}
        countries: set[str] = set()
        for s, o in _triples(kg, str(RDF.type)):
            if o in event_classes:
                cls[s] = o
            elif o in actor_classes:
                actor_cls[s] = o
            elif o == country_class:
                countries.add(s)
        tick(1)
        etype = _first(kg, str(CKG.eventType), cls)
        precision = _first(kg, str(CKG.datePrecision), cls)
        starts = {s: o for s, o in _triples(kg, str(CKG.startDate), dates=True) if s in cls}
        tick(3)
        # an event: of an event class, with a type, a precision and a start date (the projection's required patterns)
        events = [e for e in cls if e in etype and e in precision and e in starts]
        keep = dict.fromkeys(events)
        ends = _first(kg, str(CKG.endDate), keep)
        earliest = _dates(kg, str(CKG.earliestDate), keep, min)
        latest = _dates(kg, str(CKG.latestDate), keep, max)
        tick(3)
        parents: set[str] = set()
        parent_of: dict[str, str] = {}  # a part -> its campaign (the least, as the views' MIN)
        for s, o in _triples(kg, str(SEM.hasSubEvent)):
            parents.add(s)
            if o in keep and (o not in parent_of or s < parent_of[o]):
                parent_of[o] = s
        invalidated = _days(kg, str(PROV.invalidatedAtTime), keep, min)
        recorded = _days(kg, str(PROV.generatedAtTime), keep, max)
        tick(3)
        sources: dict[str, list[str]] = {}
        for s, o in _triples(kg, str(PROV.wasDerivedFrom)):
            if s in keep:
                sources.setdefault(s, []).append(o)
        all_sources = {src for srcs in sources.values() for src in srcs}
        issued = _dates(kg, str(DCTERMS.issued), all_sources, min)
        titles = _least(kg, str(DCTERMS.title), all_sources)
        tick(2)
        event_places = _all(kg, str(CKG.place), keep)
        places = {e: found[0] for e, found in event_places.items()}
        place_set = {p for found in event_places.values() for p in found}
        labels: dict[str, str] = {}
        place_labels: dict[str, list[str]] = {}
        for s, o in _triples(kg, str(RDFS.label)):
            labels.setdefault(s, o)
            if s in place_set:
                named = place_labels.setdefault(s, [])
                if o not in named:
                    named.append(o)
        tick(2)
        own_type = _first(kg, str(CKG.sourceEventType), keep)
        signs = _first(kg, str(CKG.sign), set(etype.values()))
        fatalities = _first(kg, str(CKG.fatalities), keep)
        wikidata = _first(kg, str(CKG.wikidataId), actor_cls)
        quotes = _least(kg, str(CKG.quote), keep)
        described = _least(kg, str(DCTERMS.description), keep.keys() | actor_cls.keys())
        aliases = _all(kg, str(SKOS.altLabel), actor_cls)
        kinds = _all(kg, str(CKG.actorKind), actor_cls)
        concepts = set(own_type.values()) | {k for found in kinds.values() for k in found}
        pref: dict[str, list[str]] = _all(kg, str(SKOS.prefLabel), concepts)
        tick(2)
        roles: dict[str, dict[str, list[str]]] = {role: {} for role in ROLES}
        for role in ROLES:
            for s, o in _triples(kg, str(CKG[role])):
                if s in keep:
                    found = roles[role].setdefault(s, [])
                    if o not in found:
                        found.append(o)
        tick(4)
        within = _first(kg, str(CKG.within))
        broader = list(_triples(kg, str(SKOS.broader)))
        tick(3)
    country_of = _country_lookup(within, countries, labels)
    with progress("index: assemble the tables", 1) as tick:
        tables = Tables(
            events=_event_table(events, cls, etype, precision, starts, ends, earliest, latest, parents, invalidated,
                                recorded, sources, issued, labels, own_type, signs, fatalities, roles, places, country_of,
                                _event_details(events, event_places, place_labels, quotes, described, sources, titles,
                                               parent_of, own_type, pref)),
            pairs=_pair_table(events, roles, actor_cls),
            actors=_actor_table(actor_cls, roles, labels, wikidata, described, aliases, kinds, pref),
            concepts=pa.table({"concept": [n for n, _ in broader], "broader": [b for _, b in broader]}, schema=CONCEPT_SCHEMA),
            stamp=stamp,
        )
        tick(1)
    return tables


def _actor_table(actor_cls: dict[str, str], roles: dict[str, dict[str, list[str]]], labels: dict[str, str],
                 wikidata: dict[str, str], described: dict[str, str], aliases: dict[str, list[str]],
                 kinds: dict[str, list[str]], pref: dict[str, list[str]]) -> pa.Table:
    """Every actor, and every other resource in an event role (a place acted upon, an event a
    statement is about) with an empty ``type``, so reports can name them."""
    others = {iri for by_event in roles.values() for members in by_event.values() for iri in members} - actor_cls.keys()
    names = [*actor_cls, *sorted(others)]

    def kind(actor: str) -> str:
        found = [label for k in kinds.get(actor, []) for label in pref.get(k, [])]
        return min(found) if found and actor in actor_cls else ""

    return pa.table({
        "actor": names,
        "label": [labels.get(a) for a in names],
        "type": [actor_cls[a].rsplit("#", 1)[-1] if a in actor_cls else "" for a in names],
        "wikidata": [wikidata.get(a, "") for a in names],
        "description": [described.get(a, "") if a in actor_cls else "" for a in names],
        "aliases": [sorted(aliases.get(a, [])) for a in names],
        "kind": [kind(a) for a in names],
    }, schema=ACTOR_SCHEMA)


def _event_details(events: list[str], event_places: dict[str, list[str]], place_labels: dict[str, list[str]],
                   quotes: dict[str, str], described: dict[str, str], sources: dict[str, list[str]],
                   titles: dict[str, str], parent_of: dict[str, str], own_type: dict[str, str],
                   pref: dict[str, list[str]]) -> dict[str, list[Any]]:
    """The columns the views show beside the analyses' (:mod:`viz.data`): every place's labels,
    the quote and description, the source's title, the campaign, the dataset type's label."""
    memo: dict[tuple[str, ...], list[str]] = {}

    def names(found: list[str]) -> list[str]:
        key = tuple(found)
        if key not in memo:  # GROUP_CONCAT(DISTINCT label-or-IRI) split on "|", as viz.data's SPARQL
            distinct = dict.fromkeys(label for p in found for label in (place_labels.get(p) or [p]))
            memo[key] = sorted(part for label in distinct for part in label.split("|") if part)
        return memo[key]

    def title(event: str) -> str:
        found = [titles[s] for s in sources.get(event, []) if s in titles]
        return min(found) if found else ""

    def least(values: list[str] | None) -> str:
        return min(values) if values else ""

    return {
        "place_labels": [names(event_places.get(e, [])) for e in events],
        "quote": [quotes.get(e, "") for e in events],
        "description": [described.get(e, "") for e in events],
        "source_title": [title(e) for e in events],
        "parent": [parent_of.get(e, "") for e in events],
        "dataset_type_label": [least(pref.get(own_type.get(e, ""))) for e in events],
    }


def _country_lookup(within: dict[str, str], countries: set[str], labels: dict[str, str]) -> dict[str, str]:
    """place -> the label of the country it is (or lies within), following ``ckg:within``."""
    memo: dict[str, str] = {}

    def country(place: str) -> str:
        if place in memo:
            return memo[place]
        seen, node, found = [], place, ""
        while node and node not in seen:
            if node in memo:
                found = memo[node]
                break
            seen.append(node)
            if node in countries:
                found = labels.get(node, "")
                break
            node = within.get(node, "")
        for visited in seen:
            memo[visited] = found
        return found

    return {place: country(place) for place in set(within) | countries}


def _event_table(events: list[str], cls: dict[str, str], etype: dict[str, str], precision: dict[str, str],
                 starts: dict[str, str], ends: dict[str, str], earliest: dict[str, dt.date], latest: dict[str, dt.date],
                 parents: set[str], invalidated: dict[str, str], recorded: dict[str, str], sources: dict[str, list[str]],
                 issued: dict[str, dt.date], labels: dict[str, str], own_type: dict[str, str], signs: dict[str, str],
                 fatalities: dict[str, str], roles: dict[str, dict[str, list[str]]], places: dict[str, str],
                 country_of: dict[str, str], details: dict[str, list[Any]]) -> pa.Table:
    def sign_of(event: str) -> int:
        try:
            return int(signs.get(etype[event], 0))
        except ValueError:
            return 0

    def integer(text: str | None) -> int | None:
        try:
            return int(text) if text is not None else None
        except ValueError:
            return None

    def first_issue(event: str) -> dt.date | None:
        days = [issued[s] for s in sources.get(event, []) if s in issued]
        return min(days) if days else None

    start_days = pc.cast(pa.array([starts[e] for e in events], pa.string()), pa.date32())
    end_text = pa.array([ends.get(e) for e in events], pa.string())
    end_days = pc.coalesce(_parse_days(end_text), start_days)
    columns: dict[str, Any] = {
        "event": events,
        "label": [labels.get(e, "") for e in events],
        "class": [cls[e].rsplit("#", 1)[-1] for e in events],
        "type": [etype[e] for e in events],
        "sign": [sign_of(e) for e in events],
        "dataset_type": [own_type.get(e, "") for e in events],
        "start": start_days,
        "end": end_days,
        "precision": [precision[e].rsplit("#", 1)[-1].lower() for e in events],
        "earliest": [earliest.get(e) for e in events],
        "latest": [latest.get(e) for e in events],
        "source": [(sources.get(e) or [""])[-1] for e in events],
        "issued": [first_issue(e) for e in events],
        "recorded": [recorded.get(e) for e in events],
        "invalidated": [invalidated.get(e) for e in events],
        "has_parts": [e in parents for e in events],
        "place": [places.get(e, "") for e in events],
        "country": [country_of.get(places.get(e, ""), "") for e in events],
        "fatalities": [integer(fatalities.get(e)) for e in events],
    }
    for role in ROLES:
        columns[role] = [roles[role].get(e, []) for e in events]
    columns.update(details)
    return pa.table(columns, schema=EVENT_SCHEMA)


def _parse_days(text: pa.Array) -> pa.Array:
    """ISO days to dates; what is not a day (a malformed end) becomes null, as in the SPARQL path's
    failed comparison."""
    good = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$")
    return pc.cast(pc.if_else(good, text, pa.scalar(None, pa.string())), pa.date32())


def _pair_table(events: list[str], roles: dict[str, dict[str, list[str]]], actors: dict[str, str]) -> pa.Table:
    """The projection's actor pairs of every event (:mod:`kg.analysis.projection`: agent -> target,
    agent -> participant, side A -- side B, co-participants of an event with neither agent nor
    sides, agent -> what a statement is about), between actors only (other nodes leave the graph)."""
    rows: dict[str, list[Any]] = {"eid": [], "a": [], "b": [], "role": []}
    agent, target, participant = roles["agent"], roles["target"], roles["participant"]
    side_a, side_b, about = roles["sideA"], roles["sideB"], roles["about"]

    def add(eid: int, left: list[str], right: list[str], role: str) -> None:
        for a in left:
            if a not in actors:
                continue
            for b in right:
                if b != a and b in actors:
                    rows["eid"].append(eid)
                    rows["a"].append(a)
                    rows["b"].append(b)
                    rows["role"].append(role)

    for eid, event in enumerate(events):
        agents = agent.get(event, [])
        if agents:
            add(eid, agents, target.get(event, []), "target")
            add(eid, agents, participant.get(event, []), "participant")
            add(eid, agents, about.get(event, []), "about")
        sides = side_a.get(event, [])
        if sides:
            add(eid, sides, side_b.get(event, []), "side")
        if not agents and not sides:
            people = sorted(participant.get(event, []))
            for i, a in enumerate(people):
                add(eid, [a], people[i + 1:], "co-participant")
    return pa.table(rows, schema=PAIR_SCHEMA)
