"""The common lookups behind ``kg events`` and ``kg actors``, one SPARQL query each.

Windows are inclusive; ``mode`` says how imprecise dates count (see
:class:`kg.base.temporal.Match`). ``as_of`` and ``known_on`` are the bi-temporal
selections of :mod:`kg.read.timeview`; ``relation``/``to_event`` keep events in an Allen
relation to another event or state.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> [e["event"].rsplit("/", 1)[-1] for e in events(graph, actor="ahrar-al-sham", type="Attack")]
['isis-attack-wave-western-syria-2017-05', 'isis-double-svest-attack-ahrar-al-sham-eastern-idlib-2017-05-22']
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any, TypedDict

import pyoxigraph as ox

from kg.base.errors import UsageError
from kg.base.namespaces import CKG, is_slug, resource_iri
from kg.base.temporal import Allen, Match
from kg.contract.classes import is_a, one_of
from kg.contract.model import ACTOR_KINDS, EVENT_CLASSES
from kg.read.timeview import as_of_expr, fact_dates, window_filters, window_join
from kg.sparql.results import Result
from kg.store.graph import KnowledgeGraph

#: The columns of :func:`events`, in order (the header of an empty result too).
EVENT_COLUMNS = [
    "event", "date", "end", "precision", "class", "type", "dataset_type", "label", "agents", "targets",
    "participants", "side_a", "side_b", "fatalities", "country", "admin1", "places", "source",
]

# The events first, then their other columns by event (:data:`_COLUMNS`): an OPTIONAL is evaluated
# over the whole store before it is joined, so nine of them cost seconds even for a few events.
_EVENTS = """
SELECT DISTINCT ?event ?date ?end ?precision ?class ?type ?label
WHERE {
  %(anchor)s
  ?event a ?class ; ckg:datePrecision ?p ; rdfs:label ?label ; ckg:eventType ?type ;
         prov:wasDerivedFrom ?sourceId .
  %(events)s
  %(dates)s
  BIND(LCASE(STRAFTER(STR(?p), "#")) AS ?precision)
  %(filters)s
}
ORDER BY ?date ?event
"""

#: column -> the pattern binding its ``?value`` for ``?event`` (sides where an importer writes them)
_COLUMNS = {
    "dataset_type": "?event ckg:sourceEventType ?x . ?x skos:prefLabel ?value .",
    "agents": "?event ckg:agent ?x . ?x rdfs:label ?value .",
    "targets": "?event ckg:target ?x . ?x rdfs:label ?value .",
    "participants": "?event ckg:participant ?x . ?x rdfs:label ?value .",
    "side_a": "?event ckg:sideA ?x . ?x rdfs:label ?value .",
    "side_b": "?event ckg:sideB ?x . ?x rdfs:label ?value .",
    "fatalities": "?event ckg:fatalities ?value .",
    "places": "?event ckg:place ?x . ?x rdfs:label ?value .",
    "place_iris": "?event ckg:place ?value .",
    "source": "?event prov:wasDerivedFrom ?x . ?x dcterms:title ?value .",
}

_ATTRIBUTES = """
SELECT ?event ?column ?value WHERE {
  VALUES ?event { %(events)s }
  %(branches)s
}
"""

_EVENT_BATCH = 500

_Found = dict[str, dict[str, set[ox.NamedNode | ox.Literal]]]

#: Every role that ties an actor to an event (``--actor`` finds the event through any of them).
ACTOR_ROLES = "ckg:agent|ckg:target|ckg:participant|ckg:sideA|ckg:sideB"

_CONCEPTS = """
SELECT ?concept ?scheme ?label WHERE {
  VALUES ?scheme { concept:event-types concept:acled concept:ucdp concept:cameo }
  ?concept skos:inScheme ?scheme .
  OPTIONAL { ?concept skos:prefLabel|skos:altLabel|skos:notation ?label }
}
"""

_ACTORS = """
SELECT ?actor (SAMPLE(?name) AS ?label) (SAMPLE(?cls) AS ?class) (SAMPLE(?qid) AS ?wikidata)
       (COUNT(DISTINCT ?event) AS ?events) (GROUP_CONCAT(DISTINCT ?alias; SEPARATOR="; ") AS ?aliases)
