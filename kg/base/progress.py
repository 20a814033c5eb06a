"""The hook long library work reports its progress through; the command line draws it.

Library functions that can run for long (an import, an export, a forecasting evaluation) take a
``progress`` argument: a :data:`Stages` callable that opens one stage of work with its name and
its total (``None`` when unknown) and gives back a :data:`Tick` to call with each amount done.
The default, :func:`no_progress`, draws nothing; ``kg.cli.progress`` draws bars on a terminal.

>>> with no_progress("rows", 10) as tick:
...     tick(1)
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

#: Called with how much more of a stage is done.
Tick = Callable[[int], None]
#: Opens a stage: ``with progress(name, total) as tick: ...``.
Stages = Callable[[str, "int | None"], AbstractContextManager[Tick]]


def _ignore(_: int) -> None:
    return None


def no_progress(stage: str, total: int | None = None) -> AbstractContextManager[Tick]:
    """A stage that reports nothing (the library's default)."""
    return nullcontext(_ignore)
