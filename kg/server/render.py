"""HTML rendering shared by every page (resources, graphs, the ontology, the editor) and the query
page, built in the workers (never on the event loop); JSON-LD compaction for their RDF answers.
Resource documents are in :mod:`kg.server.resource`, VoID and the service description in
:mod:`kg.server.dataset`.

HTML comes from the Jinja2 templates beside this module, with autoescape on; every printed
value loses zero-width and bidirectional control characters first (a label cannot reorder
or hide text on the page), and long values are cut. Parameters are bound with
:func:`kg.sparql.params.bind_parameters` (RDF terms, never pasted text).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES
from kg.server.work import Answer, Failed, Job, Limits, prepare_query, take
from kg.sparql.formats import DOWNLOADS, by_name
from kg.sparql.params import bind_parameters

HTML = "text/html; charset=utf-8"
MAX_CELL = 2_000

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
header{background:#243447;color:#fff;padding:.6em 1.2em}header a{color:#fff;margin-right:1.2em;text-decoration:none}
main{max-width:1100px;margin:0 auto;padding:1em 1.2em}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%;font-size:.92em;background:#fff}
td,th{border:1px solid #dde;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#eef}
.iri{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
.muted{color:#667}.pill{background:#e4e8f0;border-radius:9px;padding:0 .5em;margin-right:.3em;font-size:.85em}
blockquote{margin:.3em 0 .3em 0;padding:.2em .8em;border-left:3px solid #8aa;background:#f1f4f4}
textarea{width:100%;font-family:ui-monospace,monospace;font-size:.92em}
.error{background:#fee;border:1px solid #c66;padding:.5em}
svg a text{fill:#1b1f24}svg .edge{stroke:#99a;stroke-width:1.2}
"""

#: Zero-width characters and bidirectional controls, removed from everything a page prints.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(value: Any) -> Any:
    """Printed values without zero-width or bidi control characters.

    >>> clean("IS\\u200bIS \\u202eevil")
    'ISIS evil'
    """
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup):  # already escaped output of a macro
        return Markup(INVISIBLE.sub("", str(value)))
    return INVISIBLE.sub("", value) if isinstance(value, str) else value


def _cut(value: Any, limit: int = MAX_CELL) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=1)
def environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("kg.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        finalize=clean,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cut"] = _cut
    return env


def render(template: str, limits: Limits, **context: Any) -> bytes:
    context.setdefault("alternates", [])
    body = environment().get_template(template).render(style=STYLE, **context).encode("utf-8")
    if len(body) > limits.max_bytes:
        raise Failed(503, f"the page is larger than the server sends (--max-result-bytes {limits.max_bytes})")
    return body


# -- terms as template values ----------------------------------------------------------------


def short(iri: str) -> str:
    """A prefixed name when a standard prefix fits."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def href_for(iri: str, base: str) -> str | None:
    """A local path for IRIs under the dataset's base, the IRI itself for http(s), else none."""
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def iri_view(iri: str, base: str, label: str | None = None) -> dict[str, Any]:
    href = href_for(iri, base)
    return {"href": href, "external": bool(href and not href.startswith("/")), "iri": True,
            "text": label if label is not None else short(iri)}


def term_view(term: Any, base: str, label: str | None = None) -> dict[str, Any] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return iri_view(term.value, base, label)
    if isinstance(term, ox.Literal):
        return {"text": term.value, "lang": term.language or ""}
    return {"text": str(term), "muted": True}


def text_view(text: str) -> dict[str, Any]:
    return {"text": text}


# -- JSON-LD ------------------------------------------------------------------------------------


def jsonld_body(triples: list[ox.Triple], limits: Limits, *, context_iri: str | None = None) -> bytes:
    """Compacted JSON-LD with the project context, which the document refers to by its IRI
    (``context_iri``, default this server's ``/context.jsonld``) instead of carrying it inline."""
    from kg.export.rdf import compact_jsonld

    iri = context_iri or limits.public + "context.jsonld"
    body = compact_jsonld(triples, context=iri)
    if len(body) > limits.max_bytes:
        raise Failed(503, f"the document is larger than the server sends (--max-result-bytes {limits.max_bytes})")
    return body


# -- the query page ------------------------------------------------------------------------------

DEFAULT_QUERY = "SELECT ?attacker ?target WHERE { ?attacker ckg:attacked ?target }"


def example_text(name: str) -> str | None:
    from kg.sparql.saved import saved_queries

    query = saved_queries().get(name)
    if query is None:
        return None
    values = query.bind({})
    return bind_parameters(query.text, values) if values else query.text


def query_page(store: ox.Store, job: Job) -> Answer:
    """The query form, and the results of ``job.sparql`` (or of the saved query ``job.fmt``)."""
    from kg.sparql.saved import saved_queries

    limits = job.limits
    text = job.sparql or (example_text(job.fmt) if job.fmt else None) or ""
    context: dict[str, Any] = {"title": "Query", "text": text or DEFAULT_QUERY, "error": "", "result": None,
                               "examples": list(saved_queries().values())}
    status = 200
    if text:
        try:
            context["result"] = _results(store, job, text)
        except Failed as err:
            context["error"], status = str(err), err.status
        except SyntaxError as err:
            context["error"], status = f"SPARQL syntax error: {err}", 400
        except (OSError, RuntimeError, ValueError) as err:
            context["error"], status = f"SPARQL query failed: {err}", 500
        except Exception as err:
            from kg.sparql.checks import Refused

            if not isinstance(err, Refused):
                raise
            context["error"], status = str(err), 400
    headers = tuple(context["result"].pop("withheld", ())) if context["result"] else ()
    return Answer(status, render("query.html", limits, **context), HTML, headers=headers)


def _results(store: ox.Store, job: Job, text: str) -> dict[str, Any]:
    import time

    limits = job.limits
    started = time.perf_counter()
    checked, options, withheld = prepare_query(store, Job(text, base_iri=job.base_iri, limits=limits))
    raw = store.query(checked, **options)
    downloads = []
    base = limits.base
    result: dict[str, Any] = {"truncated": ""}
    if isinstance(raw, ox.QueryBoolean):
        result.update(kind="ask", boolean=bool(raw))
    elif isinstance(raw, ox.QuerySolutions):
        names = [v.value for v in raw.variables]
        rows = take(raw, limits.max_rows + 1)
        result.update(kind="select", vars=names, rows=[[term_view(s[v], base) for v in names] for s in rows[: limits.max_rows]])
        if len(rows) > limits.max_rows:
            result["truncated"] = f"--max-rows {limits.max_rows}"
    else:
        triples = take(raw, limits.max_rows + 1)
        result.update(kind="graph", vars=["subject", "predicate", "object"],
                      rows=[[term_view(t.subject, base), term_view(t.predicate, base), term_view(t.object, base)]
                            for t in triples[: limits.max_rows]])
        if len(triples) > limits.max_rows:
            result["truncated"] = f"--max-rows {limits.max_rows}"
    for name in DOWNLOADS[result["kind"]]:
        downloads.append((by_name(name).name, "/sparql?" + urlencode({"query": text, "format": name})))
    result.update(downloads=downloads, ms=f"{(time.perf_counter() - started) * 1000:.0f}", withheld=withheld,
                  note=withheld[0][1] if withheld else "")
    return result