WHERE {
  ?actor a ?cls ; rdfs:label ?name .
  %(actors)s
  FILTER(!BOUND(?wantClass) || ?cls = ?wantClass)
  OPTIONAL { ?actor ckg:wikidataId ?qid }
  OPTIONAL { ?actor skos:altLabel ?alias }
  %(events)s
}
GROUP BY ?actor
ORDER BY DESC(?events) ?label
"""
#: Every event of each actor, in one join over all events (the reference count); events only: a
#: UCDP per-side death record (<event>#deaths-a) names its actor but is no event.
_ACTOR_EVENTS = "OPTIONAL { ?event ckg:agent|ckg:target|ckg:participant ?actor ; ckg:eventType ?anyType }"


class EventFilters(TypedDict, total=False):
    """What :func:`events` keeps (its keyword options, for the functions that take the same)."""

    actor: str | None
    type: str | None
    place: str | None
    start: dt.date | None
    end: dt.date | None
    as_of: dt.date | None
    known_on: dt.date | None
    mode: Match | str
    relation: Allen | str | None
    to_event: str | None


def events(
    kg: KnowledgeGraph,
    *,
    actor: str | None = None,
    type: str | None = None,  # noqa: A002 - mirrors the CLI option
    place: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    as_of: dt.date | None = None,
    known_on: dt.date | None = None,
    mode: Match | str = Match.LOOSE,
    relation: Allen | str | None = None,
    to_event: str | None = None,
) -> Result:
    """Events in date order, filtered by actor (any role), type, place, window, valid and record time.

    ``type`` is a project class (``Attack``), a project event type (``armed-clash``) or a
    dataset's own type (:func:`event_type_pattern`); ``place`` an id, label or ISO code
    (:func:`kg.read.places.resolve_place`). Columns: :data:`EVENT_COLUMNS` (``dataset_type``
    is the dataset's own type, ``country`` and ``admin1`` come from the place's ``ckg:within``
    chain).

    >>> import kg
    >>> graph = kg.open(":memory:"); _ = kg.build(graph)
    >>> [e["label"] for e in events(graph, actor="isis", type="Withdrawal").records()]
    ['ISIS continued withdrawal from Southern and Central Syria towards Eastern Syria']

    :raises UsageError: unknown actor, type or place, a window ending before it starts, or a
        relation without its ``to_event`` (or the reverse).
    """
    mode = Match(mode)
    params, filters = window_filters(start, end, known_on=known_on, mode=mode)
    # Joins first, so the engine starts from the actor's events, the place's or the window's days
    # instead of filtering every event.
    anchors = []
    if actor:
        params["actor"] = actor_iri(kg, actor)
        anchors.append(f"?event {ACTOR_ROLES} ?actor .")
    if place:
        from kg.read.places import resolve_place

        anchors.append(resolve_place(kg, place).pattern("?event"))
    type_pattern = event_type_pattern(kg, type) if type else ""
    if start or end:
        anchors.append(window_join(start, end))
    if as_of:
        params["asOf"] = as_of
        filters.append(f"FILTER({as_of_expr(mode)})")
        if not (start or end):
            anchors.append(window_join(as_of, as_of))
    if type_pattern:  # the type narrows what the anchors found; alone, it is the anchor
        anchors.append(type_pattern)
    allen = relation_of(relation, to_event)
    if allen is not None and to_event is not None:
        params["other"] = fact_iri(kg, to_event)
        filters.append(fact_dates(kg, "?other", "?otherStart", "?otherEnd"))
        filters.append(f"FILTER({allen.sparql_filter(('?date', '?end'), ('?otherStart', '?otherEnd'))})")
        filters.append("FILTER(?event != ?other)")
    query = _EVENTS % {
        "anchor": "\n  ".join(anchors), "events": one_of("?class", kg.subclasses("Event")),
        "dates": fact_dates(kg, "?event"), "filters": "\n  ".join(filters),
    }
    return _with_columns(kg, kg.query(query, params=params))


def relation_of(relation: Allen | str | None, to_event: str | None) -> Allen | None:
    """The Allen relation of ``--relation`` (``None``: none asked).

    :raises UsageError: a relation without its ``to_event`` or the reverse, or an unknown relation.
    """
    if (relation is None) != (to_event is None):
        raise UsageError("--relation and --to-event go together: e.g. --relation during --to-event IRI")
    return None if relation is None else Allen.parse(str(getattr(relation, "value", relation)))


def event_rows(kg: KnowledgeGraph, facts: list[tuple[str, dt.date, dt.date, str, str, str]]) -> Result:
    """The rows of :func:`events` for events chosen elsewhere (by the analytic index), in the same
    order (``ORDER BY ?date ?event``) with every column of :data:`EVENT_COLUMNS`.

    ``facts`` gives each event's IRI, start and end day, precision (``day``...), class IRI and
    project type IRI, of events the query would find but for their label: of an event class, with a
    type, a precision, a start date and a source (``prov:wasDerivedFrom``), as the index's events
    with a source are. The store gives their labels (a row each, the term as stored: an event
    without one has no row) and the rest of their columns, in one pass.
    """
    found = _column_values(kg, [fact[0] for fact in facts], {**_COLUMNS, "label": "?event rdfs:label ?value ."})
    rows: list[tuple[Any, ...]] = []
    for iri, start, end, precision, cls, kind in facts:
        for label in sorted(found.get(iri, {}).get("label", ()), key=str):
            rows.append((ox.NamedNode(iri), _date(start), _date(end), ox.Literal(precision), ox.NamedNode(cls),
                         ox.NamedNode(kind), label))
    rows.sort(key=_event_order)
    return _with_columns(kg, Result("select", variables=list(_EVENT_VARIABLES), rows=rows), found)


_EVENT_VARIABLES = ("event", "date", "end", "precision", "class", "type", "label")
_XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


def _date(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=_XSD_DATE)


def _event_order(row: tuple[Any, ...]) -> tuple[str, str]:
    """``ORDER BY ?date ?event`` of :data:`_EVENTS` rows: ISO days sort as text, IRIs by code point."""
    return (getattr(row[1], "value", ""), getattr(row[0], "value", ""))


def _column_values(kg: KnowledgeGraph, events: list[str], patterns: dict[str, str]) -> _Found:
    """event IRI -> column -> the values ``patterns`` bind, in batches of :data:`_EVENT_BATCH` events."""
    found: _Found = {}
    branches = " UNION ".join(f'{{ {pattern} BIND("{name}" AS ?column) }}' for name, pattern in patterns.items())
    for i in range(0, len(events), _EVENT_BATCH):
        batch = " ".join(f"<{iri}>" for iri in events[i : i + _EVENT_BATCH])
        raw = kg.query(_ATTRIBUTES % {"events": batch, "branches": branches})
        for event, column, value in raw.rows:
            found.setdefault(event.value, {}).setdefault(column.value, set()).add(value)  # type: ignore[union-attr, arg-type]
    return found


def _with_columns(kg: KnowledgeGraph, result: Result, found: _Found | None = None) -> Result:
    """The events of ``result`` with every column of :data:`EVENT_COLUMNS`: names joined by "; ",
    ``country`` and ``admin1`` from their places' ``ckg:within`` chains (``found``: the columns of
    :data:`_COLUMNS` already read)."""
    from kg.read.places import country_and_admin1

    if found is None:
        found = _column_values(kg, [row[0].value for row in result.rows if isinstance(row[0], ox.NamedNode)], _COLUMNS)
    places = {v.value for cols in found.values() for v in cols.get("place_iris", ())}
    chains = country_and_admin1(kg, places)
    rows = []
    for row in result.rows:
        values: dict[str, Any] = dict(zip(result.variables, row))
        columns = found.get(values["event"].value, {}) if values.get("event") is not None else {}
        for name in _COLUMNS:
            terms = columns.get(name, set())
            if name == "fatalities" or name == "dataset_type":
                values[name] = min(terms, key=str) if terms else None
            elif name != "place_iris":
                values[name] = ox.Literal("; ".join(sorted(t.value for t in terms))) if terms else None
        where = [chains.get(t.value, ("", "")) for t in columns.get("place_iris", set())]
        for key, index in (("country", 0), ("admin1", 1)):
            names = sorted({w[index] for w in where if w[index]})
            values[key] = ox.Literal("; ".join(names)) if names else None
        rows.append(tuple(values.get(v) for v in EVENT_COLUMNS))
    return Result("select", variables=list(EVENT_COLUMNS), rows=rows)


def event_type_pattern(kg: KnowledgeGraph, name: str) -> str:
    """SPARQL keeping the events (``?event``) of a type given as

    - a project class: ``Attack``, ``Withdrawal`` (:data:`~kg.contract.model.EVENT_CLASSES`);
    - a project event type, by slug or label: ``armed-clash``, ``armed clash``;
    - a dataset's own type, by label or code, with the types below it: ACLED event and
      sub-event types (``Battles``, ``Armed clash``), UCDP types of violence (``state-based``,
      ``one-sided violence``), CAMEO codes and labels (``19``, ``190``, ``Use conventional
      military force``). ``acled/attack``, ``ucdp/...``, ``cameo/...`` pick one scheme's type
      when a name is used by several.

    :raises UsageError: a name that is none of these (the message suggests near ones).
    """
    kind, concepts = event_type_of(kg, name)
    if kind == "class":
        return f"?event a <{concepts[0]}> ."
    values = " ".join(f"<{iri}>" for iri in concepts)
    return (f"{{ SELECT DISTINCT ?event WHERE {{ VALUES ?_wantType {{ {values} }} "
            f"?_type skos:broader* ?_wantType . ?event ckg:sourceEventType|ckg:eventType ?_type }} }}")


def event_type_of(kg: KnowledgeGraph, name: str) -> tuple[str, list[str]]:
    """What :func:`event_type_pattern` keeps: ``("class", [class IRI])`` (the events of that class) or
    ``("concepts", [concept IRIs])`` (the events whose ``ckg:eventType`` or ``ckg:sourceEventType``
    is one of them or a concept below one).

    :raises UsageError: a name that is none of these (the message suggests near ones).
    """
    text = " ".join(name.split())
    if text in EVENT_CLASSES:
        return "class", [str(CKG[text])]
    concepts = _concepts_named(kg, text)
    if not concepts:
        raise UsageError(_unknown_type(kg, text))
    return "concepts", concepts


def _concept_index(kg: KnowledgeGraph) -> list[tuple[str, str, set[str]]]:
    """(concept IRI, scheme slug, the names it answers to as written) of every event-type concept:
    its id (``acled/armed-clash``), the id's last part (``armed-clash``, ``190``) and its labels."""
    names: dict[str, tuple[str, set[str]]] = {}
    for row in kg.query(_CONCEPTS).records():
        concept, scheme = row["concept"], row["scheme"].rsplit("/", 1)[-1]
        local = concept.split("/id/concept/", 1)[-1]
        entry = names.setdefault(concept, (scheme, {local, local.rsplit("/", 1)[-1]}))
        if row.get("label"):
            entry[1].add(" ".join(str(row["label"]).split()))
    return [(iri, scheme, found) for iri, (scheme, found) in sorted(names.items())]


