"""The actor network view: pyvis builds the vis-network nodes, edges and options; the page adds
the time slider, filters, search, details, legend and offline use.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> view = network_view(graph, size_by="degree")
>>> view.stats["actors"], "https://cdn" in view.to_string()
(16, False)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Unpack

from kg.store.graph import KnowledgeGraph
from viz.data import Selection, ViewData, collect
from viz.layout import LAYOUT_THRESHOLD, SEED, SizeBy, centrality, node_sizes, precomputed_layout
from viz.render import View, render_page

TYPE_COLORS = {
    "ArmedGroup": "#ff7f0e",
    "StateForce": "#1f77b4",
    "NationState": "#8c564b",
    "Organization": "#9467bd",
    "Coalition": "#17becf",
    "Person": "#bcbd22",
    "Community": "#e377c2",
    "Actor": "#7f7f7f",
}
#: Actor kinds the datasets code (``ckg:actorKind``, by label), coloured before the class.
KIND_COLORS = {
    "State forces": "#1f77b4",
    "External/other forces": "#17becf",
    "Rebel group": "#d62728",
    "Political militia": "#ff7f0e",
    "Identity militia": "#8c564b",
    "Armed group (UCDP)": "#ff9896",
    "Rioters": "#bcbd22",
    "Protesters": "#2ca02c",
    "Civilians": "#e377c2",
}
SIGN_COLORS = {"hostile": "#d62728", "cooperative": "#2ca02c", "neutral": "#9e9e9e", "membership": "#1f77b4"}
ROLE_DASHES: dict[str, Any] = {"target": False, "side": False, "co-participant": False, "participant": [8, 6], "about": [2, 5], "member": [12, 6]}


GROUP_COLORS = {**TYPE_COLORS, **KIND_COLORS}


def group_of(node: dict[str, Any]) -> str:
    """What colours an actor and filters it: the kind a dataset codes (``Rebel group``), else its class."""
    return str(node.get("kind") or node["type"])


def group_color(node: dict[str, Any]) -> str:
    return GROUP_COLORS.get(group_of(node), TYPE_COLORS["Actor"])


def event_relations(data: ViewData) -> list[str]:
    """The relation filter's event entries: the project's types (``armed-clash``), then the datasets'
    own (``ACLED: Armed clash``), of the events drawn."""
    drawn = [data.events[lk["ref"]] for lk in data.links if lk["kind"] == "event"]
    return sorted({e["type"] for e in drawn if e["type"]}) + sorted({e["datasetType"] for e in drawn if e.get("datasetType")})


def _sign_name(sign: int) -> str:
    return "hostile" if sign < 0 else "cooperative" if sign > 0 else "neutral"


def network_payload(data: ViewData, *, size_by: SizeBy | str = SizeBy.PAGERANK, collapse: bool = False,
                    layout_threshold: int = LAYOUT_THRESHOLD) -> dict[str, Any]:
    """The ``network`` part of a page's data: vis-network nodes/edges/options built with pyvis."""
    from pyvis.network import Network

    size_by = SizeBy(size_by)
    graph = data.graph
    index = data.node_index()
    scores = centrality(graph, size_by)
    sizes = node_sizes(scores)
    large = graph.number_of_nodes() > layout_threshold
    positions = precomputed_layout(graph, seed=SEED) if large else {}
    net = Network(directed=True)
    for iri in sorted(graph.nodes, key=lambda n: index[n]):
        i = index[iri]
        node = data.nodes[i]
        extra: dict[str, Any] = {}
        if iri in positions:
            extra.update(x=positions[iri][0], y=positions[iri][1], physics=False)
        color = group_color(node)
        net.add_node(i, label=node["label"], shape="dot", color={"background": color, "border": "#37474f",
                     "highlight": {"background": color, "border": "#000"}}, size=sizes.get(iri, 10.0), **extra)
    for k, link in enumerate(data.links):
        color = SIGN_COLORS["membership"] if link["kind"] == "state" else SIGN_COLORS[_sign_name(link["sign"])]
        options: dict[str, Any] = {
            "id": k, "color": {"color": color, "highlight": color, "hover": color},
            "dashes": ROLE_DASHES.get(link["role"], False), "width": 3 if link["kind"] == "state" else 1.5,
        }
        if not link["directed"]:
            options["arrows"] = {"to": {"enabled": False}}
        net.add_edge(link["from"], link["to"], **options)
    if not large and not collapse:
        _spread_parallel(net.edges)
    relations = event_relations(data) + sorted({data.states[lk["ref"]]["cls"] for lk in data.links if lk["kind"] == "state"})
    types = sorted({group_of(data.nodes[index[n]]) for n in graph.nodes})
    net.options = {
        "autoResize": True,
        "layout": {"randomSeed": SEED, "improvedLayout": not large},
        "nodes": {"font": {"size": 13, "face": "system-ui, DejaVu Sans, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "borderWidth": 1},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "selectionWidth": 2,
                  "smooth": False if large else {"enabled": True, "type": "dynamic"},
                  "font": {"size": 11, "align": "middle", "strokeWidth": 3}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large,
                        "navigationButtons": False, "keyboard": False, "multiselect": True},
        "physics": {"enabled": not large, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 120, "avoidOverlap": 0.4},
                    "stabilization": {"enabled": True, "iterations": 400, "fit": True}},
    }
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    return {
        "nodes": nodes, "edges": edges, "options": net.options, "physics": not large, "collapse": collapse,
        "sizeBy": size_by.value, "scores": {i: round(scores[n], 5) for i, n in sorted((index[n], n) for n in scores)},
        "relations": relations, "types": types, "typeColors": {t: GROUP_COLORS.get(t, TYPE_COLORS["Actor"]) for t in types},
        "colors": SIGN_COLORS,
    }


