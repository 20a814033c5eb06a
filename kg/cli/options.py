"""Options shared by several commands, declared once, and the one ``--format`` rule of every
row-producing command (``events``, ``actors``, ``timeline``, ``diff``, ``reconcile``, ``analyze ...``):
``table|csv|tsv|json|jsonl``, written by :func:`kg.base.tables.format_rows`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import click

from kg.base.errors import DataError
from kg.base.tables import ROW_FORMATS, format_rows
from kg.base.temporal import Match, TimeSpan

FORMAT_HELP = (
    "table: aligned columns; csv, tsv: full values, a text cell starting with = + - @ gets a leading ' "
    "so spreadsheets do not run it as a formula; json: an array of objects keyed like the CSV header; "
    "jsonl: one object per line."
)


def format_option(*, default: str = "table", extra: Sequence[str] = (), extra_help: str = "") -> Callable[[Any], Any]:
    """``--format``: :data:`~kg.base.tables.ROW_FORMATS` (plus a command's own ``extra`` views)."""
    return click.option(
        "--format", "fmt", type=click.Choice([*extra, *ROW_FORMATS]), default=default, show_default=True,
        help=" ".join(filter(None, [extra_help, FORMAT_HELP])),
    )


def echo_rows(
    rows: Iterable[Mapping[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    table_columns: Sequence[str] | None = None,
) -> None:
    """Write rows to stdout in ``fmt`` (nothing at all for zero rows in jsonl)."""
    text = format_rows(rows, fmt, columns=columns, table_columns=table_columns)
    if text:
        click.echo(text.rstrip("\n"))


#: The parameter names of window ends: ``--to 2022-03`` is the last day of March, ``--from 2022-03`` the first.
_PERIOD_ENDS = ("end",)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Click callback: ``YYYY-MM-DD`` -> ``date``; for a window's bounds also a month
    (``2022-03``) or a year (``2022``): its first day for ``--from``, its last for ``--to``.
    A clear usage error otherwise."""
    if value is None:
        return None
    if param.name in ("start", *_PERIOD_ENDS):
        try:
            span = TimeSpan.parse(value)
        except DataError:
            raise click.BadParameter(
                f"{value!r} is not a date: write YYYY-MM-DD, a month YYYY-MM or a year YYYY, e.g. 2022-03") from None
        return span.end if param.name in _PERIOD_ENDS else span.start
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD, e.g. 2017-05-18") from None


def date_option(*names: str, help: str) -> Callable[[Any], Any]:  # noqa: A002
    """A date option; ``--from``/``--to`` (``start``/``end``) also take a month or a year."""
    metavar = "DATE" if names[-1] not in ("start", *_PERIOD_ENDS) else "DATE|YYYY-MM|YYYY"
    return click.option(*names, callback=parse_date, metavar=metavar, help=help)


place_option = click.option(
    "--place", metavar="PLACE",
    help="Only events at this place or inside it (ckg:within): a place id, label or ISO 3166 code (Syria, SY, SYR).",
)


as_of_option = date_option("--as-of", "as_of", help="Valid time: only what happened or held on this day.")
known_on_option = date_option(
    "--known-on", "known_on",
    help="Record time: only facts from sources issued by this day and not retracted by then.",
)
precision_option = click.option(
    "--precision", type=click.Choice([m.value for m in Match]), default="loose", show_default=True,
    help="Imprecise dates: loose = possibly in the window, strict = certainly in it.",
)
