"""Read the curated data folder (``data/``) into validated model objects.

Layout: ``actors.yaml``, ``places.yaml``, ``sources/<slug>.txt`` (YAML front matter
between ``---`` lines, then the verbatim text) and ``events/<source>.yaml``. Every
error names the file, line and field. See ``data/README.md`` for the schema.

>>> from kg.base.resources import default_data_dir
>>> data = load_curated(default_data_dir())
>>> data.events["isis-vbied-homs-zahraa-2017-05-23"].span.start
datetime.date(2017, 5, 23)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kg.base.errors import DataError
from kg.base.temporal import Precision, TimeSpan, parse_date
from kg.base.yamlio import LineDict, load_yaml, load_yaml_text
from kg.contract.model import Actor, Event, Place, Quote, Retraction, Source, State

T = TypeVar("T")


@dataclass(frozen=True)
class CuratedData:
    """Everything in a curated data folder, cross-checked."""

    root: Path
    actors: dict[str, Actor]
    places: dict[str, Place]
    sources: dict[str, Source]
    events: dict[str, Event]
    states: dict[str, State]
    retractions: list[Retraction]
    #: (kind, slug) -> the YAML mapping it came from, to point errors found later at file:line.
    origins: dict[tuple[str, str], LineDict]
    #: (kind, slug) of records still marked for review (a ``draft:`` mapping); only with include_drafts
    drafts: frozenset[tuple[str, str]] = frozenset()


#: the key whose presence marks a record as an unreviewed draft (written by ``kg draft``)
DRAFT_MARKER = "draft"


def load_curated(root: Path, *, concepts: set[str] | None = None, include_drafts: bool = False) -> CuratedData:
    """Load and cross-check a curated data folder.

    ``concepts`` are the allowed event-type slugs (from the ontology); ``None`` skips that check.
    Records still marked for review (a ``draft:`` mapping, see ``kg draft``) are refused unless
    ``include_drafts``; then they load and are listed in :attr:`CuratedData.drafts`. An events file
    may also hold ``actors:`` and ``places:`` that its draft proposed; they join the registries.

    :raises DataError: on the first problem, naming file, line and field.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError("data folder not found: pass the folder holding actors.yaml", path=str(root))
    actors, actor_records = _load_registry(root / "actors.yaml", "actors", _actor)
    places, place_records = _load_registry(root / "places.yaml", "places", _place)
    sources: dict[str, Source] = {}
    origins_sources: dict[str, LineDict] = {}
    for path in sorted((root / "sources").glob("*.txt")):
        source, meta = _source(path)
        if source.slug in sources:
            raise meta.error("id", f"duplicate source id {source.slug!r}")
        sources[source.slug] = source
        origins_sources[source.slug] = meta
    _check_registry_refs(actors, actor_records, places, place_records)
    origins: dict[tuple[str, str], LineDict] = {}
    origins.update({("actor", slug): rec for slug, rec in actor_records.items()})
    origins.update({("place", slug): rec for slug, rec in place_records.items()})

    events: dict[str, Event] = {}
    states: dict[str, State] = {}
    retractions: list[tuple[LineDict, Retraction]] = []
    pending: list[tuple[LineDict, str, Event | State]] = []
    drafts: set[tuple[str, str]] = set()
    documents = [(path, _mapping(load_yaml(path), path)) for path in sorted((root / "events").glob("*.yaml"))]
    for path, doc in documents:
        for key, kind in (("events", "event"), ("states", "state"), ("actors", "actor"), ("places", "place"),
                          ("retractions", "retraction")):
            for record in _records(doc, key, path):
                if DRAFT_MARKER in record:
                    if not include_drafts:
                        raise record.error(
                            DRAFT_MARKER,
                            f"{kind} {record.get('id')!r} is a draft still marked for review: delete its 'draft:' "
                            "mapping to accept it, or build with --include-drafts",
                        )
                    drafts.add((kind, str(record.get("id"))))
        for key, registry, records, make in (("actors", actors, actor_records, _actor), ("places", places, place_records, _place)):
            for record in _records(doc, key, path):
                item = _build(record, make)
                if item.slug in registry:  # type: ignore[attr-defined]
                    raise record.error("id", f"duplicate id {item.slug!r}: already in the registry")  # type: ignore[attr-defined]
                registry[item.slug] = item  # type: ignore[attr-defined,assignment]
                records[item.slug] = record  # type: ignore[attr-defined]
                origins[(key[:-1], item.slug)] = record  # type: ignore[attr-defined]
    _check_registry_refs(actors, actor_records, places, place_records)
    for slug, source in sources.items():
        for publisher in source.publishers:
            if publisher not in actors:
                raise origins_sources[slug].error("publishers", f"unknown actor id {publisher!r}: add it to actors.yaml")
    for path, doc in documents:
        source_slug = doc.get("source")
        if source_slug not in sources:
            raise doc.error("source", f"unknown source {source_slug!r}: add data/sources/{source_slug}.txt")
        source = sources[source_slug]
        for record in _records(doc, "events", path):
            event = _build(record, functools.partial(_event, source=source, concepts=concepts))
            _no_duplicate(record, event.slug, events, states)
            events[event.slug] = event
            pending.append((record, "event", event))
        for record in _records(doc, "states", path):
            state = _build(record, functools.partial(_state, source=source))
            _no_duplicate(record, state.slug, events, states)
            states[state.slug] = state
            pending.append((record, "state", state))
        for record in _records(doc, "retractions", path):
            retractions.append((record, _build(record, functools.partial(_retraction, source=source))))
    for record, kind, item in pending:
        _check_refs(record, item, actors, places, events)
        origins[(kind, item.slug)] = record
    origins.update({("source", slug): rec for slug, rec in origins_sources.items()})
    for record, retraction in retractions:
        _check_retraction(record, retraction, sources, events, states)
    return CuratedData(
        root, actors, places, sources, events, states, [r for _, r in retractions], origins, frozenset(drafts)
    )


