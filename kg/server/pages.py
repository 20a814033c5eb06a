"""Linked-data pages: every resource IRI under the base resolves (HTML, Turtle, JSON-LD,
N-Triples, RDF/XML); ``/ontology``; the query page."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import anyio
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.server.formats import DOWNLOADS, NotAcceptable, by_name, negotiate, parse_accept
from kg.server.html import CSP, esc, json_term_html, link, page, short, table, term_html
from kg.sparql.params import bind_parameters
from kg.sparql.results import Result
from kg.sparql.saved import saved_queries

if TYPE_CHECKING:
    from kg.server.app import Server

SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml", ".html": "html"}
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def html_response(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={"Content-Security-Policy": CSP, "Vary": "Accept", "X-Content-Type-Options": "nosniff"})


def _choose(request: Request, suffix_format: str | None) -> str:
    """'html' or an RDF format name, from the URL suffix or the Accept header (HTML by default)."""
    from kg.server.app import HTTPError

    if suffix_format:
        return suffix_format
    accept = request.headers.get("accept")
    ranges = parse_accept(accept)
    if not ranges or ranges[0][0] in ("*/*", "text/*", "text/html", "application/xhtml+xml"):
        return "html"
    try:
        return negotiate("graph", accept=accept).name
    except NotAcceptable as err:
        raise HTTPError(406, str(err)) from None


def _q(server: Server, sparql: str, **terms: Any) -> list[Any]:
    return list(server.select(sparql, **terms))


def describe_triples(server: Server, iri: ox.NamedNode) -> list[ox.Triple]:
    """Outgoing triples of the resource and its ``#`` parts (e.g. its time), and incoming links."""
    raw = server.select(
        """CONSTRUCT { ?s ?p ?o . ?x ?q ?this } WHERE {
             { ?s ?p ?o FILTER(?s = ?this || STRSTARTS(STR(?s), CONCAT(STR(?this), "#"))) }
             UNION { ?x ?q ?this }
           }""",
        this=iri,
    )
    return sorted(set(raw), key=str)


def rdf_body(triples: list[ox.Triple], fmt: str) -> bytes:
    """Serialize; JSON-LD is compacted with the project context, inline (never fetched)."""
    from kg.server.executor import serialize

    if fmt != "jsonld":
        return serialize(Result("graph", triples=triples), fmt)
    from rdflib import Graph

    from kg.export.rdf import load_context

    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = Graph()
    graph.parse(data=nt.decode("utf-8"), format="nt")
    return graph.serialize(format="json-ld", context=load_context(), auto_compact=True, indent=2).encode("utf-8")


async def resource_page(server: Server, request: Request) -> Response:
    from kg.server.app import HTTPError

    path = request.url.path
    suffix_format = None
    for suffix, name in SUFFIXES.items():
        if path.endswith(suffix):
            path, suffix_format = path[: -len(suffix)], name
            break
    try:
        iri = ox.NamedNode(server.iri_for_path(path))
    except ValueError:
        raise HTTPError(404, "no such resource") from None
    fmt = _choose(request, suffix_format)
    triples = await anyio.to_thread.run_sync(describe_triples, server, iri)
    if not any(t.subject == iri for t in triples):
        raise HTTPError(404, f"no resource <{iri.value}> in this dataset")
    if fmt != "html":
        body = await anyio.to_thread.run_sync(rdf_body, triples, fmt)
        return Response(body, media_type=by_name(fmt).content_type, headers={"Vary": "Accept"})
    text = await anyio.to_thread.run_sync(render_resource, server, iri, triples)
    return html_response(text)


# -- the resource page ---------------------------------------------------------------------


def _labels(server: Server, triples: list[ox.Triple]) -> dict[str, str]:
    iris = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    iris |= {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(iris))
    rows = server.select(f"SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }} GROUP BY ?x")
    return {r["x"].value: r["label"].value for r in rows}


