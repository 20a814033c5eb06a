"""Dates with precision and inclusive date ranges (valid time): the project's time vocabulary.

A date written with less than day precision stands for the whole range it covers:
``2017-05`` is 1 to 31 May 2017. Every event and state carries an inclusive
``start..end`` range of ``datetime.date`` (never datetimes: time zones never enter).

One name per concept, each owned here:

- :class:`TimeSpan`: the days a *fact* covers, with the precision it was stated at.
- :class:`Window`: a range of days *asked about* (``--from``/``--to``, ``--as-of``), either
  bound open; :class:`Match` says how imprecise facts fall in it. Its SPARQL form is
  :func:`kg.read.timeview.window_expr` (the exact test) and :func:`kg.read.timeview.window_join`
  (the index join).
- :func:`sliding_windows`: the series of windows an analysis visits (``--window``/``--step``,
  durations read by :func:`parse_duration`); :func:`kg.analysis.span.windows` projects each one.
- Calendar *periods* (ISO week, month) are :mod:`kg.analysis.escalation`'s counting buckets.

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
from typing import TypeVar

from kg.base.errors import DataError, UsageError


class Precision(enum.Enum):
    """How precisely a date is known; maps to ``ckg:Day|Month|Year|Approximate``."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    APPROXIMATE = "approximate"

    @classmethod
    def parse(cls, text: str) -> Precision:
        """``Precision.parse("day")`` -> ``Precision.DAY``; raises DataError on anything else."""
        return _parse_member(cls, str(text).strip().lower(), "date precision", text)

    @property
    def term(self) -> str:
        """The local name of the ontology individual, e.g. ``Day``."""
        return self.value.capitalize()


_E = TypeVar("_E", bound=enum.Enum)


def _parse_member(cls: type[_E], value: str, what: str, given: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        raise DataError(f"unknown {what} {given!r}: use one of {', '.join(str(m.value) for m in cls)}") from None


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
    kg.base.errors.DataError: impossible date '2017-02-30': day is out of range for month
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


# -- windows: does a fact certainly or possibly fall in a range of days? -------------------


class Match(enum.Enum):
    """How a window treats imprecise dates (``--precision``).

    ``loose`` (default): a fact counts when it *possibly* falls in the window — its
    range overlaps it. ``strict``: only when it *certainly* does — a day-precise
    fact overlapping the window, or an imprecise one ("May 2017", "approximately")
    whose whole range lies inside it.
    """

    LOOSE = "loose"
    STRICT = "strict"


#: Open-ended states (no ``ckg:endDate``) hold until this day for interval arithmetic.
OPEN_END = dt.date.max


@dataclass(frozen=True)
class Window:
    """An inclusive range of days asked about; either bound may be open (``None``).

    >>> may = TimeSpan.parse("2017-05")
    >>> week = Window(dt.date(2017, 5, 18), dt.date(2017, 5, 25))
    >>> week.possibly(may), week.certainly(may)
    (True, False)
    >>> week.certainly(TimeSpan.parse("2017-05-22"))
    True
    """

    start: dt.date | None = None
    end: dt.date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise UsageError(f"--to {self.end} is before --from {self.start}: a window cannot end before its start")

    def possibly(self, span: TimeSpan) -> bool:
        """Whether the span overlaps the window."""
        return (self.start is None or span.end >= self.start) and (self.end is None or span.start <= self.end)

    def certainly(self, span: TimeSpan) -> bool:
        """Whether the fact surely happened (at least partly) inside the window."""
        if span.precision is Precision.DAY:
            return self.possibly(span)
        return (self.start is None or span.start >= self.start) and (self.end is None or span.end <= self.end)

    def matches(self, span: TimeSpan, mode: Match | str = Match.LOOSE) -> bool:
        """``possibly`` for loose, ``certainly`` for strict."""
        return self.certainly(span) if Match(mode) is Match.STRICT else self.possibly(span)


def parse_duration(value: str | dt.timedelta) -> dt.timedelta:
    """A window size or step: ``30d``, ``2w``, ``7`` (days) or a timedelta of at least one day.

    >>> parse_duration("2w").days, parse_duration("30d").days
    (14, 30)

    :raises UsageError: anything else.
    """
    if isinstance(value, dt.timedelta):
        if value.days < 1:
            raise UsageError(f"invalid duration {value}: a window or step is at least one day")
        return value
    text = str(value).strip().lower()
    units = {"d": 1, "w": 7}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "d")
    if not number.isdigit() or int(number) < 1:
        raise UsageError(f"invalid duration {text!r}: write e.g. 30d or 2w")
    return dt.timedelta(days=int(number) * units[unit])


