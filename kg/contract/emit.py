"""Building the quads of one imported row: actors, places and the event, in the data contract.

A format's mapper calls these helpers; each row's quads are collected in a
:class:`RowQuads` buffer and only written when the whole row mapped cleanly. ``RowQuads``
is the contract's one :class:`~kg.contract.writer.Writer` plus what only imports need:
dataset names resolved to (curated or imported) actors, place chains from a country down,
and descriptions written once per import.

>>> names = NameIndex({})
>>> names.slug("Citizen_(United_Kingdom)"), names.label("Citizen_(United_Kingdom)")
('citizen-united-kingdom', 'Citizen (United Kingdom)')
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, MutableSet

import pyoxigraph as ox

from kg.base.temporal import Precision
from kg.contract.writer import C, P, Writer, lit, node, resource_node

__all__ = ["C", "NameIndex", "P", "RowQuads", "lit", "node", "resource_node", "slugify"]


@functools.lru_cache(maxsize=1 << 16)
def slugify(text: str, *, limit: int = 80) -> str:
    """A stable, readable slug: ASCII, lowercase, words joined by ``-``; long names get a hash tail.

    >>> slugify("Military Forces of Syria (2000-)"), slugify("Côte d'Ivoire"), slugify("  ")
    ('military-forces-of-syria-2000', 'cote-d-ivoire', 'unnamed')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"
    if len(slug) > limit:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        slug = slug[: limit - 9].rstrip("-") + "-" + digest
    return slug


class NameIndex:
    """Maps dataset actor names to slugs, reusing curated actors when a label or alias matches.

    ``known`` maps lowercased curated labels and aliases to actor IRIs.
    """

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known
        self._iris: dict[str, tuple[ox.NamedNode, bool]] = {}

    @staticmethod
    def label(raw: str) -> str:
        """Readable name: ICEWS/GDELT underscores become spaces, whitespace collapsed."""
        return " ".join(raw.replace("_", " ").split())

    def slug(self, raw: str) -> str:
        return slugify(self.label(raw))

    def iri(self, raw: str) -> tuple[ox.NamedNode, bool]:
        """The actor IRI for a name, and whether it is a curated actor (which keeps its own description)."""
        found = self._iris.get(raw)
        if found is None:
            label = self.label(raw)
            curated = self.known.get(label.lower())
            found = (ox.NamedNode(curated), True) if curated else (resource_node("actor", slugify(label)), False)
            self._iris[raw] = found
        return found


class RowQuads(Writer):
    """The quads one row produces, plus bookkeeping for descriptions written once per import."""

    def __init__(self, graph: ox.NamedNode, names: NameIndex, described: MutableSet[str]) -> None:
        super().__init__(graph, described)
        self.names = names

    def actor(  # type: ignore[override]
        self, raw_name: str, *, kind: str = "Actor", code: str | None = None, collective: bool = False,
        actor_kind: str | None = None,
    ) -> ox.NamedNode:
        """The actor named ``raw_name`` (described once per import unless it is a curated actor).

        ``actor_kind`` is a slug of ``concept:actor-kinds`` (``state-forces``...), written as
        ``ckg:actorKind`` once per import, curated actors included (the kind a dataset codes).
        """
        iri, curated = self.names.iri(raw_name)
        if not curated and self.first_time(iri.value):
            super().actor(iri, kind=kind, label=self.names.label(raw_name), collective=collective)
        if actor_kind and self.first_time(f"{iri.value} kind"):
            self.add(iri, C["actorKind"], resource_node("concept", f"actor-kind/{actor_kind}"))
        self.source_code(iri, code)
        return iri

    def place(  # type: ignore[override]
        self,
        hierarchy: Iterable[tuple[str, str]],
        *,
        lat: float | None = None,
        lon: float | None = None,
        raw_precision: str | None = None,
    ) -> ox.NamedNode | None:
        """The innermost place of a ``[(kind, name), ...]`` chain from country down, each ``ckg:within`` the
        previous; coordinates go on the innermost. Empty names are skipped; returns None if all are."""
        parent: ox.NamedNode | None = None
        path: list[str] = []
        for kind, name in hierarchy:
            name = " ".join((name or "").split())
            if not name:
                continue
            path.append(slugify(name))
            iri = resource_node("place", "-".join(path))
            if self.first_time(iri.value):
                super().place(iri, kind=kind, label=name, within=parent)
            parent = iri
        if parent is not None and lat is not None and lon is not None:
            self.geometry(parent, lat, lon, raw_precision=raw_precision)
        return parent

    def event(  # type: ignore[override]
        self,
        slug: str,
        *,
        cls: str,
        concept: str,
        source: ox.NamedNode,
        start: dt.date,
        end: dt.date | None = None,
        precision: Precision = Precision.DAY,
        label: str,
        source_id: str,
        source_concept: ox.NamedNode | None = None,
        agents: Iterable[ox.NamedNode] = (),
        targets: Iterable[ox.NamedNode] = (),
        participants: Iterable[ox.NamedNode] = (),
        side_a: Iterable[ox.NamedNode] = (),
        side_b: Iterable[ox.NamedNode] = (),
        place: ox.NamedNode | None = None,
        raw_precision: str | None = None,
        description: str | None = None,
        possible: tuple[dt.date, dt.date] | None = None,
    ) -> ox.NamedNode:
        """The event with its roles, valid time and provenance (:meth:`Writer.event`)."""
        return super().event(
            resource_node("event", slug), cls=cls, concept=resource_node("concept", concept), label=label,
            start=start, end=end or start, precision=precision, source=source, agents=agents, targets=targets,
            participants=participants, side_a=side_a, side_b=side_b, places=[place] if place is not None else [],
            source_id=source_id, source_concept=source_concept, raw_precision=raw_precision,
            description=description, possible=possible,
        )