def render_resource(server: Server, iri: ox.NamedNode, triples: list[ox.Triple]) -> str:
    base = server.settings.base
    labels = _labels(server, triples)
    own = [t for t in triples if t.subject == iri]
    types = [t.object.value for t in own if t.predicate.value.endswith("#type") and isinstance(t.object, ox.NamedNode)]
    title = labels.get(iri.value) or short(iri.value)
    kind = iri.value[len(base):].split("/")[1] if iri.value.startswith(base + "id/") else ""
    parts = [f"<h1>{esc(title)}</h1>", f'<p class="iri">{esc(iri.value)}</p>']
    parts.append("<p>" + "".join(f'<span class="pill">{link(t, base=base)}</span>' for t in types) + "</p>")
    path = "/" + iri.value[len(base):] if iri.value.startswith(base) else None
    if path:
        downloads = " · ".join(f'<a href="{esc(path + s)}">{esc(n)}</a>' for s, n in
                               ((".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples"), (".rdf", "RDF/XML")))
        parts.append(f'<p class="muted">Download: {downloads}</p>')
    if kind == "actor":
        parts.append(_actor_sections(server, iri))
    elif kind in ("event", "state"):
        parts.append(_evidence_section(own, base, labels))
    elif kind == "place":
        parts.append(_events_section(server, iri, "?e ckg:place ?this", "Events here"))
    elif kind == "source":
        parts.append(_events_section(server, iri, "?e prov:wasDerivedFrom ?this", "Events and states from this source"))
    rows = [[link(t.predicate.value, base=base), term_html(t.object, base, labels.get(str(getattr(t.object, "value", ""))))]
            for t in own if not t.predicate.value.endswith("fullText")]
    parts.append("<h2>Statements</h2>" + table(["property", "value"], rows))
    incoming = [t for t in triples if t.object == iri]
    if incoming:
        rows = [[link(t.subject.value, labels.get(t.subject.value), base=base) if isinstance(t.subject, ox.NamedNode) else esc(t.subject),
                 link(t.predicate.value, base=base)] for t in incoming[:500]]
        parts.append("<h2>Referenced by</h2>" + table(["resource", "property"], rows))
    full_text = [str(getattr(t.object, "value", "")) for t in own if t.predicate.value.endswith("fullText")]
    if full_text:
        parts.append(f"<h2>Text</h2><blockquote>{esc(full_text[0])}</blockquote>")
    alternates = [("text/turtle", path + ".ttl"), ("application/ld+json", path + ".jsonld")] if path else []
    return page(title, "".join(parts), alternates=alternates)


def _evidence_section(own: list[ox.Triple], base: str, labels: dict[str, str]) -> str:
    def get(name: str) -> list[Any]:
        return [t.object for t in own if t.predicate.value.endswith(name)]

    bits = []
    dates = get("#startDate")
    if dates:
        end = get("#endDate")
        span = dates[0].value + (f" – {end[0].value}" if end and end[0].value != dates[0].value else "")
        bits.append(f"<p><b>When:</b> {esc(span)}</p>")
    for role in ("agent", "target", "participant", "place"):
        values = get("#" + role)
        if values:
            bits.append(f"<p><b>{esc(role)}:</b> " + ", ".join(term_html(v, base, labels.get(v.value)) for v in values) + "</p>")
    for quote in get("#quote"):
        bits.append(f"<blockquote>{esc(quote.value)}</blockquote>")
    for source in get("wasDerivedFrom"):
        bits.append(f"<p><b>Source:</b> {term_html(source, base, labels.get(source.value))}</p>")
    return "".join(bits)


_ACTOR_EVENTS = """
SELECT ?e ?label ?date ?role ?quote ?source ?sourceTitle WHERE {
  ?e ?rp ?this ; rdfs:label ?label .
  VALUES (?rp ?role) { (ckg:agent "agent") (ckg:target "target") (ckg:participant "participant") }
  OPTIONAL { ?e ckg:startDate ?date }
  OPTIONAL { ?e ckg:quote ?quote }
  OPTIONAL { ?e prov:wasDerivedFrom ?source OPTIONAL { ?source dcterms:title ?sourceTitle } }
} ORDER BY ?date ?e
"""

