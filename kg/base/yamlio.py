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


#: Deepest nesting of lists and mappings accepted (curated files use four or five levels).
MAX_DEPTH = 64

#: The only tags a curated value may have: those of plain YAML scalars, lists and mappings.
_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are LineDicts; dates stay strings (we parse them ourselves).

    Aliases (``*name``) are refused: curated data has no use for them, and nested aliases expand
    exponentially (a 6 KB "billion laughs" document costs gigabytes).
    """

    path = ""
    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if self.check_event(yaml.AliasEvent):
            raise DataError(
                "YAML aliases (*name) are not allowed in curated data: write the value out in full",
                path=self.path, line=event.start_mark.line + 1,
            )
        # The composer and constructor recurse per level: a deep "[[[[..." would end in RecursionError.
        if self.depth >= MAX_DEPTH:
            raise DataError(f"YAML nested more than {MAX_DEPTH} levels deep", path=self.path, line=event.start_mark.line + 1)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag not in _TAGS:
            raise DataError(
                f"YAML tag {node.tag!r} is not allowed in curated data: write a plain text, number, list or mapping",
                path=self.path, line=node.start_mark.line + 1,
            )
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as err:  # e.g. !!int with 5,000 digits, !!float abc
            raise DataError(f"bad YAML value: {_one_line(str(err))}", path=self.path, line=node.start_mark.line + 1) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        seen: dict[str, int] = {}
        for key, _ in node.value:
            name, line = str(key.value), key.start_mark.line + 1
            if isinstance(key, yaml.ScalarNode) and name in seen:
                raise DataError(f"duplicate key {name!r} (first on line {seen[name]}): keep one", path=self.path, line=line)
            seen.setdefault(name, line)
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.path = self.path
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = seen
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
        raise DataError(f"YAML syntax error: {_one_line(problem)}", path=path, line=line) from None
    except yaml.reader.ReaderError as err:  # a control character (NUL...): name its line, on one line
        line = text.count("\n", 0, err.position) + 1
        code = err.character if isinstance(err.character, int) else ord(err.character)
        raise DataError(f"YAML error: the character U+{code:04X} is not allowed in YAML text: remove it", path=path, line=line) from None
    except yaml.YAMLError as err:
        raise DataError(f"YAML error: {_one_line(str(err))}", path=path) from None


def load_yaml(path: Path, *, display: str | None = None) -> Any:
    """Read and parse a YAML file; errors name the file as ``display`` (default: the path)."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read file: {err}", path=name) from None
    return load_yaml_text(text, path=name)
