"""Plain Python values -> RDF terms: parameters become terms, never query text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyoxigraph as ox

from kg.base.errors import QueryError
from kg.base.namespaces import PREFIXES
from kg.sparql.results import XSD, Term

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PREFIXED = re.compile(r"^([a-z][\w-]*):([\w\-./]*)$")


def to_term(value: Any) -> Term:
    """Turn a parameter value into an RDF term, never into query text.

    IRIs (``https://...`` or a known prefixed name like ``actor:isis``) become IRIs,
    ``YYYY-MM-DD`` an ``xsd:date``, ints and floats numbers, anything else a string.

    >>> to_term("actor:isis")
    <NamedNode value=https://w3id.org/conflict-kg/id/actor/isis>
    >>> to_term("2017-05-23")
    <Literal value=2017-05-23 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
    >>> to_term("x } DROP ALL").value
    'x } DROP ALL'
    """
    if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    text = str(value)
    if text.startswith(("http://", "https://", "urn:")):
        try:
            return ox.NamedNode(text)
        except ValueError as err:
            raise QueryError(f"invalid IRI {text!r}: {err}") from None
    match = _PREFIXED.match(text)
    if match and match.group(1) in PREFIXES:
        return ox.NamedNode(PREFIXES[match.group(1)] + match.group(2))
    if _DATE.match(text):
        try:
            dt.date.fromisoformat(text)
        except ValueError as err:
            raise QueryError(f"impossible date {text!r}: {err}") from None
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    if re.fullmatch(r"-?\d+", text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(text)
