"""Trend charts: counts and fatalities per period and group, checked against the ACLED fixture CSV
and ACLED's Syrian events of 2022 (the shared sample) read with the csv module; surges of the
plotted series by kg analyze escalation's rule; UTC periods; the static figure; the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import importlib
from collections import Counter
from pathlib import Path

import pytest

import kg
from kg.base.errors import UsageError
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file
from viz.trends import trend_rows, trends_view, write_figure

from conftest import SHARED

SAMPLE = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"
ACLED_FULL = SHARED / "datasets" / "acled-sample" / "acled_old_deletion_dummy.csv"
T0 = dt.datetime(2022, 7, 1, 12, tzinfo=dt.timezone.utc)


def test_doctests():
    result = doctest.testmod(importlib.import_module("viz.trends"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def _rows() -> list[dict[str, str]]:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def acled() -> kg.KnowledgeGraph:
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    import_file(graph, AcledFormat(), SAMPLE, now=T0)
    return graph


def _monday(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def _table(rows: list[dict]) -> dict[tuple[str, str], int]:
    return {(r["period"], r["group"]): r["value"] for r in rows if r["value"]}


def test_counts_and_fatalities_by_country_and_week_match_the_csv(acled):
    rows = _rows()
    expected = Counter((_monday(r["event_date"]), r["country"]) for r in rows)
    assert _table(trend_rows(acled, by="country", period="week", lines=100)) == dict(expected)
    deaths = Counter()
    for r in rows:
        deaths[r["event_date"][:7] + "-01", r["country"]] += int(r["fatalities"])
    assert _table(trend_rows(acled, by="country", period="month", measure="fatalities", lines=100)) == {
        k: v for k, v in deaths.items() if v}


def test_top_groups_and_other_add_up(acled):
    rows = trend_rows(acled, by="country", period="month", lines=2)
    groups = list(dict.fromkeys(r["group"] for r in rows))
    countries = Counter(r["country"] for r in _rows())
    assert len(groups) == 3 and groups[-1] == f"all other countries ({len(countries) - 2})"
    assert sum(r["value"] for r in rows) == len(_rows())
    assert groups[0] == countries.most_common()[0][0]
    # periods without events are zeros, every period has every group
    periods = sorted({r["period"] for r in rows})
    assert len(rows) == len(periods) * 3 and periods == sorted(set(periods))


def syria_rows() -> list[dict[str, str]]:
    with ACLED_FULL.open(newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["country"] == "Syria"]


@pytest.fixture(scope="module")
def syria(tmp_path_factory: pytest.TempPathFactory) -> kg.KnowledgeGraph:
    """ACLED's 307 Syrian events of 2022-H1 (the shared sample), imported alone."""
    if not ACLED_FULL.exists():
        pytest.skip(f"{ACLED_FULL} missing")
    rows = syria_rows()
    path = tmp_path_factory.mktemp("acled") / "acled-syria-2022.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    graph = kg.open(":memory:")
    ensure_ontology(graph)
    import_file(graph, AcledFormat(), path, now=T0)
    return graph


def test_a_type_named_other_is_not_the_remainder_and_nothing_counts_twice(syria):
    rows = syria_rows()
    for measure, expected in (("events", len(rows)), ("fatalities", sum(int(r["fatalities"]) for r in rows))):
        for by in ("type", "country"):
            view = trends_view(syria, by=by, period="month", measure=measure, lines=3 if by == "type" else 1)
            values = view.stats["spec"]["layer"][0]["data"]["values"]
            assert sum(r["value"] for r in values) == view.stats["total"] == expected, (by, measure)
    groups = trends_view(syria, by="type", lines=3).stats["groups"]
    assert "other" in groups and groups[-1].startswith("all other types (") and groups.count("other") == 1
    # several groups per event: the header counts distinct events, the remainder takes an event once
    for by in ("actor", "source"):
        view = trends_view(syria, by=by, period="month", lines=2)
        rest = [r["value"] for r in view.stats["spec"]["layer"][0]["data"]["values"] if r["group"] == view.stats["groups"][-1]]
        assert view.stats["total"] == view.stats["events"] == len(rows) and sum(rest) <= len(rows)


