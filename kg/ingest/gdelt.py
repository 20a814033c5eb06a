"""GDELT event files (1.0 daily exports and 2.0 15-minute exports) into the data contract.

Reading
    Raw GDELT files are TAB-separated with no header row (despite the ``.CSV`` name). The
    layout is detected per file from the column count of its first row: 57 or 58 columns
    = GDELT 1.0 (backfiles before April 2013 lack ``SOURCEURL``), 61 = GDELT 2.0 (1.0 plus
    ``*Geo_ADM2Code``). Column names are GDELT's published header rows
    (``GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv``,
    ``GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv``), hard-coded below. Every
    later row must have the first row's count; otherwise it is a bad row naming its count.
    A file whose first line names ``GLOBALEVENTID`` is read by its header instead (comma- or
    tab-separated, extra columns ignored), e.g. the CSVs gdeltPyR writes or BigQuery exports.

Mapping (one event per row)
    - IRI ``event/gdelt-<GLOBALEVENTID>``, ``ckg:sourceId`` GLOBALEVENTID, ``rdfs:seeAlso``
      SOURCEURL when it is an http(s) IRI (other text, e.g. "BBC Monitoring" in old files,
      goes to ``dcterms:source`` as a literal);
    - time: SQLDATE (``YYYYMMDD``, or ``YYYY-MM-DD`` in converted files) -> ``ckg:startDate``
      = ``ckg:endDate``, day precision. DATEADDED -> ``dcterms:created`` (``xsd:dateTime``
      for 2.0's ``YYYYMMDDHHMMSS`` UTC, ``xsd:date`` for 1.0's ``YYYYMMDD``);
    - type: EventCode -> ``ckg:sourceEventType`` ``concept/cameo/<code>`` (in the ontology
      graph); the root's project concept (``ckg:eventType``, which carries ``ckg:sign``) and
      class come from :class:`~kg.ingest.cameo.CameoTable`. ``ckg:goldsteinScale``
      (``xsd:decimal``) and ``ckg:quadClass`` (1-4) as coded;
    - NumMentions, NumSources, NumArticles, AvgTone and IsRootEvent have no term in the
      (closed) ``ckg:`` namespace: they are kept readable in ``dcterms:description``, not as
      queryable values;
    - actors: Actor1 did the action to Actor2 ("the action that Actor1 performed upon
      Actor2"), so Actor1 is ``ckg:agent`` and Actor2 ``ckg:target``. An actor is named by
      its ``ActorNName`` (GDELT's upper case turned into title case), or by its raw CAMEO code
      when the name is empty; its code is kept as ``ckg:sourceCode "CAMEO:<code>"``; its class
      comes from ``ActorNType1Code`` (:data:`ACTOR_KINDS`). A row without Actor1 gives an
      event with a target but no agent; a row with neither actor (GDELT codes none, but the
      format allows it) gives an event without roles. Both are kept rather than rejected:
      GDELT's actor-less rows are still dated, typed, placed events. They fall outside the
      curated data's rule "an agent or a participant" (SHACL ``EventRoleShape``), which
      imports are not validated against;
    - place: ActionGeo -> a ``ckg:within`` chain Country > AdminRegion > City read from
      ``ActionGeo_FullName`` according to ``ActionGeo_Type`` (1 country, 2/5 state, 3/4
      city), coordinates and ``ckg:rawGeoPrecision`` (the Geo_Type, verbatim) on the
      innermost place, FIPS 10-4 country/ADM1 codes and the GNS/GNIS feature id as
      ``ckg:sourceCode``. Type 0 or an empty name: no place. Actor1Geo/Actor2Geo (where
      the actors are from) are not imported.

EventCode and lost leading zeros
    CAMEO codes are strings with meaningful leading zeros (``010`` "Make statement" is not
    ``10`` "Demand"). Files that went through a spreadsheet or a dataframe may hold them as
    integers (``10``, ``211`` for ``0211``). An EventCode in the code table that begins with
    the row's EventRootCode (padded to two digits) and EventBaseCode (padded to three) is
    used as is; otherwise the zero-padded candidates (three and four digits) that are CAMEO
    codes and agree with the root and base codes are tried, and exactly one must fit.
    GDELT data also holds a few well-formed codes its own code table lacks (``129``, three of
    the 50 rows of the 1.0 sample): a 3- or 4-digit code under one of the 20 CAMEO roots is
    accepted, typed by its root, and its concept is described in the import graph
    (``skos:broader`` its parent). Anything else (``999``, ``2101``, letters) is a bad row.

>>> fmt = GdeltFormat()
>>> fmt.event_code({"EventCode": "10", "EventBaseCode": "10", "EventRootCode": "1"})
'010'
>>> fmt.event_code({"EventCode": "211", "EventBaseCode": "21", "EventRootCode": "2"})
'0211'
>>> fmt.event_code({"EventCode": "100", "EventBaseCode": "100", "EventRootCode": "10"})
'100'
>>> fmt.event_code({"EventCode": "129", "EventBaseCode": "129", "EventRootCode": "12"}), fmt.describe("129")
('129', 'Reject')
>>> place_chain("4", "Aleppo, Halab, Syria")
[('Country', 'Syria'), ('AdminRegion', 'Halab'), ('City', 'Aleppo')]
>>> place_chain("1", "Vietnam, Republic Of"), place_chain("2", "Ohio, United States")
([('Country', 'Vietnam, Republic Of')], [('Country', 'United States'), ('AdminRegion', 'Ohio')])
>>> actor_label("FOREIGN MINIST"), actor_label("al-Shabaab")
('Foreign Minist', 'al-Shabaab')
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from kg.base.errors import DataError
from kg.base.namespaces import DCTERMS, RDFS, resource_iri
from kg.contract.emit import C, RowQuads, lit, node
from kg.ingest.base import ImportError_, Row, RowError, row_point
from kg.ingest.cameo import ROOT_CONCEPTS, CameoTable

#: GDELT 1.0 event columns (GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv), 58.
COLUMNS_V1: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

#: GDELT 2.0 event columns (GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv), 61.
COLUMNS_V2: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

#: Raw column count -> (GDELT version, column names).
LAYOUTS: dict[int, tuple[str, tuple[str, ...]]] = {
    57: ("1.0", COLUMNS_V1[:-1]),
    58: ("1.0", COLUMNS_V1),
    61: ("2.0", COLUMNS_V2),
}

#: Columns a file with a header row must have (the others may be missing: then empty).
REQUIRED = ("GLOBALEVENTID", "SQLDATE", "EventCode", "QuadClass")

#: CAMEO actor type code (ActorNType1Code) -> (ckg class, collective?).
ACTOR_KINDS: dict[str, tuple[str, bool]] = {
    **{code: ("StateForce", False) for code in ("GOV", "MIL", "COP", "SPY", "PKO")},
    **{code: ("ArmedGroup", False) for code in ("REB", "INS", "SEP", "UAF", "IMG")},
    **{code: ("Community", True) for code in ("CVL", "REF", "LAB", "EDU", "AGR", "HLH", "SET")},
    **{code: ("Organization", False) for code in (
        "IGO", "NGO", "NGM", "UNO", "AMN", "IRC", "GRP", "MNC", "BUS", "PTY", "MED", "HRI", "DEV", "ENV",
    )},
}

GEO_TYPES = {"1": "COUNTRY", "2": "USSTATE", "3": "USCITY", "4": "WORLDCITY", "5": "WORLDSTATE"}
ERROR = "\x00error"  #: key of a row that could not be read into columns (wrong count, bad bytes)
_QUADS = {"1": "verbal cooperation", "2": "material cooperation", "3": "verbal conflict", "4": "material conflict"}
_UNSPECIFIED = re.compile(r",?\s*not specified below\s*$", re.IGNORECASE)


class GdeltFormat:
    """GDELT 1.0 / 2.0 event export files (raw tab-separated, or with a header row)."""

    name = "gdelt"
    title = "GDELT"
    licence = (
        "The entire GDELT database is 100% free and open (gdeltproject.org/data.html); cite Leetaru, K. and "
        "Schrodt, P. (2013) \"GDELT: Global data on events, location, and tone\", ISA Annual Convention."
    )

    def __init__(self) -> None:
        self.cameo = CameoTable.load()

    # -- reading ----------------------------------------------------------------------

    def rows(self, path: Path) -> Iterator[tuple[int, Row]]:
        try:
            with path.open("rb") as handle:
                first = handle.readline().decode("utf-8-sig", errors="replace")
        except OSError as err:
            raise DataError(f"cannot read file: {err}", path=str(path)) from None
        if any(field.strip().strip('"').upper() == "GLOBALEVENTID" for field in re.split(r"[\t,]", first)):
            yield from self._header_rows(path, "\t" if first.count("\t") > first.count(",") else ",")
        else:
            yield from _raw_rows(path)

    def _header_rows(self, path: Path, delimiter: str) -> Iterator[tuple[int, Row]]:
        """Rows of a file with a header row, named by it (GDELT names matched case-insensitively).

        Read with :mod:`csv` directly rather than :func:`kg.ingest.base.read_csv_rows`, which
        numbers the first data row 1 instead of 2 (it reads ``line_num`` before the header).
        """
        canonical = {name.lower(): name for name in COLUMNS_V2}
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as err:
            raise DataError(f"cannot read file: {err}", path=str(path)) from None
        with handle:
            reader = csv.reader(handle, delimiter=delimiter)
            try:
                header = [canonical.get(name.strip().lower(), name.strip()) for name in next(reader)]
                missing = [name for name in REQUIRED if name not in header]
                if missing:
                    raise DataError(
                        f"the header row lacks {', '.join(missing)}: give a GDELT event file "
                        "(raw tab-separated, or with GDELT's column names)", path=str(path), line=1,
                    )
                line = reader.line_num + 1
                for values in reader:
                    if len(values) != len(header) and any(value.strip() for value in values):
                        yield line, {ERROR: f"{len(values)} columns, the header row has {len(header)}"}
                    elif values:
                        yield line, {name: value.strip() for name, value in zip(header, values)}
                    line = reader.line_num + 1
            except (csv.Error, UnicodeDecodeError) as err:
                raise ImportError_(f"unreadable row: {err}", path=str(path), line=reader.line_num) from None

    # -- mapping ----------------------------------------------------------------------

    def map_row(self, row: Row, out: RowQuads, source: ox.NamedNode) -> None:
        # Everything is checked before anything is written: a rejected row must not mark
        # actors or places as described (out.described is shared by the whole import).
        if ERROR in row:
            raise RowError("row", row[ERROR])
        ident = _get(row, "GLOBALEVENTID")
        if not ident.isdigit():
            raise RowError("GLOBALEVENTID", f"{ident!r} is not a GDELT event id (digits)" if ident else "empty")
        day = _sqldate(_get(row, "SQLDATE"))
        added = _dateadded(_get(row, "DATEADDED"))
        code = self.event_code(row)
        quad = _get(row, "QuadClass")
        if quad not in _QUADS:
            raise RowError("QuadClass", f"{quad!r} is not a CAMEO quad class (1-4)" if quad else "empty")
        goldstein = _goldstein(_get(row, "GoldsteinScale"))
        lat, lon = row_point(row, "ActionGeo_Lat", "ActionGeo_Long")
        url = _get(row, "SOURCEURL")

        actor1 = self._actor(row, "Actor1", out)
        actor2 = self._actor(row, "Actor2", out)
        place = self._place(row, out, lat, lon)
        what = self.describe(code)
        self._unlisted_concept(code, out)
        who = _who(out, row, actor1, actor2)
        event = out.event(
            f"gdelt-{ident}", cls=self.cameo.event_class(code), concept=self.cameo.project_concept(code),
            source=source, start=day, source_id=ident, label=f"GDELT {code} {what}: {who}, {day.isoformat()}",
            source_concept=node(resource_iri("concept", f"cameo/{code}")),
            agents=[actor1] if actor1 is not None else [], targets=[actor2] if actor2 is not None else [],
            place=place, description=_coverage(row, quad),
        )
        out.add(event, C["quadClass"], lit(int(quad), "integer"))
        if goldstein is not None:
            out.add(event, C["goldsteinScale"], lit(goldstein, "decimal"))
        if added is not None:
            out.add(event, node(DCTERMS.created), added)
        see_also = _url(url)
        if see_also is not None:
            out.add(event, node(RDFS.seeAlso), see_also)
        elif url:
            out.add(event, node(DCTERMS.source), lit(url))

    def event_code(self, row: Row) -> str:
        """The row's CAMEO event code, with leading zeros restored when a file lost them.

        :raises RowError: no code, not a CAMEO code, or one that contradicts EventRootCode/EventBaseCode.
        """
        raw = _get(row, "EventCode")
        if not raw:
            raise RowError("EventCode", "empty")
        if not raw.isdigit():
            raise RowError("EventCode", f"{raw!r} is not a CAMEO event code (digits, e.g. 190)")
        root = _get(row, "EventRootCode")
        base = _get(row, "EventBaseCode")
        root = root.zfill(2) if root.isdigit() else ""
        base = base.zfill(3) if base.isdigit() and len(base) >= 2 else ""

        def fits(code: str) -> bool:
            return self.cameo.is_code(code) and code.startswith(root) and (len(code) < 3 or code.startswith(base))

        forms = list(dict.fromkeys((raw, raw.zfill(3), raw.zfill(4))))
        listed = [code for code in forms if fits(code)]
        if listed:
            return raw if raw in listed else listed[0] if len(listed) == 1 else _ambiguous(raw, listed)
        # A well-formed code under a CAMEO root that GDELT's code table lacks (GDELT data has 129).
        unlisted = [
            code for code in forms if len(code) in (3, 4) and code[:2] in ROOT_CONCEPTS
            and code.startswith(root) and code.startswith(base)
        ]
        if unlisted:
            return raw if raw in unlisted else unlisted[0] if len(unlisted) == 1 else _ambiguous(raw, unlisted)
        if any(self.cameo.is_code(code) for code in forms):
            raise RowError("EventCode", f"{raw} does not agree with EventRootCode {root or '(empty)'} and EventBaseCode {base or '(empty)'}")
        raise RowError("EventCode", f"{raw} is not a CAMEO event code (see ontology/cameo.tsv)")

    def describe(self, code: str) -> str:
        """The code's description, or its nearest listed parent's for a code the table lacks."""
        for prefix in (code, code[:3], code[:2]):
            if self.cameo.is_code(prefix):
                return _UNSPECIFIED.sub("", self.cameo.label(prefix)).strip()
        return f"CAMEO {code}"

    def _unlisted_concept(self, code: str, out: RowQuads) -> None:
        """Describe a CAMEO code missing from the ontology's table (once per import), under its parent."""
        concept = node(resource_iri("concept", f"cameo/{code}"))
        if self.cameo.is_code(code):
            return
        parent = code[:3] if len(code) == 4 and self.cameo.is_code(code[:3]) else code[:2]
        out.scheme_concept(
            concept, "cameo", label=f"CAMEO {code} (not in GDELT's CAMEO code table)", notation=code,
            broader=node(resource_iri("concept", f"cameo/{parent}")),
        )

    def _actor(self, row: Row, which: str, out: RowQuads) -> ox.NamedNode | None:
        name = _get(row, f"{which}Name")
        code = _get(row, f"{which}Code")
        if not name and not code:
            return None
        kind, collective = ACTOR_KINDS.get(_get(row, f"{which}Type1Code"), ("Actor", False))
        return out.actor(actor_label(name) if name else code, kind=kind, code=f"CAMEO:{code}" if code else None, collective=collective)

    def _place(self, row: Row, out: RowQuads, lat: float | None, lon: float | None) -> ox.NamedNode | None:
        geo_type = _get(row, "ActionGeo_Type")
        chain = _nonempty(place_chain(geo_type, _get(row, "ActionGeo_FullName")))
        if not chain:
            return None
        # Every level's IRI, from the country down (describing a level again is a no-op);
        # coordinates and the raw precision go on the innermost place.
        levels = {chain[i][0]: out.place(chain[: i + 1]) for i in range(len(chain) - 1)}
        place = out.place(chain, lat=lat, lon=lon, raw_precision=geo_type or None)
        levels[chain[-1][0]] = place
        # Codes go on the place they name: the country, its admin region, the innermost feature.
        country, adm1 = _get(row, "ActionGeo_CountryCode"), _get(row, "ActionGeo_ADM1Code")
        feature = _get(row, "ActionGeo_FeatureID")
        codes = [("Country", f"FIPS10-4:{country}" if country else "")]
        if adm1 and adm1 != country:
            codes.append(("AdminRegion", f"FIPS10-4:{adm1}"))
        if feature and geo_type in ("3", "4"):
            codes.append(("City", f"{'GNIS' if geo_type == '3' else 'GNS'}:{feature}"))
        for kind, value in codes:
            iri = levels.get(kind)
            if value and iri is not None and f"{iri.value} {value}" not in out.described:
                out.described.add(f"{iri.value} {value}")
                out.add(iri, C["sourceCode"], lit(value))
        return place