# -- registries ---------------------------------------------------------------------------


def _mapping(doc: Any, path: Path) -> LineDict:
    if not isinstance(doc, LineDict):
        raise DataError("expected a YAML mapping at the top of the file", path=str(path), line=1)
    return doc


def _records(doc: LineDict, key: str, path: Path) -> list[LineDict]:
    items = doc.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, LineDict) for i in items):
        raise doc.error(key, f"'{key}' must be a list of mappings")
    return items


def _load_registry(
    path: Path, key: str, make: Callable[[LineDict], T]
) -> tuple[dict[str, T], dict[str, LineDict]]:
    if not path.exists():
        raise DataError(f"missing registry file: create it with a top-level '{key}:' list", path=str(path))
    doc = _mapping(load_yaml(path), path)
    out: dict[str, T] = {}
    records: dict[str, LineDict] = {}
    for record in _records(doc, key, path):
        item = _build(record, make)
        slug = item.slug  # type: ignore[attr-defined]
        if slug in out:
            raise record.error("id", f"duplicate id {slug!r}")
        out[slug] = item
        records[slug] = record
    return out, records


def _build(record: LineDict, make: Callable[[LineDict], T]) -> T:
    """Run a constructor; attach file and line to any DataError it raises."""
    try:
        return make(record)
    except DataError as err:
        if err.path:
            raise
        field = err.field or "id"
        raise DataError(err.message, path=record.path, line=record.line_of(field), field=field) from None
    except (TypeError, ValueError) as err:
        raise DataError(f"bad value: {err}", path=record.path, line=record.line) from None


def _get(record: LineDict, key: str, *, required: bool = False) -> Any:
    value = record.get(key)
    if required and (value is None or value == ""):
        raise DataError(f"missing required field '{key}'", field=key)
    return value


def _strings(record: LineDict, key: str) -> tuple[str, ...]:
    value = record.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError("must be a list of texts", field=key)
    return tuple(value)


def _optional_text(record: LineDict, key: str) -> str | None:
    value = record.get(key)
    return None if value is None else str(value)


def _actor(r: LineDict) -> Actor:
    collective = r.get("collective", False)
    if not isinstance(collective, bool):
        raise DataError("must be true or false", field="collective")
    return Actor(
        slug=_get(r, "id", required=True),
        kind=_get(r, "type", required=True),
        label=_get(r, "label", required=True),
        aliases=_strings(r, "aliases"),
        collective=collective,
        wikidata=_optional_text(r, "wikidata"),
        description=_optional_text(r, "description"),
        head_of=_optional_text(r, "head_of"),
        head_of_as_of=_optional_text(r, "head_of_as_of"),
    )


