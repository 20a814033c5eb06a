"""Progress bars for long commands (tqdm): rate and ETA on a terminal's stderr, nothing when
stderr is not a terminal (piped, redirected, captured) or ``--quiet`` was given.

>>> with bars(quiet=True)("rows", 3) as tick:
...     tick(3)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from tqdm import tqdm

from kg.base.progress import Stages, Tick


def shown(quiet: bool = False) -> bool:
    """Whether bars are drawn: stderr is a terminal and the user did not ask for quiet."""
    return not quiet and sys.stderr.isatty()


def bars(*, quiet: bool = False, unit: str = "it") -> Stages:
    """A :data:`~kg.base.progress.Stages` drawing one tqdm bar per stage on stderr."""

    @contextmanager
    def stage(name: str, total: int | None = None) -> Iterator[Tick]:
        with tqdm(total=total, desc=name, unit=unit, file=sys.stderr, disable=not shown(quiet),
                  dynamic_ncols=True, leave=False, mininterval=0.2) as bar:
            if bar.disable:
                yield bar.update
                return
            # tqdm redraws only on an update: a stage with no ticks (or past its last one, e.g. an
            # import publishing its rows) would look frozen, so its elapsed time is redrawn each second.
            stop = threading.Event()
            ticker = threading.Thread(target=_redraw, args=(bar, stop), daemon=True)
            ticker.start()
            try:
                yield bar.update
            finally:
                stop.set()
                ticker.join()

    return stage


def _redraw(bar: tqdm, stop: threading.Event, every: float = 1.0) -> None:
    while not stop.wait(every):
        bar.refresh()


def clear_bars() -> AbstractContextManager[None]:
    """Take the bars off the terminal while something else is printed, then draw them again."""
    return tqdm.external_write_mode(file=sys.stderr)


def count_lines(path: Path) -> int:
    """Lines in a file, read in blocks (the total of an import's bar: rows are about lines)."""
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