# -- reading helpers ----------------------------------------------------------------------


def _raw_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """Tab-separated rows without header; the first well-formed row fixes the layout."""
    layout: tuple[str, tuple[str, ...]] | None = None
    width = 0
    with path.open("rb") as handle:
        for number, data in enumerate(handle, start=1):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                yield number, {ERROR: f"not UTF-8 text ({err.reason} at byte {err.start})"}
                continue
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            values = text.split("\t")
            count = len(values)
            if layout is None and count in LAYOUTS:
                layout, width = LAYOUTS[count], count
            if layout is None:
                yield number, {ERROR: (
                    f"{count} column{'s' if count != 1 else ''}: GDELT 1.0 rows have 57 or 58 tab-separated "
                    "columns and GDELT 2.0 rows 61 (a file with a header row must name GLOBALEVENTID)"
                )}
                continue
            if count != width:
                yield number, {ERROR: f"{count} columns, but this GDELT {layout[0]} file's rows have {width}"}
                continue
            yield number, {name: value.strip() for name, value in zip(layout[1], values)}


def _ambiguous(raw: str, codes: list[str]) -> str:
    raise RowError("EventCode", f"{raw} may be CAMEO {' or '.join(codes)}: give EventRootCode and EventBaseCode")


def _get(row: Row, column: str) -> str:
    return (row.get(column) or "").strip()