def _place(r: LineDict) -> Place:
    return Place(
        slug=_get(r, "id", required=True),
        kind=_get(r, "type", required=True),
        label=_get(r, "label", required=True),
        lat=_get(r, "lat", required=True),  # checked by kg.base.geo.coordinate in Place
        lon=_get(r, "lon", required=True),
        within=_optional_text(r, "within"),
        aliases=_strings(r, "aliases"),
        wikidata=_optional_text(r, "wikidata"),
        description=_optional_text(r, "description"),
    )


def _check_registry_refs(
    actors: dict[str, Actor],
    actor_records: dict[str, LineDict],
    places: dict[str, Place],
    place_records: dict[str, LineDict],
) -> None:
    for actor in actors.values():
        if actor.head_of and actor.head_of not in actors:
            raise actor_records[actor.slug].error("head_of", f"unknown actor id {actor.head_of!r}")
    for place in places.values():
        record = place_records[place.slug]
        seen = {place.slug}
        parent = place.within
        while parent is not None:
            if parent not in places:
                raise record.error("within", f"unknown place id {parent!r}: add it to places.yaml")
            if parent in seen:
                raise record.error("within", f"'within' forms a cycle through {parent!r}")
            seen.add(parent)
            parent = places[parent].within


# -- sources ------------------------------------------------------------------------------


def split_front_matter(raw: str, *, path: str) -> tuple[str, str, int]:
    """Split ``---``-delimited YAML front matter from the text; return (yaml, text, yaml_line).

    >>> split_front_matter("---\\nid: x\\n---\\nHello", path="s.txt")
    ('id: x\\n', 'Hello', 2)
    """
    if not raw.startswith("---\n"):
        raise DataError("a source file starts with '---' and YAML front matter", path=path, line=1)
    end = raw.find("\n---\n", 3)
    if end < 0:
        raise DataError("front matter is not closed: add a line '---' before the text", path=path, line=1)
    return raw[4 : end + 1], raw[end + 5 :], 2


def _source(path: Path) -> tuple[Source, LineDict]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read source: {err}", path=str(path)) from None
    front, text, _ = split_front_matter(raw, path=str(path))
    # Pad with a line so YAML line numbers match the file's.
    meta = _mapping(load_yaml_text("\n" + front, path=str(path)), path)

    def make(r: LineDict) -> Source:
        slug = _get(r, "id", required=True)
        if slug != path.stem:
            raise DataError(f"id {slug!r} must equal the file name {path.stem!r}", field="id")
        return Source(
            slug=slug,
            title=_get(r, "title", required=True),
            publishers=_strings(r, "publishers"),
            issued=_date(r, "issued"),
            text=text,
            language=str(r.get("language") or "en"),
            licence=_optional_text(r, "licence"),
            description=_optional_text(r, "description"),
            url=_optional_text(r, "url"),
        )

    return _build(meta, make), meta


def _date(record: LineDict, key: str) -> dt.date:
    return _wrap(key, lambda: parse_date(str(_get(record, key, required=True))))


def _wrap(field: str, fn: Callable[[], T]) -> T:
    try:
        return fn()
    except DataError as err:
        raise DataError(err.message, field=err.field or field) from None


# -- events and states --------------------------------------------------------------------


def _quote(record: LineDict, source: Source) -> Quote:
    text = _get(record, "quote", required=True)
    if not isinstance(text, str):
        raise DataError("must be a text", field="quote")
    text = text.strip()
    hint = record.get("quote_start")
    start = source.text.find(text, hint if isinstance(hint, int) else 0)
    if start < 0:
        raise DataError(
            f"quote not found verbatim in source {source.slug!r}: copy it exactly (curly quotes included)",
            field="quote",
        )
    return Quote(text, start, start + len(text))


def _event(r: LineDict, source: Source, concepts: set[str] | None) -> Event:
    concept = _get(r, "type", required=True)
    if concepts is not None and concept not in concepts:
        raise DataError(f"unknown event type {concept!r}: use a concept of the ontology's scheme", field="type")
    precision = _wrap("precision", lambda: Precision.parse(_get(r, "precision", required=True)))
    span = _wrap("date", lambda: TimeSpan.parse(
        str(_get(r, "date", required=True)),
        None if r.get("end") is None else str(r["end"]),
        precision,
    ))
    about = []
    for item in _strings(r, "about"):
        kind, _, slug = item.partition(":")
        if not slug:
            raise DataError(f"about {item!r}: write 'actor:<id>', 'event:<id>' or 'place:<id>'", field="about")
        about.append((kind, slug))
    confidence = r.get("confidence")
    return Event(
        slug=_get(r, "id", required=True),
        cls=_get(r, "class", required=True),
        concept=concept,
        label=_get(r, "label", required=True),
        span=span,
        source=source.slug,
        quote=_quote(r, source),
        agents=_strings(r, "agents"),
        targets=_strings(r, "targets"),
        participants=_strings(r, "participants"),
        places=_strings(r, "places"),
        destination=_optional_text(r, "destination"),
        about=tuple(about),
        weapon=_optional_text(r, "weapon"),
        part_of=_optional_text(r, "part_of"),
        hedge=_optional_text(r, "hedge"),
        confidence=None if confidence is None else float(confidence),
        note=_optional_text(r, "note"),
        revises=_optional_text(r, "revises"),
    )