def _concepts_named(kg: KnowledgeGraph, text: str) -> list[str]:
    """Concepts answering to ``text``: a scheme-qualified id alone; else the names as written
    (ACLED's ``Armed clash``, the project's ``armed-clash``), then in any case; at each step the
    project's types win over the datasets'."""
    index = _concept_index(kg)
    if "/" in text and text.split("/", 1)[0].lower() in ("acled", "ucdp", "cameo"):
        return [iri for iri, _, names in index if text.lower() in {n.lower() for n in names} and "/" + text.lower() in iri.lower()]
    for fold in (str, str.lower):
        wanted = fold(text)
        found = [(iri, scheme) for iri, scheme, names in index if wanted in {fold(n) for n in names}]
        if found:
            project = [iri for iri, scheme in found if scheme == "event-types"]
            return project or [iri for iri, _ in found]
    return []


def _unknown_type(kg: KnowledgeGraph, text: str) -> str:
    names = sorted({n.lower() for _, _, found in _concept_index(kg) for n in found if "/" not in n} | set(EVENT_CLASSES))
    close = difflib.get_close_matches(text.lower(), [n.lower() for n in names], n=3, cutoff=0.7)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return (f"unknown event type {text!r}: give a class ({', '.join(EVENT_CLASSES)}), a project type "
            f"(armed-clash), or a dataset's type (ACLED 'Armed clash', UCDP 'state-based', CAMEO '190').{hint}")


