from __future__ import annotations

import datetime as dt

import pytest

from kg.base.errors import DataError, UsageError
from kg.base.temporal import Precision, TimeSpan, Window, parse_date, parse_duration, sliding_windows
from kg.read.timeview import window_filters

D = dt.date


@pytest.mark.parametrize(
    "start,end,precision,expected",
    [
        ("2017-05-23", None, None, (D(2017, 5, 23), D(2017, 5, 23), Precision.DAY)),
        ("2017-05", None, None, (D(2017, 5, 1), D(2017, 5, 31), Precision.MONTH)),
        ("2016-02", None, "month", (D(2016, 2, 1), D(2016, 2, 29), Precision.MONTH)),
        ("2017", None, "year", (D(2017, 1, 1), D(2017, 12, 31), Precision.YEAR)),
        ("2017-05-18", "2017-05-23", "day", (D(2017, 5, 18), D(2017, 5, 23), Precision.DAY)),
        ("2017-01-20", "2017-05-31", "approximate", (D(2017, 1, 20), D(2017, 5, 31), Precision.APPROXIMATE)),
    ],
)
def test_span_parse(start, end, precision, expected):
    span = TimeSpan.parse(start, end, precision)
    assert (span.start, span.end, span.precision) == expected


@pytest.mark.parametrize(
    "args,message",
    [
        (("2017-02-30",), "impossible date"),
        (("2017-13",), "month must be in 1..12"),
        (("23 May 2017",), "invalid date"),
        (("2017-05", None, "day"), "written at month precision"),
        (("2017-05-23", None, "approximate"), "approximate date needs"),
        (("2017-05-23", "2017-05-01", "day"), "before start"),
        (("2017-05-23", None, "weekly"), "unknown date precision"),
    ],
)
def test_span_errors(args, message):
    with pytest.raises(DataError, match=message):
        TimeSpan.parse(*args)


def test_parse_date_and_contains():
    assert parse_date(" 2017-05-31 ") == D(2017, 5, 31)
    span = TimeSpan.parse("2017-05")
    assert span.contains(D(2017, 5, 31)) and not span.contains(D(2017, 6, 1))
    assert Precision.APPROXIMATE.term == "Approximate"


@pytest.mark.parametrize(
    "size,step,expected",
    [
        ("7d", None, [(1, 7), (8, 14), (15, 20)]),  # tiles the range; the last window is cut
        ("1w", "3d", [(1, 7), (4, 10), (7, 13), (10, 16), (13, 19), (16, 20), (19, 20)]),  # overlapping
        (dt.timedelta(days=30), None, [(1, 20)]),
        ("2d", "10", [(1, 2), (11, 12)]),  # gaps between windows
    ],
)
def test_sliding_windows(size, step, expected):
    windows = sliding_windows(D(2017, 5, 1), D(2017, 5, 20), size, step)
    assert [(a.day, b.day) for a, b in windows] == expected
    assert all(Window(a, b).possibly(TimeSpan.parse(a.isoformat())) for a, b in windows)


@pytest.mark.parametrize("value", ["0d", "x", "-3", "2m", dt.timedelta(hours=5)])
def test_duration_errors(value):
    with pytest.raises(UsageError, match="invalid duration"):
        parse_duration(value)


def test_reversed_windows_fail_the_same_way_everywhere():
    with pytest.raises(UsageError, match="is before --from"):
        sliding_windows(D(2017, 5, 2), D(2017, 5, 1), "1d")
    with pytest.raises(UsageError, match="is before --from"):
        window_filters(D(2017, 5, 2), D(2017, 5, 1))


def test_window_filters_bind_only_what_is_given():
    assert window_filters(None, None) == ({}, [])
    params, filters = window_filters(None, D(2017, 5, 1), known_on=D(2017, 6, 1), fact="?fact", fact_end="?stop")
    assert params == {"to": D(2017, 5, 1), "knownOn": D(2017, 6, 1)}
    assert "?stop >= ?from" in filters[0] and "?fact prov:wasDerivedFrom" in filters[1]
