"""Trend charts: event counts (or fatalities) per week or month, split by actor, event type, country
or source, with the surges of ``kg analyze escalation`` marked.

One Vega-Lite specification (:func:`trend_spec`, data inline) drives both outputs: the interactive
page (Vega-Lite compiled in the browser, rendered by Vega with its CSP-safe expression interpreter,
all vendored, nothing fetched) and the static figure for a paper (:func:`write_figure`: SVG or PNG
drawn by matplotlib from the specification's data and encodings).

An event counts once per group it belongs to: per type and per country (the country its place lies
in, ``ckg:within`` chain) it has one group; per actor, it counts for each actor taking part (any
role); per source, for each publisher a dataset names (ACLED's ``source``, kept as ``dcterms:source``
literals), else for the document or dataset file it is derived from. Groups beyond the ``lines``
largest are summed in one remainder series named apart from every group (``all other types (5)``):
an event lands there once, and only when none of its groups is shown, so with one group per event
the series add up to the events (or fatalities) selected. The total of a chart counts distinct
events. Periods: ISO weeks from Monday, or calendar months, by start date; an event that the window
takes in (possibly in it: an approximate date whose range overlaps it, see
:func:`kg.read.timeview.window_expr`) but dated outside it counts in the window's first or last
period, so no period lies outside ``start..end``. Periods without events count 0.

Surges are those of the plotted series: :func:`kg.analysis.escalation.series_surges` (the rule of
``kg analyze escalation``) run on each series' own counts (or fatalities), each mark naming its series.

>>> import kg
>>> from kg.curated.build import build
>>> graph = kg.open(":memory:"); _ = build(graph)
>>> rows = trend_rows(graph, by="type", period="month")
>>> sorted({r["group"] for r in rows})[:2], sum(r["value"] for r in rows) == len(collect(graph).events)
(['all other types (...)', 'assessment'], True)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Unpack, cast

from kg.analysis.escalation import period_start, periods, series_surges
from kg.base.errors import UsageError
from kg.read.places import country_and_admin1
from kg.store.graph import KnowledgeGraph
from viz.data import Selection, ViewData, collect
from viz.map import locations
from viz.render import View, render_page

BY = ("type", "actor", "country", "source")
PERIODS = ("week", "month")
MEASURES = ("events", "fatalities")
PLURAL = {"type": "types", "actor": "actors", "country": "countries", "source": "sources"}
#: Legend titles: what a series is, and how an event with several groups counts.
LEGEND = {
    "type": "event type", "country": "country",
    "actor": "actor (an event is on the line of each of its actors)",
    "source": "source: the publisher the dataset names, else the file (an event is on each line)",
}


def remainder_name(by: str, hidden: int) -> str:
    """The remainder series, named so no real group can take it: ``all other types (5)``.

    >>> remainder_name("country", 1)
    'all other countries (1)'
    """
    return f"all other {PLURAL[by]} ({hidden})"


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
        return [sorted(where.get(e["iri"], {}).get("publishers") or []) or [e["sourceTitle"] or e["source"] or "unknown source"]
                for e in data.events]
    if by == "actor":
        actors: dict[int, set[str]] = defaultdict(set)
        for event, actor, _ in data.roles:
            actors[event].add(data.nodes[actor]["label"])
        return [sorted(actors[i]) for i in range(len(data.events))]
    places = sorted({rec["place"] for rec in where.values() if rec.get("place")})
    country = country_and_admin1(kg, places)
    return [[country.get(where.get(e["iri"], {}).get("place") or "", ("", ""))[0] or "unknown country"] for e in data.events]


def _in_window(day: str, start: dt.date | None, end: dt.date | None) -> dt.date:
    """The day an event counts on: its date, moved into ``start..end`` when the window took it in
    for its possible range (an approximate date just outside)."""
    when = dt.date.fromisoformat(day)
    if start and when < start:
        return start
    return end if end and when > end else when


def _series(
    kg: KnowledgeGraph, by: str, measure: str, lines: int, selection: Selection,
) -> tuple[list[tuple[dt.date, list[str], int]], list[str], int, int]:
    """Each event as (day counted, series it is on, weight), the series shown (in order), the
    total (distinct events, or their fatalities) and how many events are dated outside the window
    (an approximate date possibly in it, counted in its first or last period)."""
    data = collect(kg, **selection)
    if not data.events:
        return [], [], 0, 0
    where = locations(kg, [e["iri"] for e in data.events]) if measure == "fatalities" or by in ("country", "source") else {}
    groups = _groups(kg, data, by, where)
    totals: Counter[str] = Counter()
    counted = []
    start, end = selection.get("start"), selection.get("end")
    moved = sum(1 for e in data.events if (start and (e["end"] or e["date"]) < start.isoformat()) or (end and e["date"] > end.isoformat()))
    for event, names in zip(data.events, groups, strict=True):
        weight = (where.get(event["iri"], {}).get("fatalities") or 0) if measure == "fatalities" else 1
        counted.append((_in_window(event["date"], selection.get("start"), selection.get("end")), names, weight))
        for name in names:
            totals[name] += weight
    ranked = sorted(totals, key=lambda g: (-totals[g], g))
    shown = ranked[:lines]
    if len(ranked) > lines:
        rest, keep = remainder_name(by, len(ranked) - lines), set(shown)
        counted = [(day, [n for n in names if n in keep] or [rest], w) for day, names, w in counted]
        shown.append(rest)
    return counted, shown, sum(w for _, _, w in counted), moved


def _table(counted: list[tuple[dt.date, list[str], int]], shown: list[str], period: str, first: dt.date,
           last: dt.date) -> list[dict[str, Any]]:
    table: Counter[tuple[str, str]] = Counter()
    for day, names, weight in counted:
        for name in names:
            table[period_start(day, period).isoformat(), name] += weight
    return [{"period": a.isoformat(), "group": name, "value": table.get((a.isoformat(), name), 0)}
            for a, _ in periods(first, last, period) for name in shown]


def _span(counted: list[tuple[dt.date, list[str], int]], selection: Selection) -> tuple[dt.date, dt.date]:
    """The chart's days: the window where it is given, else the events' first to last day."""
    days = [day for day, _, _ in counted]
    return selection.get("start") or min(days), selection.get("end") or max(days)


def trend_rows(
    kg: KnowledgeGraph, *, by: str = "type", period: str = "week", measure: str = "events", lines: int = 8,
    **selection: Unpack[Selection],
) -> list[dict[str, Any]]:
    """``{"period": first day (ISO), "group": name, "value": count or fatalities}`` for every period of the
    selection's span and every series shown (the ``lines`` largest groups by total, then the
    remainder, :func:`remainder_name`), in order.

    :raises UsageError: an unknown ``by``, ``period`` or ``measure``, or as :func:`viz.data.collect`.
    """
    _check(by, period, measure, lines)
    counted, shown, _, _ = _series(kg, by, measure, lines, selection)
    return _table(counted, shown, period, *_span(counted, selection)) if counted else []


def surge_rows(rows: list[dict[str, Any]], *, data_first: dt.date) -> list[dict[str, Any]]:
    """The surges of the plotted series: the rule of ``kg analyze escalation``
    (:func:`kg.analysis.escalation.series_surges`) on each series' own values per period (events
    or fatalities); a first period starting before the first event is no baseline. ``period``,
    ``group``, ``value`` (as plotted) and ``baseline`` (mean of the periods before)."""
    starts = sorted({r["period"] for r in rows})
    plotted = {(r["period"], r["group"]): r["value"] for r in rows}
    whole_from = 1 if starts and dt.date.fromisoformat(starts[0]) < data_first else 0
    out = []
    for group in dict.fromkeys(r["group"] for r in rows):
        counts = [plotted.get((p, group), 0) for p in starts]
        for i, baseline in series_surges(counts, whole_from=whole_from):
            out.append({"period": starts[i], "group": group, "value": counts[i], "baseline": round(float(baseline), 2)})
    return sorted(out, key=lambda m: (m["period"], m["group"]))


def _axis_values(rows: list[dict[str, Any]], period: str) -> list[dict[str, Any]]:
    """Tick values: the periods' first days (Mondays for ISO weeks), at most about 14, as UTC date-times."""
    firsts = sorted({r["period"] for r in rows})
    step = max(1, -(-len(firsts) // 14))
    days = [dt.date.fromisoformat(d) for d in firsts[::step]]
    return [{"year": d.year, "month": d.month, "date": d.day, "utc": True} for d in days]


def trend_spec(rows: list[dict[str, Any]], surges: list[dict[str, Any]], *, by: str, period: str, measure: str,
               title: str) -> dict[str, Any]:
    """The Vega-Lite specification of the chart: a line per series, surges as red triangles on the
    series they belong to. Time is UTC throughout (``utc`` time units and scale): the period shown
    is the period counted, wherever the page is opened."""
    y_title = "events" if measure == "events" else "fatalities"
    unit = "utcyearmonthdate" if period == "week" else "utcyearmonth"
    label = "%Y-%m-%d" if period == "week" else "%b %Y"
    x = {"field": "period", "type": "temporal", "timeUnit": unit, "scale": {"type": "utc"}}
    lines: dict[str, Any] = {
        "data": {"values": rows},
        "mark": {"type": "line", "point": True, "interpolate": "linear"},
        "encoding": {
            "x": dict(x, title=f"{period} starting" + (" (Monday)" if period == "week" else ""),
                      axis={"values": _axis_values(rows, period), "format": label, "labelAngle": -40}),
            "y": {"field": "value", "type": "quantitative", "title": f"{y_title} per {period}"},
            "color": {"field": "group", "type": "nominal", "title": LEGEND[by], "sort": None},
            "tooltip": [{"field": "period", "type": "temporal", "timeUnit": unit, "title": f"{period} from", "format": label},
                        {"field": "group", "type": "nominal", "title": by},
                        {"field": "value", "type": "quantitative", "title": y_title}],
        },
    }
    layers: list[dict[str, Any]] = [lines]
    if surges:
        layers.append({
            "data": {"values": surges},
            "mark": {"type": "point", "shape": "triangle-up", "filled": True, "size": 110, "color": "#b71c1c",
                     "opacity": 0.9},
            "encoding": {
                "x": x, "y": {"field": "value", "type": "quantitative"},
                "tooltip": [{"field": "group", "type": "nominal", "title": f"surge of {by}"},
                            {"field": "period", "type": "temporal", "timeUnit": unit, "title": f"in the {period} from",
                             "format": label},
                            {"field": "value", "type": "quantitative", "title": y_title},
                            {"field": "baseline", "type": "quantitative", "title": f"baseline (mean {y_title} per {period} before)"}],
            },
        })
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title, "width": "container", "height": 420, "autosize": {"type": "fit", "contains": "padding"}, "layer": layers,
        "config": {"font": "DejaVu Sans, system-ui, sans-serif", "legend": {"labelLimit": 260, "titleLimit": 260}},
    }


def trends_view(
    kg: KnowledgeGraph, *, by: str = "type", period: str = "week", measure: str = "events", lines: int = 8,
    surges: bool = True, title: str | None = None, **selection: Unpack[Selection],
) -> View:
    """The trend chart of a :class:`viz.data.Selection` as one offline HTML page (``View.spec``
    in ``stats["spec"]`` is its Vega-Lite specification, for :func:`write_figure`).

    ``stats``: ``total`` (distinct events, or their fatalities), ``events`` (distinct events),
    ``groups`` (the series), ``surges`` (marks), ``rows``, ``outside`` (events dated outside the window
    that it takes in for an approximate date possibly in it: why a count can exceed the dataset's rows
    dated in the window).

    :raises UsageError: as :func:`trend_rows`.
    """
    _check(by, period, measure, lines)
    counted, shown, total, moved = _series(kg, by, measure, lines, selection)
    rows = _table(counted, shown, period, *_span(counted, selection)) if counted else []
    marks = surge_rows(rows, data_first=min(day for day, _, _ in counted)) if surges and rows else []
    what = "Events" if measure == "events" else "Fatalities"
    title = title or f"conflict-kg: {what.lower()} per {period} by {by}"
    spec = trend_spec(rows, marks, by=by, period=period, measure=measure, title=title)
    n_periods = len({r["period"] for r in rows})
    subtitle = (f"{total} {measure} in {n_periods} {period}{'s' if n_periods != 1 else ''}"
                f"{f' · {len(marks)} surges of the plotted series marked (kg analyze escalation)' if marks else ''}"
                f"{' · in ' + str(selection['place']) if selection.get('place') else ''}"
                f"{f' · {moved} of them dated outside the window (approximate dates possibly in it), counted in its first or last {period}' if moved else ''}")
    html = render_page(title=title, subtitle=subtitle, data={"spec": spec, "empty": not rows}, network=False,
                       timeline=False, chart=True)
    return View(html, "trends", {"spec": spec, "rows": len(rows), "total": total, "events": len(counted),
                                 "surges": len(marks), "groups": shown, "outside": moved})


def _plain(text: Any) -> str:
    """Text from the data for matplotlib, drawn as written: ``$`` would start mathtext."""
    return str(text).replace("$", r"\$")


FIGURE_FORMATS = ("svg", "png", "pdf")


def write_figure(spec: dict[str, Any], path: str | Path, *, fmt: str | None = None) -> Path:
    """Draw the specification of :func:`trend_spec` as a static SVG, PNG or PDF with matplotlib: the
    same data, fields, titles, ticks and surge marks (each named after its series); ``fmt``
    defaults to the file's extension. Text from the data is drawn as written (no mathtext).

    :raises UsageError: another format, or matplotlib missing.
    """
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".")).lower()
    if fmt not in FIGURE_FORMATS:
        raise UsageError(f"--format must be svg, png or pdf (or html), not {fmt!r}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--format svg|png|pdf needs matplotlib: pip install matplotlib") from None
    lines, *rest = spec["layer"]
    enc = lines["encoding"]
    series: dict[str, list[tuple[dt.date, float]]] = defaultdict(list)
    for row in lines["data"]["values"]:
        series[row[enc["color"]["field"]]].append((dt.date.fromisoformat(row[enc["x"]["field"]]), row[enc["y"]["field"]]))
    plt.rcParams.update({"svg.hashsalt": "conflict-kg", "font.family": "DejaVu Sans", "text.usetex": False})
    fig, ax = plt.subplots(figsize=(10, 4.8), dpi=150)
    for name, points in series.items():
        ax.plot(cast(Any, [p[0] for p in points]), [p[1] for p in points], marker="o", markersize=3, linewidth=1.4,
                label=_plain(name))
    marks = [row for layer in rest for row in layer["data"]["values"]]
    named: dict[tuple[str, Any], list[str]] = defaultdict(list)  # one label per point: series surging together share it
    for row in marks:
        named[row["period"], row["value"]].append(row["group"][:40])
    for (period_first, value), names in named.items():
        day = cast(Any, dt.date.fromisoformat(period_first))
        ax.plot(day, value, marker="^", markersize=8, color="#b71c1c", linestyle="none", alpha=0.9)
        ax.annotate(_plain(", ".join(names)), (day, value), xytext=(5, 5), textcoords="offset points", fontsize=6.5,
                    color="#b71c1c")
    ticks = enc["x"].get("axis", {}).get("values") or []
    if ticks:
        ax.set_xticks(cast(Any, [dt.date(t["year"], t["month"], t["date"]) for t in ticks]))
        fmt_tick = "%Y-%m-%d" if enc["x"]["timeUnit"].endswith("date") else "%b %Y"
        ax.set_xticklabels([dt.date(t["year"], t["month"], t["date"]).strftime(fmt_tick) for t in ticks])
    ax.set_title(_plain(spec["title"]))
    ax.set_xlabel(_plain(enc["x"]["title"]))
    ax.set_ylabel(_plain(enc["y"]["title"]))
    ax.grid(alpha=0.3)
    if series:
        legend = ax.legend(title=_plain(enc["color"]["title"]), fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        legend.get_title().set_fontsize(7)
    fig.autofmt_xdate()
    if marks:  # at the foot of the figure, below the axis title (not over it)
        fig.text(0.01, 0.01, "red triangles: surges of the series named beside them (kg analyze escalation's rule: at least "
                 "double the mean of the periods before)", fontsize=7, color="#b71c1c", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04 if marks else 0, 1, 1))
    target.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"svg": {"Date": None}, "png": {"Software": None}, "pdf": {"CreationDate": None}}[fmt]
    fig.savefig(target, format=fmt, metadata=metadata)
    plt.close(fig)
    return target