def actors(
    kg: KnowledgeGraph, *, type: str | None = None, place: str | None = None, search: str | None = None,  # noqa: A002
) -> Result:
    """Actors with their class, Wikidata id, aliases and number of events (in any role; sides are
    participants too), busiest first; with ``place``, only actors of events there (an id, label or
    ISO code, :func:`kg.read.places.resolve_place`) and only those events counted; with ``search``,
    only actors whose id, label or an alias contains the text (any case)."""
    params = {}
    if type:
        if type not in ACTOR_KINDS:
            raise UsageError(f"unknown actor type {type!r}: use one of {', '.join(ACTOR_KINDS)}")
        params["wantClass"] = CKG[type]
    events = "" if place else _ACTOR_EVENTS  # with a place, narrowed() counts the events there instead
    result = kg.query(_ACTORS % {"actors": one_of("?cls", kg.subclasses("Actor")), "events": events}, params=params)
    aliases = result.variables.index("aliases")
    rows = [(*row[:aliases], _sorted_aliases(row[aliases]), *row[aliases + 1:]) for row in result.rows]
    return narrowed(kg, Result("select", variables=list(result.variables), rows=rows), place=place, search=search)


def _sorted_aliases(term: object) -> ox.Literal | None:
    """GROUP_CONCAT's aliases (in no set order) in alphabetical order, as the index path gives them."""
    if not isinstance(term, ox.Literal):
        return None
    return ox.Literal("; ".join(sorted(a for a in term.value.split("; ") if a)))


