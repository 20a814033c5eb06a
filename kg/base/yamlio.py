"""YAML loading that remembers line numbers, so errors can point at ``file:line: field``.

>>> doc = load_yaml_text("a: 1\\nb:\\n  c: 2\\n", path="x.yaml")
>>> doc.line_of("b"), doc["b"].line_of("c")
(2, 3)
>>> load_yaml_text("a: &x [1]\\nb: *x\\n", path="bomb.yaml")
Traceback (most recent call last):
kg.base.errors.DataError: bomb.yaml:2: YAML aliases (*name) are not allowed in curated data: write the value out in full
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.base.errors import DataError


class LineDict(dict):  # type: ignore[type-arg]
    """A dict from YAML that knows the line of itself and of each key (1-based)."""

    path: str = ""
    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key`` if present, else the line where this mapping starts."""
        return self.key_lines.get(key, self.line)

    def error(self, key: str, message: str) -> DataError:
        """A DataError pointing at ``key`` of this mapping."""
        return DataError(message, path=self.path, line=self.line_of(key), field=key)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are LineDicts; dates stay strings (we parse them ourselves).

    Aliases (``*name``) are refused: curated data has no use for them, and nested aliases expand
    exponentially (a 6 KB "billion laughs" document costs gigabytes).
    """

    path = ""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise DataError(
                "YAML aliases (*name) are not allowed in curated data: write the value out in full",
                path=self.path, line=event.start_mark.line + 1,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.path = self.path
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
        return mapping


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    return loader.construct_mapping(node, deep=True)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)

# Keep dates as text: "2017-02-30" must be reported by our parser, not crash YAML's.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml_text(text: str, *, path: str) -> Any:
    """Parse YAML text; syntax errors become a DataError naming ``path:line``."""
    loader_cls = type("Loader", (_LineLoader,), {"path": path})
    try:
        return yaml.load(text, Loader=loader_cls)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = err.problem or err.context or "syntax error"
        raise DataError(f"YAML syntax error: {problem}", path=path, line=line) from None
    except yaml.YAMLError as err:
        raise DataError(f"YAML error: {err}", path=path) from None


def load_yaml(path: Path, *, display: str | None = None) -> Any:
    """Read and parse a YAML file; errors name the file as ``display`` (default: the path)."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read file: {err}", path=name) from None
    return load_yaml_text(text, path=name)
