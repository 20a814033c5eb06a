"""Date expressions in report text, resolved against the report's date with their precision.

Absolute dates ("May 23", "18 MAY", "23 May 2006", "May 2013", "2006", "1980-88"), vague parts of a
month ("late May", "mid January"), relative expressions ("on the same day", "the following day",
"last week", "three days ago", "since March") and seasons. A day and month without a year take the
report's year, or the year before when that would put them more than a week after the report.

>>> import datetime as dt
>>> [(m.text, m.start_date.isoformat(), m.end_date.isoformat(), m.precision)
...  for m in find_dates("On 18 MAY and late May 2016", dt.date(2017, 5, 31))]
[('18 MAY', '2017-05-18', '2017-05-18', 'day'), ('late May 2016', '2016-05-21', '2016-05-31', 'approximate')]
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from kg.draft.lexicon import MONTHS

_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_M = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
     r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "a": 1, "several": 3, "few": 3}
_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PART = {"early": (1, 10), "beginning of": (1, 10), "mid": (11, 20), "mid-": (11, 20), "middle of": (11, 20),
         "late": (21, 31), "end of": (21, 31)}
_FLAGS = re.IGNORECASE

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("same-day", re.compile(r"\b(?:the\s+same\s+day|that\s+same\s+day|that\s+day)\b", _FLAGS)),
    ("next-day", re.compile(r"\bthe\s+(?:following|next)\s+day\b|\bthe\s+day\s+after\b", _FLAGS)),
    ("offset", re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|several|a\s+few)\s+"
                          r"(?:more\s+)?(days?|weeks?|months?|years?)\s+(later|earlier|ago|before)\b", _FLAGS)),
    ("relative", re.compile(r"\b(?:earlier|later)\s+this\s+(?:week|month|year)\b|\b(?:this|last|next|past)\s+"
                            r"(?:week|month|year|weekend)\b|\btoday\b|\byesterday\b|\btonight\b", _FLAGS)),
    ("since", re.compile(rf"\bsince\s+(?:(early|mid-?|late)\s+)?({_M})(?:\s+(\d{{4}}))?\b", _FLAGS)),
    ("part-of-month", re.compile(rf"\b(early|mid-|mid|late|beginning\s+of|middle\s+of|end\s+of)\s*({_M})"
                                 rf"(?:\s+(\d{{4}}))?\b", _FLAGS)),
    ("day-month-year", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_M}),?\s+(\d{{4}})\b", _FLAGS)),
    ("month-day-year", re.compile(rf"\b({_M})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", _FLAGS)),
    ("month-day", re.compile(rf"\b({_M})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![,.]?\s*\d)", _FLAGS)),
    ("day-month", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_M})\b", _FLAGS)),
    ("month-year", re.compile(rf"\b({_M})\s+(\d{{4}})\b", _FLAGS)),
    ("season", re.compile(r"\b(spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(\d{4}))?\b", re.IGNORECASE)),
    ("year-range", re.compile(r"\b(1[89]\d\d|20\d\d)\s*[-–]\s*(\d{2}|\d{4})\b")),
    ("year", re.compile(r"\b(1[89]\d\d|20\d\d)\b(?!\s*(?:MW|km|m3|MHz|%))")),
    ("month", re.compile(rf"\b(?:in|since|until|by|from|during|of|before|after)\s+({_M})\b")),
]


@dataclass(frozen=True)
class DateMention:
    """A date expression: where it is, what it resolves to, and the rule that read it."""

    start: int
    end: int
    text: str
    start_date: dt.date
    end_date: dt.date
    precision: str  # day | month | year | approximate
    rule: str

    @property
    def anaphoric(self) -> bool:
        """Resolved against an earlier date of the text, not the report date."""
        return self.rule in ("same-day", "next-day") or (self.rule == "offset" and "ago" not in self.text.lower())


def _month(name: str) -> int:
    return _MONTH_ABBR[name.lower().rstrip(".")[:4] if name.lower().startswith("sept") else name.lower()[:3]]


def _year_for(month: int, day: int, issued: dt.date) -> int:
    try:
        candidate = dt.date(issued.year, month, day)
    except ValueError:
        return issued.year
    return issued.year - 1 if candidate > issued + dt.timedelta(days=7) else issued.year


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _shift(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def find_dates(text: str, issued: dt.date, *, previous: dt.date | None = None, offset: int = 0) -> list[DateMention]:
    """Date expressions in ``text`` (offsets shifted by ``offset``), left to right, without overlaps.

    ``previous`` is the last date mentioned before ``text`` (for "on the same day"); without one,
    anaphoric expressions resolve against the report date.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for rule, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            a, b = match.span(1) if rule == "month" else match.span()
            if any(a < y and x < b for x, y in taken):
                continue
            try:
                resolved = _resolve(rule, match, issued, previous)
            except (ValueError, KeyError):
                continue
            if resolved is None:
                continue
            start, end, precision = resolved
            found.append(DateMention(a + offset, b + offset, text[a:b], start, end, precision, rule))
            taken.append((a, b))
    found.sort(key=lambda m: m.start)
    # an anaphoric date refers to the date mentioned just before it, in this text if there is one
    out: list[DateMention] = []
    for mention in found:
        anchor = next((m.start_date for m in reversed(out) if m.precision == "day"), previous)
        if mention.anaphoric and anchor is not None:
            again = _resolve_anaphor(mention, anchor)
            mention = replace(mention, start_date=again[0], end_date=again[1], precision=again[2])
        out.append(mention)
    return out


