"""Propose links between records of the same real-world event in different sources.

Rules (docs/reconcile.md gives them with the figures measured on the ACLED and UCDP samples):

1. **Hard limits.** Two events of different graphs (datasets or reports) are candidates only when

   - their *possible ranges* (``ckg:earliestDate``..``ckg:latestDate``, else ``ckg:startDate``..
     ``ckg:endDate``) are at most ``days`` apart (0 when they overlap), and
   - their points are at most ``km`` apart. A point that stands for an area (ACLED
     ``geo_precision`` 3, UCDP ``where_prec`` 3 or more: a district, province or country
     centroid) or a missing point cannot be measured: then the test is "same first-level
     region" (admin1 names compared without words such as *oblast* or *governorate*), or the
     same place when neither has regions, and distance gives no evidence;
   - a hostile record (type of sign -1) never pairs with a non-hostile one.

2. **Score** inside the limits::

       0.35 (1 - km / km_limit) + 0.25 (1 - gap / (days + 1)) + 0.30 actors + 0.10 same violent flag

   ``actors`` = shared actors / the larger number of actors, counting only non-generic actors
   (:func:`kg.ingest.identity.is_generic`: civilians, protesters, unidentified groups... give no
   evidence). Actors are resolved through the actor mapping (``graph/derived/identity``) and also
   match on the acronym ACLED writes before ':' ("NDC-R: Nduma Defence of Congo" = UCDP "NDC-R").
   The violent flag is the dataset type's ``ckg:violent`` (else: the event is an Attack).
   Dividing by the larger number means a record that names one actor (an ACLED shelling by
   Russian forces, actor2 empty) against a record naming both sides is half the evidence: with
   the smaller number such pairs reached 0.80 on the samples and were all false (docs/reconcile.md).

3. **Output.** :func:`reconcile` returns the candidates counted and the proposals at or above
   ``min_score``, each with its evidence; :func:`write_links` writes them as ``ckg:sameEventAs``
   links (both directions) in ``graph/derived/reconciliation``, each with a ``ckg:Match``
   (``dcterms:references`` both events) giving the score and the evidence. Each dataset's own
   claims (fatalities, actors, dates) stay on its record.

>>> haversine_km((36.2, 37.16), (36.21, 37.16)) < 1.2
True
>>> sorted(acronyms("NDC-R: Nduma Defence of Congo")), sorted(acronyms("Mayi Mayi Militia (FPP/AP: Popular Patriotic Forces)"))
(['ndcr'], ['fppap'])
>>> sorted(acronyms("FPP-AP")), acronyms("Government of Syria")
(['fppap'], set())
>>> region_key("Donetsk oblast") == region_key("Donetsk"), region_key("Rif Dimashq governorate")
(True, 'rif dimashq')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kg.base.namespaces import graph_prefix, resource_prefix, slug_of, sub_iri
from kg.contract.classes import iri_values
from kg.contract.licences import PROJECT, graph_statements_sparql
from kg.ingest.identity import identity_map, is_generic
from kg.ingest.sources import RECONCILIATION_GRAPH
from kg.store.graph import KnowledgeGraph

__all__ = ["RECONCILIATION_GRAPH", "Proposal", "Reconciliation", "haversine_km", "propose", "reconcile", "write_links"]

#: Weights of the score (they sum to 1).
W_PLACE, W_TIME, W_ACTORS, W_VIOLENT = 0.35, 0.25, 0.30, 0.10

_WINDOW = """
  GRAPH ?g { ?e ckg:startDate ?start ; ckg:eventType ?type }
  FILTER(STRSTARTS(STR(?g), "%(source)s") || STRSTARTS(STR(?g), "%(import)s"))
  OPTIONAL { GRAPH ?g { ?e ckg:endDate ?end0 } }
  OPTIONAL { GRAPH ?g { ?e ckg:earliestDate ?early } }
  OPTIONAL { GRAPH ?g { ?e ckg:latestDate ?late } }
  BIND(COALESCE(?early, ?start) AS ?lo)
  BIND(COALESCE(?late, ?end0, ?start) AS ?hi)
  FILTER(!BOUND(?from) || ?hi >= ?from)
  FILTER(!BOUND(?to) || ?lo <= ?to)
