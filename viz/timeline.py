"""The timeline view (events on a time axis in swimlanes) and the explore view (network, map and
timeline in one page, selecting in one highlights in the others).

Lanes per actor: an event goes in the lane of each of its agents (or, without an agent, of each
actor involved); with ``actors`` given, in the lane of each of those actors it involves in any role.
Lanes per type: one lane per event class. A membership state is a bar from its start to its end
(or to the end of the view while it still holds), in the member's lane.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> view = timeline_view(graph, actors=["ahrar-al-sham"])
>>> view.stats["lanes"], view.stats["items"]
(['Ahrar al-Sham'], 3)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any, Unpack

from kg.base.errors import UsageError
from kg.base.temporal import Match
from kg.store.graph import KnowledgeGraph
from viz.data import Selection, ViewData, collect
from viz.layout import LAYOUT_THRESHOLD, SizeBy
from viz.map import basemap, map_payload
from viz.network import _legend_context, _payload, _size, _stats, network_payload, window_subtitle
from viz.render import View, render_page


class LaneBy(str, enum.Enum):
    """What a timeline swimlane stands for."""

    ACTOR = "actor"
    TYPE = "type"


def timeline_payload(data: ViewData, *, lane_by: LaneBy | str = LaneBy.ACTOR, actors: Sequence[str] = ()) -> dict[str, Any]:
    """The ``timeline`` part of a page's data: lanes and items (events and states)."""
    try:
        lane_by = LaneBy(lane_by)
    except ValueError:
        raise UsageError(f"unknown lane kind {lane_by!r}: use actor or type") from None
    wanted = {i for i, n in enumerate(data.nodes) if n["slug"] in set(actors)}
    by_event: dict[int, dict[str, list[int]]] = {}
    for event, actor, role in data.roles:
        by_event.setdefault(event, {}).setdefault(role, []).append(actor)
    lanes: dict[str, str] = {}
    items: list[dict[str, Any]] = []

    def add(kind: str, ref: int, lane: str, label: str) -> None:
        lanes.setdefault(lane, label)
        items.append({"id": f"t{len(items)}", "kind": kind, "ref": ref, "lane": lane})

    for e, event in enumerate(data.events):
        if e not in by_event:
            continue
        if lane_by is LaneBy.TYPE:
            add("event", e, f"type:{event['cls']}", event["cls"])
            continue
        roles = by_event[e]
        involved = sorted({a for members in roles.values() for a in members})
        who = sorted(a for a in involved if a in wanted) if wanted else roles.get("agent") or involved
        for actor in sorted(set(who)):
            add("event", e, f"actor:{actor}", data.nodes[actor]["label"])
    for s, state in enumerate(data.states):
        if lane_by is LaneBy.TYPE:
            add("state", s, f"type:{state['cls']}", state["cls"])
            continue
        for actor in (state["member"], state["organization"]) if wanted else (state["member"],):
            if not wanted or actor in wanted:
                add("state", s, f"actor:{actor}", data.nodes[actor]["label"])
    order = sorted(lanes, key=lambda lane: (lanes[lane].lower(), lane))
    return {"laneBy": lane_by.value, "lanes": [{"id": lane, "label": lanes[lane]} for lane in order], "items": items,
            "window": initial_window(data, items)}