def _retraction(r: LineDict, source: Source) -> Retraction:
    given = [key for key in ("event", "state") if r.get(key)]
    if len(given) != 1:
        raise DataError("a retraction names exactly one 'event' or 'state' id", field="event")
    kind = given[0]
    return Retraction(kind, str(r[kind]), source.slug, _quote(r, source), _optional_text(r, "note"))


def _check_retraction(
    record: LineDict,
    retraction: Retraction,
    sources: dict[str, Source],
    events: dict[str, Event],
    states: dict[str, State],
) -> None:
    fact = (events if retraction.kind == "event" else states).get(retraction.slug)
    if fact is None:
        raise record.error(retraction.kind, f"unknown {retraction.kind} id {retraction.slug!r}: name a fact of an earlier source")
    if sources[fact.source].issued > sources[retraction.source].issued:
        raise record.error(retraction.kind, f"{retraction.slug!r} comes from a source issued after this one: a retraction must come later")


def _state(r: LineDict, source: Source) -> State:
    precision = _wrap("precision", lambda: Precision.parse(_get(r, "precision", required=True)))
    span = _wrap("date", lambda: TimeSpan.parse(str(_get(r, "date", required=True)), None, None))
    end = None if r.get("end") is None else _date(r, "end")
    cls = _get(r, "class", required=True)
    return State(
        slug=_get(r, "id", required=True),
        cls=cls,
        start=span.start,
        end=end,
        precision=precision,
        source=source.slug,
        quote=_quote(r, source),
        label=str(r.get("label") or r["id"]),
        member=_optional_text(r, "member"),
        organization=_optional_text(r, "organization"),
        parties=_strings(r, "parties"),
        started_by=_optional_text(r, "started_by"),
        ended_by=_optional_text(r, "ended_by"),
        note=_optional_text(r, "note"),
    )


def _no_duplicate(record: LineDict, slug: str, *seen: dict[str, Any]) -> None:
    if any(slug in registry for registry in seen):
        raise record.error("id", f"duplicate id {slug!r}: ids must be unique over events and states")


def _check_refs(
    record: LineDict,
    item: Event | State,
    actors: dict[str, Actor],
    places: dict[str, Place],
    events: dict[str, Event],
) -> None:
    def need(registry: Iterable[str], slug: str | None, key: str, what: str, fix: str) -> None:
        if slug is not None and slug not in registry:
            raise record.error(key, f"unknown {what} id {slug!r}: {fix}")

    add_actor = "add it to actors.yaml or fix the spelling"
    add_place = "add it to places.yaml or fix the spelling"
    add_event = "use the id of an event in data/events/"
    if isinstance(item, Event):
        for key, slugs in (("agents", item.agents), ("targets", item.targets), ("participants", item.participants)):
            for slug in slugs:
                need(actors, slug, key, "actor", add_actor)
        for slug in item.places:
            need(places, slug, "places", "place", add_place)
        need(places, item.destination, "destination", "place", add_place)
        need(events, item.part_of, "part_of", "event", add_event)
        need(events, item.revises, "revises", "event", add_event)
        registries: dict[str, Iterable[str]] = {"actor": actors, "event": events, "place": places}
        for kind, slug in item.about:
            need(registries[kind], slug, "about", kind, f"check the {kind} id")
    else:
        for key, member in (("member", item.member), ("organization", item.organization)):
            need(actors, member, key, "actor", add_actor)
        for slug in item.parties:
            need(actors, slug, "parties", "actor", add_actor)
        need(events, item.started_by, "started_by", "event", add_event)
        need(events, item.ended_by, "ended_by", "event", add_event)