""" % {"source": graph_prefix("source"), "import": graph_prefix("import")}

_EVENTS = """
SELECT ?e ?g ?lo ?hi (SAMPLE(?s) AS ?sign) (SAMPLE(?v) AS ?violent) (MAX(?isAttack) AS ?attack) (SAMPLE(?id) AS ?sid) WHERE {
  %(window)s
  FILTER NOT EXISTS { ?e sem:hasSubEvent ?part }
  FILTER NOT EXISTS { ?e prov:invalidatedAtTime ?retracted }
  OPTIONAL { ?type ckg:sign ?s }
  OPTIONAL { GRAPH ?g { ?e ckg:sourceEventType ?own } ?own ckg:violent ?v }
  OPTIONAL { GRAPH ?g { ?e ckg:sourceId ?id } }
  OPTIONAL { GRAPH ?g { ?e a ?cls } VALUES ?cls { %(attacks)s } BIND(1 AS ?isAttack) }
}
GROUP BY ?e ?g ?lo ?hi
"""

_PLACES = """
SELECT DISTINCT ?e ?g ?pl ?wkt ?p1 ?p2 ?region ?regionLabel WHERE {
  %(window)s
  GRAPH ?g { ?e ckg:place ?pl }
  OPTIONAL { ?pl geo:hasGeometry/geo:asWKT ?wkt }
  OPTIONAL { GRAPH ?g { ?e ckg:rawGeoPrecision ?p1 } }
  OPTIONAL { ?pl ckg:rawGeoPrecision ?p2 }
  OPTIONAL { ?pl ckg:within* ?region . ?region ckg:within ?country . FILTER NOT EXISTS { ?country ckg:within ?up }
             OPTIONAL { ?region rdfs:label ?regionLabel } }
}
"""

_ACTORS = """
SELECT DISTINCT ?e ?g ?a WHERE {
  %(window)s
  GRAPH ?g { ?e ckg:agent|ckg:target|ckg:participant|ckg:sideA|ckg:sideB ?a }
}
"""

_LABELS = """
SELECT ?a (SAMPLE(?l) AS ?label) (GROUP_CONCAT(DISTINCT ?c; SEPARATOR="|") AS ?codes) WHERE {
  ?a rdfs:label ?l FILTER(STRSTARTS(STR(?a), "%(actor)s"))
  OPTIONAL { ?a ckg:sourceCode ?c }
} GROUP BY ?a
""" % {"actor": resource_prefix("actor")}


@dataclass
class Record:
    event: str
    graph: str
    lo: dt.date
    hi: dt.date
    hostile: bool
    violent: bool
    source_id: str | None = None
    point: tuple[float, float] | None = None
    imprecise: bool = False
    places: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)  #: first-level region keys (region_key)
    actors: dict[str, set[str]] = field(default_factory=dict)  #: non-generic actor -> its keys
    generic: set[str] = field(default_factory=set)  #: labels of generic actors (no evidence)


@dataclass
class Proposal:
    """A proposed ``ckg:sameEventAs`` link with its score and the evidence for it."""

    a: str
    b: str
    score: float
    evidence: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "event": self.a, "same_as": self.b, "score": round(self.score, 3),
            "km": self.details.get("km"), "gap_days": self.details.get("gap"),
            "shared_actors": self.details.get("shared", 0), "evidence": self.evidence,
        }


@dataclass
class Reconciliation:
    """What :func:`reconcile` found: how many candidates passed the hard limits, and the proposals."""

    candidates: int
    proposals: list[Proposal]
    km: float
    days: int
    min_score: float

    def summary(self) -> str:
        return (f"{self.candidates} candidate(s) within {self.km:g} km / {self.days} day(s), "
                f"{len(self.proposals)} proposal(s) >= {self.min_score:g}")


def haversine_km(p: tuple[float, float], q: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*p, *q))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


_ACRONYM = re.compile(r"([A-Za-z0-9][A-Za-z0-9/\-]{1,15}):\s")
_BARE_ACRONYM = re.compile(r"[A-Z0-9][A-Z0-9/\-]{1,15}")


def acronyms(name: str) -> set[str]:
    """Acronym keys of a name: what ACLED writes before ':' ("NDC-R: ...", "(FPP/AP: ...)"), or the
    whole name when it is one (UCDP "NDC-R", "FPP-AP"); punctuation dropped, lowercase."""
    found = _ACRONYM.findall(name)
    if not found and _BARE_ACRONYM.fullmatch(name.strip()):
        found = [name.strip()]
    return {re.sub(r"[^a-z0-9]", "", a.lower()) for a in found} - {""}


_REGION_WORDS = {"oblast", "governorate", "province", "region", "state", "department", "district", "division",
                 "prefecture", "muhafazah", "county", "krai", "territory", "municipality", "of"}


def region_key(label: str) -> str:
    """A first-level region name comparable across datasets ("Donetsk oblast" = "Donetsk")."""
    words = re.sub(r"[^a-z0-9]+", " ", label.lower()).split()
    return " ".join(w for w in words if w not in _REGION_WORDS)


_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)


def _precision(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _records(kg: KnowledgeGraph, start: dt.date | None, end: dt.date | None) -> list[Record]:
    params = {k: v for k, v in (("from", start), ("to", end)) if v}
    fill = {"window": _WINDOW, "attacks": iri_values(kg.subclasses("Attack"))}
    records: dict[tuple[str, str], Record] = {}
    for row in kg.query(_EVENTS % fill, params=params).records():
        sign = row.get("sign")
        violent = row.get("violent")
        records[(row["e"], row["g"])] = Record(
            row["e"], row["g"], row["lo"], row["hi"], hostile=sign is not None and int(sign) < 0,
            violent=bool(violent) if violent is not None else bool(row.get("attack")), source_id=row.get("sid"),
        )
    for row in kg.query(_PLACES % fill, params=params).records():
        record = records.get((row["e"], row["g"]))
        if record is None:
            continue
        record.places.add(row["pl"])
        match = _POINT.search(row.get("wkt") or "")
        if match and record.point is None:
            record.point = (float(match.group(2)), float(match.group(1)))
        precision = _precision(row.get("p1")) or _precision(row.get("p2"))
        if precision is not None and precision >= 3:
            record.imprecise = True
        if row.get("regionLabel"):
            record.regions.add(region_key(str(row["regionLabel"])))
        elif row.get("region"):
            record.regions.add(row["region"])
    same_as = identity_map(kg)
    actors = {r["a"]: (str(r.get("label") or ""), set((r.get("codes") or "").split("|"))) for r in kg.query(_LABELS).records()}
    for row in kg.query(_ACTORS % fill, params=params).records():
        record = records.get((row["e"], row["g"]))
        if record is None:
            continue
        label, codes = actors.get(row["a"], (slug_of(row["a"]), set()))
        if is_generic(label, codes):
            record.generic.add(label)
            continue
        resolved = same_as.get(row["a"], row["a"])
        record.actors[resolved] = {resolved} | {f"acronym:{a}" for a in acronyms(label)}
    return list(records.values())


def reconcile(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    days: int = 1,
    km: float = 10.0,
    min_score: float = 0.6,
) -> Reconciliation:
    """Candidates under the hard limits (``days``, ``km``) and the proposals scoring >= ``min_score``.

    :raises UsageError: never; out-of-range limits are the caller's (the CLI checks them).
    """
    records = _records(kg, start, end)
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        day = record.lo
        while day <= record.hi:
            by_day[day].append(i)
            day += dt.timedelta(days=1)
    best: dict[tuple[str, str], Proposal] = {}
    candidates: set[tuple[str, str]] = set()
    for i, record in enumerate(records):
        seen: set[int] = set()
        day = record.lo - dt.timedelta(days=days)
        while day <= record.hi + dt.timedelta(days=days):
            seen.update(j for j in by_day.get(day, ()) if j > i)
            day += dt.timedelta(days=1)
        for j in sorted(seen):
            other = records[j]
            if other.graph == record.graph or other.event == record.event or other.hostile != record.hostile:
                continue
            proposal = _score(record, other, days, km)
            if proposal is None:
                continue
            key = (proposal.a, proposal.b)
            candidates.add(key)
            if proposal.score >= min_score and (key not in best or best[key].score < proposal.score):
                best[key] = proposal
    proposals = sorted(best.values(), key=lambda p: (-p.score, p.a, p.b))
    return Reconciliation(len(candidates), proposals, km, days, min_score)


def propose(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    days: int = 1,
    km: float = 10.0,
    min_score: float = 0.6,
) -> list[Proposal]:
    """The proposals of :func:`reconcile`, best first."""
    return reconcile(kg, start=start, end=end, days=days, km=km, min_score=min_score).proposals


def _gap(a: Record, b: Record) -> int:
    if a.hi < b.lo:
        return (b.lo - a.hi).days
    if b.hi < a.lo:
        return (a.lo - b.hi).days
    return 0


def _score(a: Record, b: Record, days: int, km: float) -> Proposal | None:
    """The proposal for a pair inside the hard limits, None outside them."""
    gap = _gap(a, b)
    if gap > days:
        return None
    distance: float | None = None
    if a.point and b.point and not (a.imprecise or b.imprecise):
        distance = haversine_km(a.point, b.point)
        if distance > km:
            return None
        place_score = 1.0 - distance / km
        where = f"{distance:.1f} km apart"
    elif a.regions and b.regions:
        if not a.regions & b.regions:
            return None
        place_score, where = 0.0, "same region (a point stands for an area or is missing: no distance evidence)"
    elif a.places & b.places:
        place_score, where = 0.0, "same place (no point)"
    else:
        return None
    shared = [x for x, keys in a.actors.items() if any(keys & other for other in b.actors.values())]
    larger = max(len(a.actors), len(b.actors))
    actor_score = min(1.0, len(shared) / larger) if larger else 0.0
    same_violent = a.violent == b.violent
    score = W_PLACE * place_score + W_TIME * (1.0 - gap / (days + 1)) + W_ACTORS * actor_score + W_VIOLENT * same_violent
    evidence = [where, "possible dates overlap" if gap == 0 else f"{gap} day(s) apart"]
    evidence.append(f"shared actors: {', '.join(slug_of(x) for x in sorted(shared))}" if shared else "no shared actor")
    generic = sorted(a.generic | b.generic)
    if generic:
        evidence.append(f"generic actors ignored: {', '.join(generic)}")
    if not same_violent:
        evidence.append("one is violent, the other not")
    first, second = sorted((a, b), key=lambda r: r.event)
    return Proposal(first.event, second.event, score, "; ".join(evidence), {
        "km": round(distance, 1) if distance is not None else None, "gap": gap, "shared": len(shared),
        "ids": (first.source_id, second.source_id),
    })


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
    if lines:  # no links: no graph (not even its licence statements)
        lines.append(graph_statements_sparql(
            str(RECONCILIATION_GRAPH), PROJECT, title="Links between records of the same event (kg reconcile)"))
    body = "\n".join(lines)
    kg.update(f"DROP SILENT GRAPH <{RECONCILIATION_GRAPH}> ; INSERT DATA {{ GRAPH <{RECONCILIATION_GRAPH}> {{ {body} }} }}")
    return len(proposals)
