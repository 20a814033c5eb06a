"""Bind parameters into query text as a ``VALUES`` block of RDF terms.

>>> import kg
>>> kg.open(":memory:").query("SELECT ?d WHERE { }", params={"d": "2017-05-23"}).records()
[{'d': datetime.date(2017, 5, 23)}]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kg.base.errors import QueryError
from kg.sparql.terms import to_term


def bind_parameters(sparql: str, params: Mapping[str, Any]) -> str:
    r"""Bind variables with a ``VALUES`` block opening the query's WHERE group.

    Values are turned into RDF terms by :func:`to_term` and written in N-Triples
    syntax (escaped by the engine), so a value can never become query syntax. The
    block opens the outermost group, so FILTERs anywhere in that group see it.

    >>> bind_parameters("SELECT * WHERE { ?s ?p ?o FILTER(?o > ?min) }", {"min": 3})
    'SELECT * WHERE { VALUES (?min) { ("3"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?s ?p ?o FILTER(?o > ?min) }'
    >>> bind_parameters('SELECT * { ?s ?p ?o }', {"o": 'x" } ; DROP ALL #'})
    'SELECT * { VALUES (?o) { ("x\\" } ; DROP ALL #") } ?s ?p ?o }'
    """
    if not params:
        return sparql
    names, terms = [], []
    for name, value in params.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"invalid parameter name {name!r}: use a SPARQL variable name without '?'")
        names.append(f"?{name}")
        terms.append(str(to_term(value)))
    brace = _where_brace(sparql)
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"
    return sparql[: brace + 1] + block + sparql[brace + 1 :]


_TOKENS = re.compile(
    r'''(?P<comment>\#[^\n]*)|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(?P<iri><[^<>"{}|^`\\\s]*>)|(?P<word>[A-Za-z]+)|(?P<brace>\{)'''
)


def _where_brace(sparql: str) -> int:
    """The index of the ``{`` opening the query pattern (after WHERE, else the first one)."""
    first = None
    for match in _TOKENS.finditer(sparql):
        if match.lastgroup == "word" and match.group().upper() == "WHERE":
            nxt = sparql.find("{", match.end())
            if nxt >= 0:
                return nxt
        elif match.lastgroup == "brace" and first is None:
            first = match.start()
            if not re.match(r"\s*CONSTRUCT\b", _strip_prologue(sparql[: match.start()]), re.I):
                return first
    if first is None:
        raise QueryError("parameters need a query with a WHERE { ... } pattern to bind into")
    return first


def _strip_prologue(head: str) -> str:
    """The query text before a brace, without PREFIX/BASE declarations and comments."""
    head = re.sub(r"#[^\n]*", "", head)
    return re.sub(r"(?is)\b(PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>)", "", head).strip()