def initial_window(data: ViewData, items: list[dict[str, Any]]) -> list[str] | None:
    """Where the timeline opens: from the 10th percentile of start dates to the last end, padded,
    so that one long, vague event (``2016..2017``) does not squeeze the rest into a corner.

    >>> d = ViewData(events=[{"date": "2016-03-01", "end": "2017-05-31"}] + [{"date": "2017-05-%02d" % i, "end": "2017-05-%02d" % i} for i in range(10, 30)])
    >>> initial_window(d, [{"kind": "event", "ref": i} for i in range(21)])
    ['2017-05-10', '2017-06-01']
    """
    records = [(data.events if it["kind"] == "event" else data.states)[it["ref"]] for it in items]
    if not records:
        return None
    starts = sorted(r["date"] for r in records)
    lo = dt.date.fromisoformat(starts[len(starts) // 10])
    hi = dt.date.fromisoformat(max(r["end"] or r["date"] for r in records))
    if data.end:
        hi = max(hi, dt.date.fromisoformat(data.end))
    pad = dt.timedelta(days=max(1, (hi - lo).days // 20))
    return [(lo - pad).isoformat(), (hi + pad).isoformat()]


def drawn_subtitle(data: ViewData, timeline: dict[str, Any], known_on: dt.date | None) -> str:
    """The header of a timeline: the events and states it draws (not every event gathered)."""
    shown = ViewData(events=[data.events[i] for i in sorted({it["ref"] for it in timeline["items"] if it["kind"] == "event"})],
                     states=[data.states[i] for i in sorted({it["ref"] for it in timeline["items"] if it["kind"] == "state"})],
                     start=data.start, end=data.end)
    return window_subtitle(shown, known_on)


def timeline_view(
    kg: KnowledgeGraph,
    *,
    actors: Sequence[str] = (),
    lane_by: LaneBy | str = LaneBy.ACTOR,
    start: dt.date | None = None,
    end: dt.date | None = None,
    known_on: dt.date | None = None,
    relations: Iterable[str] | None = None,
    title: str | None = None,
    mode: Match | str = Match.LOOSE,
) -> View:
    """Events (and membership states) of ``start..end`` on a time axis, as one offline HTML page.

    :raises UsageError: an unknown actor, relation or lane kind, or a bad window.
    """
    data = collect(kg, start=start, end=end, known_on=known_on, relations=relations, timeline_actors=actors, mode=mode)
    if actors:
        keep = {i for i, n in enumerate(data.nodes) if n["slug"] in set(actors)}
        data.states = [s for s in data.states if s["member"] in keep or s["organization"] in keep]
    payload = _payload(data)
    payload["timeline"] = timeline_payload(data, lane_by=lane_by, actors=actors)
    html = render_page(title=title or "conflict-kg: timeline", subtitle=drawn_subtitle(data, payload["timeline"], known_on),
                       data=payload, network=False, timeline=True, context={"colors": _legend_context(
                           {"types": []}, SizeBy.DEGREE, False)["colors"]})
    stats = _stats(data)
    stats.update(lanes=[lane["label"] for lane in payload["timeline"]["lanes"]], items=len(payload["timeline"]["items"]))
    return View(html, "timeline", stats)


def explore_view(
    kg: KnowledgeGraph, *, size_by: SizeBy | str = SizeBy.PAGERANK, collapse: bool = False,
    lane_by: LaneBy | str = LaneBy.ACTOR, title: str | None = None, layout_threshold: int = LAYOUT_THRESHOLD,
    **selection: Unpack[Selection],
) -> View:
    """Network, map and timeline of the same data in one page: selecting an actor (in the network
    or the search) highlights its events on the map and the timeline; selecting an event on the
    timeline or the map selects its edges and its marker; the time slider and the filters drive all three.

    :raises UsageError: as :func:`viz.network.network_view`.
    """
    size_by = _size(size_by)
    data = collect(kg, **selection)
    known_on = selection.get("known_on")
    payload = _payload(data)
    payload["network"] = network_payload(data, size_by=size_by, collapse=collapse, layout_threshold=layout_threshold)
    payload["timeline"] = timeline_payload(data, lane_by=lane_by)
    payload["map"] = map_payload(kg, data)
    payload["map"]["colorBy"] = "sign"
    _share_filters(payload["network"], payload["map"])
    context = _legend_context(payload["network"], size_by, collapse)
    context["event_colors"] = payload["map"]["eventColors"]
    html = render_page(title=title or "conflict-kg: explore", subtitle=window_subtitle(data, known_on),
                       data=payload, network=True, timeline=True, map=True, json_blocks={"kg-basemap": basemap()},
                       context=context)
    stats = _stats(data)
    stats.update(items=len(payload["timeline"]["items"]), mapped=len(payload["map"]["points"]),
                 unmapped=payload["map"]["unmapped"])
    return View(html, "explore", stats)


def _share_filters(network: dict[str, Any], map_: dict[str, Any]) -> None:
    """One set of relation and actor-type checkboxes drives the network and the map: each offers
    what either draws (an event with one actor is a marker but no edge), in a stable order."""
    for key in ("relations", "types"):
        network[key] = network[key] + [name for name in map_[key] if name not in network[key]]
        map_[key] = network[key]
    network["typeColors"] = {**map_["typeColors"], **network["typeColors"]}
    map_["typeColors"] = network["typeColors"]
