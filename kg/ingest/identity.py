"""Actor identity the user controls: matching rules and the actor mapping file.

Matching rules, in order (docs/reconcile.md says the same for users):

1. Within a dataset an actor is its full name, qualifiers included ("Military Forces of
   Pakistan (2018-2022)" and "(2022-)" are two ACLED actors); UCDP's sides keep their side id
   as ``ckg:sourceCode "UCDP:<id>"``.
2. An imported name equal to a curated label or alias (case-insensitive, spaces normalised, no
   qualifier stripped) is that curated actor (:class:`kg.contract.emit.NameIndex`).
3. Across datasets nothing else merges by itself: only the mapping file below does.
   Near-matches (acronyms) are evidence for reconciliation, never a merge.
4. Generic actors (:func:`is_generic`: civilians, protesters, rioters, unidentified groups...)
   are never merged across countries: the mapping file may not do it either.

The mapping file (YAML, or a two-column CSV of ``sameAs`` pairs)::

    version: 1
    same:                                 # each group becomes one actor: actor/<id>
      - id: syria-government-forces       # a curated id, or a new one (then give label and type)
        label: Syrian government forces
        type: StateForce
        members:
          - acled: "Military Forces of Syria (2000-)"
          - ucdp: 118                     # UCDP side id, or ucdp: "Government of Syria"
      - id: isis                          # a curated actor: these names become the same actor
        members: [{acled: "Islamic State (Syria)"}, {ucdp: "IS"}]
    distinct:                             # never the same, whatever the groups say
      - [{acled: "Islamic State (Sahel)"}, {actor: isis}]

    # CSV: left,right  with acled:NAME, ucdp:NAME, ucdp:ID or actor:ID in each cell

:func:`apply_mapping` validates the file against the store and writes ``owl:sameAs`` links from
each member actor to its group's actor into ``graph/derived/identity`` (with the file as a source
of kind ``mapping``: path, checksum, number of links), replacing the previous mapping in one
update. Imported graphs are never rewritten, so import, ``kg remove`` and re-import stay
independent; readers resolve actors through :func:`identity_map`. :func:`reapply` runs the
recorded file again (after every import, and before ``kg reconcile``): a changed file (another
checksum) or newly imported actors take effect without a command of their own.

>>> is_generic("Civilians (Syria)"), is_generic("Unidentified Armed Group (Mexico)"), is_generic("IS")
(True, True, False)
>>> generic_country("Protesters (United States)"), generic_country("Civilians")
('united states', None)
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.base.errors import DataError
from kg.base.namespaces import OWL, REGISTRY_GRAPH, is_slug, resource_iri, resource_prefix
from kg.base.yamlio import LineDict, load_yaml
from kg.contract.emit import NameIndex
from kg.contract.licences import PROJECT, graph_statements
from kg.contract.writer import Writer, node
from kg.ingest.sources import IDENTITY_GRAPH, MAPPING_ID
from kg.store.graph import KnowledgeGraph

log = logging.getLogger(__name__)

#: Name prefixes of generic actors (ACLED inter codes 5, 6, 7 and the collective groups it names
#: the same way; "Unidentified ..." groups; UCDP's "Civilians").
GENERIC_PREFIXES = (
    "civilians", "protesters", "rioters", "unidentified", "refugees/idps", "women", "students", "farmers",
    "labour group", "teachers", "prisoners", "health workers", "journalists", "lawyers", "former ",
)
#: ACLED inter codes of generic actors (rioters, protesters, civilians).
GENERIC_CODES = ("ACLED-inter:5", "ACLED-inter:6", "ACLED-inter:7")
_QUALIFIER = re.compile(r"\(([^()]*)\)\s*$")
ACTOR_TYPES = ("Actor", "StateForce", "ArmedGroup", "Organization", "Coalition", "Community", "Person", "State")


def is_generic(name: str, codes: Iterable[str] = ()) -> bool:
    """Whether an actor is generic: no evidence for a match, never merged across countries."""
    return name.strip().lower().startswith(GENERIC_PREFIXES) or any(c in GENERIC_CODES for c in codes)


def generic_country(name: str) -> str | None:
    """The country qualifier of a generic name ("Civilians (Syria)" -> "syria"), None without one."""
    found = _QUALIFIER.search(name)
    return found.group(1).strip().lower() if found else None


@dataclass(frozen=True)
class Member:
    """One member of a group as the file names it: ``acled``/``ucdp``/``name`` + a name, ``ucdp`` + a
    side id, or ``actor`` + an actor id."""

    key: str
    value: str
    line: int

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


@dataclass
class Group:
    id: str
    members: list[Member]
    line: int
    label: str | None = None
    type: str | None = None


@dataclass
class Mapping:
    path: Path
    checksum: str
    groups: list[Group]
    distinct: list[tuple[Member, Member]] = field(default_factory=list)


_KEYS = ("acled", "ucdp", "actor", "name")


def load_mapping(path: Path) -> Mapping:
    """Read a mapping file (YAML, or CSV of ``left,right`` pairs); syntax errors name ``file:line``.

    :raises DataError: unreadable file, unknown key, a member in two groups.
    """
    path = Path(path)
    try:
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as err:
        raise DataError(f"cannot read file: {err}", path=str(path)) from None
    mapping = _load_csv(path, checksum) if path.suffix.lower() in (".csv", ".tsv") else _load_yaml(path, checksum)
    seen: dict[tuple[str, str], Group] = {}
    for group in mapping.groups:
        for member in group.members:
            other = seen.setdefault((member.key, member.value.lower()), group)
            if other is not group:
                raise DataError(f"{member} is in two groups ({other.id} and {group.id}): keep it in one",
                                path=str(path), line=member.line)
    return mapping


def _member(item: Any, path: Path, line: int) -> Member:
    if not isinstance(item, dict) or len(item) != 1:
        raise DataError("a member is one of acled: NAME, ucdp: NAME or ID, actor: ID, name: NAME", path=str(path), line=line)
    (key, value), = item.items()
    line = item.line_of(key) if isinstance(item, LineDict) else line
    if key not in _KEYS or value is None or str(value).strip() == "":
        raise DataError(f"unknown member {key}: {value!r}: use acled, ucdp, actor or name", path=str(path), line=line)
    return Member(str(key), " ".join(str(value).split()), line)


def _load_yaml(path: Path, checksum: str) -> Mapping:
    doc = load_yaml(path)
    if not isinstance(doc, LineDict):
        raise DataError("a mapping file is a YAML mapping with 'same' (and optionally 'distinct')", path=str(path))
    unknown = set(doc) - {"version", "same", "distinct"}
    if unknown:
        key = sorted(unknown)[0]
        raise DataError(f"unknown key {key!r}: use version, same, distinct", path=str(path), line=doc.line_of(key))
    groups = []
    for item in doc.get("same") or []:
        if not isinstance(item, LineDict) or "id" not in item:
            raise DataError("each group of 'same' needs an id and members", path=str(path), line=doc.line_of("same"))
        ident = str(item["id"])
        if not is_slug(ident):
            raise item.error("id", f"{ident!r} is not an actor id: lowercase letters, digits and '-'")
        kind = item.get("type")
        if kind is not None and kind not in ACTOR_TYPES:
            raise item.error("type", f"unknown actor type {kind!r}: use one of {', '.join(ACTOR_TYPES)}")
        members = [_member(m, path, item.line_of("members")) for m in item.get("members") or []]
        if not members:
            raise item.error("members", f"group {ident} has no members")
        groups.append(Group(ident, members, item.line, item.get("label"), kind))
    distinct = []
    for pair in doc.get("distinct") or []:
        line = doc.line_of("distinct")
        if not isinstance(pair, list) or len(pair) != 2:
            raise DataError("each entry of 'distinct' is a pair: [{acled: A}, {actor: b}]", path=str(path), line=line)
        distinct.append((_member(pair[0], path, line), _member(pair[1], path, line)))
    return Mapping(path, checksum, groups, distinct)


def _load_csv(path: Path, checksum: str) -> Mapping:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    parent: dict[Member, Member] = {}

    def find(m: Member) -> Member:
        while parent.setdefault(m, m) != m:
            m = parent[m]
        return m

    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        for number, row in enumerate(reader, start=1):
            cells = [c.strip() for c in row]
            if not any(cells) or (number == 1 and [c.lower() for c in cells[:2]] == ["left", "right"]):
                continue
            if len(cells) != 2:
                raise DataError("expected two cells: left,right", path=str(path), line=number)
            pair = []
            for cell in cells:
                key, sep, value = cell.partition(":")
                if not sep or key not in _KEYS or not value.strip():
                    raise DataError(f"{cell!r}: write acled:NAME, ucdp:NAME, ucdp:ID or actor:ID", path=str(path), line=number)
                pair.append(Member(key, " ".join(value.split()), number))
            a, b = find(pair[0]), find(pair[1])
            if a != b:
                parent[b] = a
    clusters: dict[Member, list[Member]] = {}
    for m in list(parent):
        clusters.setdefault(find(m), []).append(m)
    groups = []
    for members in clusters.values():
        named = [m.value for m in members if m.key == "actor"]
        ident = named[0] if named else NameIndex({}).slug(members[0].value)
        groups.append(Group(ident, sorted(members, key=lambda m: m.line), min(m.line for m in members)))
    return Mapping(path, checksum, sorted(groups, key=lambda g: g.line))


@dataclass(frozen=True)
class MappingReport:
    path: Path
    checksum: str
    groups: int
    links: int
    warnings: tuple[str, ...]
    changed: bool  #: the file's checksum differs from the one applied before (or none was)

    def summary(self) -> str:
        state = "applied" if self.changed else "re-applied (unchanged file)"
        text = f"{self.path}: actor mapping {state}: {self.groups} group(s), {self.links} sameAs link(s) in {IDENTITY_GRAPH}"
        return text + "".join(f"\nwarning: {w}" for w in self.warnings)


def _store_actors(kg: KnowledgeGraph) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """Actor labels (IRI -> labels), lowercased label -> IRI, and UCDP side id -> IRI."""
    labels: dict[str, list[str]] = {}
    by_label: dict[str, str] = {}
    for row in kg.query(
        "SELECT DISTINCT ?a ?l WHERE { ?a rdfs:label|skos:altLabel ?l "
        f"FILTER(STRSTARTS(STR(?a), '{resource_prefix('actor')}')) }}"
    ).records():
        labels.setdefault(row["a"], []).append(str(row["l"]))
        by_label.setdefault(" ".join(str(row["l"]).lower().split()), row["a"])
    ucdp = {}
    for row in kg.query("SELECT DISTINCT ?a ?c WHERE { ?a ckg:sourceCode ?c FILTER(STRSTARTS(?c, 'UCDP:')) }").records():
        ucdp[row["c"][5:]] = row["a"]
    return labels, by_label, ucdp


def _curated(kg: KnowledgeGraph) -> dict[str, str]:
    rows = kg.query(
        f"SELECT ?a ?name WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?a rdfs:label|skos:altLabel ?name }} "
        f"FILTER(STRSTARTS(STR(?a), '{resource_prefix('actor')}')) }}"
    ).records()
    return {str(r["name"]).lower(): r["a"] for r in rows}


def _resolve(member: Member, names: NameIndex, labels: dict[str, list[str]], by_label: dict[str, str],
             ucdp: dict[str, str], warnings: list[str], path: Path) -> tuple[str | None, str]:
    """The member's actor IRI (None if it cannot be known yet) and the name it is judged by."""
    where = f"{path.name}:{member.line}"
    if member.key == "actor":
        iri = str(resource_iri("actor", member.value)) if is_slug(member.value) else None
        if iri is None:
            raise DataError(f"{member}: not an actor id", path=str(path), line=member.line)
        if iri not in labels:
            warnings.append(f"{where}: {member}: no such actor in the store yet{_did_you_mean(member.value, by_label)}")
        return iri, (labels.get(iri) or [member.value])[0]
    if member.key == "ucdp" and member.value.isdigit():
        iri = ucdp.get(member.value)
        if iri is None:
            warnings.append(f"{where}: {member}: no UCDP side with this id in the store yet (linked once imported)")
            return None, member.value
        return iri, labels.get(iri, [member.value])[0]
    iri = names.iri(member.value)[0].value
    if iri not in labels:
        warnings.append(f"{where}: {member}: no actor of this name in the store yet{_did_you_mean(member.value, by_label)}")
    return iri, member.value


