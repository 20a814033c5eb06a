from __future__ import annotations

import datetime as dt

import pytest

from kg.base.errors import DataError
from kg.base.temporal import Precision, TimeSpan, parse_date

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