_PLACE_COUNTS = """
SELECT ?actor (COUNT(DISTINCT ?event) AS ?events) WHERE {
  %(area)s
  ?event %(roles)s ?actor ; ckg:eventType ?anyType .
}
GROUP BY ?actor
"""


def narrowed(kg: KnowledgeGraph, result: Result, *, place: str | None, search: str | None) -> Result:
    """:func:`actors` rows kept by ``search`` (id, label, aliases) and counted in ``place``."""
    rows = list(result.rows)
    column = {name: i for i, name in enumerate(result.variables)}
    if search:
        wanted = " ".join(search.split()).lower()

        def text(row: tuple[object, ...], name: str) -> str:
            term = row[column[name]]
            return str(getattr(term, "value", "") or "").lower()

        rows = [r for r in rows if any(wanted in text(r, n) for n in ("actor", "label", "aliases"))]
    if place:
        from kg.read.places import resolve_place

        query = _PLACE_COUNTS % {"area": resolve_place(kg, place).pattern("?event"), "roles": ACTOR_ROLES}
        counts = {row["actor"]: row["events"] for row in kg.query(query).records()}
        index = column["events"]
        rows = [
            tuple(ox.Literal(str(counts[r[0].value]), datatype=ox.NamedNode(_XSD_INTEGER)) if i == index else t
                  for i, t in enumerate(r))
            for r in rows if isinstance(r[0], ox.NamedNode) and r[0].value in counts
        ]
        rows.sort(key=lambda r: (-int(r[index].value), str(getattr(r[column["label"]], "value", ""))))  # type: ignore[union-attr]
    return Result("select", variables=list(result.variables), rows=rows)


_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

_ACTOR_BY_NAME = """
SELECT DISTINCT ?actor WHERE {
  VALUES ?name { %(names)s }
  ?actor rdfs:label|skos:altLabel ?name ; a ?class . %(classes)s
}
"""

