"""Options shared by several commands, declared once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from kg.base.temporal import Match

FORMATS = click.Choice(["table", "csv", "tsv", "json"])


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Click callback: ``YYYY-MM-DD`` -> ``date``; a clear usage error otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD, e.g. 2017-05-18") from None


def date_option(*names: str, help: str) -> Callable[[Any], Any]:  # noqa: A002
    return click.option(*names, callback=parse_date, metavar="DATE", help=help)


as_of_option = date_option("--as-of", "as_of", help="Valid time: only what happened or held on this day.")
known_on_option = date_option(
    "--known-on", "known_on",
    help="Record time: only facts from sources issued by this day and not retracted by then.",
)
precision_option = click.option(
    "--precision", type=click.Choice([m.value for m in Match]), default="loose", show_default=True,
    help="Imprecise dates: loose = possibly in the window, strict = certainly in it.",
)