_MEMBERSHIPS = """
SELECT ?m ?label ?org ?orgLabel ?member ?memberLabel ?start ?end WHERE {
  ?m a ckg:Membership . { ?m org:member ?this } UNION { ?m org:organization ?this }
  OPTIONAL { ?m rdfs:label ?label } OPTIONAL { ?m org:organization ?org OPTIONAL { ?org rdfs:label ?orgLabel } }
  OPTIONAL { ?m org:member ?member OPTIONAL { ?member rdfs:label ?memberLabel } }
  OPTIONAL { ?m ckg:startDate ?start } OPTIONAL { ?m ckg:endDate ?end }
} ORDER BY ?start
"""


def _actor_sections(server: Server, iri: ox.NamedNode) -> str:
    base = server.settings.base
    rows = _q(server, "SELECT ?alias WHERE { ?this skos:altLabel ?alias } ORDER BY ?alias", this=iri)
    out = []
    if rows:
        out.append("<p><b>Also known as:</b> " + ", ".join(esc(r["alias"].value) for r in rows) + "</p>")
    wikidata = _q(server, "SELECT ?q WHERE { ?this ckg:wikidataId ?q }", this=iri)
    for r in wikidata:
        qid = r["q"].value
        out.append(f'<p><b>Wikidata:</b> {link("https://www.wikidata.org/wiki/" + qid, qid)}</p>')
    description = _q(server, "SELECT ?d WHERE { ?this dcterms:description ?d } LIMIT 1", this=iri)
    if description:
        out.append(f"<p>{esc(description[0]['d'].value)}</p>")
    events = _q(server, _ACTOR_EVENTS, this=iri)
    out.append(f"<h2>Events ({len(events)})</h2>")
    seen, cells = set(), []
    for r in events:
        key = (r["e"].value, r["role"].value)
        if key in seen:
            continue
        seen.add(key)
        quote = f"<blockquote>{esc(r['quote'].value)}</blockquote>" if r["quote"] is not None else ""
        source = term_html(r["source"], base, r["sourceTitle"].value if r["sourceTitle"] is not None else None)
        cells.append([esc(r["date"].value if r["date"] is not None else ""), esc(r["role"].value),
                      link(r["e"].value, r["label"].value, base=base) + quote, source])
    out.append(table(["date", "role", "event", "source"], cells) if cells else "<p class=muted>none</p>")
    memberships = _q(server, _MEMBERSHIPS, this=iri)
    if memberships:
        cells = [[link(r["m"].value, r["label"].value if r["label"] is not None else None, base=base),
                  term_html(r["member"], base, r["memberLabel"].value if r["memberLabel"] is not None else None),
                  term_html(r["org"], base, r["orgLabel"].value if r["orgLabel"] is not None else None),
                  esc(r["start"].value if r["start"] is not None else ""), esc(r["end"].value if r["end"] is not None else "holding")]
                 for r in memberships]
        out.append("<h2>Memberships</h2>" + table(["membership", "member", "organization", "from", "to"], cells))
    out.append("<h2>Network</h2>" + network_svg(server, iri))
    return "".join(out)


def _events_section(server: Server, iri: ox.NamedNode, pattern: str, heading: str) -> str:
    base = server.settings.base
    rows = _q(server, f"SELECT DISTINCT ?e ?label ?date WHERE {{ {pattern} . ?e rdfs:label ?label OPTIONAL {{ ?e ckg:startDate ?date }} }} ORDER BY ?date ?e", this=iri)
    cells = [[esc(r["date"].value if r["date"] is not None else ""), link(r["e"].value, r["label"].value, base=base)] for r in rows]
    return f"<h2>{esc(heading)} ({len(cells)})</h2>" + (table(["date", "event"], cells) if cells else "<p class=muted>none</p>")