_ACTOR_NAMES = """
SELECT ?actor ?name WHERE {
  VALUES ?class { %(classes)s }
  ?actor a ?class ; rdfs:label|skos:altLabel ?name .
}
"""


def actor_iri(kg: KnowledgeGraph, name: str) -> str:
    """The IRI of an existing actor given by id (``isis``, ``actor:isis`` or the IRI) or by its exact
    label or alias in any case (``Islamic State (Syria)``), when that names one actor.

    :raises UsageError: no such actor (the message suggests near ids, labels and aliases) or a
        label shared by several actors (the message lists their ids).
    """
    text = " ".join(str(name).split())
    slug = text.rsplit("/id/actor/", 1)[-1].removeprefix("actor:")
    classes = is_a(kg, "?actor", "Actor")
    if is_slug(slug):
        iri = resource_iri("actor", slug)
        if kg.query(f"ASK {{ {classes} }}", params={"actor": iri}).boolean:
            return iri
    literals = " ".join(_literal(n) for n in sorted({text, text.lower(), text.title()}))
    found = sorted(row["actor"] for row in kg.query(
        _ACTOR_BY_NAME % {"names": literals, "classes": one_of("?class", kg.subclasses("Actor"))}).records())
    names: list[tuple[str, str]] = []
    if not found:  # any case and spacing: a scan of every actor name
        names = _actor_names(kg)
        wanted = text.lower()
        found = sorted({iri for iri, label in names if label.lower() == wanted})
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        ids = ", ".join(f.rsplit("/", 1)[-1] for f in found)
        raise UsageError(f"{text!r} names {len(found)} actors: give one id ({ids})")
    raise UsageError(_unknown_actor(text, names))


def _actor_names(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    """(actor IRI, label or alias with spaces normalised) of every actor."""
    query = _ACTOR_NAMES % {"classes": " ".join(f"<{c}>" for c in kg.subclasses("Actor"))}
    return [(row["actor"], " ".join(str(row["name"]).split())) for row in kg.query(query).records()]


def _unknown_actor(text: str, names: list[tuple[str, str]]) -> str:
    """"unknown actor ...; did you mean ...?" from ids, labels and aliases (difflib), case folded."""
    candidates: dict[str, str] = {}  # folded id, label or alias -> actor id
    shown_as: dict[str, str] = {}  # actor id -> "Label (id)"
    for iri, label in names:
        slug = iri.rsplit("/", 1)[-1]
        candidates.setdefault(slug, slug)
        candidates.setdefault(label.lower(), slug)
        shown_as.setdefault(slug, f"{label} ({slug})" if label.lower() != slug else slug)
    wanted = text.lower()
    close = difflib.get_close_matches(wanted, list(candidates), n=8, cutoff=0.6)
    close += sorted(k for k in candidates if wanted in k and k not in close)
    shown = list(dict.fromkeys(shown_as[candidates[c]] for c in close))[:4]
    hint = f"; did you mean {', '.join(shown)}?" if shown else ""
    return f"unknown actor {text!r}: give an actor id or its exact label (kg actors --search TEXT finds them){hint}"


def _literal(text: str) -> str:
    """A plain literal in N-Triples syntax (escaped by the engine): never query syntax."""
    return str(ox.Literal(text))


def fact_iri(kg: KnowledgeGraph, ref: str) -> str:
    """An existing event or state, given as IRI, ``event:slug``, ``state:slug`` or a bare event slug."""
    from kg.sparql.terms import to_term

    text = ref if ":" in ref else f"event:{ref}"
    iri = to_term(text)
    facts = one_of("?c", kg.subclasses("Event") + kg.subclasses("State"))
    ok = kg.query(f"ASK {{ ?f a ?c ; ckg:startDate ?d . {facts} }}", params={"f": iri})
    if not ok.boolean:
        raise UsageError(f"unknown event or state {ref!r}: give its IRI or event:<slug> (see kg events)")
    return str(iri.value) if hasattr(iri, "value") else str(iri)
