"""What is escalating: event counts per actor and dyad against their own baseline.

Events are counted per calendar period (ISO ``week`` from Monday, or ``month``) by their
start date; an actor counts every event it takes part in (any role), a dyad (unordered
pair) every event with an edge between the two. Three kinds of alert:

- ``surge``: a period whose count is at least ``factor`` times the average of the
  previous periods (ACLED's surge rule with the default ``factor=2``: "at least double
  the average") and at least ``min_count``. Previous periods are those the actor's (or
  dyad's) sources cover (``history=N``: only the last N of them), zeros included: a period
  counts only when it lies whole inside the span of one of the sources the actor's events
  come from, so a store holding a 2017 report and a 2022 ACLED export never puts 2017-2021
  weeks of zeros into the baseline of an ACLED actor, and a period cut by the edge of a
  source's span is no baseline. At least ``min_history`` previous periods are needed.
- ``first-hostile``: the first hostile event ever seen in the graph between two actors.
- ``sign-flip``: a dyad whose events summed to cooperative in one period and to hostile in
  the next period in which it was signed.

Alert rows (keys :data:`COLUMNS`) come in time order; ``strength`` = count - baseline.

>>> import datetime as dt, networkx as nx
>>> g = nx.MultiDiGraph()
>>> for day, n in [(2, 1), (9, 1), (16, 4)]:  # Mondays of May 2016
...     for i in range(n):
...         _ = g.add_edge("a", "b", event=f"e{day}-{i}", sign=-1, date=dt.date(2016, 5, day))
>>> [(r["actor"], r["counterpart"], r["period_start"].day, r["count"], r["baseline"]) for r in escalation(g) if r["kind"] == "surge"]
[('a', None, 16, 4, 1.0), ('a', 'b', 16, 4, 1.0), ('b', None, 16, 4, 1.0)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from kg.analysis.span import analysed_window, node_label, projection
from kg.base.errors import UsageError
from kg.store.graph import KnowledgeGraph

PERIODS = ("week", "month")
KINDS = ("surge", "first-hostile", "sign-flip")
COLUMNS = [
    "kind", "period_start", "period_end", "actor", "label", "counterpart", "counterpart_label",
    "count", "baseline", "ratio", "strength", "detail", "events",
]
COUNT_COLUMNS = ["period_start", "period_end", "actor", "label", "counterpart", "counterpart_label", "count", "hostile", "cooperative"]


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the week (Monday) or month holding ``day``.

    >>> period_start(dt.date(2017, 5, 31), "week"), period_start(dt.date(2017, 5, 31), "month")
    (datetime.date(2017, 5, 29), datetime.date(2017, 5, 1))
    """
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise UsageError(f"unknown period {period!r}: use one of {', '.join(PERIODS)}")


def next_period(first: dt.date, period: str) -> dt.date:
    """The first day of the period after the one starting on ``first``."""
    if period == "week":
        return first + dt.timedelta(days=7)
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def periods(first: dt.date, last: dt.date, period: str) -> list[tuple[dt.date, dt.date]]:
    """Whole calendar periods ``(first day, last day)`` covering ``first..last``.

    >>> [(a.isoformat(), b.isoformat()) for a, b in periods(dt.date(2017, 1, 31), dt.date(2017, 2, 1), "month")]
    [('2017-01-01', '2017-01-31'), ('2017-02-01', '2017-02-28')]
    """
    out, day = [], period_start(first, period)
    while day <= last:
        following = next_period(day, period)
        out.append((day, following - dt.timedelta(days=1)))
        day = following
    return out