_NEIGHBOURS = """
SELECT DISTINCT ?p ?other ?label ?out WHERE {
  { ?this ?p ?other BIND(true AS ?out) } UNION { ?other ?p ?this BIND(false AS ?out) }
  ?p ckg:shortcutOf ?cls . ?other rdfs:label ?label .
} ORDER BY ?label LIMIT 24
"""


def network_svg(server: Server, iri: ox.NamedNode) -> str:
    """The actor and its direct neighbours by shortcut edges (attacked, joined...), inline SVG."""
    base = server.settings.base
    rows = _q(server, _NEIGHBOURS, this=iri)
    if not rows:
        return "<p class=muted>no direct relations</p>"
    others: dict[str, str] = {}
    for r in rows:
        others.setdefault(r["other"].value, r["label"].value)
    width, height, radius = 720, 420, 160
    cx, cy = width / 2, height / 2
    spots = {o: (cx + radius * 1.5 * math.cos(2 * math.pi * i / len(others)), cy + radius * math.sin(2 * math.pi * i / len(others)))
             for i, o in enumerate(sorted(others))}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="network">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
             '<path d="M0,0L10,5L0,10z" fill="#99a"/></marker></defs>']
    for r in rows:
        x, y = spots[r["other"].value]
        (x1, y1), (x2, y2) = ((cx, cy), (x, y)) if r["out"].value == "true" else ((x, y), (cx, cy))
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        parts.append(f'<line class="edge" x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" marker-end="url(#arrow)"/>'
                     f'<text x="{mx:.0f}" y="{my:.0f}" font-size="10" fill="#556">{esc(short(r["p"].value).split(":")[-1])}</text>')
    for other, (x, y) in spots.items():
        href = "/" + other[len(base):] if other.startswith(base) else None
        label = esc(others[other][:40])
        node = f'<circle cx="{x:.0f}" cy="{y:.0f}" r="7" fill="#6a8caf"/><text x="{x:.0f}" y="{y - 11:.0f}" font-size="12" text-anchor="middle">{label}</text>'
        parts.append(f'<a href="{esc(href)}">{node}</a>' if href else node)
    parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="11" fill="#c0392b"/>')
    parts.append("</svg>")
    return "".join(parts)


# -- /ontology -----------------------------------------------------------------------------


def _ontology_file() -> bytes:
    from kg.base.resources import ontology_dir

    return (ontology_dir() / "conflict.ttl").read_bytes()


