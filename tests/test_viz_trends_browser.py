# ruff: noqa: F811  (the fixtures imported from test_viz_browser are the test functions' arguments)
"""The trend chart in headless Chromium opened west of UTC (America/New_York): the periods drawn
are the periods counted (UTC), weeks tick on Mondays. Skipped without Playwright or Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_viz_browser import Page, browser  # noqa: F401
from test_viz_trends import syria  # noqa: F401

from viz.trends import trends_view


class _Westward:
    """The browser, opening its pages in New York's time zone (UTC-5 in winter)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser

    def new_context(self, **options: Any) -> Any:
        return self.browser.new_context(timezone_id="America/New_York", **options)


def _axis_labels(page: Page) -> list[str]:
    return page.js("Array.from(document.querySelectorAll('#kg-chart .role-axis-label text')).map(t => t.textContent)")


#: The first day (UTC) of the period each drawn line is placed at: the time-unit field Vega-Lite derives
_DRAWN = """() => Array.from(new Set(kgTrends.view.data('data_0').map(d => {
  const key = Object.keys(d).find(k => k.endsWith('_period'));
  return new Date(d[key]).toISOString().slice(0, 10);
}))).sort()"""


def test_months_and_weeks_are_the_counted_ones_in_new_york(browser, syria, tmp_path: Path):
    view = trends_view(syria, by="type", period="month")
    page = Page(_Westward(browser), view.write(tmp_path / "month.html"), tmp_path)
    try:
        assert page.js("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
        counted = sorted({r["period"] for r in view.stats["spec"]["layer"][0]["data"]["values"]})
        assert page.js(_DRAWN) == counted and counted[0] == "2022-01-01"
        labels = _axis_labels(page)
        assert "Jan 2022" in labels and not any("2021" in label for label in labels), labels
        page.assert_clean()
    finally:
        page.close()
    view = trends_view(syria, by="type", period="week")
    page = Page(_Westward(browser), view.write(tmp_path / "week.html"), tmp_path)
    try:
        mondays = sorted({r["period"] for r in view.stats["spec"]["layer"][0]["data"]["values"]})
        assert page.js(_DRAWN) == mondays
        labels = [label for label in _axis_labels(page) if label[:2] == "20"]
        assert labels and set(labels) <= set(mondays), labels
        page.assert_clean()
    finally:
        page.close()
