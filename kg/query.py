"""SPARQL execution, saved queries, safe parameters and result serialization.

>>> import kg
>>> graph = kg.open(":memory:")
>>> result = graph.query("SELECT ?x WHERE { VALUES ?x { 1 2 } }")
>>> result.variables, [row["x"] for row in result.records()]
(['x'], [1, 2])
>>> graph.query("SELECT ?d WHERE { }", params={"d": "2017-05-23"}).records()
[{'d': datetime.date(2017, 5, 23)}]
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.resources import queries_dir

if TYPE_CHECKING:
    from kg.store import KnowledgeGraph

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


_RDF_FORMATS = {
    ResultFormat.TURTLE: ox.RdfFormat.TURTLE,
    ResultFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    ResultFormat.JSONLD: ox.RdfFormat.JSON_LD,
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Result:
    """A materialized query result: rows for SELECT, a boolean for ASK, triples for graphs."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

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


#: Widest cell of a table; longer values are cut with an ellipsis (use csv/json for full text).
MAX_CELL = 72


def _table(headers: list[str], rows: list[tuple[Any, ...]]) -> str:
    cells = [[_cut(_short(t)) for t in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


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


# -- parameters ---------------------------------------------------------------------------

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


def run_query(kg: KnowledgeGraph, sparql: str, *, params: Mapping[str, Any] | None = None) -> Result:
    """Run ``sparql`` on ``kg`` with ``params`` bound as RDF terms; materialize the result."""
    raw = kg.raw_query(bind_parameters(sparql, params or {}))
    if isinstance(raw, (ox.QueryBoolean, bool)):
        return Result("ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows = [tuple(solution[v] for v in variables) for solution in raw]
        return Result("select", variables=variables, rows=rows)
    return Result("graph", triples=list(raw))


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


# -- saved queries ------------------------------------------------------------------------


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


def iter_formats() -> Iterator[str]:
    """The names of every result format."""
    return (f.value for f in ResultFormat)
