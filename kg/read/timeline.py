"""The chronological story: one entry per event and per state change (start, end).

>>> import kg, datetime as dt
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> for entry in timeline(graph, actor="ahrar-al-sham", start=dt.date(2017, 5, 22)):
...     print(entry.line())
2017-05-18..2017-05-23  Attack  Islamic State of Iraq and Syria -> Ahrar al-Sham, Alawite community (Syria), Ismaili community (Syria), Shi'a community (Syria)  @ Western Syria  [Syria SITREP Map: May 31, 2017]
2017-05-22  Meeting  Ahrar al-Sham  @ Eastern Idlib  [Syria SITREP Map: May 31, 2017]
2017-05-22  Attack  Islamic State of Iraq and Syria -> Ahrar al-Sham  @ Eastern Idlib  [Syria SITREP Map: May 31, 2017]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from kg.base.temporal import Match
from kg.contract.classes import iri_values, one_of
from kg.read.lookups import ACTOR_ROLES, actor_iri
from kg.read.places import resolve_place
from kg.read.timeview import window_filters, window_join
from kg.sparql.terms import to_term
from kg.store.graph import KnowledgeGraph

# Two queries, not one UNION: Oxigraph joins what follows a UNION over the whole store. Optional
# values come through plain triple patterns: a path inside OPTIONAL is evaluated over the whole store.
_GROUPED = """
SELECT ?fact ?kind ?change ?date ?end ?p ?class ?label
       (GROUP_CONCAT(DISTINCT ?agentLabel; SEPARATOR="|") AS ?agents)
       (GROUP_CONCAT(DISTINCT ?otherLabel; SEPARATOR="|") AS ?others)
       (GROUP_CONCAT(DISTINCT ?placeLabel; SEPARATOR="|") AS ?places)
       (SAMPLE(?sourceTitle) AS ?source)
WHERE {
  %(body)s
  OPTIONAL { ?fact ckg:place ?place . ?place rdfs:label ?placeLabel }
  OPTIONAL { ?fact prov:wasDerivedFrom ?sourceId . ?sourceId dcterms:title ?sourceTitle }
  %(filters)s
}
GROUP BY ?fact ?kind ?change ?date ?end ?p ?class ?label
"""

_EVENTS = """
  %(anchor)s
  %(window)s
  ?fact a ?class ; rdfs:label ?label ; ckg:startDate ?date ; ckg:datePrecision ?p .
  %(events)s
  OPTIONAL { ?fact ckg:endDate ?e0 }
  BIND(COALESCE(?e0, ?date) AS ?end)
  BIND("event" AS ?kind) BIND("" AS ?change)
  OPTIONAL { ?fact ckg:agent ?agent . ?agent rdfs:label ?agentLabel }
  OPTIONAL { ?fact ckg:target|ckg:about ?other . ?other rdfs:label ?otherLabel }
"""

# the state classes first: Oxigraph follows the written order between equally bound patterns
_STATE_CHANGES = """
  %(anchor)s
  VALUES ?class { %(states)s }
  ?fact a ?class ; rdfs:label ?label ; ckg:startDate ?start ; ckg:datePrecision ?p .
  OPTIONAL { ?fact ckg:endDate ?stateEnd }
  VALUES ?change { "starts" "ends" }
  FILTER(?change = "starts" || BOUND(?stateEnd))
  BIND(IF(?change = "starts", ?start, ?stateEnd) AS ?date)
  BIND(?date AS ?end)
  BIND("state" AS ?kind)
  OPTIONAL { ?fact org:member ?member . ?member rdfs:label ?memberLabel }
  OPTIONAL { ?fact ckg:party ?party . ?party rdfs:label ?partyLabel }
  BIND(COALESCE(?memberLabel, ?partyLabel) AS ?agentLabel)  # a membership has a member, the others parties
  OPTIONAL { ?fact org:organization ?other . ?other rdfs:label ?otherLabel }
