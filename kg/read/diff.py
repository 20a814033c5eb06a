"""What changed in the actor network between two dates (``kg diff``).

The period is ``start..end`` inclusive. It reports states (memberships, alliances,
control) that began or ended in it, hostile dyads seen for the first time ever, actors
whose first recorded activity falls in it, and actors that went quiet: active in the
period of equal length just before, silent in this one.

>>> import kg, datetime as dt
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> change = network_diff(graph, start=dt.date(2017, 5, 24), end=dt.date(2017, 5, 31))
>>> [s["label"] for s in change.new_states]
['NATO membership in the Anti-ISIS Coalition']
>>> change.first_hostile_dyads
[]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kg.base.temporal import Window
from kg.contract.classes import one_of
from kg.store.graph import KnowledgeGraph

_STATES = """
SELECT ?state ?class ?label ?start ?end WHERE {
  %(place)s
  ?state a ?c ; rdfs:label ?label ; ckg:startDate ?start . %(states)s
  OPTIONAL { ?state ckg:endDate ?end }
  BIND(STRAFTER(STR(?c), "#") AS ?class)
  FILTER((?start >= ?from && !(?start > ?to)) || (BOUND(?end) && ?end >= ?from && !(?end > ?to)))  # not "<=": kg.read.timeview.window_expr
} ORDER BY ?start ?state
"""

_FIRST_HOSTILE = """
SELECT ?agent ?target ?agentLabel ?targetLabel (MIN(?d) AS ?first) (SAMPLE(?e) AS ?event) WHERE {
  %(place)s
  ?e ckg:agent ?agent ; ckg:target ?target ; ckg:eventType/ckg:sign ?sign ; ckg:startDate ?d .
  FILTER(?sign < 0)
  FILTER NOT EXISTS { ?e sem:hasSubEvent ?part }
  FILTER NOT EXISTS { ?e prov:invalidatedAtTime ?retracted }
  ?agent rdfs:label ?agentLabel . ?target rdfs:label ?targetLabel .
}
GROUP BY ?agent ?target ?agentLabel ?targetLabel
ORDER BY ?first ?agentLabel ?targetLabel
"""

_ACTIVITY = """
SELECT ?actor ?label (MIN(?d) AS ?first) (MAX(?d) AS ?last)
       (SUM(IF(?d >= ?from && ?d <= ?to, 1, 0)) AS ?now)
       (SUM(IF(?d >= ?before && ?d < ?from, 1, 0)) AS ?earlier)
WHERE {
  %(place)s
  ?e ckg:agent|ckg:target|ckg:participant|ckg:sideA|ckg:sideB ?actor ; ckg:startDate ?d .
  FILTER NOT EXISTS { ?e prov:invalidatedAtTime ?retracted }
  ?actor rdfs:label ?label .
}
GROUP BY ?actor ?label ORDER BY ?label
"""


@dataclass
class NetworkDiff:
    """The changes of one period."""

    start: dt.date
    end: dt.date
    new_states: list[dict[str, Any]] = field(default_factory=list)
    ended_states: list[dict[str, Any]] = field(default_factory=list)
    first_hostile_dyads: list[dict[str, Any]] = field(default_factory=list)
    appeared: list[dict[str, Any]] = field(default_factory=list)
    went_quiet: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A readable report, one change per line."""
        out = [f"Changes from {self.start} to {self.end} (inclusive)"]
        sections = [
            ("New states", [f"{s['start']}  {s['class']}: {s['label']}" for s in self.new_states]),
            ("Ended states", [f"{s['end']}  {s['class']}: {s['label']}" for s in self.ended_states]),
            ("First-ever hostile dyads", [f"{d['first']}  {d['agentLabel']} -> {d['targetLabel']}" for d in self.first_hostile_dyads]),
            ("Actors that appeared", [f"{a['first']}  {a['label']}" for a in self.appeared]),
            ("Actors that went quiet", [f"last seen {a['last']}  {a['label']}" for a in self.went_quiet]),
        ]
        for title, items in sections:
            out.append(f"\n{title} ({len(items)})")
            out += [f"  {item}" for item in items] or ["  none"]
        return out


def network_diff(kg: KnowledgeGraph, *, start: dt.date, end: dt.date, place: str | None = None) -> NetworkDiff:
    """Compare the network in ``start..end`` with what came before it; with ``place`` (an id,
    label or ISO code: :func:`kg.read.places.resolve_place`), only the events and states located
    there or inside it ("first-ever" then means first there).

    :raises UsageError: an unknown place, a period ending before it starts.
    """
    change = state_changes(kg, start=start, end=end, place=place)
    events_at = ""
    if place:
        from kg.read.places import resolve_place

        events_at = resolve_place(kg, place).pattern("?e")
    change.first_hostile_dyads = [
        row for row in kg.query(_FIRST_HOSTILE % {"place": events_at}).records() if start <= row["first"] <= end
    ]
    params = {"from": start, "to": end, "before": quiet_since(start, end)}
    sort_activity(change, kg.query(_ACTIVITY % {"place": events_at}, params=params).records())
    return change


def quiet_since(start: dt.date, end: dt.date) -> dt.date:
    """The first day of the period of equal length just before ``start..end``."""
    return start - (end - start) - dt.timedelta(days=1)


def state_changes(kg: KnowledgeGraph, *, start: dt.date, end: dt.date, place: str | None = None) -> NetworkDiff:
    """A :class:`NetworkDiff` with the states that began or ended in ``start..end`` (there, with ``place``).

    :raises UsageError: an unknown place, a period ending before it starts.
    """
    Window(start, end)
    states_at = ""
    if place:
        from kg.read.places import resolve_place

        states_at = resolve_place(kg, place).pattern("?state")
    change = NetworkDiff(start, end)
    states = one_of("?c", kg.subclasses("State"))
    params = {"from": start, "to": end}
    for row in kg.query(_STATES % {"states": states, "place": states_at}, params=params).records():
        if start <= row["start"] <= end:
            change.new_states.append(row)
        if row.get("end") and start <= row["end"] <= end:
            change.ended_states.append(row)
    return change


def sort_activity(change: NetworkDiff, rows: list[dict[str, Any]]) -> None:
    """Actors that appeared in the period (first activity in it) or went quiet (active in the period
    just before, not in this one), from rows of ``actor, label, first, last, now, earlier``."""
    for row in rows:
        if change.start <= row["first"] <= change.end:
            change.appeared.append(row)
        elif row["earlier"] and not row["now"]:
            change.went_quiet.append(row)
