"""Trend charts: event counts (or fatalities) per week or month, split by actor, event type, country
or source, with the surges of ``kg analyze escalation`` marked.

One Vega-Lite specification (:func:`trend_spec`, data inline) drives both outputs: the interactive
page (Vega-Lite compiled in the browser, rendered by Vega with its CSP-safe expression interpreter,
all vendored, nothing fetched) and the static figure for a paper (:func:`write_figure`: SVG or PNG
drawn by matplotlib from the specification's data and encodings).

An event counts once per group it belongs to: per actor, once for each actor taking part (any
role); per country, for the country its place lies in (``ckg:within`` chain); per source, for the
document or dataset file it is derived from. Groups beyond the ``lines`` largest are summed as
``other``. Periods: ISO weeks from Monday, or calendar months, by start date; periods without
events count 0.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> rows = trend_rows(graph, by="type", period="month")
>>> sorted({r["group"] for r in rows})[:3], sum(r["value"] for r in rows) == len(collect(graph).events)
(['assessment', 'attack-campaign', 'ground-attack'], True)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Unpack, cast

from kg.analysis.escalation import escalation_of, period_start, periods
from kg.base.errors import UsageError
from kg.read.places import country_and_admin1
from kg.store.graph import KnowledgeGraph
from viz.data import Selection, ViewData, collect
from viz.map import locations
from viz.render import View, render_page

BY = ("type", "actor", "country", "source")
PERIODS = ("week", "month")
MEASURES = ("events", "fatalities")
OTHER = "other"


def _check(by: str, period: str, measure: str, lines: int) -> None:
    if by not in BY:
        raise UsageError(f"unknown --by {by!r}: use {', '.join(BY)}")
    if period not in PERIODS:
        raise UsageError(f"unknown --period {period!r}: use week or month")
    if measure not in MEASURES:
        raise UsageError(f"unknown --measure {measure!r}: use events or fatalities")
    if lines < 1:
        raise UsageError(f"--top must be 1 or more, not {lines}")


def _groups(kg: KnowledgeGraph, data: ViewData, by: str, where: dict[str, dict[str, Any]]) -> list[list[str]]:
    """The groups of each event of ``data`` (index-aligned)."""
    if by == "type":
        return [[e["type"] or e["cls"]] for e in data.events]
    if by == "source":
        return [[e["sourceTitle"] or e["source"] or "unknown source"] for e in data.events]
    if by == "actor":
        actors: dict[int, set[str]] = defaultdict(set)
        for event, actor, _ in data.roles:
            actors[event].add(data.nodes[actor]["label"])
        return [sorted(actors[i]) for i in range(len(data.events))]
    places = sorted({rec["place"] for rec in where.values() if rec.get("place")})
    country = country_and_admin1(kg, places)
    return [[country.get(where.get(e["iri"], {}).get("place") or "", ("", ""))[0] or "unknown country"] for e in data.events]


def trend_rows(
    kg: KnowledgeGraph, *, by: str = "type", period: str = "week", measure: str = "events", lines: int = 8,
    **selection: Unpack[Selection],
) -> list[dict[str, Any]]:
    """``{"period": first day (ISO), "group": name, "value": count or fatalities}`` for every period of the
    selection's span and every group shown (the ``lines`` largest by total, then ``other``), in order.

    :raises UsageError: an unknown ``by``, ``period`` or ``measure``, or as :func:`viz.data.collect`.
    """
    _check(by, period, measure, lines)
    data = collect(kg, **selection)
    if not data.events:
        return []
    where = locations(kg, [e["iri"] for e in data.events]) if measure == "fatalities" or by == "country" else {}
    groups = _groups(kg, data, by, where)
    table: dict[tuple[str, str], int] = Counter()
    totals: Counter[str] = Counter()
    for event, names in zip(data.events, groups, strict=True):
        weight = (where.get(event["iri"], {}).get("fatalities") or 0) if measure == "fatalities" else 1
        first = period_start(dt.date.fromisoformat(event["date"]), period).isoformat()
        for name in names:
            table[first, name] += weight
            totals[name] += weight
    ranked = sorted(totals, key=lambda g: (-totals[g], g))
    shown, rest = ranked[:lines], set(ranked[lines:])
    if rest:
        for (first, name), value in list(table.items()):
            if name in rest:
                table[first, OTHER] += value
        shown.append(OTHER)
    first_day = dt.date.fromisoformat(min(e["date"] for e in data.events))
    last_day = dt.date.fromisoformat(max(e["date"] for e in data.events))
    return [{"period": a.isoformat(), "group": name, "value": table.get((a.isoformat(), name), 0)}
            for a, _ in periods(first_day, last_day, period) for name in shown]


def surge_rows(kg: KnowledgeGraph, *, period: str = "week", **selection: Unpack[Selection]) -> list[dict[str, Any]]:
    """The actor surges of ``kg analyze escalation`` over the same selection: ``period``, ``actor``
    (label), ``count`` and ``baseline``."""
    rows = escalation_of(kg, start=selection.get("start"), end=selection.get("end"), relations=selection.get("relations"),
                         known_on=selection.get("known_on"), place=selection.get("place"), period=period)
    return [{"period": r["period_start"].isoformat(), "actor": r["label"], "count": r["count"],
             "baseline": round(float(r["baseline"]), 2)}
            for r in rows if r["kind"] == "surge" and r["counterpart"] is None]


def trend_spec(rows: list[dict[str, Any]], surges: list[dict[str, Any]], *, by: str, period: str, measure: str,
               title: str) -> dict[str, Any]:
    """The Vega-Lite specification of the chart: a line per group, surges as dashed rules."""
    y_title = "events" if measure == "events" else "fatalities"
    lines: dict[str, Any] = {
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "interpolate": "linear"},
        "encoding": {
            "x": {"field": "period", "type": "temporal", "title": f"{period} starting",
                  "timeUnit": "yearmonthdate" if period == "week" else "yearmonth"},
            "y": {"field": "value", "type": "quantitative", "title": f"{y_title} per {period}"},
            "color": {"field": "group", "type": "nominal", "title": by, "sort": None},
            "tooltip": [{"field": "period", "type": "temporal", "title": f"{period} from"},
                        {"field": "group", "type": "nominal", "title": by},
                        {"field": "value", "type": "quantitative", "title": y_title}],
        },
    }
    layers: list[dict[str, Any]] = [lines]
    if surges:
        layers.append({
            "data": {"values": surges},
            "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#b71c1c", "opacity": 0.6},
            "encoding": {
                "x": {"field": "period", "type": "temporal"},
                "tooltip": [{"field": "period", "type": "temporal", "title": "surge in the period from"},
                            {"field": "actor", "type": "nominal", "title": "actor"},
                            {"field": "count", "type": "quantitative", "title": "events"},
                            {"field": "baseline", "type": "quantitative", "title": "baseline (mean before)"}],
            },
        })
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title, "width": "container", "height": 420, "autosize": {"type": "fit", "contains": "padding"}, "layer": layers,
        "config": {"font": "DejaVu Sans, system-ui, sans-serif", "legend": {"labelLimit": 260}},
    }


def trends_view(
    kg: KnowledgeGraph, *, by: str = "type", period: str = "week", measure: str = "events", lines: int = 8,
    surges: bool = True, title: str | None = None, **selection: Unpack[Selection],
) -> View:
    """The trend chart of a :class:`viz.data.Selection` as one offline HTML page (``View.spec``
    in ``stats["spec"]`` is its Vega-Lite specification, for :func:`write_figure`).

    :raises UsageError: as :func:`trend_rows`.
    """
    rows = trend_rows(kg, by=by, period=period, measure=measure, lines=lines, **selection)
    marks = surge_rows(kg, period=period, **selection) if surges and rows else []
    what = "Events" if measure == "events" else "Fatalities"
    title = title or f"conflict-kg: {what.lower()} per {period} by {by}"
    spec = trend_spec(rows, marks, by=by, period=period, measure=measure, title=title)
    total = sum(r["value"] for r in rows)
    subtitle = (f"{total} {measure} in {len({r['period'] for r in rows})} {period}s"
                f"{f' · {len(marks)} surges marked (kg analyze escalation)' if marks else ''}"
                f"{' · in ' + str(selection['place']) if selection.get('place') else ''}")
    html = render_page(title=title, subtitle=subtitle, data={"spec": spec, "empty": not rows}, network=False,
                       timeline=False, chart=True)
    return View(html, "trends", {"spec": spec, "rows": len(rows), "total": total, "surges": len(marks),
                                 "groups": sorted({r["group"] for r in rows})})


def write_figure(spec: dict[str, Any], path: str | Path, *, fmt: str | None = None) -> Path:
    """Draw the specification of :func:`trend_spec` as a static SVG or PNG with matplotlib: the same
    data, fields, titles and surge rules; ``fmt`` defaults to the file's extension.

    :raises UsageError: another format, or matplotlib missing.
    """
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".")).lower()
    if fmt not in ("svg", "png"):
        raise UsageError(f"--format must be svg or png (or html), not {fmt!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--format svg|png needs matplotlib: pip install matplotlib") from None
    lines, *rest = spec["layer"]
    enc = lines["encoding"]
    series: dict[str, list[tuple[dt.date, float]]] = defaultdict(list)
    for row in lines["data"]["values"]:
        series[row[enc["color"]["field"]]].append((dt.date.fromisoformat(row[enc["x"]["field"]]), row[enc["y"]["field"]]))
    plt.rcParams.update({"svg.hashsalt": "conflict-kg", "font.family": "DejaVu Sans"})
    fig, ax = plt.subplots(figsize=(10, 4.8), dpi=150)
    for name, points in series.items():
        ax.plot(cast(Any, [p[0] for p in points]), [p[1] for p in points], marker="o", markersize=3, linewidth=1.4, label=name)
    for layer in rest:
        for row in layer["data"]["values"]:
            ax.axvline(cast(Any, dt.date.fromisoformat(row["period"])), color=layer["mark"]["color"], linestyle="--", linewidth=0.9,
                       alpha=layer["mark"]["opacity"])
    ax.set_title(spec["title"])
    ax.set_xlabel(enc["x"]["title"])
    ax.set_ylabel(enc["y"]["title"])
    ax.grid(alpha=0.3)
    if series:
        ax.legend(title=enc["color"]["title"], fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if rest and any(layer["data"]["values"] for layer in rest):
        ax.text(0.0, -0.16, "dashed lines: surges (kg analyze escalation)", transform=ax.transAxes, fontsize=8, color="#b71c1c")
    fig.autofmt_xdate()
    fig.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(target, format=fmt, metadata=metadata)
    plt.close(fig)
    return target