def _did_you_mean(name: str, by_label: dict[str, str]) -> str:
    close = difflib.get_close_matches(name.lower(), list(by_label), n=3, cutoff=0.75)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def apply_mapping(kg: KnowledgeGraph, path: Path, *, now: dt.datetime | None = None) -> MappingReport:
    """Validate ``path`` against the store and replace ``graph/derived/identity`` with its links.

    :raises DataError: a syntax error, a member in two groups, a group of generic actors of
        different countries (or a generic actor without a country), a ``distinct`` pair that a
        group joins; the store is then unchanged.
    """
    mapping = load_mapping(path)
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    labels, by_label, ucdp = _store_actors(kg)
    names = NameIndex(_curated(kg))
    warnings: list[str] = []
    writer = Writer(node(IDENTITY_GRAPH))
    group_of: dict[str, str] = {}
    links = 0
    for group in mapping.groups:
        target = str(resource_iri("actor", group.id))
        resolved = [(m, *_resolve(m, names, labels, by_label, ucdp, warnings, mapping.path)) for m in group.members]
        generic = [(m, name) for m, _iri, name in resolved if is_generic(name)]
        countries = {generic_country(name) for _m, name in generic}
        if generic and (None in countries or len(countries) > 1 or len(generic) != len(resolved)):
            first = generic[0][0]
            raise DataError(
                f"group {group.id} joins generic actors ({', '.join(str(m) for m, _ in generic)}) across countries "
                "or with named actors: generic actors are merged only within one country",
                path=str(mapping.path), line=first.line,
            )
        if target not in labels:
            if not group.label or not group.type:
                raise DataError(f"group {group.id} is a new actor: give it a label and a type", path=str(mapping.path), line=group.line)
            writer.actor(node(target), kind=group.type, label=group.label)
        for member, iri, _name in resolved:
            if iri is None:
                continue
            previous = group_of.setdefault(iri, target)
            if previous != target:
                raise DataError(f"{member} is the same actor as a member of group {slug_of_iri(previous)}: keep it in one group",
                                path=str(mapping.path), line=member.line)
            if iri != target:
                writer.add(node(iri), node(OWL.sameAs), node(target))
                links += 1
    for a, b in mapping.distinct:
        ia = _resolve(a, names, labels, by_label, ucdp, [], mapping.path)[0]
        ib = _resolve(b, names, labels, by_label, ucdp, [], mapping.path)[0]
        ga, gb = group_of.get(ia or "", ia), group_of.get(ib or "", ib)
        if ga is not None and ga == gb:
            raise DataError(f"{a} and {b} are declared distinct but a group joins them", path=str(mapping.path), line=a.line)
    before = _applied(kg)
    source = node(resource_iri("source", MAPPING_ID))
    writer.dataset_file(source, node(IDENTITY_GRAPH), dataset="actor mapping", file_name=str(mapping.path.resolve()),
                        licence="the user's own mapping", checksum=mapping.checksum, rows=links, now=now)
    kg.update(f"DROP SILENT GRAPH <{IDENTITY_GRAPH}>")
    statements = graph_statements(str(IDENTITY_GRAPH), PROJECT, title="Actor identity links of the mapping file")
    kg.add_quads(writer.quads + statements)
    return MappingReport(mapping.path, mapping.checksum, len(mapping.groups), links, tuple(warnings),
                         before is None or before[1] != mapping.checksum)