"""

_HAS_STATES = "ASK { VALUES ?class { %(states)s } ?fact a ?class }"

#: The roles that tie an actor to a state (a membership's member and organisation, an agreement's parties).
STATE_ROLES = "org:member|org:organization|ckg:party"

_BATCH = 500


@dataclass(frozen=True)
class Entry:
    """One line of the story."""

    fact: str
    kind: str  # "event" | "state"
    change: str  # "" for events, "starts" | "ends" for states
    start: dt.date
    end: dt.date
    precision: str
    type: str
    label: str
    agents: str
    others: str
    places: str
    source: str

    @property
    def when(self) -> str:
        """The date as stated: ``2017-05-23``, ``2017-05 (month)``, ``2017 (year)`` or a range."""
        if self.precision == "month":
            return f"{self.start:%Y-%m} (month)"
        if self.precision == "year":
            return f"{self.start:%Y} (year)"
        span = self.start.isoformat() if self.start == self.end else f"{self.start}..{self.end}"
        return f"{span} (approximate)" if self.precision == "approximate" else span

    def line(self) -> str:
        """``date  type  agent -> target  @ place  [source]``."""
        what = f"{self.type} {self.change}" if self.change else self.type
        who = self.agents + (f" -> {self.others}" if self.others else "")
        where = f"  @ {self.places}" if self.places else ""
        return f"{self.when}  {what}  {who}{where}  [{self.source}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.when, "start": self.start.isoformat(), "end": self.end.isoformat(),
            "precision": self.precision, "type": self.type, "change": self.change, "label": self.label,
            "agents": self.agents, "targets": self.others, "places": self.places, "source": self.source,
            "fact": self.fact,
        }


def timeline(
    kg: KnowledgeGraph,
    *,
    actor: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    known_on: dt.date | None = None,
    mode: Match | str = Match.LOOSE,
    place: str | None = None,
) -> list[Entry]:
    """Events and state changes in date order, optionally of one actor (in any role, or
    what a statement or assessment is about), a window, a record date and a place (id, label
    or ISO code, with the places inside it: :func:`kg.read.places.resolve_place`; only states
    with a place there are kept)."""
    params, filters = window_filters(start, end, known_on=known_on, mode=mode, fact="?fact")
    window = window_join(start, end, fact="?fact")  # events; states are few
    anchor = _anchor(kg, actor, place)
    events = one_of("?class", kg.subclasses("Event"))
    rows = _rows(kg, _EVENTS % {"anchor": anchor, "window": window, "events": events}, filters, params)
    rows += state_rows(kg, anchor=anchor, filters=filters, params=params)
    return entries(rows)


def _anchor(kg: KnowledgeGraph, actor: str | None, place: str | None) -> str:
    """The pattern starting from the actor's facts (any role, what is said about it, its
    memberships and agreements) and the place's, resolved in that order."""
    anchor = ""
    if actor:
        # Joined first, so the engine starts from the actor's facts; the IRI is written in (as
        # an N-Triples term) so the planner sees a constant.
        who = to_term(actor_iri(kg, actor))
        anchor = f"?fact {ACTOR_ROLES}|ckg:about|{STATE_ROLES} {who} ."
    if place:
        anchor = resolve_place(kg, place).pattern("?fact") + "\n  " + anchor
    return anchor


class TimelineFilters(TypedDict, total=False):
    """What :func:`timeline` keeps (its keyword options, for the functions that take the same)."""

    actor: str | None
    start: dt.date | None
    end: dt.date | None
    known_on: dt.date | None
    mode: Match | str
    place: str | None


def state_rows(kg: KnowledgeGraph, *, anchor: str | None = None, filters: list[str] | None = None,
               params: dict[str, Any] | None = None, **scope: Unpack[TimelineFilters]) -> list[dict[str, Any]]:
    """The state changes of :func:`timeline` (the rows :func:`entries` reads); ``anchor``,
    ``filters`` and ``params`` when the caller has them already."""
    if filters is None or params is None:
        params, filters = window_filters(scope.get("start"), scope.get("end"), known_on=scope.get("known_on"),
                                         mode=scope.get("mode", Match.LOOSE), fact="?fact")
    if anchor is None:
        anchor = _anchor(kg, scope.get("actor"), scope.get("place"))
    states = iri_values(kg.subclasses("State"))
    if not kg.query(_HAS_STATES % {"states": states}).boolean:
        return []
    return _rows(kg, _STATE_CHANGES % {"anchor": anchor, "states": states}, filters, params)


def event_rows(kg: KnowledgeGraph, iris: list[str]) -> list[dict[str, Any]]:
    """The event rows of :func:`timeline` for the events ``iris`` (chosen elsewhere, e.g. by the
    analytic index): the same query, its requirements (an event class, a label, a start date, a
    precision) and columns, read in batches of :data:`_BATCH` events (``VALUES``)."""
    events = one_of("?class", kg.subclasses("Event"))
    rows: list[dict[str, Any]] = []
    for i in range(0, len(iris), _BATCH):
        values = " ".join(f"<{iri}>" for iri in iris[i : i + _BATCH])
        body = _EVENTS % {"anchor": f"VALUES ?fact {{ {values} }}", "window": "", "events": events}
        rows += _rows(kg, body, [], {})
    return rows


def entries(rows: list[dict[str, Any]]) -> list[Entry]:
    """The story's entries from event and state rows, in date order."""
    rows = sorted(rows, key=lambda r: (r["date"], r["end"], r["kind"], r["fact"]))
    return [
        Entry(
            fact=r["fact"], kind=r["kind"], change=r["change"], start=r["date"], end=r["end"],
            precision=r["p"].rsplit("#", 1)[-1].lower(), type=r["class"].rsplit("#", 1)[-1],
            label=r["label"], agents=_sorted(r.get("agents")), others=_sorted(r.get("others")),
            places=_sorted(r.get("places")), source=r.get("source", ""),
        )
        for r in rows
    ]


def _rows(kg: KnowledgeGraph, body: str, filters: list[str], params: dict[str, Any]) -> list[dict[str, Any]]:
    return kg.query(_GROUPED % {"body": body, "filters": "\n  ".join(filters)}, params=params).records()


def _sorted(joined: str | None) -> str:
    return ", ".join(sorted(filter(None, (joined or "").split("|"))))
