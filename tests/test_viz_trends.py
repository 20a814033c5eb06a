"""Trend charts: counts and fatalities per period and group, checked against the ACLED fixture CSV
read with the csv module; surges from kg analyze escalation; the static figure; the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import importlib
from collections import Counter
from pathlib import Path

import pytest

import kg
from kg.analysis.escalation import escalation_of
from kg.base.errors import UsageError
from kg.cli import main
from kg.contract.ontology import ensure_ontology
from kg.ingest.acled import AcledFormat
from kg.ingest.base import import_file
from viz.trends import trend_rows, trends_view, write_figure

SAMPLE = Path(__file__).parent / "data" / "acled" / "acled-sample-30.csv"
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
    assert len(groups) == 3 and groups[-1] == "other"
    assert sum(r["value"] for r in rows) == len(_rows())
    biggest = Counter(r["country"] for r in _rows()).most_common()
    assert groups[0] == biggest[0][0]
    # periods without events are zeros, every period has every group
    periods = sorted({r["period"] for r in rows})
    assert len(rows) == len(periods) * 3 and periods == sorted(set(periods))


def test_place_filter_and_errors(acled):
    country = Counter(r["country"] for r in _rows()).most_common(1)[0][0]
    rows = trend_rows(acled, by="type", period="month", place=country)
    assert sum(r["value"] for r in rows) == sum(r["country"] == country for r in _rows())
    for bad in ({"by": "colour"}, {"period": "day"}, {"measure": "tweets"}, {"lines": 0}):
        with pytest.raises(UsageError):
            trend_rows(acled, **bad)


def test_surges_are_those_of_kg_analyze_escalation(seed_kg):
    view = trends_view(seed_kg, by="actor", period="week")
    expected = sorted((r["period_start"].isoformat(), r["label"]) for r in escalation_of(seed_kg, period="week")
                      if r["kind"] == "surge" and r["counterpart"] is None)
    marks = view.stats["spec"]["layer"][1]["data"]["values"]
    assert expected and sorted((m["period"], m["actor"]) for m in marks) == expected
    assert trends_view(seed_kg, surges=False).stats["surges"] == 0


def test_page_and_figures_are_deterministic(seed_kg, tmp_path):
    a, b = trends_view(seed_kg, by="type"), trends_view(seed_kg, by="type")
    assert a.to_string() == b.to_string()
    html = a.to_string()
    assert "connect-src 'none'" in html.replace("&#39;", "'") and "unsafe-eval" not in html.split("</head>")[0]
    svg1 = write_figure(a.stats["spec"], tmp_path / "a.svg").read_text(encoding="utf-8")
    svg2 = write_figure(b.stats["spec"], tmp_path / "b.svg").read_text(encoding="utf-8")
    assert svg1 == svg2 and "<svg" in svg1 and "events per week" in svg1
    assert write_figure(a.stats["spec"], tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(UsageError):
        write_figure(a.stats["spec"], tmp_path / "a.pdf")


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