def sliding_windows(
    start: dt.date, end: dt.date, size: str | dt.timedelta, step: str | dt.timedelta | None = None
) -> list[tuple[dt.date, dt.date]]:
    """The windows ``[w, w + size - 1 day]`` from ``start`` by ``step`` (default: ``size``, windows
    that tile the range) while ``w <= end``; the last one is cut at ``end``.

    >>> [(a.day, b.day) for a, b in sliding_windows(dt.date(2017, 5, 1), dt.date(2017, 5, 20), "7d")]
    [(1, 7), (8, 14), (15, 20)]

    :raises UsageError: a bad size or step, or ``end`` before ``start``.
    """
    width = parse_duration(size)
    stride = parse_duration(step) if step is not None else width
    Window(start, end)
    out, first = [], start
    while first <= end:
        out.append((first, min(end, first + width - dt.timedelta(days=1))))
        first += stride
    return out


# -- Allen's interval relations on inclusive day ranges -------------------------------------


class Allen(enum.Enum):
    """Allen's 13 relations between two inclusive day ranges ``a`` and ``b``.

    Days are discrete: ``a`` *meets* ``b`` when ``b`` starts the day after ``a`` ends,
    and ``a`` is *before* ``b`` when at least one day lies between them.

    >>> a, b = TimeSpan.parse("2017-05-18"), TimeSpan.parse("2017-05-18", "2017-05-23")
    >>> Allen.STARTS.holds(a, b), Allen.relate(b, a).value
    (True, 'started-by')
    """

    BEFORE = "before"
    AFTER = "after"
    MEETS = "meets"
    MET_BY = "met-by"
    OVERLAPS = "overlaps"
    OVERLAPPED_BY = "overlapped-by"
    STARTS = "starts"
    STARTED_BY = "started-by"
    DURING = "during"
    CONTAINS = "contains"
    FINISHES = "finishes"
    FINISHED_BY = "finished-by"
    EQUALS = "equals"

    @classmethod
    def parse(cls, name: str) -> Allen:
        return _parse_member(cls, name.strip().lower().replace("_", "-"), "Allen relation", name)

    @property
    def inverse(self) -> Allen:
        """The relation seen from ``b``: before <-> after, during <-> contains..."""
        return _INVERSE[self]

    def holds(self, a: TimeSpan | tuple[dt.date, dt.date], b: TimeSpan | tuple[dt.date, dt.date]) -> bool:
        """Whether ``a <relation> b``."""
        return Allen.relate(a, b) is self

    @staticmethod
    def relate(a: TimeSpan | tuple[dt.date, dt.date], b: TimeSpan | tuple[dt.date, dt.date]) -> Allen:
        """The one relation that holds between ``a`` and ``b``."""
        a0, a1 = _bounds(a)
        b0, b1 = _bounds(b)
        if a1 < b0:
            return Allen.MEETS if _next_day(a1) == b0 else Allen.BEFORE
        if b1 < a0:
            return Allen.MET_BY if _next_day(b1) == a0 else Allen.AFTER
        if (a0, a1) == (b0, b1):
            return Allen.EQUALS
        if a0 == b0:
            return Allen.STARTS if a1 < b1 else Allen.STARTED_BY
        if a1 == b1:
            return Allen.FINISHES if a0 > b0 else Allen.FINISHED_BY
        if b0 < a0 and a1 < b1:
            return Allen.DURING
        if a0 < b0 and b1 < a1:
            return Allen.CONTAINS
        return Allen.OVERLAPS if a0 < b0 else Allen.OVERLAPPED_BY

    def sparql_filter(self, a: tuple[str, str], b: tuple[str, str]) -> str:
        """A SPARQL FILTER expression for ``a <relation> b`` over date variables.

        ``a`` and ``b`` name ``(start, end)`` variables bound to ``xsd:date``s (bind an
        open end to a far-future date first). Day gaps use date subtraction, which
        yields an ``xsd:dayTimeDuration`` with no time zone involved.

        >>> Allen.MEETS.sparql_filter(("?s1", "?e1"), ("?s2", "?e2"))
        '(?s2 - ?e1 = "P1D"^^xsd:dayTimeDuration)'
        """
        (a0, a1), (b0, b1) = a, b
        day = '"P1D"^^xsd:dayTimeDuration'
        return {
            Allen.BEFORE: f"({b0} - {a1} > {day})",
            Allen.AFTER: f"({a0} - {b1} > {day})",
            Allen.MEETS: f"({b0} - {a1} = {day})",
            Allen.MET_BY: f"({a0} - {b1} = {day})",
            Allen.OVERLAPS: f"({a0} < {b0} && {b0} <= {a1} && {a1} < {b1})",
            Allen.OVERLAPPED_BY: f"({b0} < {a0} && {a0} <= {b1} && {b1} < {a1})",
            Allen.STARTS: f"({a0} = {b0} && {a1} < {b1})",
            Allen.STARTED_BY: f"({a0} = {b0} && {b1} < {a1})",
            Allen.DURING: f"({b0} < {a0} && {a1} < {b1})",
            Allen.CONTAINS: f"({a0} < {b0} && {b1} < {a1})",
            Allen.FINISHES: f"({a1} = {b1} && {b0} < {a0})",
            Allen.FINISHED_BY: f"({a1} = {b1} && {a0} < {b0})",
            Allen.EQUALS: f"({a0} = {b0} && {a1} = {b1})",
        }[self]


