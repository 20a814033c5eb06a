"""The datasets' codebook semantics, read from the ontology: one table, used by every importer.

``ontology/conflict.ttl`` states, on each dataset code an importer maps (ACLED sub-event types,
UCDP types of violence, CAMEO root codes), the project event type (``ckg:projectType``, whose
``ckg:sign`` says hostile / neutral / cooperative), the event class (``ckg:projectClass``), how the
two actor columns become roles (``ckg:directionRule``), whether the event is violent
(``ckg:violent``) and the codebook section it follows (``dcterms:source``). The actor kinds
(``concept:actor-kinds``: ACLED's inter codes, UCDP's armed groups) carry their actor class.
Importers read these tables here instead of repeating them, so the ontology is the one place
that says what a code means.

>>> rules = dataset_rules("acled")
>>> r = rules["peaceful-protest"]
>>> (r.project_type, r.cls, r.direction, r.sign, r.violent)
('demonstration', 'Event', 'none', 0, False)
>>> r = rules["protest-with-intervention"]
>>> (r.project_type, r.direction, r.sign, r.parent)
('coercion', 'target-agent', -1, 'protests')
>>> dataset_rules("ucdp")["state-based"].direction, dataset_rules("cameo")["19"].project_type
('sides', 'armed-clash')
>>> actor_kinds_by_code()["7"].slug, actor_kinds_by_code()["7"].cls, actor_kinds_by_code()["7"].collective
('civilians', 'Community', True)
>>> roles("sides", ["a"], ["b"], first_assoc=["a2"]).side_b
['b']
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import pyoxigraph as ox

from kg.base.namespaces import BASE, CKG
from kg.base.resources import ontology_dir

_CONCEPT = BASE + "id/concept/"

#: The direction rules of ``concept:direction-rules`` (slugs under ``concept:direction/``).
DIRECTIONS = ("sides", "agent-target", "target-agent", "sides-or-against-civilians", "none")

_RULES = """
PREFIX ckg: <%(ckg)s>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?code ?label ?type ?cls ?rule ?violent ?sign ?source ?note ?parent ?parentLabel ?notation WHERE {
  ?code skos:inScheme <%(scheme)s> ; ckg:projectType ?type ; ckg:projectClass ?cls ; ckg:directionRule ?rule ;
        ckg:violent ?violent ; skos:prefLabel ?label .
  ?type ckg:sign ?sign .
  OPTIONAL { ?code dcterms:source ?source }
  OPTIONAL { ?code skos:notation ?notation }
  OPTIONAL { ?code skos:note ?note }
  OPTIONAL { ?code skos:broader ?parent . ?parent skos:prefLabel ?parentLabel }
}
"""

_KINDS = """
PREFIX ckg: <%(ckg)s>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?label ?cls ?code WHERE {
  ?kind skos:inScheme <%(scheme)s> ; skos:prefLabel ?label ; ckg:projectClass ?cls .
  OPTIONAL { ?kind skos:notation ?code }
}
"""


@dataclass(frozen=True)
class Rule:
    """What one dataset code means (see the module docstring)."""

    code: str  #: the code's slug in its scheme (``armed-clash``, ``state-based``, ``19``)
    label: str  #: the dataset's own label
    project_type: str  #: project concept slug (``concept/<slug>``)
    cls: str  #: ckg event class (local name)
    direction: str  #: one of :data:`DIRECTIONS`
    violent: bool
    sign: int  #: the project type's ``ckg:sign``
    source: str = ""  #: the codebook reference
    note: str = ""
    parent: str | None = None  #: the broader code's slug (an ACLED event type)
    parent_label: str | None = None  #: its label (``Battles``)
    notation: str | None = None  #: the dataset's own code (UCDP ``type_of_violence`` ``"1"``)


@dataclass(frozen=True)
class ActorKind:
    """One actor kind of ``concept:actor-kinds``."""

    slug: str  #: ``state-forces``... (``concept/actor-kind/<slug>``)
    label: str
    cls: str  #: ckg actor class
    code: str | None  #: the ACLED inter code, if any

    @property
    def collective(self) -> bool:
        """Rioters, protesters and civilians are collective actors (``ckg:isCollective``)."""
        return self.cls == "Community"

    @property
    def concept(self) -> str:
        return f"actor-kind/{self.slug}"


#: an actor as the caller names it (a label, an IRI node...)
A = TypeVar("A", bound=Hashable)


@dataclass
class Roles(Generic[A]):
    """The roles of one event, by the direction rule."""

    agents: list[A] = field(default_factory=list)
    targets: list[A] = field(default_factory=list)
    participants: list[A] = field(default_factory=list)
    side_a: list[A] = field(default_factory=list)
    side_b: list[A] = field(default_factory=list)


@functools.lru_cache(maxsize=1)
def _store() -> ox.Store:
    store = ox.Store()
    store.load(path=str(ontology_dir() / "conflict.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def ontology_version() -> str | None:
    """``owl:versionInfo`` of ``conflict.ttl`` (a store holding another version gets this one)."""
    rows = list(_store().query(  # type: ignore[arg-type]
        f"SELECT ?v WHERE {{ <{BASE}ontology> <http://www.w3.org/2002/07/owl#versionInfo> ?v }}"
    ))
    return rows[0]["v"].value if rows else None  # type: ignore[index]


def _local(iri: str, prefix: str) -> str:
    return iri[len(prefix):] if iri.startswith(prefix) else iri.rsplit("#", 1)[-1]


@functools.lru_cache(maxsize=8)
def dataset_rules(scheme: str) -> dict[str, Rule]:
    """The rules of one dataset scheme (``acled``, ``ucdp``, ``cameo``), by code slug."""
    prefix = f"{_CONCEPT}{scheme}/"
    query = _RULES % {"ckg": str(CKG._NS), "scheme": _CONCEPT + scheme}
    rules: dict[str, Rule] = {}
    for row in _store().query(query):  # type: ignore[union-attr]
        code = _local(row["code"].value, prefix)
        rules[code] = Rule(
            code=code, label=row["label"].value, project_type=_local(row["type"].value, _CONCEPT),
            cls=_local(row["cls"].value, str(CKG._NS)), direction=_local(row["rule"].value, _CONCEPT + "direction/"),
            violent=row["violent"].value == "true", sign=int(row["sign"].value),
            source=row["source"].value if row["source"] else "", note=row["note"].value if row["note"] else "",
            parent=_local(row["parent"].value, prefix) if row["parent"] else None,
            parent_label=row["parentLabel"].value if row["parentLabel"] else None,
            notation=row["notation"].value if row["notation"] else None,
        )
    return rules


@functools.lru_cache(maxsize=1)
def actor_kinds() -> dict[str, ActorKind]:
    """The actor kinds, by slug."""
    prefix = _CONCEPT + "actor-kind/"
    query = _KINDS % {"ckg": str(CKG._NS), "scheme": _CONCEPT + "actor-kinds"}
    return {
        kind.slug: kind
        for kind in (
            ActorKind(_local(r["kind"].value, prefix), r["label"].value, _local(r["cls"].value, str(CKG._NS)),
                      r["code"].value if r["code"] else None)
            for r in _store().query(query)  # type: ignore[union-attr]
        )
    }


@functools.lru_cache(maxsize=1)
def actor_kinds_by_code() -> dict[str, ActorKind]:
    """ACLED's inter codes (``"1"`` ... ``"8"``) -> actor kind."""
    return {k.code: k for k in actor_kinds().values() if k.code}