def _spread_parallel(edges: list[dict[str, Any]]) -> None:
    """Bend parallel edges of a pair apart so that each event stays visible and hoverable."""
    seen: dict[tuple[int, int], int] = {}
    for edge in edges:
        a, b = edge["from"], edge["to"]
        key = (min(a, b), max(a, b))
        k = seen.get(key, 0)
        seen[key] = k + 1
        if k:
            kind = "curvedCW" if (k % 2 == 1) == (a <= b) else "curvedCCW"
            edge["smooth"] = {"enabled": True, "type": kind, "roundness": min(0.6, 0.15 * ((k + 1) // 2))}


def window_subtitle(data: ViewData, known_on: dt.date | None) -> str:
    """``N events, M states · first – last day [· as known on DAY]``."""
    parts = [f"{len(data.events)} events, {len(data.states)} states"]
    parts.append(f"{data.start or '?'} – {data.end or '?'}")
    if known_on:
        parts.append(f"as known on {known_on}")
    return " · ".join(parts)


def network_view(
    kg: KnowledgeGraph, *, size_by: SizeBy | str = SizeBy.PAGERANK, collapse: bool = False, title: str | None = None,
    layout_threshold: int = LAYOUT_THRESHOLD, **selection: Unpack[Selection],
) -> View:
    """The actor network of a :class:`viz.data.Selection` as one offline HTML page.

    :raises UsageError: bad window, relation, actor, hops or size measure (see :func:`viz.data.collect`).
    """
    size_by = _size(size_by)
    data = collect(kg, network_only=True, **selection)
    return network_view_from(data, size_by=size_by, collapse=collapse, title=title, known_on=selection.get("known_on"),
                             layout_threshold=layout_threshold)


def network_view_from(data: ViewData, *, size_by: SizeBy | str = SizeBy.PAGERANK, collapse: bool = False,
                      title: str | None = None, known_on: dt.date | None = None,
                      layout_threshold: int = LAYOUT_THRESHOLD) -> View:
    """:func:`network_view` for data already collected."""
    payload = _payload(data)
    payload["network"] = network_payload(data, size_by=size_by, collapse=collapse, layout_threshold=layout_threshold)
    html = render_page(
        title=title or "conflict-kg: actor network",
        subtitle=window_subtitle(data, known_on), data=payload, network=True, timeline=False,
        context=_legend_context(payload["network"], size_by, collapse),
    )
    return View(html, "network", _stats(data))


def _size(size_by: SizeBy | str) -> SizeBy:
    from kg.base.errors import UsageError

    try:
        return SizeBy(size_by)
    except ValueError:
        raise UsageError(f"unknown --size {size_by!r}: use {', '.join(m.value for m in SizeBy)}") from None


def _payload(data: ViewData) -> dict[str, Any]:
    return {
        "start": data.start, "end": data.end, "nodes": data.nodes, "events": data.events, "states": data.states,
        "links": data.links, "roles": data.roles,
    }


def _legend_context(network: dict[str, Any], size_by: SizeBy | str, collapse: bool) -> dict[str, Any]:
    return {
        "legend_types": [(t, GROUP_COLORS.get(t, TYPE_COLORS["Actor"])) for t in network["types"]],
        "colors": SIGN_COLORS, "size_by": SizeBy(size_by).value, "collapse": collapse,
    }


def _stats(data: ViewData) -> dict[str, Any]:
    return {
        "actors": data.graph.number_of_nodes(), "links": len(data.links), "events": len(data.events),
        "states": len(data.states), "start": data.start, "end": data.end,
    }
