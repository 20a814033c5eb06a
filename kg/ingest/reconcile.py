"""Propose links between records of the same real-world event in different sources.

Two events from different graphs (datasets or reports) are candidates when their
days are at most ``days`` apart; the score weighs how close in time (0.4), in space
(0.3: kilometres between their places' points, or the admin hierarchy when a point is
missing) and how many actors they share by name (0.3), halved when their event types
have different signs (an attack is not a meeting). Proposals at or above
``min_score`` become ``ckg:sameEventAs`` links (both directions) in
``graph/derived/reconciliation``, each with a ``ckg:Match`` (``dcterms:references`` both events) giving the score and the
evidence. Each dataset's own claims (fatalities, actors, dates) stay on its record.

>>> haversine_km((36.2, 37.16), (36.21, 37.16)) < 1.2
True
>>> actor_key("Islamic State (Syria)"), actor_key("ISIS")
('islamic state', 'isis')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.base.namespaces import graph_iri, graph_prefix, slug_of, sub_iri
from kg.store.graph import KnowledgeGraph

RECONCILIATION_GRAPH = graph_iri("derived", "reconciliation")

_EVENTS = """
SELECT ?e ?g ?start ?end (SAMPLE(?wkt0) AS ?wkt) (GROUP_CONCAT(DISTINCT STR(?pl); SEPARATOR="|") AS ?places)
       (GROUP_CONCAT(DISTINCT STR(?within); SEPARATOR="|") AS ?regions)
       (GROUP_CONCAT(DISTINCT ?name; SEPARATOR="|") AS ?actors) (SAMPLE(?l) AS ?label) (SAMPLE(?s) AS ?sign)
WHERE {
  GRAPH ?g { ?e ckg:startDate ?start ; ckg:eventType ?type }
  FILTER(STRSTARTS(STR(?g), "%(source)s") || STRSTARTS(STR(?g), "%(import)s"))
  FILTER NOT EXISTS { ?e sem:hasSubEvent ?part }
  FILTER NOT EXISTS { ?e prov:invalidatedAtTime ?retracted }
  OPTIONAL { ?e ckg:endDate ?end0 }
  BIND(COALESCE(?end0, ?start) AS ?end)
  FILTER(!BOUND(?from) || ?end >= ?from)
  FILTER(!BOUND(?to) || ?start <= ?to)
  OPTIONAL { ?e rdfs:label ?l }
  OPTIONAL { ?type ckg:sign ?s }
  OPTIONAL { ?e ckg:place ?pl . OPTIONAL { ?pl geo:hasGeometry/geo:asWKT ?wkt0 } OPTIONAL { ?pl ckg:within+ ?within } }
  OPTIONAL { ?e ckg:agent|ckg:target|ckg:participant ?a . ?a rdfs:label|skos:altLabel ?name }
}
GROUP BY ?e ?g ?start ?end
""" % {"source": graph_prefix("source"), "import": graph_prefix("import")}


@dataclass
class Record:
    event: str
    graph: str
    start: dt.date
    end: dt.date
    point: tuple[float, float] | None
    places: set[str]
    regions: set[str]
    actors: set[str]
    label: str
    sign: int | None


@dataclass
class Proposal:
    """A proposed ``ckg:sameEventAs`` link with its score and the evidence for it."""

    a: str
    b: str
    score: float
    evidence: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"event": self.a, "same_as": self.b, "score": round(self.score, 3), "evidence": self.evidence}


def haversine_km(p: tuple[float, float], q: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*p, *q))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def actor_key(name: str) -> str:
    """A name for matching: lowercase words, without a trailing bracketed country or years."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)


def _records(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None) -> list[Record]:
    params = {k: v for k, v in (("from", start), ("to", end)) if v}
    out = []
    for row in kg.query(_EVENTS, params=params).records():
        match = _POINT.search(row.get("wkt", "") or "")
        point = (float(match.group(2)), float(match.group(1))) if match else None
        split = lambda key, row=row: {x for x in (row.get(key) or "").split("|") if x}  # noqa: E731
        out.append(Record(
            row["e"], row["g"], row["start"], row["end"], point, split("places"), split("regions"),
            {actor_key(n) for n in split("actors")}, row.get("label", ""), row.get("sign"),
        ))
    return out


def propose(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    days: int = 1,
    km: float = 10.0,
    min_score: float = 0.6,
) -> list[Proposal]:
    """Score every pair of events from different graphs at most ``days`` apart; keep those >= ``min_score``."""
    records = _records(kg, start, end)
    by_day: dict[dt.date, list[Record]] = defaultdict(list)
    for record in records:
        by_day[record.start].append(record)
    proposals = []
    for record in records:
        for offset in range(0, days + 1):
            for other in by_day.get(record.start + dt.timedelta(days=offset), ()):
                if other.graph == record.graph or (offset == 0 and other.event <= record.event):
                    continue
                proposal = _score(record, other, offset, days, km)
                if proposal.score >= min_score:
                    proposals.append(proposal)
    return sorted(proposals, key=lambda p: (-p.score, p.a, p.b))


def _score(a: Record, b: Record, gap: int, days: int, km: float) -> Proposal:
    time_score = 1.0 - gap / (days + 1)
    evidence = ["same day" if gap == 0 else f"{gap} day(s) apart"]
    if a.point and b.point:
        distance = haversine_km(a.point, b.point)
        place_score = max(0.0, 1.0 - distance / km)
        evidence.append(f"{distance:.1f} km apart")
    elif a.places & b.places:
        place_score = 1.0
        evidence.append("same place")
    elif (a.places & b.regions) or (b.places & a.regions):
        place_score = 0.5
        evidence.append("one place lies within the other")
    else:
        place_score = 0.0
        evidence.append("places unrelated" if a.places and b.places else "a place is missing")
    shared = a.actors & b.actors
    actor_score = len(shared) / min(len(a.actors), len(b.actors)) if a.actors and b.actors else 0.0
    evidence.append(f"shared actors: {', '.join(sorted(shared))}" if shared else "no shared actor")
    score = 0.4 * time_score + 0.3 * place_score + 0.3 * actor_score
    if a.sign is not None and b.sign is not None and a.sign != b.sign:
        score /= 2
        evidence.append("event types of opposite sign (score halved)")
    first, second = sorted((a.event, b.event))
    return Proposal(first, second, score, "; ".join(evidence))


def write_links(kg: KnowledgeGraph, proposals: list[Proposal]) -> int:
    """Replace the reconciliation graph with ``proposals`` (run again = same graph)."""
    lines = []
    for p in proposals:
        match = sub_iri(p.a, f"same-as-{slug_of(p.b)}")
        evidence = p.evidence.replace("\\", "\\\\").replace('"', '\\"')
        lines += [
            f"<{p.a}> ckg:sameEventAs <{p.b}> .",
            f"<{p.b}> ckg:sameEventAs <{p.a}> .",
            f"<{match}> a ckg:Match ; dcterms:references <{p.a}> , <{p.b}> ; "
            f'ckg:matchScore "{p.score:.3f}"^^xsd:decimal ; ckg:matchEvidence "{evidence}" .',
        ]
    body = "\n".join(lines)
    kg.update(f"DROP SILENT GRAPH <{RECONCILIATION_GRAPH}> ; INSERT DATA {{ GRAPH <{RECONCILIATION_GRAPH}> {{ {body} }} }}")
    return len(proposals)
