"""ICEWS as used by the temporal-KG benchmarks (ICEWS14, ICEWS18, ICEWS05-15).

Two layouts, both ``subject<TAB>relation<TAB>object<TAB>time[<TAB>...]``:

- named: names with ``_`` for spaces and ISO dates (TLogic files, ``derived-named/``);
- ids: integer ids resolved through ``entity2id.txt`` / ``relation2id.txt`` next to
  the file, and a time that is hours (xERTE, RE-Net: ``--time-unit hours``) or days
  (RE-GCN: ``days`` from 0 or ``days-from-1``) since ``--epoch``.

Events are directed (source actor -> target actor). ICEWS rows have no id, so the
event IRI is a hash of the row (subject, relation, object, date) and the source id:
the same row imported twice is the same event. The relation is the CAMEO event
description; it is kept as an ICEWS concept, matched to its CAMEO code, and typed with
the project concept of the code's root (which carries the sign).

>>> from pathlib import Path
>>> fmt = IcewsFormat()
>>> fmt.parse_time("2014-01-02"), IcewsFormat(epoch="2018-01-01", time_unit="hours").parse_time("48")
(datetime.date(2014, 1, 2), datetime.date(2018, 1, 3))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.base.errors import DataError, UsageError
from kg.contract.emit import RowQuads, resource_node, slugify
from kg.ingest.base import Row, RowError
from kg.ingest.cameo import CameoTable

TIME_UNITS = ("date", "hours", "days", "days-from-1")
COUNTRY_IN_NAME = re.compile(r"\(([^()]+)\)\s*$")
ERROR = "\x00error"  #: key of a row that could not be read (bytes that are not UTF-8)
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes kept by errors="surrogateescape"


class IcewsFormat:
    """ICEWS TKG quadruple files."""

    name = "icews"
    title = "ICEWS"
    licence = (
        "ICEWS coded event data (Boschee et al., Harvard Dataverse doi:10.7910/DVN/28075), as redistributed in "
        "temporal-KG benchmarks; cite the dataset and the benchmark papers."
    )

    def __init__(self, *, epoch: str | None = None, time_unit: str = "date") -> None:
        if time_unit not in TIME_UNITS:
            raise UsageError(f"unknown --time-unit {time_unit!r}: use one of {', '.join(TIME_UNITS)}")
        if time_unit != "date" and not epoch:
            raise UsageError("id-based ICEWS files need --epoch (e.g. 2014-01-01 for ICEWS14, 2018-01-01 for ICEWS18)")
        try:
            self.epoch = dt.date.fromisoformat(epoch) if epoch else None
        except ValueError:
            raise UsageError(f"--epoch {epoch!r} is not a date: write YYYY-MM-DD") from None
        self.time_unit = time_unit
        self.cameo = CameoTable.load()
        self.entities: dict[str, str] = {}
        self.relations: dict[str, str] = {}
        self._concepts_described: set[str] = set()

    # -- reading ----------------------------------------------------------------------

    def rows(self, path: Path) -> Iterator[tuple[int, Row]]:
        if self.time_unit != "date":
            self.entities = _id_map(path.parent / "entity2id.txt")
            self.relations = _id_map(path.parent / "relation2id.txt")
        # surrogateescape: an undecodable line is one bad row (named by its line), not a crash
        with path.open(encoding="utf-8", errors="surrogateescape") as handle:
            for number, line in enumerate(handle, start=1):
                if number == 1:
                    line = line.removeprefix("\ufeff")
                if not line.strip():
                    continue
                if _UNDECODABLE.search(line):
                    yield number, {ERROR: "not UTF-8 text: save the file as UTF-8"}
                    continue
                parts = [part.strip() for part in line.rstrip("\n").split("\t")]
                yield number, {
                    "subject": parts[0], "relation": parts[1] if len(parts) > 1 else "",
                    "object": parts[2] if len(parts) > 2 else "", "time": parts[3] if len(parts) > 3 else "",
                }

    def parse_time(self, raw: str) -> dt.date:
        if self.time_unit == "date":
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                raise RowError("time", f"{raw!r} is not a date (YYYY-MM-DD); for id files give --time-unit and --epoch") from None
        if not re.fullmatch(r"\d+", raw):
            raise RowError("time", f"{raw!r} is not a whole number of {self.time_unit}")
        value = int(raw)
        assert self.epoch is not None
        if self.time_unit == "hours":
            if value % 24:
                raise RowError("time", f"{value} hours is not a whole day (expected a multiple of 24)")
            return self.epoch + dt.timedelta(days=value // 24)
        return self.epoch + dt.timedelta(days=value - (1 if self.time_unit == "days-from-1" else 0))

    def _name(self, raw: str, column: str, table: dict[str, str]) -> str:
        if not raw:
            raise RowError(column, "empty")
        if self.time_unit == "date":
            return raw
        if raw not in table:
            raise RowError(column, f"id {raw} is not in {'entity2id' if column != 'relation' else 'relation2id'}.txt")
        return table[raw]

    # -- mapping ----------------------------------------------------------------------

    def map_row(self, row: Row, out: RowQuads, source: ox.NamedNode) -> None:
        if ERROR in row:
            raise RowError("row", row[ERROR])
        subject = self._name(row["subject"], "subject", self.entities)
        relation = self._name(row["relation"], "relation", self.relations)
        obj = self._name(row["object"], "object", self.entities)
        if not row["time"]:
            raise RowError("time", "missing")
        day = self.parse_time(row["time"])
        relation_label = relation.replace("_", " ")
        code = self.cameo.code_for_label(relation_label)
        concept, cls = ("other", "Event") if code is None else (self.cameo.project_concept(code), self.cameo.event_class(code))
        source_concept = self._relation_concept(relation_label, code, out)
        agent = out.actor(subject, kind=_actor_kind(subject))
        target = out.actor(obj, kind=_actor_kind(obj))
        place = _country_place(out, subject)
        key = "\t".join((subject, relation, obj, day.isoformat()))
        digest = hashlib.sha1(f"{source.value}\t{key}".encode()).hexdigest()[:16]
        out.event(
            f"icews-{digest}", cls=cls, concept=concept, source=source, start=day, source_id=key,
            label=f"{out.names.label(subject)}: {relation_label} -> {out.names.label(obj)}",
            source_concept=source_concept, agents=[agent], targets=[target], place=place,
        )

    def _relation_concept(self, label: str, code: str | None, out: RowQuads) -> ox.NamedNode:
        concept = resource_node("concept", f"icews/{slugify(label)}")
        out.scheme_concept(
            concept, "icews", label=label,
            close_match=resource_node("concept", f"cameo/{code}") if code is not None else None,
        )
        return concept


def _id_map(path: Path) -> dict[str, str]:
    """``name<TAB>id`` lines -> {id: name}."""
    if not path.exists():
        raise DataError(f"missing {path.name}: id-based ICEWS files need it next to the data file", path=str(path))
    table: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for line in handle:
                if "\t" in line:
                    name, ident = line.rstrip("\n").rsplit("\t", 1)
                    table[ident.strip()] = name.strip()
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read {path.name}: {err}", path=str(path)) from None
    return table


def _actor_kind(name: str) -> str:
    """ICEWS sector names: citizens and civilians are communities; the rest stay generic actors."""
    lowered = name.replace("_", " ").lower()
    if lowered.startswith(("citizen", "civilian", "protester", "refugee", "villager")):
        return "Community"
    if lowered.startswith(("military", "armed forces", "army", "police", "navy", "air force", "security forces")):
        return "StateForce"
    if lowered.startswith(("militant", "insurgent", "rebel", "armed gang", "armed rebel")):
        return "ArmedGroup"
    return "Actor"


def _country_place(out: RowQuads, name: str) -> ox.NamedNode | None:
    """ICEWS sector actors name their country in brackets (``Citizen (Nigeria)``): a coarse place."""
    match = COUNTRY_IN_NAME.search(out.names.label(name))
    if not match:
        return None
    return out.place([("Country", match.group(1))])