def _sqldate(raw: str) -> dt.date:
    if not raw:
        raise RowError("SQLDATE", "empty")
    text = raw.replace("-", "") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else raw
    if re.fullmatch(r"\d{8}", text):
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise RowError("SQLDATE", f"{raw!r} is not a date (YYYYMMDD)")


def _dateadded(raw: str) -> ox.Literal | None:
    if not raw:
        return None
    try:
        if re.fullmatch(r"\d{14}", raw):
            stamp = dt.datetime.strptime(raw, "%Y%m%d%H%M%S")
            return lit(stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "dateTime")
        if re.fullmatch(r"\d{8}", raw):
            return lit(dt.datetime.strptime(raw, "%Y%m%d").date().isoformat(), "date")
    except ValueError:
        pass
    raise RowError("DATEADDED", f"{raw!r} is not a GDELT time (YYYYMMDDHHMMSS in 2.0, YYYYMMDD in 1.0)")


def _goldstein(raw: str) -> str | None:
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not -10 <= value <= 10:
        raise RowError("GoldsteinScale", f"{raw!r} is not a Goldstein score (a number from -10 to 10)")
    return f"{value:f}"


def _url(raw: str) -> ox.NamedNode | None:
    if not re.match(r"https?://[^/\s]", raw, re.IGNORECASE):
        return None
    try:
        return ox.NamedNode(raw)
    except ValueError:
        return None


