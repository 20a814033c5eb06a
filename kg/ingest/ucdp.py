"""UCDP GED (Georeferenced Event Dataset): one row per event, 49 columns (releases 20.1 to 25.1).

Mapping of a row (column names as in the GED CSV):

- event ``event/ucdp-ged-<id>``; ``ckg:sourceId`` = ``id``, ``dcterms:identifier`` = ``relid``
  (the release-stable id string), ``ckg:sourceCode`` ``UCDP-conflict:<conflict_new_id>`` and
  ``UCDP-dyad:<dyad_new_id>``; conflict and dyad names go in ``dcterms:description``.
- ``type_of_violence`` -> a UCDP concept ``concept/ucdp/state-based|non-state|one-sided`` as
  ``ckg:sourceEventType``; the ontology states on it (read through :mod:`kg.contract.codebooks`)
  the project concept (``ckg:eventType``), the class (all three are ``ckg:Attack``), the direction
  rule and the GED codebook reference:

  - 1 state-based and 2 non-state -> ``concept/armed-clash``: two sides in mutual hostility,
    ``side_a`` is ``ckg:sideA``, ``side_b`` ``ckg:sideB`` (also written as participants; no agent,
    no target, so no ``ckg:attacked`` shortcut);
  - 3 one-sided violence -> ``concept/attack``: ``side_a`` is the ``ckg:agent``, ``side_b``
    (always ``Civilians``) the ``ckg:target``.

- actors ``side_a`` / ``side_b`` keep their UCDP actor id as ``ckg:sourceCode "UCDP:<side_x_new_id>"``.
  Kinds (class, and ``ckg:actorKind``): ``Government of ...`` -> ``ckg:StateForce``, state forces
  (UCDP's "government" is a warring party; what fights in a GED event is the state's armed forces,
  and ``ckg:NationState`` is left to the state as a diplomatic actor); ``Civilians`` ->
  ``ckg:Community``, collective, civilians, **scoped by the event's country** (``Civilians
  (Syria)`` -> ``actor/civilians-syria``, the same actor as ACLED's; UCDP's one actor id 1 stays as
  its ``ckg:sourceCode``), so civilians of different countries are never one actor; a side naming
  several groups (``"Fatah Halab, Jabhat Fateh al-Sham"``, one UCDP id) -> ``ckg:Coalition``,
  collective; anything else -> ``ckg:ArmedGroup``. UCDP does not separate rebels from militias,
  so both are the kind armed group.
- time ``date_start..date_end`` (inclusive; a time part such as `` 00:00:00`` is dropped);
  ``date_prec`` is kept verbatim as ``ckg:rawDatePrecision`` and mapped to ``ckg:datePrecision``:
  one day -> ``Day``; otherwise exactly one calendar month -> ``Month``, exactly one calendar year ->
  ``Year``, else ``Approximate`` (so date_prec 1 with a range, which GED does not produce, is
  ``Approximate``). An end before the start, or a date_prec outside 1-5, is a bad row.
- place: the chain ``country > adm_1 > adm_2 > where_coordinates`` (``ckg:Country``, then
  ``ckg:AdminRegion`` twice, then the coded location: ``ckg:City`` for a town, city or village,
  else ``ckg:Site``), names as given; a level repeating its parent's name is skipped (at
  ``where_prec`` 3, 4 and 6 the coded location is the district, province or country itself).
  ``latitude``/``longitude`` go on the innermost place, ``where_prec`` as ``ckg:rawGeoPrecision``.
- fatalities keep their range: ``best`` -> ``ckg:fatalities``, ``low`` -> ``ckg:fatalitiesLow``,
  ``high`` -> ``ckg:fatalitiesHigh`` (whole numbers; anything else is a bad row).

Deaths by side. The four GED death counts are four small ``ckg:SideFatalities`` records that are
parts of the event (``dcterms:hasPart``), each with its count (``ckg:deaths``), a label saying
whose deaths they are and the actor who died (``ckg:deathsOf``):

=========================  ============================  ======================================
record                     ``ckg:deathsOf``              ``ckg:deaths``
=========================  ============================  ======================================
``<event>#deaths-a``       the side A actor              ``deaths_a``
``<event>#deaths-b``       the side B actor              ``deaths_b``
``<event>#deaths-civilians``  ``actor/civilians-<country>`` ``deaths_civilians``
``<event>#deaths-unknown``    (none)                     ``deaths_unknown``
=========================  ============================  ======================================

The records are not events (``ckg:SideFatalities`` is disjoint from ``ckg:Event``, and their
properties' domains are ``ckg:SideFatalities``), so neither event lists nor a reasoner count them
as events. Being ``<event>#...`` IRIs they follow their event when
a re-import carries a vanished event over. In one-sided violence UCDP counts the victims as
civilians (``deaths_b`` is 0), so "deaths by actor" sums ``ckg:deaths`` of the records by
``ckg:deathsOf``. A death column that is absent or empty gives no record.

Files have a header row (a header-less export with the 49 GED columns is also read). The
essential columns (:data:`REQUIRED`) are checked before any row is read.

>>> span("2013-01-03 00:00:00", "2013-01-03 00:00:00", "1")
(datetime.date(2013, 1, 3), datetime.date(2013, 1, 3), <Precision.DAY: 'day'>)
>>> span("1994-07-01", "1994-07-31", "4")[2], span("2019-01-01", "2019-12-22", "5")[2]
(<Precision.MONTH: 'month'>, <Precision.APPROXIMATE: 'approximate'>)
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.base.errors import DataError
from kg.base.namespaces import DCTERMS, resource_iri
from kg.base.temporal import Precision
from kg.contract.codebooks import Rule, dataset_rules, roles
from kg.contract.emit import C, RowQuads, lit, node
from kg.ingest.base import Row, RowError, read_csv_rows, row_point

#: The 49 GED columns in file order (used for a header-less file).
COLUMNS = (
    "id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id conflict_name "
    "dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a side_b_dset_id side_b_new_id side_b "
    "number_of_sources source_article source_office source_date source_headline source_original where_prec "
    "where_coordinates where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid country country_id "
    "region event_clarity date_prec date_start date_end deaths_a deaths_b deaths_civilians deaths_unknown best "
    "high low gwnoa gwnob"
).split()

#: Columns without which a file cannot be imported.
REQUIRED = (
    "id", "type_of_violence", "side_a", "side_b", "date_start", "date_end", "date_prec",
    "country", "latitude", "longitude", "best", "low", "high",
)

#: type_of_violence ("1", "2", "3") -> the rule of its UCDP concept in the ontology (``ucdp:`` concepts:
#: project type, class, direction rule, violent flag, codebook reference), never repeated here.
VIOLENCE: dict[str, Rule] = {rule.notation: rule for rule in dataset_rules("ucdp").values() if rule.notation}

#: GED death columns -> (record fragment, record label, short name in the description)
DEATHS = (
    ("deaths_a", "deaths-a", "deaths of side A", "side A"),
    ("deaths_b", "deaths-b", "deaths of side B", "side B"),
    ("deaths_civilians", "deaths-civilians", "civilian deaths", "civilians"),
    ("deaths_unknown", "deaths-unknown", "deaths of persons of unknown status", "unknown status"),
)

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]00:?00)?)?$")
_COUNT = re.compile(r"^\d+(?:\.0*)?$")
_TOWN = re.compile(r"\b(town|city|village|suburb|township)$", re.IGNORECASE)


class UcdpFormat:
    """UCDP GED event CSV files (``GEDEvent_v<YY>_<r>.csv`` and extracts with the same columns)."""

    name = "ucdp"
    title = "UCDP GED"
    licence = (
        "UCDP Georeferenced Event Dataset (Uppsala Conflict Data Program, ucdp.uu.se): free to use, "
        "Creative Commons Attribution per UCDP's download page; cite Sundberg, R. & Melander, E. (2013) "
        "'Introducing the UCDP Georeferenced Event Dataset', Journal of Peace Research 50(4), and "
        "Davies, S., Pettersson, T. & Öberg, M., 'Organized violence' (Journal of Peace Research) "
        "for the release used."
    )

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._width = len(COLUMNS)

    # -- reading ----------------------------------------------------------------------

    def rows(self, path: Path) -> Iterator[tuple[int, Row]]:
        """Rows with their line numbers, after checking the header has the essential columns."""
        self._seen = set()
        header = _header(path)
        fieldnames: list[str] | None = None
        if "id" not in header and len(header) == len(COLUMNS) and header[0].strip().isdigit():
            fieldnames = list(COLUMNS)  # a header-less export: the first line is already a row
            header = fieldnames
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            raise DataError(
                f"missing column {missing[0]!r}"
                + (f" (and {', '.join(repr(m) for m in missing[1:])})" if len(missing) > 1 else "")
                + ": a UCDP GED CSV needs a header with at least " + ", ".join(REQUIRED),
                path=str(path), line=1,
            )
        self._width = len(header)
        for line, row in read_csv_rows(path, fieldnames=fieldnames):
            # csv.DictReader puts the fields beyond the header under the key None (checked in map_row)
            yield line, {key.lstrip("\ufeff").strip() if key is not None else None: value for key, value in row.items()}

    # -- mapping ----------------------------------------------------------------------

    def _check_width(self, row: Row) -> None:
        if None in row:
            raise RowError("row", f"more fields than the {self._width} columns of the header")
        for column in REQUIRED:
            if row.get(column) is None:
                raise RowError(column, f"missing: the row has fewer fields than the {self._width} columns of the header")

    def map_row(self, row: Row, out: RowQuads, source: ox.NamedNode) -> None:
        self._check_width(row)
        ident = _value(row, "id")
        if not ident.isdigit():
            raise RowError("id", f"{ident!r} is not a UCDP event id (a whole number)" if ident else "empty")
        if ident in self._seen:
            raise RowError("id", f"duplicate event id {ident} (already in an earlier row)")
        violence = _value(row, "type_of_violence")
        if violence not in VIOLENCE:
            raise RowError("type_of_violence", f"{violence!r} is not a UCDP type of violence: use 1 (state-based), 2 (non-state) or 3 (one-sided)")
        rule = VIOLENCE[violence]
        start, end, precision = span(_value(row, "date_start"), _value(row, "date_end"), _value(row, "date_prec"))
        best, low, high = (_count(row, column, required=True) for column in ("best", "low", "high"))
        deaths = {column: _count(row, column, required=False) for column, *_ in DEATHS}
        lat, lon = row_point(row, "latitude", "longitude")
        side_a_name, side_b_name = _value(row, "side_a"), _value(row, "side_b")
        if not side_a_name:
            raise RowError("side_a", "empty")
        if not side_b_name:
            raise RowError("side_b", "empty")
        country = _value(row, "country")
        if not country:
            raise RowError("country", "empty")
        self._seen.add(ident)

        side_a = _actor(out, side_a_name, _value(row, "side_a_new_id"), country)
        side_b = _actor(out, side_b_name, _value(row, "side_b_new_id"), country)
        place = _place(out, row, country, lat, lon)
        source_concept = node(resource_iri("concept", f"ucdp/{rule.code}"))
        who = roles(rule.direction, [side_a], [side_b])
        where = _value(row, "where_coordinates") or _value(row, "adm_1") or country
        when = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
        event = out.event(
            f"ucdp-ged-{ident}", cls=rule.cls, concept=rule.project_type, source=source, start=start, end=end,
            precision=precision, raw_precision=_value(row, "date_prec"), source_id=ident,
            label=f"UCDP {rule.code}: {out.names.label(side_a_name)} - {out.names.label(side_b_name)}, {where}, {when}",
            source_concept=source_concept, place=place, description=_description(row, rule.label, best, low, high, deaths),
            agents=who.agents, targets=who.targets, participants=who.participants, side_a=who.side_a, side_b=who.side_b,
        )
        out.add(event, C["fatalities"], lit(best, "integer"))
        out.add(event, C["fatalitiesLow"], lit(low, "integer"))
        out.add(event, C["fatalitiesHigh"], lit(high, "integer"))
        relid = _value(row, "relid")
        if relid:
            out.add(event, node(DCTERMS.identifier), lit(relid))
        for column, prefix in (("conflict_new_id", "UCDP-conflict"), ("dyad_new_id", "UCDP-dyad")):
            if _value(row, column):
                out.add(event, C["sourceCode"], lit(f"{prefix}:{_value(row, column)}"))
        whose = {"deaths_a": (side_a, side_a_name), "deaths_b": (side_b, side_b_name)}
        for column, fragment, label, _ in DEATHS:
            count = deaths[column]
            if count is None:
                continue
            victims: ox.NamedNode | None = None
            if column in whose:
                victims, name = whose[column]
                label = f"{label} ({out.names.label(name)})"
            elif column == "deaths_civilians":
                victims = _actor(out, "Civilians", None, country)
            out.side_fatalities(
                event, fragment, label=f"{label} in UCDP GED event {ident}", deaths=count, of=victims,
            )


# -- helpers ----------------------------------------------------------------------------


def span(raw_start: str, raw_end: str, raw_precision: str) -> tuple[dt.date, dt.date, Precision]:
    """The inclusive date range of a row and its precision (see the module docstring)."""
    start, end = _date(raw_start, "date_start"), _date(raw_end, "date_end")
    if raw_precision not in ("1", "2", "3", "4", "5"):
        raise RowError("date_prec", f"{raw_precision!r} is not a UCDP date precision (1 exact day ... 5 only the year known)" if raw_precision else "empty")
    if end < start:
        raise RowError("date_end", f"{end.isoformat()} is before date_start {start.isoformat()}")
    if start == end:
        return start, end, Precision.DAY
    last_of_month = calendar.monthrange(start.year, start.month)[1]
    if start.day == 1 and end == start.replace(day=last_of_month):
        return start, end, Precision.MONTH
    if (start.month, start.day) == (1, 1) and end == dt.date(start.year, 12, 31):
        return start, end, Precision.YEAR
    return start, end, Precision.APPROXIMATE


def _header(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise DataError(f"cannot read the header: {err}", path=str(path), line=1) from None
    return [name.strip() for name in first]


def _value(row: Row, column: str) -> str:
    return (row.get(column) or "").strip()


def _date(raw: str, column: str) -> dt.date:
    match = _DATE.match(raw)
    if not match:
        raise RowError(column, f"{raw!r} is not a date: expected YYYY-MM-DD (optionally with a time 00:00:00)" if raw else "empty")
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError as err:
        raise RowError(column, f"impossible date {raw!r}: {err}") from None


def _count(row: Row, column: str, *, required: bool) -> int | None:
    raw = _value(row, column)
    if not raw:
        if required:
            raise RowError(column, "empty: expected a whole number of deaths")
        return None
    if not _COUNT.match(raw):
        raise RowError(column, f"{raw!r} is not a whole number of deaths")
    return int(float(raw)) if "." in raw else int(raw)


def _actor(out: RowQuads, name: str, ucdp_id: str | None, country: str) -> ox.NamedNode:
    """A side as an actor. UCDP's one generic actor, ``Civilians`` (id 1), is scoped by the event's
    country (``Civilians (Syria)``, the same actor as ACLED's), so civilians are never one actor
    across continents."""
    label = out.names.label(name)
    if label.startswith("Government of") and "," not in label:
        kind, collective, actor_kind = "StateForce", False, "state-forces"
    elif label.lower() == "civilians":
        kind, collective, actor_kind = "Community", True, "civilians"
        name = f"Civilians ({country})"
    elif "," in label:
        kind, collective, actor_kind = "Coalition", True, "armed-group"
    else:
        kind, collective, actor_kind = "ArmedGroup", False, "armed-group"
    return out.actor(name, kind=kind, code=f"UCDP:{ucdp_id}" if ucdp_id else None, collective=collective,
                     actor_kind=actor_kind)


def _place(out: RowQuads, row: Row, country: str, lat: float | None, lon: float | None) -> ox.NamedNode | None:
    location = _value(row, "where_coordinates")
    chain = [("Country", country), ("AdminRegion", _value(row, "adm_1")), ("AdminRegion", _value(row, "adm_2")),
             ("City" if _TOWN.search(location) else "Site", location)]
    levels: list[tuple[str, str]] = []
    for kind, name in chain:
        name = " ".join(name.split())
        if name and not (levels and levels[-1][1].lower() == name.lower()):
            levels.append((kind, name))
    return out.place(levels, lat=lat, lon=lon, raw_precision=_value(row, "where_prec") or None)


def _description(row: Row, kind: str, best: int | None, low: int | None, high: int | None, deaths: dict[str, int | None]) -> str:
    parts = [f"UCDP GED {kind}."]
    conflict, dyad = _value(row, "conflict_name"), _value(row, "dyad_name")
    if conflict:
        parts.append(f"Conflict: {conflict} (UCDP conflict {_value(row, 'conflict_new_id') or '?'}).")
    if dyad:
        parts.append(f"Dyad: {dyad} (UCDP dyad {_value(row, 'dyad_new_id') or '?'}).")
    where = " ".join(_value(row, "where_description").split())
    if where:
        parts.append(f"Location: {where}.")
    counts = ", ".join(f"{short} {deaths[column]}" for column, _, _, short in DEATHS if deaths[column] is not None)
    parts.append(f"Deaths: best {best}, low {low}, high {high}" + (f"; by side: {counts}." if counts else "."))
    return " ".join(parts)
