"""A griffe extension for the API pages: doctest examples in docstrings become ``pycon`` code blocks.

The docstrings use reST-style ``>>>`` examples (run by pytest as doctests); without fences
Markdown would read their output (``['a', 'b']``) as links.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """Wrap each run of ``>>>`` lines and their output (up to a blank line) in a code block."""
    out: list[str] = []
    block: list[str] = []
    indent = ""
    for line in text.splitlines() + [""]:
        stripped = line.lstrip()
        if block:
            if stripped:
                block.append(line)
                continue
            out += [indent + "```pycon", *block, indent + "```"]
            block = []
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = [line]
        else:
            out.append(line)
    return "\n".join(out[:-1] if out and out[-1] == "" and not text.endswith("\n") else out)


class DoctestFences(griffe.Extension):
    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
