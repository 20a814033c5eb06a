"""Saved queries: ``data/queries/<name>.rq`` files with a header of title, description and parameters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.base.errors import QueryError
from kg.base.resources import queries_dir

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Parameter types a header may declare (``# param: start:date ...``), with the form a value must
#: have and an example for the error message; ``a|b|c`` declares a choice.
PARAM_TYPES = {
    "date": (re.compile(r"\d{4}-\d{2}-\d{2}"), "a date YYYY-MM-DD, e.g. 2022-03-01"),
    "integer": (re.compile(r"\d+"), "a whole number >= 0, e.g. 3"),
    "iri": (re.compile(r"[A-Za-z][\w.-]*:\S*|<[^<>\s]+>"), "an IRI or prefixed name, e.g. actor:isis"),
    "text": (re.compile(r".*", re.DOTALL), "any text"),
}


@dataclass(frozen=True)
class Parameter:
    """A saved-query parameter declared in its header: ``# param: name[:type] default  description``
    (type: one of :data:`PARAM_TYPES` or a choice ``a|b|c``; default ``text``)."""

    name: str
    default: str | None
    description: str
    type: str = "text"

    def check(self, value: str, query: str = "") -> str:
        """The value, if it has the declared form.

        >>> Parameter("start", None, "", "date").check("March", "who-attacked-whom")
        Traceback (most recent call last):
        ...
        kg.base.errors.QueryError: --param start=March: who-attacked-whom expects a date YYYY-MM-DD, e.g. 2022-03-01
        """
        where = f"{query} expects " if query else "expected "
        if "|" in self.type:
            choices = self.type.split("|")
            if value not in choices:
                raise QueryError(f"--param {self.name}={value}: {where}one of {', '.join(choices)}")
            return value
        pattern, form = PARAM_TYPES[self.type]
        if not pattern.fullmatch(value):
            raise QueryError(f"--param {self.name}={value}: {where}{form}")
        if self.type == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise QueryError(f"--param {self.name}={value}: not a real day ({where}{form})") from None
        return value


@dataclass(frozen=True)
class SavedQuery:
    """A ``data/queries/<name>.rq`` file with its header (title, description, params, example)."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    example: str
    text: str
    path: Path

    def bind(self, given: Mapping[str, str] | None = None) -> dict[str, str]:
        """Defaults overlaid with ``given``; unknown names are an error."""
        known = {p.name: p for p in self.parameters}
        for name in given or {}:
            if name not in known:
                names = ", ".join(known) or "none"
                raise QueryError(f"saved query {self.name!r} has no parameter {name!r} (parameters: {names})")
        values = {p.name: p.default for p in self.parameters if p.default is not None}
        values.update(given or {})
        for name, value in values.items():
            known[name].check(value, self.name)
        missing = [p.name for p in self.parameters if p.name not in values]
        if missing:
            raise QueryError(f"saved query {self.name!r} needs --param {missing[0]}=VALUE ({known[missing[0]].description})")
        return values  # type: ignore[return-value]


_HEADER = re.compile(r"^#\s*(title|description|param|example):\s*(.*)$")


def parse_saved_query(path: Path) -> SavedQuery:
    """Read a saved query and its header comments."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "example": []}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            fields[match.group(1)].append(match.group(2).strip())
    params = []
    for spec in fields["param"]:
        parts = spec.split(None, 2)
        if not parts:
            raise QueryError("empty '# param:' line", path=str(path))
        name, _, kind = parts[0].partition(":")
        kind = kind or "text"
        if kind not in PARAM_TYPES and "|" not in kind:
            raise QueryError(f"parameter {name!r} has unknown type {kind!r}: use {', '.join(PARAM_TYPES)} or a|b|c",
                             path=str(path))
        default = parts[1] if len(parts) > 1 and parts[1] != "-" else None
        params.append(Parameter(name, default, parts[2] if len(parts) > 2 else "", kind))
    if not fields["title"]:
        raise QueryError("a saved query needs a '# title:' header line", path=str(path))
    return SavedQuery(
        name=path.stem,
        title=fields["title"][0],
        description=" ".join(fields["description"]),
        parameters=tuple(params),
        example=" ".join(fields["example"]),
        text=text,
        path=path,
    )


def saved_queries(directory: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query, by name."""
    folder = directory or queries_dir()
    return {p.stem: parse_saved_query(p) for p in sorted(folder.glob("*.rq"))}


def saved_query(name: str, directory: Path | None = None) -> SavedQuery:
    """One saved query by name; the error lists the names that exist."""
    queries = saved_queries(directory)
    if name not in queries:
        raise QueryError(f"no saved query named {name!r}; available: {', '.join(queries)}")
    return queries[name]