def roles(
    direction: str, first: Sequence[A], second: Sequence[A], *, first_assoc: Sequence[A] = (),
    second_assoc: Sequence[A] = (), second_is_civilians: bool = False,
) -> Roles[A]:
    """The roles of an event whose dataset names ``first`` and ``second`` actors (ACLED actor1 /
    actor2, UCDP side_a / side_b, CAMEO source / target) and their associated actors.

    - ``sides``: first + its associates on side A, second + its associates on side B; an actor on
      both sides (fighting within one group) stays on side A only;
    - ``agent-target`` / ``target-agent``: the agent and the target; associated actors participate;
    - ``sides-or-against-civilians``: ``agent-target`` when the second actor is civilians, else ``sides``;
    - ``none``: the first actor is the agent of what it did, everyone else participates.

    >>> r = roles("sides", ["x"], ["x"])
    >>> (r.side_a, r.side_b)
    (['x'], [])
    >>> r = roles("target-agent", ["protesters"], ["police"], second_assoc=["army"])
    >>> (r.agents, r.targets, r.participants)
    (['police'], ['protesters'], ['army'])
    """
    if direction == "sides-or-against-civilians":
        direction = "agent-target" if second_is_civilians else "sides"
    out: Roles[A] = Roles()
    if direction == "sides":
        out.side_a = list(dict.fromkeys([*first, *first_assoc]))
        out.side_b = [a for a in dict.fromkeys([*second, *second_assoc]) if a not in out.side_a]
        return out
    if direction == "agent-target":
        out.agents, out.targets = list(first), list(second)
    elif direction == "target-agent":
        out.agents, out.targets = list(second), list(first)
    elif direction == "none":
        out.agents, out.participants = list(first), list(second)
    else:
        raise ValueError(f"unknown direction rule {direction!r}: use one of {', '.join(DIRECTIONS)}")
    taken = set(out.agents) | set(out.targets) | set(out.participants)
    out.participants += [a for a in dict.fromkeys([*first_assoc, *second_assoc]) if a not in taken]
    return out