# -- mapping helpers ----------------------------------------------------------------------


def actor_label(name: str) -> str:
    """GDELT's upper-case actor names in title case ("SAUDI ARABIA" -> "Saudi Arabia"); mixed case is kept."""
    if name != name.upper():
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name)


def place_chain(geo_type: str, full_name: str) -> list[tuple[str, str]]:
    """``[(kind, name), ...]`` from country down, read from a ``*Geo_FullName`` by its ``*Geo_Type``."""
    if not full_name or geo_type in ("", "0"):
        return []
    if geo_type == "1":
        return [("Country", full_name)]
    parts = [part.strip() for part in full_name.split(",")]
    if geo_type in ("2", "5") or len(parts) < 3:
        if len(parts) == 1:
            return [("Country", parts[0])] if geo_type not in ("3", "4") else [("City", parts[0])]
        inner = "AdminRegion" if geo_type in ("2", "5") else "City"
        return [("Country", ", ".join(parts[1:])), (inner, parts[0])]
    return [("Country", ", ".join(parts[2:])), ("AdminRegion", parts[1]), ("City", parts[0])]


def _nonempty(chain: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(kind, " ".join(name.split())) for kind, name in chain if name.strip()]


def _who(out: RowQuads, row: Row, actor1: ox.NamedNode | None, actor2: ox.NamedNode | None) -> str:
    def name(which: str, actor: ox.NamedNode | None) -> str:
        if actor is None:
            return "(unknown)"
        raw = _get(row, f"{which}Name")
        return out.names.label(actor_label(raw) if raw else _get(row, f"{which}Code"))

    if actor2 is None:
        return name("Actor1", actor1)
    return f"{name('Actor1', actor1)} -> {name('Actor2', actor2)}"


def _coverage(row: Mapping[str, str], quad: str) -> str:
    """The media-coverage columns, which have no ckg term, as a readable note."""
    parts = [f"QuadClass {quad} ({_QUADS[quad]})"]
    counts = [(_get(row, c), label) for c, label in (
        ("NumMentions", "mentions"), ("NumSources", "sources"), ("NumArticles", "articles"))]
    counts_text = ", ".join(f"{value} {label}" for value, label in counts if value)
    if counts_text:
        parts.append(counts_text)
    if _get(row, "AvgTone"):
        parts.append(f"average tone {_get(row, 'AvgTone')}")
    if _get(row, "IsRootEvent") == "1":
        parts.append("root event (in a lead paragraph)")
    return "GDELT: " + "; ".join(parts) + "."
