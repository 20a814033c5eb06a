"""Safety checks on SPARQL text before the engine sees it: no outbound requests, ever.

The engine (Oxigraph) would fetch ``SERVICE`` and ``LOAD`` IRIs over the network, so
they are refused here, by a lexer that knows SPARQL's strings, comments, IRIs,
prefixed names and variables (a keyword inside a string or an IRI is not a keyword).
Whether a text is a query or an update is decided by the engine's parser, not here.

>>> scan("SELECT * WHERE { ?s ?p 'SERVICE' }").service
False
>>> scan("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }").service
True
>>> scan("SELECT * FROM <https://w3id.org/conflict-kg/graph/derived> { ?s ?p ?o }").from_graphs
['https://w3id.org/conflict-kg/graph/derived']
>>> scan("SELECT * FROM NAMED <file:///etc/hostname> { ?s ?p ?o }").from_named
['file:///etc/hostname']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.base.namespaces import PREFIXES

#: Schemes a graph name may have; anything else (``file:``, ``ftp:``...) is refused.
LOCAL_SCHEMES = ("http", "https", "urn")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][\w\u00b7-\U000effff]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\U000effff][\w.\-\u00b7-\U000effff]*)?:(?:[\w\-.:%\\\u00b7-\U000effff]*[\w\-:%\u00b7-\U000effff])?)
  | (?P<word>[A-Za-z_][\w]*)
  | (?P<lbrace>\{)
  | (?P<rbrace>\})
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Scan:
    """What the lexer saw at the top level of a SPARQL text."""

    service: bool = False
    load: bool = False
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    using: list[str] = field(default_factory=list)
    with_graphs: list[str] = field(default_factory=list)
    graph_refs: list[str] = field(default_factory=list)
    #: character offsets of each top-level ``WHERE`` of a DELETE/INSERT operation
    modify_wheres: list[int] = field(default_factory=list)
    unterminated: bool = False

    @property
    def dataset_iris(self) -> list[str]:
        return self.from_graphs + self.from_named + self.using + self.with_graphs


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        out.append((kind, match.group(), match.start()))
    return out


def scan(text: str, *, base: str | None = None) -> Scan:
    """Lex ``text`` and report SERVICE/LOAD, dataset IRIs (FROM, USING, WITH) and Modify WHEREs."""
    result = Scan()
    prefixes = dict(PREFIXES)
    tokens = _tokens(text)
    depth = 0
    previous_word = ""

    def iri_at(i: int) -> str | None:
        if i >= len(tokens):
            return None
        kind, value, _ = tokens[i]
        if kind == "iri":
            return urljoin(base, value[1:-1]) if base else value[1:-1]
        if kind == "pname":
            prefix, _, local = value.partition(":")
            if prefix in prefixes:
                return prefixes[prefix] + local
            return value
        return None

    for i, (kind, value, start) in enumerate(tokens):
        if kind == "lbrace":
            depth += 1
        elif kind == "rbrace":
            depth -= 1
        elif kind == "word":
            word = value.upper()
            if word == "SERVICE":
                result.service = True
            elif word == "LOAD":
                result.load = True
            elif word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname":
                declared = iri_at(i + 2)
                if declared is not None:
                    prefixes[tokens[i + 1][1].rstrip(":")] = declared
            elif word == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
                base = urljoin(base, tokens[i + 1][1][1:-1]) if base else tokens[i + 1][1][1:-1]
            elif depth == 0 and word == "FROM":
                named = i + 1 < len(tokens) and tokens[i + 1][1].upper() == "NAMED"
                iri = iri_at(i + 2 if named else i + 1)
                if iri is not None:
                    (result.from_named if named else result.from_graphs).append(iri)
            elif depth == 0 and word == "USING":
                named = i + 1 < len(tokens) and tokens[i + 1][1].upper() == "NAMED"
                iri = iri_at(i + 2 if named else i + 1)
                if iri is not None:
                    result.using.append(iri)
            elif depth == 0 and word == "WITH":
                iri = iri_at(i + 1)
                if iri is not None:
                    result.with_graphs.append(iri)
            elif depth == 0 and word == "WHERE" and previous_word != "DELETE":
                result.modify_wheres.append(start)
            elif word == "GRAPH":
                iri = iri_at(i + 1)
                if iri is not None:
                    result.graph_refs.append(iri)
            previous_word = word
            continue
        previous_word = ""
    result.unterminated = depth != 0
    return result


def is_local_iri(iri: str) -> bool:
    """Whether a graph name may be used: an http(s) or urn IRI (never ``file:`` and the like)."""
    scheme, sep, _ = iri.partition(":")
    return bool(sep) and scheme.lower() in LOCAL_SCHEMES


def add_using(text: str, where_offsets: list[int], default: list[str], named: list[str]) -> str:
    """Insert ``USING``/``USING NAMED`` clauses before each DELETE/INSERT ``WHERE`` (protocol
    ``using-graph-uri``/``using-named-graph-uri``).

    >>> add_using("INSERT { ?s a 1 } WHERE { ?s ?p ?o }", [18], ["http://g"], [])
    'INSERT { ?s a 1 } USING <http://g> WHERE { ?s ?p ?o }'
    """
    clause = "".join(f"USING <{g}> " for g in default) + "".join(f"USING NAMED <{g}> " for g in named)
    for offset in sorted(where_offsets, reverse=True):
        text = text[:offset] + clause + text[offset:]
    return text