def _resolve_anaphor(mention: DateMention, anchor: dt.date) -> tuple[dt.date, dt.date, str]:
    if mention.rule == "same-day":
        return anchor, anchor, "day"
    if mention.rule == "next-day":
        return _shift(anchor, 1), _shift(anchor, 1), "day"
    match = _PATTERNS[2][1].search(mention.text)
    assert match is not None
    days = _offset_days(match)
    sign = 1 if match.group(3).lower() == "later" else -1
    day = _shift(anchor, sign * days)
    return (day, day, "day") if match.group(2).lower().startswith("day") else (day, day, "approximate")


def _offset_days(match: re.Match[str]) -> int:
    amount = match.group(1).lower().replace("a few", "few")
    count = int(amount) if amount.isdigit() else _NUM_WORDS.get(amount, 1)
    return count * _UNIT_DAYS[match.group(2).lower()]


def _resolve(rule: str, m: re.Match[str], issued: dt.date, previous: dt.date | None) -> tuple[dt.date, dt.date, str] | None:
    g = m.groups()
    if rule == "same-day" or rule == "next-day":
        base = previous or issued
        day = base if rule == "same-day" else _shift(base, 1)
        return day, day, "day"
    if rule == "offset":
        days = _offset_days(m)
        if g[2].lower() in ("ago", "before") and g[2].lower() == "ago":
            day = _shift(issued, -days)
        else:
            day = _shift(previous or issued, days if g[2].lower() == "later" else -days)
        return (day, day, "day") if g[1].lower().startswith("day") else (_shift(day, -days // 2), _shift(day, days // 2), "approximate")
    if rule == "relative":
        return _relative(m.group(0).lower(), issued)
    if rule == "since":
        month = _month(g[1])
        year = int(g[2]) if g[2] else _year_for(month, 1, issued)
        first = (_PART.get((g[0] or "").lower().strip(), (1, 1))[0]) if g[0] else 1
        return dt.date(year, month, first), issued, "approximate"
    if rule == "part-of-month":
        month = _month(g[1])
        part = _PART[" ".join(g[0].lower().split())]
        year = int(g[2]) if g[2] else _year_for(month, part[0], issued)
        return dt.date(year, month, part[0]), dt.date(year, month, min(part[1], _last_day(year, month))), "approximate"
    if rule in ("day-month-year", "month-day-year"):
        dom, month = (int(g[0]), _month(g[1])) if rule == "day-month-year" else (int(g[1]), _month(g[0]))
        date = dt.date(int(g[2]), month, dom)
        return date, date, "day"
    if rule in ("month-day", "day-month"):
        dom, month = (int(g[1]), _month(g[0])) if rule == "month-day" else (int(g[0]), _month(g[1]))
        if rule == "month-day" and g[0].lower() == "may" and not g[0][0].isupper():
            return None  # the modal verb "may"
        date = dt.date(_year_for(month, dom, issued), month, dom)
        return date, date, "day"
    if rule == "month-year":
        month, year = _month(g[0]), int(g[1])
        return dt.date(year, month, 1), dt.date(year, month, _last_day(year, month)), "month"
    if rule == "season":
        first, last = _SEASONS[g[0].lower()]
        if g[1] is None and not g[0][0].isupper() and m.start() > 0 and not _season_context(m):
            return None
        year = int(g[1]) if g[1] else issued.year
        end_year = year + 1 if last < first else year
        return dt.date(year, first, 1), dt.date(end_year, last, _last_day(end_year, last)), "approximate"
    if rule == "year-range":
        first = int(g[0])
        last = int(g[1]) if len(g[1]) == 4 else first // 100 * 100 + int(g[1])
        if last <= first:
            return None
        return dt.date(first, 1, 1), dt.date(last, 12, 31), "approximate"
    if rule == "year":
        year = int(g[0])
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if rule == "month":
        if g[0] == "May" or not g[0][0].isupper():
            return None if not g[0][0].isupper() else _month_of(5, issued)
        return _month_of(_month(g[0]), issued)
    return None


def _season_context(m: re.Match[str]) -> bool:
    before = m.string[max(0, m.start() - 12):m.start()].lower()
    return before.rstrip().endswith(("in", "the", "this", "last", "next", "during", "by"))


def _month_of(month: int, issued: dt.date) -> tuple[dt.date, dt.date, str]:
    year = _year_for(month, 1, issued)
    return dt.date(year, month, 1), dt.date(year, month, _last_day(year, month)), "month"


def _relative(text: str, issued: dt.date) -> tuple[dt.date, dt.date, str]:
    words = " ".join(text.split())
    if words in ("today", "tonight"):
        return issued, issued, "day"
    if words == "yesterday":
        day = _shift(issued, -1)
        return day, day, "day"
    unit = words.split()[-1]
    monday = _shift(issued, -issued.weekday())
    if unit in ("week", "weekend"):
        if words.startswith(("last", "past")):
            return _shift(monday, -7), _shift(monday, -1), "approximate"
        if words.startswith("next"):
            return _shift(monday, 7), _shift(monday, 13), "approximate"
        return monday, min(_shift(monday, 6), issued) if words.startswith("earlier") else _shift(monday, 6), "approximate"
    if unit == "month":
        first = issued.replace(day=1)
        if words.startswith(("last", "past")):
            prev = _shift(first, -1).replace(day=1)
            return prev, _shift(first, -1), "month"
        if words.startswith("next"):
            nxt = _shift(first, 32).replace(day=1)
            return nxt, nxt.replace(day=_last_day(nxt.year, nxt.month)), "month"
        return first, first.replace(day=_last_day(first.year, first.month)), "month"
    year = issued.year - 1 if words.startswith(("last", "past")) else issued.year + 1 if words.startswith("next") else issued.year
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"


def iso(day: dt.date, precision: str) -> str:
    """The curated schema's form of a start date: YYYY-MM-DD, YYYY-MM (month) or YYYY (year).

    >>> iso(dt.date(2017, 5, 1), "month"), iso(dt.date(2017, 1, 1), "year")
    ('2017-05', '2017')
    """
    if precision == "month":
        return day.strftime("%Y-%m")
    if precision == "year":
        return str(day.year)
    return day.isoformat()
