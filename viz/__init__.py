"""The visual layer of conflict-kg: self-contained, offline HTML views of the graph.

- :func:`viz.network.network_view`: the actor network with a time slider, filters, search,
  details and a legend (pyvis builds the vis-network data; vis-network draws it).
- :func:`viz.timeline.timeline_view`: events on a time axis in swimlanes per actor or type.
- :func:`viz.timeline.explore_view`: network, map and timeline in one page, linked.
- :func:`viz.map.map_view`: events at their places on an offline basemap (Leaflet, Natural Earth).
- :func:`viz.trends.trends_view`: event counts per week or month by type, actor, country or source.

Each returns a :class:`viz.render.View` (``to_string()``, ``write(path)``). Pages embed
vis-network, vis-timeline, Leaflet and Vega (vendored from npm, see ``viz/static/vendor/README.md``) and
fetch nothing: they open from a USB stick on an air-gapped laptop.
"""

from __future__ import annotations

from pathlib import Path

from kg.store.graph import KnowledgeGraph
from viz.map import map_view
from viz.network import network_view
from viz.render import View
from viz.timeline import explore_view, timeline_view

__all__ = ["View", "explore_view", "map_view", "network_view", "timeline_view", "write_demo_views"]


def write_demo_views(kg: KnowledgeGraph, out_dir: Path) -> list[Path]:
    """Write the network, timeline, explore and map views of the whole graph into ``out_dir``; return their paths."""
    return [
        network_view(kg).write(out_dir / "network.html"),
        timeline_view(kg).write(out_dir / "timeline.html"),
        explore_view(kg).write(out_dir / "explore.html"),
        map_view(kg).write(out_dir / "map.html"),
    ]