def slug_of_iri(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _applied(kg: KnowledgeGraph) -> tuple[Path, str] | None:
    """The mapping file recorded in the store and the checksum it had when applied."""
    rows = kg.query(
        f"SELECT ?f ?c WHERE {{ GRAPH <{IDENTITY_GRAPH}> {{ ?s a ckg:Source ; dcterms:source ?f ; ckg:checksum ?c }} }}"
    ).records()
    return (Path(rows[0]["f"]), rows[0]["c"]) if rows else None


def reapply(kg: KnowledgeGraph) -> MappingReport | None:
    """Apply the recorded mapping file again (None without one). A file that vanished keeps the
    links last applied, with a warning in the log."""
    applied = _applied(kg)
    if applied is None:
        return None
    if not applied[0].is_file():
        log.warning("actor mapping %s is gone: keeping the links applied from it", applied[0])
        return None
    return apply_mapping(kg, applied[0])


def identity_map(kg: KnowledgeGraph) -> dict[str, str]:
    """Actor IRI -> the IRI of the actor it is the same as, from the mapping file's links."""
    rows = kg.query(
        f"SELECT ?a ?b WHERE {{ GRAPH <{IDENTITY_GRAPH}> {{ ?a owl:sameAs ?b }} }}"
    ).records()
    return {r["a"]: r["b"] for r in rows}


__all__ = [
    "GENERIC_PREFIXES", "IDENTITY_GRAPH", "Mapping", "MappingReport", "apply_mapping", "generic_country",
    "identity_map", "is_generic", "load_mapping", "reapply",
]
