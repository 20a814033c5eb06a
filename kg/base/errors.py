"""The conflict-kg exception tree. Messages name the file, line, row or IRI and say how to fix it.

>>> str(DataError("bad date", path="data/events/x.yaml", line=12, field="date"))
'data/events/x.yaml:12: date: bad date'

A message is always one line: control characters it quotes from the input (a header with a NUL or
a vertical tab, a line break) are named, not printed.

>>> str(DataError("missing column x (header: \\x00\\x0bid, date)", path="f.csv", line=1))
'f.csv:1: missing column x (header: <U+0000><U+000B>id, date)'
"""

from __future__ import annotations

import unicodedata


class KGError(Exception):
    """Base class of every error conflict-kg raises on purpose."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        if self.field:
            where += f"{self.field}: "
        return printable(where + self.message)


class DataError(KGError):
    """Curated or imported data is invalid (syntax, unknown id, impossible date, ...)."""


class ValidationError(DataError):
    """The built graph violates a SHACL shape of ``ontology/shapes.ttl``."""


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class QueryError(KGError):
    """A SPARQL query is malformed, unknown or got bad parameters."""


class UsageError(KGError):
    """The caller asked for something that cannot be done (bad option combination)."""

    exit_code = 2


def printable(text: str) -> str:
    """``text`` with every control character but the tab (and every other line separator) named
    as ``<U+XXXX>``."""
    return "".join(
        f"<U+{ord(ch):04X}>" if (ch != "\t" and unicodedata.category(ch) == "Cc") or ch in "\u2028\u2029" else ch
        for ch in text
    )
