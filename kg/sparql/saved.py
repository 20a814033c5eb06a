"""Saved queries: ``data/queries/<name>.rq`` files with a header of title, description and parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.base.errors import QueryError
from kg.base.resources import queries_dir

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"





@dataclass(frozen=True)
class Parameter:
    """A saved-query parameter declared in its header: ``# param: name default  description``."""

    name: str
    default: str | None
    description: str


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
        name = parts[0]
        default = parts[1] if len(parts) > 1 and parts[1] != "-" else None
        params.append(Parameter(name, default, parts[2] if len(parts) > 2 else ""))
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