def _events(graph: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    """Per event: its start date, actors, sources and the sign of each pair it joins."""
    out: dict[str, dict[str, Any]] = {}
    for i, (a, b, data) in enumerate(graph.edges(data=True)):
        event = data.get("event") or f"_:edge{i}"
        item = out.setdefault(event, {"date": data["date"], "actors": set(), "pairs": {}, "sources": set()})
        item["date"] = min(item["date"], data["date"])
        if data.get("source"):
            item["sources"].add(data["source"])
        item["actors"].update((a, b))
        pair = (a, b) if str(a) < str(b) else (b, a)
        sign = data.get("sign", 0)
        previous = item["pairs"].get(pair, 0)
        item["pairs"][pair] = sign if sign and not previous else previous
    return out


def event_counts(graph: nx.MultiDiGraph, *, period: str = "week", by: str = "actor") -> list[dict[str, Any]]:
    """Events per period per actor (``by="actor"``) or per dyad (``by="dyad"``), zeros left out.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", event="e1", sign=-1, date=dt.date(2017, 5, 1))
    >>> _ = g.add_edge("a", "c", event="e2", sign=1, date=dt.date(2017, 5, 2))
    >>> [(r["actor"], r["count"], r["hostile"]) for r in event_counts(g)]
    [('a', 2, 1), ('b', 1, 1), ('c', 1, 0)]
    """
    if by not in ("actor", "dyad"):
        raise UsageError(f"unknown grouping {by!r}: use actor or dyad")
    table: dict[tuple[dt.date, Any, Any], list[int]] = {}
    for info in _events(graph).values():
        first = period_start(info["date"], period)
        if by == "actor":
            for actor in info["actors"]:
                signs = [s for pair, s in info["pairs"].items() if actor in pair]
                _tally(table, (first, actor, None), signs)
        else:
            for pair, sign in info["pairs"].items():
                _tally(table, (first, pair[0], pair[1]), [sign])
    rows = []
    for (first, a, b), (count, hostile, cooperative) in table.items():
        rows.append({
            "period_start": first, "period_end": next_period(first, period) - dt.timedelta(days=1),
            "actor": a, "label": node_label(graph, a),
            "counterpart": b, "counterpart_label": node_label(graph, b) if b is not None else None,
            "count": count, "hostile": hostile, "cooperative": cooperative,
        })
    rows.sort(key=lambda r: (r["period_start"], -r["count"], r["label"], r["counterpart_label"] or ""))
    return rows


def source_coverage(graph: nx.MultiDiGraph) -> dict[str, tuple[dt.date, dt.date]]:
    """The span each source covers in a projection: its first to its last event date.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", event="e1", sign=-1, date=dt.date(2017, 5, 1), source="s")
    >>> _ = g.add_edge("a", "b", event="e2", sign=-1, date=dt.date(2017, 6, 5), end=dt.date(2017, 6, 7), source="s")
    >>> source_coverage(g)
    {'s': (datetime.date(2017, 5, 1), datetime.date(2017, 6, 7))}
    """
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for _a, _b, data in graph.edges(data=True):
        source = data.get("source")
        if not source:
            continue
        first, last = data["date"], data.get("end") or data["date"]
        old = spans.get(source)
        spans[source] = (min(first, old[0]), max(last, old[1])) if old else (first, last)
    return spans


def _tally(table: dict[Any, list[int]], key: Any, signs: list[int]) -> None:
    cell = table.setdefault(key, [0, 0, 0])
    cell[0] += 1
    cell[1] += any(s < 0 for s in signs)
    cell[2] += any(s > 0 for s in signs) and not any(s < 0 for s in signs)


def surge_baseline(count: float, past: Sequence[float], *, factor: float = 2.0, min_count: float = 3,
                   min_history: int = 1) -> float | None:
    """The baseline (mean of ``past``) when ``count`` is a surge over it, else None: at least
    ``min_count``, at least ``factor`` x the baseline, with at least ``min_history`` past periods.

    >>> surge_baseline(6, [1, 3]), surge_baseline(3, [2, 2]), surge_baseline(2, [0, 0])
    (2.0, None, None)
    """
    if count < min_count or len(past) < min_history:
        return None
    baseline = sum(past) / len(past)
    return baseline if count >= factor * baseline else None


def series_surges(counts: Sequence[float], *, whole_from: int = 0, factor: float = 2.0, min_count: float = 3,
                  history: int | None = None, min_history: int = 1) -> list[tuple[int, float]]:
    """``(i, baseline)`` for each period ``i`` of one series of counts (or sums) that is a surge over
    the periods before it, from ``whole_from`` on (a first period cut by the data's start is no
    baseline), the last ``history`` only when given: :func:`escalation`'s rule on a plain series.

    >>> series_surges([1, 1, 1, 5, 2])
    [(3, 1.0)]
    """
    out = []
    for i, count in enumerate(counts):
        before = list(range(whole_from, i))
        past = [counts[j] for j in (before[-history:] if history else before)]
        baseline = surge_baseline(count, past, factor=factor, min_count=min_count, min_history=min_history)
        if baseline is not None:
            out.append((i, baseline))
    return out


def escalation(
    graph: nx.MultiDiGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    period: str = "week",
    factor: float = 2.0,
    min_count: int = 3,
    history: int | None = None,
    min_history: int = 1,
    kinds: Iterable[str] = KINDS,
    coverage: Mapping[str, tuple[dt.date, dt.date]] | None = None,
) -> list[dict[str, Any]]:
    """Surges, first-ever hostile dyads and sign flips in the periods that overlap ``start..end``.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A projection reaching back as far as the baselines should (events before ``start``
        feed baselines and "first-ever", but raise no alert).
    start, end : datetime.date, optional
        The reported period; default: the graph's first and last event.
    period : {"week", "month"}
    factor : float
        A surge is a count at least ``factor`` x the baseline (ACLED: 2).
    min_count : int
        ... and at least this many events.
    history : int, optional
        Baseline over the last N periods only (default: every previous period).
    min_history : int
        Fewest previous periods a baseline needs.
    kinds : iterable of str
        Which alerts (:data:`KINDS`).
    coverage : mapping of str to (date, date), optional
        The span each source (an edge's ``source``) covers; default :func:`source_coverage` of
        ``graph``. A baseline uses only periods lying whole inside the span of a source of the
        actor's (or dyad's) events; events without a source fall back to the data's span.

    Returns
    -------
    list of dict
        Keys :data:`COLUMNS`, in time order (then kind, strongest first).

    Raises
    ------
    UsageError
        An unknown period or kind, ``factor`` not above 1, ``min_count`` below 1,
        ``history`` or ``min_history`` below 1.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", event="e1", sign=1, date=dt.date(2017, 5, 1))
    >>> _ = g.add_edge("a", "b", event="e2", sign=-1, date=dt.date(2017, 6, 5))
    >>> [(r["kind"], r["period_start"].isoformat()) for r in escalation(g, period="month")]
    [('first-hostile', '2017-06-01'), ('sign-flip', '2017-06-01')]
    """
    kinds = set(kinds)
    if kinds - set(KINDS):
        raise UsageError(f"unknown alert kind {sorted(kinds - set(KINDS))[0]!r}: use {', '.join(KINDS)}")
    if period not in PERIODS:
        raise UsageError(f"unknown period {period!r}: use one of {', '.join(PERIODS)}")
    if factor <= 1:
        raise UsageError(f"the surge factor must be above 1, not {factor}")
    if min_count < 1 or min_history < 1 or (history is not None and history < 1):
        raise UsageError("min_count, history and min_history must be at least 1")
    events = _events(graph)
    if not events:
        return []
    data_first = min(e["date"] for e in events.values())
    data_last = max(e["date"] for e in events.values())
    first, last = start or data_first, end or data_last
    if last < first:
        raise UsageError(f"the period ends ({last}) before it starts ({first})")
    calendar = periods(min(data_first, first), max(data_last, last), period)
    index = {p[0]: i for i, p in enumerate(calendar)}
    whole_from = 0 if calendar[0][0] >= data_first else 1  # a period cut by the data's start is no baseline
    reported = [i for i, (a, b) in enumerate(calendar) if b >= first and a <= last]
    spans = dict(source_coverage(graph) if coverage is None else coverage)
    covered_by: dict[str, set[int]] = {
        source: {i for i, (a, b) in enumerate(calendar) if lo <= a and b <= hi} for source, (lo, hi) in spans.items()
    }
    actor_sources: dict[Any, set[str]] = {}
    dyad_sources: dict[tuple[Any, Any], set[str]] = {}

    actor_series: dict[Any, dict[int, list[str]]] = {}
    dyad_series: dict[tuple[Any, Any], dict[int, list[str]]] = {}
    dyad_signs: dict[tuple[Any, Any], dict[int, list[tuple[str, int]]]] = {}
    first_hostile: dict[tuple[Any, Any], tuple[dt.date, str]] = {}
    for event, info in sorted(events.items(), key=lambda kv: (kv[1]["date"], kv[0])):
        i = index[period_start(info["date"], period)]
        for actor in info["actors"]:
            actor_series.setdefault(actor, {}).setdefault(i, []).append(event)
            actor_sources.setdefault(actor, set()).update(info["sources"])
        for pair, sign in info["pairs"].items():
            dyad_series.setdefault(pair, {}).setdefault(i, []).append(event)
            dyad_sources.setdefault(pair, set()).update(info["sources"])
            if sign:
                dyad_signs.setdefault(pair, {}).setdefault(i, []).append((event, sign))
            if sign < 0 and pair not in first_hostile:
                first_hostile[pair] = (info["date"], event)

    rows: list[dict[str, Any]] = []

    def row(kind: str, i: int, a: Any, b: Any, count: int, baseline: float | None, detail: str, evs: list[str]) -> dict[str, Any]:
        return {
            "kind": kind, "period_start": calendar[i][0], "period_end": calendar[i][1],
            "actor": a, "label": node_label(graph, a),
            "counterpart": b, "counterpart_label": node_label(graph, b) if b is not None else None,
            "count": count, "baseline": baseline,
            "ratio": round(count / baseline, 4) if baseline else None,
            "strength": round(count - (baseline or 0.0), 4), "detail": detail, "events": sorted(evs),
        }

    def baseline_periods(sources: set[str]) -> list[int] | None:
        """Periods the sources cover (None: no source known, every whole period of the data)."""
        known = [covered_by[s] for s in sources if s in covered_by]
        return sorted(set().union(*known)) if known else None

    if "surge" in kinds:
        for series, pairwise, owners in ((actor_series, False, actor_sources), (dyad_series, True, dyad_sources)):
            for key, by_period in series.items():
                usable = baseline_periods(owners.get(key, set()))
                for i in reported:
                    count = len(by_period.get(i, []))
                    if usable is None:
                        before = list(range(whole_from, i))
                    else:
                        before = [j for j in usable if whole_from <= j < i]
                    before = before[-history:] if history else before
                    past = [len(by_period.get(j, [])) for j in before]
                    baseline = surge_baseline(count, past, factor=factor, min_count=min_count, min_history=min_history)
                    if baseline is not None:
                        a, b = key if pairwise else (key, None)
                        rows.append(row("surge", i, a, b, count, round(baseline, 4),
                                        f"{count} events vs {baseline:.2f} per {period} over {len(past)} {period}s", by_period[i]))
    if "first-hostile" in kinds:
        for pair, (day, _event) in first_hostile.items():
            if first <= day <= last:
                i = index[period_start(day, period)]
                hostile = [e for e, s in dyad_signs[pair][i] if s < 0]
                rows.append(row("first-hostile", i, pair[0], pair[1], len(hostile), None,
                                f"first hostile event on {day} (none earlier since {data_first})", hostile))
    if "sign-flip" in kinds:
        for pair, signed_periods in dyad_signs.items():
            previous: tuple[int, int] | None = None
            for i in sorted(signed_periods):
                total = sum(s for _, s in signed_periods[i])
                if total == 0:
                    continue
                if previous and previous[1] > 0 and total < 0 and i in reported:
                    j = previous[0]
                    hostile = [e for e, s in signed_periods[i] if s < 0]
                    cooperative = [e for e, s in signed_periods[j] if s > 0]
                    rows.append(row("sign-flip", i, pair[0], pair[1], len(hostile), None,
                                    f"cooperative in the {period} of {calendar[j][0]} ({len(cooperative)} events), hostile now",
                                    hostile + cooperative))
                previous = (i, total)
    order = {k: n for n, k in enumerate(KINDS)}
    rows.sort(key=lambda r: (r["period_start"], order[r["kind"]], -r["strength"], r["label"], r["counterpart_label"] or ""))
    return rows


def strongest(rows: Iterable[dict[str, Any]], *, n: int) -> list[dict[str, Any]]:
    """The ``n`` alerts with the highest ``strength`` (count - baseline), back in time order.

    >>> rows = [{"period_start": d, "strength": s} for d, s in [(1, 2.0), (2, 9.0), (3, 5.0)]]
    >>> [r["period_start"] for r in strongest(rows, n=2)]
    [2, 3]
    """
    if n < 1:
        raise UsageError(f"--top must be at least 1, not {n}")
    items = list(rows)
    keep = sorted(range(len(items)), key=lambda i: (-items[i]["strength"], i))[:n]
    return [items[i] for i in sorted(keep)]


def escalation_of(
    kg: KnowledgeGraph,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    relations: Iterable[str] | None = None,
    known_on: dt.date | None = None,
    place: str | None = None,
    **options: Any,
) -> list[dict[str, Any]]:
    """:func:`escalation` of the store in ``start..end`` (default: the whole span of its events),
    of the events in ``place`` (a place id, label or ISO code; see :mod:`kg.read.places`) if given.

    Events before ``start`` are projected too: they feed the baselines and decide what is
    "first-ever". ``options`` are those of :func:`escalation`.

    Examples
    --------
    >>> import kg
    >>> from kg.curated.build import build
    >>> graph = kg.open(":memory:"); _ = build(graph)
    >>> [(r["kind"], r["label"], r["counterpart_label"]) for r in escalation_of(graph, start=dt.date(2017, 5, 22), end=dt.date(2017, 5, 22))]
    [('first-hostile', 'Ahrar al-Sham', 'Islamic State of Iraq and Syria')]
    """
    first, last = analysed_window(kg, start=start, end=end)
    graph = projection(kg, end=last, relations=relations, known_on=known_on, place=place)
    return escalation(graph, start=first, end=last, **options)
