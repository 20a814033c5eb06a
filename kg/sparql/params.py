"""Bind parameters into query text as a ``VALUES`` block of RDF terms.

>>> import kg
>>> kg.open(":memory:").query("SELECT ?d WHERE { }", params={"d": "2017-05-23"}).records()
[{'d': datetime.date(2017, 5, 23)}]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from kg.base.errors import QueryError
from kg.sparql.lexer import tokens
from kg.sparql.terms import Term, to_term


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


def _where_brace(sparql: str) -> int:
    """The index of the ``{`` opening the query pattern (after WHERE, else the first one).

    Read from :func:`kg.sparql.lexer.tokens`, so braces and words in strings, IRIs and
    comments are not syntax. A CONSTRUCT template's brace is skipped for its WHERE's.
    """
    first = None
    after_where = False
    head: list[str] = []  # the words before the first brace, without PREFIX/BASE declarations
    skip = 0
    for token in tokens(sparql):
        if after_where and token.kind == "punct" and token.text == "{":
            return token.start
        if token.word == "WHERE":
            after_where = True
        elif token.kind == "punct" and token.text == "{" and first is None:
            first = token.start
            if not head or head[0] != "CONSTRUCT":
                return first
        elif first is None:
            if skip:
                skip -= 1
            elif token.word in ("PREFIX", "BASE"):
                skip = 2 if token.word == "PREFIX" else 1
            elif token.word:
                head.append(token.word)
    if first is None:
        raise QueryError("parameters need a query with a WHERE { ... } pattern to bind into")
    return first


def substitutions(params: Mapping[str, Any]) -> dict[ox.Variable, Term]:
    """Parameters as the engine's substitutions (SEP-0007): each variable is replaced by its
    term before evaluation (CONSTRUCT/ASK, or SELECT projecting the variable).

    >>> substitutions({"this": "actor:isis"})
    {<Variable value=this>: <NamedNode value=https://w3id.org/conflict-kg/id/actor/isis>}
    """
    out: dict[ox.Variable, Term] = {}
    for name, value in params.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"invalid parameter name {name!r}: use a SPARQL variable name without '?'")
        out[ox.Variable(name)] = to_term(value)
    return out
