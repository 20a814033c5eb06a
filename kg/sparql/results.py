"""Materialized SPARQL results and their serializations (table, CSV, TSV, SPARQL JSON/XML, RDF).

>>> import kg
>>> result = kg.open(":memory:").query("SELECT ?x WHERE { VALUES ?x { 1 2 } }")
>>> result.variables, [row["x"] for row in result.records()]
(['x'], [1, 2])
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.base.errors import QueryError
from kg.base.namespaces import PREFIXES
from kg.base.tables import text_table
from kg.sparql.formats import by_name

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class ResultFormat(enum.Enum):
    """Output formats of ``kg query``: tabular ones for SELECT/ASK, RDF ones for graphs."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"

    @property
    def is_rdf(self) -> bool:
        return self in (ResultFormat.TURTLE, ResultFormat.NTRIPLES, ResultFormat.JSONLD)


_RDF_FORMATS = {f: by_name(f.value).rdf for f in (ResultFormat.TURTLE, ResultFormat.NTRIPLES, ResultFormat.JSONLD)}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Result:
    """A materialized query result: rows for SELECT, a boolean for ASK, triples for graphs."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        """Rows as dicts (see :meth:`records`) for SELECT, triples for CONSTRUCT/DESCRIBE."""
        return iter(self.triples if self.kind == "graph" else self.records())

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def records(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of plain Python values (IRIs as str, dates as ``date``...)."""
        return [
            {v: to_python(t) for v, t in zip(self.variables, row) if t is not None} for row in self.rows
        ]

    def scalar(self) -> Any:
        """The single value of a one-row, one-column result."""
        if self.kind == "ask":
            return self.boolean
        if len(self.rows) != 1 or len(self.variables) != 1:
            raise QueryError(f"expected one value, got {len(self.rows)} rows of {len(self.variables)} columns")
        return to_python(self.rows[0][0])

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas: ``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError:
            raise QueryError("to_pandas() needs pandas: pip install pandas") from None
        return pd.DataFrame(self.records(), columns=self.variables)

    def _repr_html_(self) -> str:
        """The result as an HTML table in Jupyter (IRIs as prefixed names, full IRI on hover).

        >>> import kg
        >>> html = kg.open(":memory:").query("SELECT ?x WHERE { VALUES ?x { ckg:Attack } }")._repr_html_()
        >>> '<td title="https://w3id.org/conflict-kg/ontology#Attack">ckg:Attack</td>' in html
        True
        """
        from kg.base.tables import html_table

        if self.kind == "ask":
            return f"<p><b>{'yes' if self.boolean else 'no'}</b> <small>(ASK)</small></p>"
        if self.kind == "graph":
            return html_table(["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in self.triples],
                              cell=_short, title=_html_title)
        return html_table(self.variables, self.rows, cell=_short, title=_html_title)

    def to_string(self, fmt: ResultFormat | str = ResultFormat.TABLE) -> str:
        """Serialize: table, SPARQL JSON/XML, CSV, TSV; or Turtle, N-Triples, JSON-LD for graphs."""
        fmt = ResultFormat(fmt)
        if self.kind == "graph":
            if fmt is ResultFormat.TABLE:
                return _table(["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in self.triples])
            if not fmt.is_rdf:
                raise QueryError(f"a CONSTRUCT/DESCRIBE result cannot be written as {fmt.value}: use turtle, ntriples or jsonld")
            out = ox.serialize(self.triples, format=_RDF_FORMATS[fmt], prefixes=PREFIXES)
            return out.decode("utf-8") if out else ""
        if fmt.is_rdf:
            raise QueryError(f"a SELECT/ASK result cannot be written as {fmt.value}: use table, csv, tsv, json or xml")
        writer = {
            ResultFormat.TABLE: self._to_table,
            ResultFormat.CSV: self._to_csv,
            ResultFormat.TSV: self._to_tsv,
            ResultFormat.JSON: self._to_json,
            ResultFormat.XML: self._to_xml,
        }[fmt]
        return writer()

    # SPARQL 1.1 Query Results JSON / XML / CSV / TSV ---------------------------------------

    def _to_json(self) -> str:
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": self.boolean}, indent=2)
        bindings = [
            {v: _json_term(t) for v, t in zip(self.variables, row) if t is not None} for row in self.rows
        ]
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}}, indent=2, ensure_ascii=False)

    def _to_xml(self) -> str:
        ns = "http://www.w3.org/2005/sparql-results#"
        out = [f'<?xml version="1.0"?>\n<sparql xmlns="{ns}">\n  <head>']
        out += [f"    <variable name={quoteattr(v)}/>" for v in self.variables]
        out.append("  </head>")
        if self.kind == "ask":
            out.append(f"  <boolean>{'true' if self.boolean else 'false'}</boolean>")
        else:
            out.append("  <results>")
            for row in self.rows:
                out.append("    <result>")
                for var, term in zip(self.variables, row):
                    if term is not None:
                        out.append(f"      <binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
                out.append("    </result>")
            out.append("  </results>")
        out.append("</sparql>\n")
        return "\n".join(out)

    def _to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        if self.kind == "ask":
            writer.writerow(["_askResult"])
            writer.writerow(["true" if self.boolean else "false"])
        else:
            writer.writerow(self.variables)
            for row in self.rows:
                writer.writerow(["" if t is None else _plain(t) for t in row])
        return buf.getvalue()

    def _to_tsv(self) -> str:
        if self.kind == "ask":
            return "?_askResult\n" + ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join(f"?{v}" for v in self.variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def _to_table(self) -> str:
        if self.kind == "ask":
            return "yes" if self.boolean else "no"
        return _table(self.variables, self.rows)


def _table(headers: list[str], rows: list[tuple[Any, ...]]) -> str:
    return text_table(headers, rows, cell=_short)


def _short(term: Any) -> str:
    """A readable cell: prefixed names for IRIs, bare values for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and re.fullmatch(r"[\w\-./]*", iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, ox.Literal):
        return " ".join(term.value.split())
    return str(term)


def _html_title(term: Any) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _plain(term: Term) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")}}


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD + "string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def to_python(term: Term | None) -> Any:
    """An RDF term as a plain Python value: IRI -> str, xsd:date -> date, numbers -> int/Decimal/float."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if not isinstance(term, ox.Literal):
        return str(term)
    datatype = term.datatype.value.removeprefix(XSD)
    try:
        if datatype in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger"):
            return int(term.value)
        if datatype == "decimal":
            return Decimal(term.value)
        if datatype in ("double", "float"):
            return float(term.value)
        if datatype == "boolean":
            return term.value in ("true", "1")
        if datatype == "date":
            return dt.date.fromisoformat(term.value)
    except ValueError:
        pass
    return term.value


def iter_formats() -> Iterator[str]:
    """The names of every result format."""
    return (f.value for f in ResultFormat)