def test_source_is_the_publisher_acled_names(syria):
    rows = syria_rows()
    publishers = Counter(name.strip() for r in rows for name in r["source"].split(";") if name.strip())
    view = trends_view(syria, by="source", period="month", lines=3)
    assert view.stats["groups"][:3] == [name for name, _ in sorted(publishers.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    assert "publisher" in view.stats["spec"]["layer"][0]["encoding"]["color"]["title"]


def _possibly_in(row: dict[str, str], first: dt.date, last: dt.date) -> bool:
    """The project's (loose) window on ACLED's codebook: a date of time precision 2 is within 3 days,
    3 within its month widened to 15 days either side (kg.ingest.acled)."""
    day = dt.date.fromisoformat(row["event_date"])
    lo = hi = day
    if row["time_precision"] == "2":
        lo, hi = day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    elif row["time_precision"] == "3":
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        lo = min(day.replace(day=1), day - dt.timedelta(days=15))
        hi = max(following - dt.timedelta(days=1), day + dt.timedelta(days=15))
    return lo <= last and hi >= first


def test_no_period_outside_the_window_and_counts_agree_with_the_csv(syria):
    from viz.map import map_view

    first, last = dt.date(2022, 3, 1), dt.date(2022, 3, 31)
    rows = syria_rows()
    expected = sum(_possibly_in(r, first, last) for r in rows)
    assert expected > sum(first.isoformat() <= r["event_date"] <= last.isoformat() for r in rows)  # one dated 28 Feb
    for period in ("month", "week"):
        values = trend_rows(syria, by="type", period=period, start=first, end=last)
        assert sum(r["value"] for r in values) == expected
        for r in values:
            day = dt.date.fromisoformat(r["period"])
            assert day <= last and day + dt.timedelta(days=6 if period == "week" else 27) >= first, r
    assert {r["period"] for r in trend_rows(syria, period="month", start=first, end=last)} == {"2022-03-01"}
    assert map_view(syria, start=first, end=last).stats["mapped"] == expected


def test_headers_say_how_many_events_are_dated_outside_the_window(syria):
    """ACLED's March 2022 has 38 Syrian rows; the window also takes in one dated 28 February (time
    precision 2): the chart's and the map's headers say so, so 39 is not read as an error."""
    from viz.map import map_view

    first, last = dt.date(2022, 3, 1), dt.date(2022, 3, 31)
    rows = syria_rows()
    outside = sum(_possibly_in(r, first, last) and not first.isoformat() <= r["event_date"] <= last.isoformat() for r in rows)
    assert outside == 1
    view = trends_view(syria, period="month", start=first, end=last)
    assert view.stats["outside"] == outside
    assert "39 events in 1 month · " in view.to_string() and f"{outside} of them dated outside the window" in view.to_string()
    mapped = map_view(syria, start=first, end=last)
    assert mapped.stats["outside"] == outside and f"{outside} of them dated outside the window" in mapped.to_string()
    assert trends_view(syria, period="month").stats["outside"] == map_view(syria).stats["outside"] == 0


def test_the_specification_counts_in_utc_and_weeks_from_monday(syria):
    for period in ("week", "month"):
        spec = trends_view(syria, period=period).stats["spec"]
        units = [e["timeUnit"] for layer in spec["layer"] for e in [layer["encoding"]["x"], *layer["encoding"]["tooltip"]]
                 if "timeUnit" in e]
        assert units and all(u.startswith("utc") for u in units)
        assert all(layer["encoding"]["x"]["scale"] == {"type": "utc"} for layer in spec["layer"])
        ticks = spec["layer"][0]["encoding"]["x"]["axis"]["values"]
        days = [dt.date(t["year"], t["month"], t["date"]) for t in ticks]
        assert all(t["utc"] for t in ticks) and days
        assert all(d.weekday() == 0 for d in days) if period == "week" else all(d.day == 1 for d in days)


def _expected_surges(values: list[dict], first_event: dt.date, period: str) -> set[tuple[str, str]]:
    """kg analyze escalation's surge rule on each plotted series: at least 3, and at least double the
    mean of the series' earlier whole periods (the first one only if the data starts on its first day)."""
    out = set()
    series: dict[str, list[tuple[str, int]]] = {}
    for r in values:
        series.setdefault(r["group"], []).append((r["period"], r["value"]))
    for group, points in series.items():
        whole = 0 if points[0][0] == first_event.isoformat() else 1
        for i, (day, value) in enumerate(points):
            past = [v for _, v in points[whole:i]]
            if past and value >= 3 and value >= 2 * sum(past) / len(past):
                out.add((day, group))
    return out


@pytest.mark.parametrize("measure", ["events", "fatalities"])
@pytest.mark.parametrize("by", ["type", "actor"])
def test_surges_are_those_of_the_plotted_series(syria, tmp_path, by, measure):
    first_event = min(dt.date.fromisoformat(r["event_date"]) for r in syria_rows())
    view = trends_view(syria, by=by, period="week", measure=measure, lines=4)
    lines, *marks = view.stats["spec"]["layer"]
    plotted = {(r["period"], r["group"]): r["value"] for r in lines["data"]["values"]}
    surges = marks[0]["data"]["values"] if marks else []
    assert {(m["period"], m["group"]) for m in surges} == _expected_surges(lines["data"]["values"], first_event, "week")
    assert all(plotted[m["period"], m["group"]] == m["value"] for m in surges) and view.stats["surges"] == len(surges)
    if surges:  # the figure names whose surge it is
        svg = write_figure(view.stats["spec"], tmp_path / "f.svg").read_text(encoding="utf-8")
        assert all(m["group"][:40] in svg for m in surges)
    assert trends_view(syria, by=by, surges=False).stats["surges"] == 0


def test_dollars_in_titles_and_labels_are_drawn_as_text(tmp_path):
    rows = [{"period": "2022-01-03", "group": "$US a$ ^{x", "value": 4}, {"period": "2022-01-10", "group": "$US a$ ^{x", "value": 1}]
    from viz.trends import trend_spec

    spec = trend_spec(rows, [{"period": "2022-01-03", "group": "$US a$ ^{x", "value": 4, "baseline": 1.0}], by="actor",
                      period="week", measure="events", title="cost $x^{$ of war")
    for fmt in ("svg", "png", "pdf"):
        assert write_figure(spec, tmp_path / f"f.{fmt}").stat().st_size > 1000
    assert "cost $x^{$ of war" in (tmp_path / "f.svg").read_text(encoding="utf-8")


def test_the_surge_note_and_labels_of_the_figure_do_not_overprint(syria, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    figures: list = []
    monkeypatch.setattr(plt, "close", figures.append)
    spec = trends_view(syria, by="type", period="week").stats["spec"]
    assert len(spec["layer"]) == 2  # surges marked
    write_figure(spec, tmp_path / "f.png")
    fig = figures[-1]
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    note = [t for t in [*fig.texts, *ax.texts] if t.get_text().startswith("red triangles")]
    assert len(note) == 1
    box = note[0].get_window_extent(renderer)
    for other in [ax.xaxis.label, *ax.get_xticklabels()]:
        assert not box.overlaps(other.get_window_extent(renderer)), other.get_text()
    assert box.y0 >= 0 and box.x1 <= fig.bbox.x1
    # series surging in the same period at the same value share one label, not two drawn over each other
    points = [a.xy for a in ax.texts if a.get_text() and hasattr(a, "xy")]
    assert len(points) == len(set(points)) == len({(m["period"], m["value"]) for m in spec["layer"][1]["data"]["values"]})


def test_place_filter_and_errors(acled):
    country = Counter(r["country"] for r in _rows()).most_common(1)[0][0]
    rows = trend_rows(acled, by="type", period="month", place=country)
    assert sum(r["value"] for r in rows) == sum(r["country"] == country for r in _rows())
    for bad in ({"by": "colour"}, {"period": "day"}, {"measure": "tweets"}, {"lines": 0}):
        with pytest.raises(UsageError):
            trend_rows(acled, **bad)


def test_page_and_figures_are_deterministic(seed_kg, tmp_path):
    a, b = trends_view(seed_kg, by="type"), trends_view(seed_kg, by="type")
    assert a.to_string() == b.to_string()
    html = a.to_string()
    assert "connect-src 'none'" in html.replace("&#39;", "'") and "unsafe-eval" not in html.split("</head>")[0]
    svg1 = write_figure(a.stats["spec"], tmp_path / "a.svg").read_text(encoding="utf-8")
    svg2 = write_figure(b.stats["spec"], tmp_path / "b.svg").read_text(encoding="utf-8")
    assert svg1 == svg2 and "<svg" in svg1 and "events per week" in svg1
    assert write_figure(a.stats["spec"], tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = write_figure(a.stats["spec"], tmp_path / "a.pdf").read_bytes()
    assert pdf[:5] == b"%PDF-" and pdf == write_figure(b.stats["spec"], tmp_path / "b.pdf").read_bytes()
    with pytest.raises(UsageError):
        write_figure(a.stats["spec"], tmp_path / "a.txt")


def test_cli_trends(runner, tmp_path):
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    for name in ("t.html", "t.svg", "t.png"):
        result = runner.invoke(main, ["--store", store, "viz", "trends", "--by", "actor", "--period", "month",
                                      "--place", "SY", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert "surges marked" in result.output and (tmp_path / name).stat().st_size > 1000
    result = runner.invoke(main, ["--store", store, "viz", "trends", "--format", "svg", "-o", "-"])
    assert result.exit_code == 2 and "needs a file" in result.output
    result = runner.invoke(main, ["--store", store, "viz", "trends", "--by", "mood"])
    assert result.exit_code == 2


def test_cli_refuses_what_it_cannot_draw(runner, tmp_path):
    missing = tmp_path / "no-store"
    for view in ("trends", "map"):
        result = runner.invoke(main, ["--store", str(missing), "viz", view, "-o", str(tmp_path / "v.html")])
        assert result.exit_code == 1 and "does not exist" in result.output and "kg --store" in result.output
        assert len(result.output.strip().splitlines()) == 1 and not missing.exists()
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    for view in ("trends", "map"):
        out = tmp_path / f"{view}.html"
        result = runner.invoke(main, ["--store", store, "viz", view, "--from", "2001-01-01", "--to", "2001-02-01", "-o", str(out)])
        assert result.exit_code == 1 and "no events in this selection" in result.output and not out.exists()
        result = runner.invoke(main, ["--store", store, "viz", view, "--relations", "nonsense", "-o", str(out)])
        assert result.exit_code == 2 and "unknown relation 'nonsense'" in result.output and "armed-clash" in result.output
        assert len(result.output.strip().splitlines()) == 1 and not out.exists()
    result = runner.invoke(main, ["--store", store, "viz", "map", "--actor", "isis", "--from", "2001-01-01", "--to", "2001-02-01",
                                  "-o", str(tmp_path / "isis.html")])
    assert result.exit_code == 1 and "no links of isis" in result.output and not (tmp_path / "isis.html").exists()
    result = runner.invoke(main, ["--store", store, "viz", "trends", "--relations", "Attack,suicide-bombing", "-o",
                                  str(tmp_path / "ok.html")])
    assert result.exit_code == 0, result.output


def test_cli_output_format_follows_the_extension(runner, tmp_path):
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    result = runner.invoke(main, ["--store", store, "viz", "trends", "-o", str(tmp_path / "t.pdf")])
    assert result.exit_code == 0 and (tmp_path / "t.pdf").read_bytes()[:5] == b"%PDF-"
    for view, name in (("trends", "t.txt"), ("map", "m.pdf")):
        result = runner.invoke(main, ["--store", store, "viz", view, "-o", str(tmp_path / name)])
        assert result.exit_code == 2 and not (tmp_path / name).exists(), result.output
    result = runner.invoke(main, ["--store", store, "viz", "trends", "--format", "html", "-o", str(tmp_path / "t.txt")])
    assert result.exit_code == 0 and "<html" in (tmp_path / "t.txt").read_text(encoding="utf-8")[:200].lower()


def test_cli_by_actor_counts_distinct_events(runner, tmp_path, seed_kg):
    from viz.data import collect

    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "build"]).exit_code == 0
    events = len(collect(seed_kg).events)
    result = runner.invoke(main, ["--store", store, "viz", "trends", "--by", "actor", "-o", str(tmp_path / "t.html")])
    assert result.exit_code == 0 and f"({events} events per week in 9 lines by actor" in result.output, result.output
    assert f"{events} events in" in (tmp_path / "t.html").read_text(encoding="utf-8")
    result = runner.invoke(main, ["--store", store, "viz", "trends", "--by", "type", "--relations", "suicide-bombing",
                                  "-o", str(tmp_path / "t.html")])
    assert result.exit_code == 0 and " in 1 line by type; 0 surges marked" in result.output, result.output
