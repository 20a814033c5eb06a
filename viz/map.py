"""The map view: events at their places on an offline basemap (Leaflet, Natural Earth boundaries).

Each event is drawn at the point (``geo:hasGeometry/geo:asWKT``) of its place (the first of its
places that has one, by IRI); events whose places have no point are counted, not drawn. A place
that is a country or a region (``ckg:Country``, ``ckg:AdminRegion``, ``ckg:Region``) stands for an
area, not a point: its events are drawn as dashed rings and their popup says so. Colour by sign
or by event type, size by ``ckg:fatalities`` where known. The page shares the network's time
slider, filters, actor search and legend (``viz/static/common.js``).

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> view = map_view(graph)
>>> view.stats["mapped"] == view.stats["events"] - view.stats["unmapped"], "https://cdn" in view.to_string()
(True, False)
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Unpack

from kg.base.errors import UsageError
from kg.base.namespaces import BASE
from kg.store.graph import KnowledgeGraph
from viz.data import Selection, ViewData, collect
from viz.network import SIGN_COLORS, TYPE_COLORS, _payload, group_color, group_of, window_subtitle
from viz.render import STATIC, View, render_page, safe_json

#: Place classes that stand for an area: their point is a centroid, not where the event happened.
AREA_CLASSES = ("Country", "AdminRegion", "Region")
#: Colours of event types when the map is coloured by type (assigned in sorted order, then repeated).
TYPE_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf", "#393b79", "#ad494a", "#8ca252", "#bd9e39", "#637939", "#7b4173")
BASEMAP = STATIC / "vendor" / "world-atlas" / "countries-50m.json"
#: What ACLED's precision codes say (ACLED codebook; ``kg.ingest.acled`` keeps them raw). Time 3 is
#: "only the month is known" (or a span of weeks), the mid-point coded: the rows of the 2022 sample
#: say "(month of)"; the acledR codebook table's "Middle of week or weekend" does not match them.
ACLED_TIME = {
    "1": "the exact day (ACLED time precision 1)",
    "2": "only the week, or the weekend, is known: the event is within a few days of this date (ACLED time precision 2)",
    "3": "only the month (or a span of weeks) is known: the date coded is about its middle (ACLED time precision 3)",
}
ACLED_GEO = {
    "1": "at this town or site (ACLED geo precision 1)",
    "2": "near this town, or in a small part of the region around it (ACLED geo precision 2)",
    "3": "only a larger part of the region is known: drawn at the point ACLED coded, the event happened somewhere "
         "in the region around it (ACLED geo precision 3)",
}

_LOCATIONS = """
SELECT ?event ?place ?wkt ?cls ?fatalities ?geo ?time ?earliest ?latest ?publisher WHERE {
  VALUES ?event { %(events)s }
  OPTIONAL { ?event ckg:fatalities ?fatalities }
  OPTIONAL { ?event ckg:rawGeoPrecision ?geo }
  OPTIONAL { ?event ckg:rawDatePrecision ?time }
  OPTIONAL { ?event ckg:earliestDate ?earliest }
  OPTIONAL { ?event ckg:latestDate ?latest }
  OPTIONAL { ?event dcterms:source ?publisher FILTER(isLiteral(?publisher)) }
  OPTIONAL {
    ?event ckg:place ?place . ?place geo:hasGeometry/geo:asWKT ?wkt .
    OPTIONAL { ?place a ?cls . FILTER(STRSTARTS(STR(?cls), "https://w3id.org/conflict-kg/ontology#")) }
  }
}
"""
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[0-9.eE+-]+)\s+(-?[0-9.eE+-]+)\s*\)\s*$", re.I)
_BATCH = 400


def parse_point(wkt: str) -> tuple[float, float] | None:
    """``(lat, lon)`` of a WKT point (longitude first, as GeoSPARQL writes it); None for anything else.

    >>> parse_point("POINT(36.72 34.73)"), parse_point("POLYGON((0 0, 1 1, 1 0, 0 0))")
    ((34.73, 36.72), None)
    """
    match = _POINT.match(wkt or "")
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def locations(kg: KnowledgeGraph, event_iris: list[str]) -> dict[str, dict[str, Any]]:
    """For each event: its ``place`` with a point (the first by IRI), ``lat``/``lon``, the place's
    class ``cls``, ``fatalities`` (or None), the dataset's location and date precision codes ``geo``
    and ``time``, the possible range of an approximate date ``earliest``/``latest`` (ISO, or None)
    and the ``publishers`` the dataset names as its sources (``dcterms:source`` literals, sorted)."""
    found: dict[str, dict[str, Any]] = {}
    for i in range(0, len(event_iris), _BATCH):
        values = " ".join(f"<{iri}>" for iri in event_iris[i : i + _BATCH])
        rows = sorted(kg.query(_LOCATIONS % {"events": values}).records(),
                      key=lambda r: (r["event"], r.get("place") or "~", r.get("cls") or ""))
        for row in rows:
            rec = found.setdefault(row["event"], {"place": None, "lat": None, "lon": None, "cls": "", "fatalities": None,
                                                  "geo": "", "time": "", "earliest": None, "latest": None, "publishers": []})
            if row.get("fatalities") is not None and rec["fatalities"] is None:
                rec["fatalities"] = int(row["fatalities"])
            for key in ("geo", "time"):
                if row.get(key) and not rec[key]:
                    rec[key] = str(row[key])
            for key in ("earliest", "latest"):
                if row.get(key) and not rec[key]:
                    rec[key] = str(row[key])
            if row.get("publisher") and str(row["publisher"]) not in rec["publishers"]:
                rec["publishers"] = sorted([*rec["publishers"], str(row["publisher"])])
            point = parse_point(str(row.get("wkt") or ""))
            if point and rec["place"] in (None, row["place"]):
                rec.update(place=row["place"], lat=point[0], lon=point[1])
                if row.get("cls") and not rec["cls"]:
                    rec["cls"] = str(row["cls"]).rsplit("#", 1)[-1]
    return found


def _page_url(base: str | None, iri: str) -> str:
    """The linked-data page of a resource on ``kg serve`` at ``base`` (``http://host:port/``)."""
    if not base or not iri.startswith(BASE):
        return ""
    return base.rstrip("/") + "/" + iri[len(BASE):]


def map_payload(kg: KnowledgeGraph, data: ViewData, *, base: str | None = None) -> dict[str, Any]:
    """The ``map`` part of a page's data: places, one point per located event, filters and colours.

    Adds to ``data.events``: ``fatalities``, ``geo`` and ``time`` (the dataset's location and date
    precision codes), ``dataset`` (``acled`` when the map's ``notes`` say what its codes mean),
    ``geoArea`` (the place stands for a region around it: drawn as a ring), ``earliest``/``latest`` (the possible range of an approximate date,
    for the time slider), ``publishers`` (the sources the dataset names; the file stays ``source``)
    and ``page`` (linked-data page with ``base``, which also takes the source's link).
    """
    where = locations(kg, [e["iri"] for e in data.events])
    places: list[dict[str, Any]] = []
    place_index: dict[str, int] = {}
    points: list[list[int]] = []
    for i, event in enumerate(data.events):
        rec = where.get(event["iri"], {})
        event["fatalities"] = rec.get("fatalities")
        event["geo"] = rec.get("geo") or ""
        event["time"] = rec.get("time") or ""
        event["dataset"] = "acled" if event["datasetType"].startswith("ACLED:") else ""
        event["geoArea"] = event["dataset"] == "acled" and event["geo"] == "3"
        event["earliest"], event["latest"] = rec.get("earliest"), rec.get("latest")
        event["publishers"] = rec.get("publishers") or []
        event["page"] = _page_url(base, event["iri"])
        if base and event["source"].startswith(BASE):
            event["source"] = _page_url(base, event["source"])
        if rec.get("place") is None:
            continue
        if rec["place"] not in place_index:
            place_index[rec["place"]] = len(places)
            places.append({"iri": rec["place"], "label": _label_of(rec["place"], event), "cls": rec["cls"] or "Place",
                           "area": rec["cls"] in AREA_CLASSES, "lat": rec["lat"], "lon": rec["lon"],
                           "page": _page_url(base, rec["place"])})
        points.append([i, place_index[rec["place"]]])
    mapped = [data.events[i] for i, _ in points]
    types = sorted({e["type"] for e in mapped if e["type"]})
    relations = types + sorted({e["datasetType"] for e in mapped if e.get("datasetType")})
    in_map = {i for i, _ in points}
    groups = sorted({group_of(data.nodes[a]) for e, a, _ in data.roles if e in in_map})
    group_colors: dict[str, str] = {}
    for node in data.nodes:
        group_colors.setdefault(group_of(node), group_color(node))
    return {
        "places": places, "points": points, "relations": relations, "types": groups,
        "typeColors": {g: group_colors.get(g, TYPE_COLORS["Actor"]) for g in groups},
        "eventColors": {t: TYPE_PALETTE[k % len(TYPE_PALETTE)] for k, t in enumerate(types)},
        "colors": SIGN_COLORS, "unmapped": len(data.events) - len(points),
        "notes": {"acled": {"geo": ACLED_GEO, "time": ACLED_TIME}},
    }


def _label_of(place: str, event: dict[str, Any]) -> str:
    """The place's label as the event lists it (its places' labels), else the IRI's last part."""
    slug = place.rsplit("/", 1)[-1]
    for label in event["places"]:
        if re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") in slug:
            return str(label)
    return event["places"][0] if len(event["places"]) == 1 else slug


@lru_cache(maxsize=1)
def basemap() -> str:
    """The vendored Natural Earth 1:50m country boundaries (world-atlas TopoJSON) as page-safe JSON."""
    return safe_json(json.loads(BASEMAP.read_text(encoding="utf-8")))


def map_view(
    kg: KnowledgeGraph, *, title: str | None = None, base: str | None = None, color_by: str = "sign",
    **selection: Unpack[Selection],
) -> View:
    """The events of a :class:`viz.data.Selection` on a map, as one offline HTML page.

    ``base``: the address of a ``kg serve`` (``http://localhost:8000/``): popups link to the
    events' and places' pages there. ``color_by``: ``sign`` or ``type`` at first (the page can switch).

    :raises UsageError: bad window, relation, actor or place (see :func:`viz.data.collect`), or ``color_by``.
    """
    if color_by not in ("sign", "type"):
        raise UsageError(f"unknown colour {color_by!r}: use sign or type")
    if base is not None and not re.match(r"^https?://[^\s\"'<>]+$", base):
        raise UsageError(f"--base must be an http(s) address such as http://localhost:8000/, not {base!r}")
    data = collect(kg, **selection)
    data.states = []
    data.links = [lk for lk in data.links if lk["kind"] == "event"]
    payload = _payload(data)
    payload["map"] = map_payload(kg, data, base=base)
    payload["map"]["colorBy"] = color_by
    mapped = len(payload["map"]["points"])
    subtitle = window_subtitle(data, selection.get("known_on")).split(" · ", 1)
    subtitle[0] = f"{mapped} events on the map ({payload['map']['unmapped']} without coordinates)"
    start, end = selection.get("start"), selection.get("end")
    outside = sum(1 for i, _ in payload["map"]["points"] if (start and (data.events[i]["end"] or data.events[i]["date"]) < start.isoformat())
                  or (end and data.events[i]["date"] > end.isoformat()))
    if outside:
        subtitle[0] += f", {outside} of them dated outside the window (approximate dates possibly in it)"
    if selection.get("place"):
        subtitle.append(f"in {selection['place']}")
    html = render_page(
        title=title or "conflict-kg: map", subtitle=" · ".join(subtitle), data=payload, network=False, timeline=False,
        map=True, json_blocks={"kg-basemap": basemap()},
        context={"colors": SIGN_COLORS, "legend_types": [], "event_colors": payload["map"]["eventColors"]},
    )
    stats = {"events": len(data.events), "mapped": mapped, "unmapped": payload["map"]["unmapped"],
             "places": len(payload["map"]["places"]), "start": data.start, "end": data.end, "outside": outside}
    return View(html, "map", stats)
