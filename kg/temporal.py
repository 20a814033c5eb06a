"""Dates with precision and inclusive date ranges (valid time).

A date written with less than day precision stands for the whole range it covers:
``2017-05`` is 1 to 31 May 2017. Every event and state carries an inclusive
``start..end`` range of ``datetime.date`` (never datetimes: time zones never enter).

>>> TimeSpan.parse("2017-05")
TimeSpan(start=datetime.date(2017, 5, 1), end=datetime.date(2017, 5, 31), precision=<Precision.MONTH: 'month'>)
>>> TimeSpan.parse("2017-05-23").end
datetime.date(2017, 5, 23)
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass

from kg.errors import DataError


class Precision(enum.Enum):
    """How precisely a date is known; maps to ``ckg:Day|Month|Year|Approximate``."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    APPROXIMATE = "approximate"

    @classmethod
    def parse(cls, text: str) -> Precision:
        """``Precision.parse("day")`` -> ``Precision.DAY``; raises DataError on anything else."""
        try:
            return cls(str(text).strip().lower())
        except ValueError:
            choices = ", ".join(p.value for p in cls)
            raise DataError(f"unknown date precision {text!r}: use one of {choices}") from None

    @property
    def term(self) -> str:
        """The local name of the ontology individual, e.g. ``Day``."""
        return self.value.capitalize()


_DATE_FORMS = {
    Precision.DAY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    Precision.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    Precision.YEAR: re.compile(r"^(\d{4})$"),
}


def parse_date(text: str) -> dt.date:
    """Parse an ISO ``YYYY-MM-DD`` date, rejecting impossible dates with a clear message.

    >>> parse_date("2017-05-31")
    datetime.date(2017, 5, 31)
    >>> parse_date("2017-02-30")
    Traceback (most recent call last):
    ...
    kg.errors.DataError: impossible date '2017-02-30': day is out of range for month
    """
    text = str(text).strip()
    match = _DATE_FORMS[Precision.DAY].match(text)
    if not match:
        raise DataError(f"invalid date {text!r}: write it as YYYY-MM-DD, e.g. 2017-05-23")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError as err:
        raise DataError(f"impossible date {text!r}: {err}") from None


@dataclass(frozen=True)
class TimeSpan:
    """An inclusive range of days with the precision it was stated at."""

    start: dt.date
    end: dt.date
    precision: Precision

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DataError(f"end {self.end} is before start {self.start}: swap them or fix the end")

    @classmethod
    def parse(
        cls, start: str, end: str | None = None, precision: Precision | str | None = None
    ) -> TimeSpan:
        """Build a span from a start written at some precision and an optional inclusive end.

        The precision defaults to the form of ``start`` (``YYYY``, ``YYYY-MM``,
        ``YYYY-MM-DD``); ``approximate`` needs a full start date and an explicit end.

        >>> TimeSpan.parse("2017", precision="year").end
        datetime.date(2017, 12, 31)
        >>> TimeSpan.parse("2017-01-20", "2017-05-31", "approximate").precision.value
        'approximate'
        """
        start = str(start).strip()
        form = next((p for p, rx in _DATE_FORMS.items() if rx.match(start)), None)
        if form is None:
            raise DataError(f"invalid date {start!r}: write YYYY-MM-DD, YYYY-MM or YYYY")
        prec = Precision.parse(precision.value if isinstance(precision, Precision) else precision) if precision else form
        if prec is Precision.APPROXIMATE:
            if form is not Precision.DAY or end is None:
                raise DataError("an approximate date needs a full start date (YYYY-MM-DD) and an 'end'")
        elif prec is not form:
            raise DataError(
                f"date {start!r} is written at {form.value} precision but precision says {prec.value}"
            )
        first, last = _covered_range(start, form)
        if end is not None:
            last = parse_date(str(end))
        return cls(first, last, prec)

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the span (inclusive)."""
        return self.start <= day <= self.end


def _covered_range(text: str, form: Precision) -> tuple[dt.date, dt.date]:
    if form is Precision.DAY:
        day = parse_date(text)
        return day, day
    parts = [int(p) for p in text.split("-")]
    if form is Precision.MONTH:
        year, month = parts
        if not 1 <= month <= 12:
            raise DataError(f"impossible date {text!r}: month must be in 1..12")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    (year,) = parts
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
