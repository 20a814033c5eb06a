"""ACLED's dates read from its codebook, independently of the importer (for tests that compute
expected answers from the raw CSV)."""

from __future__ import annotations

import datetime as dt


def acled_range(row: dict[str, str]) -> tuple[dt.date, dt.date]:
    """The days an ACLED row's ``event_date`` may stand for, by ``time_precision``: 1 the day; 2 a
    specific week or weekend (the date +/- 3 days); 3 a month or "the past two or three weeks" (the
    calendar month, widened to the date +/- 15 days).

    >>> acled_range({"event_date": "2022-03-02", "time_precision": "2"})
    (datetime.date(2022, 2, 27), datetime.date(2022, 3, 5))
    """
    day = dt.date.fromisoformat(row["event_date"])
    if row["time_precision"] == "2":
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    if row["time_precision"] == "3":
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return min(first, day - dt.timedelta(days=15)), max(last, day + dt.timedelta(days=15))
    return day, day
