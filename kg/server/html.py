"""HTML building blocks: every text and attribute goes through :func:`esc`; no scripts, no CDN.

>>> esc('<img src=x onerror=alert(1)>')
'&lt;img src=x onerror=alert(1)&gt;'
>>> link("javascript:alert(1)", "x")
'<span class="iri">x</span>'
"""

from __future__ import annotations

import html
from typing import Any

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES

#: Pages allow no script at all and load nothing from elsewhere.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

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


def esc(value: Any) -> str:
    """Escape text for HTML content and double-quoted attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def href_for(iri: str, base: str) -> str | None:
    """A local path for IRIs under the dataset's base, the IRI itself for http(s), else none."""
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def short(iri: str) -> str:
    """A prefixed name when a standard prefix fits."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def link(iri: str, text: str | None = None, *, base: str = "\0") -> str:
    target = href_for(iri, base)
    label = esc(text if text is not None else short(iri))
    if target is None:
        return f'<span class="iri">{label}</span>'
    external = "" if target.startswith("/") else ' rel="nofollow noopener"'
    return f'<a class="iri" href="{esc(target)}"{external}>{label}</a>'


def term_html(term: Any, base: str, label: str | None = None) -> str:
    """An RDF term (pyoxigraph) as HTML: links for IRIs, text for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return link(term.value, label, base=base)
    if isinstance(term, ox.Literal):
        extra = f' <span class="muted">@{esc(term.language)}</span>' if term.language else ""
        return esc(term.value) + extra
    return f'<span class="muted">{esc(term)}</span>'


def json_term_html(term: dict[str, Any] | None, base: str) -> str:
    """A SPARQL JSON term as HTML."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return link(term["value"], base=base)
    if term["type"] == "bnode":
        return f'<span class="muted">_:{esc(term["value"])}</span>'
    if term["type"] == "literal":
        extra = f' <span class="muted">@{esc(term["xml:lang"])}</span>' if "xml:lang" in term else ""
        return esc(term["value"]) + extra
    return esc(term.get("value"))


def page(title: str, body: str, *, alternates: list[tuple[str, str]] | None = None) -> str:
    alt = "".join(
        f'<link rel="alternate" type="{esc(media)}" href="{esc(href)}">' for media, href in alternates or []
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><title>{esc(title)} · conflict-kg</title>"
        f"<style>{STYLE}</style>{alt}</head><body><header><a href='/'><b>conflict-kg</b></a>"
        "<a href='/query'>Query</a><a href='/ontology'>Ontology</a><a href='/.well-known/void'>VoID</a>"
        "<a href='/sparql'>SPARQL endpoint</a></header>"
        f"<main>{body}</main></body></html>"
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Rows of ready-made (escaped) cells."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