async def ontology_page(server: Server, request: Request) -> Response:
    from kg.server.app import HTTPError

    suffix = request.path_params.get("suffix", "")
    if suffix and suffix not in SUFFIXES:
        raise HTTPError(404, "no such page")
    fmt = _choose(request, SUFFIXES.get(suffix))
    data = _ontology_file()
    if fmt == "turtle":
        return Response(data, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    if fmt != "html":
        return Response(rdf_body(triples, fmt), media_type=by_name(fmt).content_type, headers={"Vary": "Accept"})
    return html_response(render_ontology(server, triples))


def render_ontology(server: Server, triples: list[ox.Triple]) -> str:
    base = server.settings.base
    by_subject: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(t.object)
    sections: dict[str, list[list[str]]] = {"Class": [], "ObjectProperty": [], "DatatypeProperty": [], "Other": []}
    for subject, props in sorted(by_subject.items()):
        if "#" not in subject:
            continue
        kinds = [o.value.rsplit("#", 1)[-1] for o in props.get("type", []) if isinstance(o, ox.NamedNode)]
        kind = next((k for k in ("Class", "ObjectProperty", "DatatypeProperty") if k in kinds), "Other")
        name = subject.rsplit("#", 1)[-1]
        label = props.get("label", [ox.Literal(name)])[0].value
        comment = " ".join(o.value for o in props.get("comment", []) + props.get("definition", []))
        supers = ", ".join(term_html(o, base) for o in props.get("subClassOf", []) + props.get("subPropertyOf", []) if isinstance(o, ox.NamedNode))
        sections[kind].append([f'<a id="{esc(name)}"></a><b>{esc(name)}</b><br><span class=muted>{esc(label)}</span>', esc(comment), supers])
    body = ["<h1>conflict-kg ontology</h1>", f'<p class="iri">{esc(base)}ontology#</p>',
            '<p>Machine-readable: <a href="/ontology.ttl">Turtle</a> · <a href="/ontology.jsonld">JSON-LD</a> · '
            '<a href="/ontology.nt">N-Triples</a> · <a href="/ontology.rdf">RDF/XML</a></p>']
    titles = {"Class": "Classes", "ObjectProperty": "Object properties", "DatatypeProperty": "Datatype properties", "Other": "Other terms"}
    for kind, rows in sections.items():
        if rows:
            body.append(f"<h2>{titles[kind]} ({len(rows)})</h2>" + table(["term", "description", "broader"], rows))
    return page("Ontology", "".join(body))


# -- the query page --------------------------------------------------------------------------

DEFAULT_QUERY = "SELECT ?attacker ?target WHERE { ?attacker ckg:attacked ?target }"


def example_text(name: str) -> str | None:
    query = saved_queries().get(name)
    if query is None:
        return None
    values = query.bind({})
    return bind_parameters(query.text, values) if values else query.text


async def query_page(server: Server, request: Request) -> Response:
    from kg.server.app import HTTPError, Operation, build_query_job

    params = request.query_params
    saved = params.get("saved")
    text = params.get("query")
    if text is None and saved:
        text = example_text(saved)
    examples = saved_queries()
    items = "".join(f'<li><a href="/query?saved={esc(q.name)}">{esc(q.title)}</a> <span class=muted>{esc(q.name)}</span></li>'
                    for q in examples.values())
    body = ['<h1>Query</h1><form method="get" action="/query">'
            f'<textarea name="query" rows="12" spellcheck="false">{esc(text or DEFAULT_QUERY)}</textarea>'
            '<p><button type="submit">Run</button> <span class=muted>Prefixes ckg, rdf, rdfs, skos, prov, dcterms, '
            'actor, event, place, source… are predeclared; the default graph is the union of all graphs.</span></p></form>']
    status = 200
    if text:
        op = Operation("query", text, [])
        try:
            job = build_query_job(server, op, base_iri=str(request.url.replace(path="/sparql", query="")), accept=None, view=True)
            answer = await server.run(job)
        except HTTPError as err:
            answer = None
            body.append(f'<p class="error">{esc(err)}</p>')
            status = err.status
        if answer is not None and answer.status >= 400:
            body.append(f'<p class="error">{esc(answer.body.decode("utf-8", "replace"))}</p>')
            status = answer.status
        elif answer is not None:
            body.append(_results_html(server, text, answer))
    body.append(f"<h2>Examples (saved queries)</h2><ul>{items}</ul>")
    return html_response(page("Query", "".join(body)), status)


def _results_html(server: Server, text: str, answer: Any) -> str:
    base = server.settings.base
    data = json.loads(answer.body)
    links = " · ".join(f'<a href="/sparql?{esc(urlencode({"query": text, "format": name}))}">{esc(by_name(name).name)}</a>'
                       for name in DOWNLOADS[answer.kind])
    head = f'<h2>Results</h2><p class="muted">{answer.seconds * 1000:.0f} ms · download: {links}</p>'
    if answer.kind == "ask":
        return head + f"<p><b>{'yes' if data['boolean'] else 'no'}</b></p>"
    rows = [[json_term_html(t, base) for t in row] for row in data["rows"]]
    note = f'<p class="muted">{len(rows)} rows' + (f" (cut at {server.settings.max_rows}: --max-rows)" if answer.truncated else "") + "</p>"
    return head + note + table(data["head"]["vars"], rows)
