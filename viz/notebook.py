"""The views inline in a Jupyter notebook: the same offline page, in an ``<iframe srcdoc>``.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> shown = network(graph, height=500)
>>> html = shown._repr_html_()
>>> html.startswith("<iframe") and 'sandbox="allow-scripts"' in html and "&lt;!doctype html&gt;" in html.lower()
True

The page keeps its own Content-Security-Policy and fetches nothing; the frame is sandboxed
(``allow-scripts`` only: no access to the notebook, its cookies or its kernel).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from kg.store.graph import KnowledgeGraph
from viz.network import network_view
from viz.render import View
from viz.timeline import explore_view, timeline_view


@dataclass(frozen=True)
class Inline:
    """A view shown inline: ``_repr_html_`` for Jupyter, ``view`` for the page itself."""

    view: View
    height: int = 640

    def _repr_html_(self) -> str:
        return (f'<iframe class="kg-view" sandbox="allow-scripts" style="width:100%;height:{int(self.height)}px;border:0" '
                f'title="conflict-kg {escape(self.view.kind)} view" srcdoc="{escape(self.view.html, quote=True)}"></iframe>')

    def write(self, path: Any) -> Any:
        """Save the full page (see :meth:`viz.render.View.write`)."""
        return self.view.write(path)


def show(view: View, *, height: int = 640) -> Inline:
    """Any view (``viz.network_view(...)`` and the others) for display in a notebook cell."""
    return Inline(view, height)


def network(kg: KnowledgeGraph, *, height: int = 640, **options: Any) -> Inline:
    """:func:`viz.network.network_view` inline (same options)."""
    return Inline(network_view(kg, **options), height)


def timeline(kg: KnowledgeGraph, *, height: int = 520, **options: Any) -> Inline:
    """:func:`viz.timeline.timeline_view` inline (same options)."""
    return Inline(timeline_view(kg, **options), height)


def explore(kg: KnowledgeGraph, *, height: int = 760, **options: Any) -> Inline:
    """:func:`viz.timeline.explore_view` inline (same options)."""
    return Inline(explore_view(kg, **options), height)