_INVERSE = {
    Allen.BEFORE: Allen.AFTER, Allen.MEETS: Allen.MET_BY, Allen.OVERLAPS: Allen.OVERLAPPED_BY,
    Allen.STARTS: Allen.STARTED_BY, Allen.DURING: Allen.CONTAINS, Allen.FINISHES: Allen.FINISHED_BY,
    Allen.EQUALS: Allen.EQUALS,
}
_INVERSE.update({v: k for k, v in list(_INVERSE.items())})


def _bounds(span: TimeSpan | tuple[dt.date, dt.date | None]) -> tuple[dt.date, dt.date]:
    start, end = (span.start, span.end) if isinstance(span, TimeSpan) else span
    return start, end if end is not None else OPEN_END


def _next_day(day: dt.date) -> dt.date:
    return day if day == dt.date.max else day + dt.timedelta(days=1)


def months_overlapped(start: dt.date, end: dt.date | None) -> list[str]:
    """The months (``YYYY-MM``) a fact lasting more than one day overlaps: its ``ckg:overlapsMonth``.

    One-day facts and states still holding have none (see :func:`kg.read.timeview.window_join`).

    >>> months_overlapped(dt.date(2017, 11, 20), dt.date(2018, 1, 3))
    ['2017-11', '2017-12', '2018-01']
    >>> months_overlapped(dt.date(2017, 5, 22), dt.date(2017, 5, 22)), months_overlapped(dt.date(2017, 5, 22), None)
    ([], [])
    """
    if end is None or end <= start:
        return []
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
