"""Checks on SPARQL text before the engine runs it: federation (SERVICE, LOAD), nesting, datasets.

Oxigraph fetches the IRI of a ``SERVICE`` pattern and of ``LOAD`` over HTTP, and pyoxigraph
has no switch to turn that off. :func:`federation` decides whether a text calls either with
a real SPARQL parser (rdflib's grammar, the algebra walked), never with a regular
expression, and fails closed: a text that mentions ``service`` or ``load`` anywhere (any
case, even inside a name) and cannot be parsed is refused. Texts that never mention either
word cannot call them and are passed without parsing. ``kg serve`` also runs its query
workers without network access where the platform allows (see :mod:`kg.server.sandbox`).

>>> federation("SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }") is None
True
>>> federation("PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }")
'SERVICE'
>>> federation("SELECT * WHERE { # c\\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
'SERVICE'
>>> federation("LOAD <http://127.0.0.1:9/x>", update=True)
'LOAD'
>>> federation("SELECT ?download WHERE { ?s ?p ?download }") is None
True
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from kg.base.errors import QueryError
from kg.base.namespaces import PREFIXES
from kg.sparql.lexer import chain_length, nesting_depth, tokens

#: Deepest nesting of groups, parentheses and brackets accepted (the engine's parser recurses
#: on each level and overflows its stack near 2,100; real queries stay under 20).
MAX_NESTING = 100

#: Most chaining operators and pattern keywords (``UNION``, ``OPTIONAL``, ``BIND``, ``||``, ``+``,
#: ``/``...) in one text: each adds a level to the engine's trees even without nesting, and the
#: engine's stack (8 MB) overflows between 2,500 and 10,000 of them (BIND, MINUS first).
MAX_CHAIN = 1000

#: Schemes a graph name may have; anything else (``file:``, ``ftp:``...) is refused.
LOCAL_SCHEMES = ("http", "https", "urn")

_MENTIONS = re.compile(r"service|load", re.IGNORECASE)  # Unicode case folding: also ſ, ı, K...
_FORBIDDEN = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}
_PARSE_LOCK = threading.Lock()


class Refused(QueryError):
    """The text is refused before it reaches the engine (HTTP 400)."""


def check_nesting(text: str, limit: int = MAX_NESTING, chain: int = MAX_CHAIN) -> None:
    """:raises Refused: when ``{ ( [`` nest deeper than ``limit``, or when the text chains more
    than ``chain`` operators and pattern keywords (linear counts, no parsing).

    >>> check_nesting("SELECT * { FILTER(true" + " || true" * 600 + ") }")
    Traceback (most recent call last):
    ...
    kg.sparql.checks.Refused: the query chains more than 1000 operators and pattern keywords (UNION, OPTIONAL, MINUS, BIND, FILTER, ||, +, /...): refused, the engine would run out of stack; use VALUES or IN for long lists
    """
    if nesting_depth(text, stop_above=limit) > limit:
        raise Refused(f"the query nests groups, brackets or parentheses deeper than {limit} levels: refused")
    if chain_length(text, stop_above=chain) > chain:
        raise Refused(f"the query chains more than {chain} operators and pattern keywords (UNION, OPTIONAL, MINUS, "
                      "BIND, FILTER, ||, +, /...): refused, the engine would run out of stack; use VALUES or IN for long lists")


def federation(text: str, *, update: bool = False) -> str | None:
    """``'SERVICE'`` or ``'LOAD'`` when ``text`` (a query, or an update) calls one, else None.

    :raises Refused: when the text mentions either word but cannot be parsed (fail closed).
    """
    if not _MENTIONS.search(text):
        return None
    tree = _parse(text, update=update)
    for name in _names(tree):
        if name in _FORBIDDEN:
            return _FORBIDDEN[name]
    return None


def refuse_federation(text: str, *, update: bool = False, where: str = "this endpoint") -> None:
    """:raises Refused: when ``text`` calls SERVICE or LOAD (or mentions them unparseably)."""
    found = federation(text, update=update)
    if found == "SERVICE":
        raise Refused(f"SERVICE is refused: {where} never sends requests to other servers")
    if found == "LOAD":
        raise Refused(f"LOAD is refused: {where} never fetches remote data")


def _parse(text: str, *, update: bool) -> Any:
    """rdflib's SPARQL grammar on ``text``, in a thread with a deep stack; fails closed."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    # Oxigraph ends a comment at CR as at LF; rdflib only at LF. Both forbid CR and LF in short
    # strings and IRIs and keep them in long strings, so CR -> LF changes nothing else. The raw
    # grammar is used, not parseQuery(), which expands \\uXXXX everywhere first (Oxigraph does not).
    source = text.replace("\r", "\n")
    grammar = UpdateUnit if update else Query
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["tree"] = grammar.parse_string(source, parse_all=True)
        except ParseBaseException as err:
            outcome["error"] = f"syntax error at line {err.lineno}, column {err.col}"
        except RecursionError:
            outcome["error"] = "nested too deeply"
        except Exception as err:  # anything else: refuse, never pass
            outcome["error"] = f"{type(err).__name__}"

    with _PARSE_LOCK:
        old_limit = sys.getrecursionlimit()
        old_stack = threading.stack_size()
        try:
            sys.setrecursionlimit(max(old_limit, 30_000))
            threading.stack_size(64 * 1024 * 1024)
            worker = threading.Thread(target=run, name="kg-sparql-check")
            worker.start()
        finally:
            threading.stack_size(old_stack)
        worker.join()
        sys.setrecursionlimit(old_limit)
    if "tree" not in outcome:
        raise Refused(
            f"the text mentions SERVICE or LOAD and could not be checked ({outcome.get('error', 'no parse')}): "
            "refused, since a SERVICE or LOAD call cannot be ruled out"
        )
    return outcome["tree"]


def _names(tree: Any) -> Any:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node.name
            stack.extend(node.values())
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


# -- the dataset a text names (FROM, USING, WITH, GRAPH) --------------------------------------


@dataclass
class Dataset:
    """What the lexer saw at the top level of a text: dataset IRIs and Modify WHEREs."""

    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    using: list[str] = field(default_factory=list)
    with_graphs: list[str] = field(default_factory=list)
    graph_refs: list[str] = field(default_factory=list)
    #: character offsets of each top-level ``WHERE`` of a DELETE/INSERT operation
    modify_wheres: list[int] = field(default_factory=list)

    @property
    def iris(self) -> list[str]:
        return self.from_graphs + self.from_named + self.using + self.with_graphs


def dataset(text: str, *, base: str | None = None) -> Dataset:
    """FROM (NAMED), USING (NAMED), WITH and GRAPH IRIs, and Modify WHERE offsets, of ``text``.

    Oxigraph never fetches these (only SERVICE and LOAD): the endpoint uses them to refuse
    ``file:`` graphs and to pick the default graph.

    >>> dataset("SELECT * FROM <https://w3id.org/conflict-kg/graph/derived> { ?s ?p ?o }").from_graphs
    ['https://w3id.org/conflict-kg/graph/derived']
    >>> dataset("SELECT * FROM NAMED <file:///etc/hostname> { ?s ?p ?o }").from_named
    ['file:///etc/hostname']
    """
    result = Dataset()
    prefixes = dict(PREFIXES)
    items = list(tokens(text))
    depth = 0
    previous = ""

    def iri_at(i: int) -> str | None:
        if i >= len(items):
            return None
        token = items[i]
        if token.kind == "iri":
            return urljoin(base, token.text[1:-1]) if base else token.text[1:-1]
        if token.kind == "name" and ":" in token.text:
            prefix, _, local = token.text.partition(":")
            return prefixes[prefix] + local if prefix in prefixes else token.text
        return None

    for i, token in enumerate(items):
        if token.kind == "punct" and token.text == "{":
            depth += 1
        elif token.kind == "punct" and token.text == "}":
            depth -= 1
        word = token.word
        if not word:
            previous = ""
            continue
        following = items[i + 1].word if i + 1 < len(items) else ""
        if word == "PREFIX" and i + 2 < len(items) and items[i + 1].text.endswith(":"):
            declared = iri_at(i + 2)
            if declared is not None:
                prefixes[items[i + 1].text[:-1]] = declared
        elif word == "BASE" and i + 1 < len(items) and items[i + 1].kind == "iri":
            ref = items[i + 1].text[1:-1]
            base = urljoin(base, ref) if base else ref
        elif depth == 0 and word == "FROM":
            named = following == "NAMED"
            iri = iri_at(i + 2 if named else i + 1)
            if iri is not None:
                (result.from_named if named else result.from_graphs).append(iri)
        elif depth == 0 and word == "USING":
            iri = iri_at(i + 2 if following == "NAMED" else i + 1)
            if iri is not None:
                result.using.append(iri)
        elif depth == 0 and word == "WITH":
            iri = iri_at(i + 1)
            if iri is not None:
                result.with_graphs.append(iri)
        elif depth == 0 and word == "WHERE" and previous != "DELETE":
            result.modify_wheres.append(token.start)
        elif word == "GRAPH":
            iri = iri_at(i + 1)
            if iri is not None:
                result.graph_refs.append(iri)
        previous = word
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
