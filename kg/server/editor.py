"""The SPARQL editor at ``/``: YASGUI (vendored, ``static/yasgui/``) over this server's ``/sparql``.

The page is built in a worker like every other page (:func:`editor`); its only dynamic parts
are the project's prefixes, the saved queries (with their parameters bound to the defaults in a
``VALUES`` block the reader edits) and whether updates are enabled. Its scripts and styles are
files of this package served at ``/static/`` (:func:`asset`), so the page's Content-Security-Policy
(:data:`EDITOR_CSP`) names no other origin: scripts, styles and requests from this server only.
The script-free form stays at ``/query``.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.base.namespaces import PREFIXES
from kg.server.render import DEFAULT_QUERY, HTML, example_text, render
from kg.server.work import Answer, Job

STATIC = Path(__file__).parent / "static"

#: Files served at ``/static/NAME``: nothing else (no directory listing, no path from the request).
ASSETS = {
    "yasgui/yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui/yasgui.min.css": "text/css; charset=utf-8",
    "editor.js": "text/javascript; charset=utf-8",
    "editor.css": "text/css; charset=utf-8",
    "yasgui/LICENSE": "text/plain; charset=utf-8",
}

#: The editor's policy: what the other pages allow, plus scripts, styles, fonts and requests from
#: this server only ('self'): no remote origin, no inline script, no eval.
EDITOR_CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])

_SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=\S+\s*$|/\*# sourceMappingURL=\S+ \*/\s*$")


@lru_cache(maxsize=None)
def asset(name: str) -> tuple[bytes, str, str] | None:
    """``(body, content type, ETag)`` of a served static file, or None if it is not one.

    A trailing ``sourceMappingURL`` comment is dropped (the maps are not shipped).

    >>> asset("../app.py") is None, asset("editor.js")[1]
    (True, 'text/javascript; charset=utf-8')
    """
    media = ASSETS.get(name)
    if media is None:
        return None
    body = _SOURCE_MAP.sub(b"\n", (STATIC / name).read_bytes())
    return body, media, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def used_prefixes(text: str) -> dict[str, str]:
    """The project prefixes a query text uses (read with the one SPARQL lexer).

    >>> list(used_prefixes("SELECT * { ?a ckg:attacked actor:isis ; rdfs:label 'x:y' }"))
    ['actor', 'ckg', 'rdfs']
    """
    from kg.sparql.lexer import tokens

    names = {t.text.split(":", 1)[0] for t in tokens(text) if t.kind == "name" and ":" in t.text}
    return {p: PREFIXES[p] for p in sorted(names) if p in PREFIXES}


def with_prefixes(text: str) -> str:
    """``text`` with a ``PREFIX`` line for every project prefix it uses, after its leading comments
    (the server predeclares them; the editor needs them to check syntax and shorten IRIs).

    >>> print(with_prefixes("# a comment\\nASK { ?x a ckg:Attack }"))
    # a comment
    PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
    ASK { ?x a ckg:Attack }
    """
    lines = text.split("\n")
    head = 0
    while head < len(lines) and lines[head].lstrip().startswith("#"):
        head += 1
    declared = [f"PREFIX {p}: <{ns}>" for p, ns in used_prefixes(text).items()]
    return "\n".join(lines[:head] + declared + lines[head:])


def examples() -> list[dict[str, Any]]:
    """The saved queries as editor examples: their header comments, prefixes, parameters bound to defaults."""
    from kg.sparql.saved import saved_queries

    out = []
    for query in saved_queries().values():
        text = example_text(query.name) or query.text
        if query.parameters:
            text = "# Parameters are bound to their defaults in the VALUES block below: edit the values there.\n" + text
        out.append({
            "name": query.name, "title": query.title, "description": query.description,
            "parameters": [{"name": p.name, "default": p.default, "description": p.description} for p in query.parameters],
            "text": with_prefixes(text),
        })
    return out


def editor_config(job: Job) -> dict[str, Any]:
    limits = job.limits
    return {
        "endpoint": "/sparql",
        "base": limits.base,
        "prefixes": dict(PREFIXES),
        "updates": limits.updates,
        "maxRows": limits.max_rows,
        "timeout": limits.timeout,
        "defaultQuery": with_prefixes(DEFAULT_QUERY.replace(" WHERE { ", "\nWHERE {\n  ").replace(" }", "\n}")),
        "examples": examples(),
    }


def editor(store: ox.Store, job: Job) -> Answer:
    """The editor page: YASGUI and its configuration as a JSON data block (never executed)."""
    import json

    from markupsafe import Markup

    config = editor_config(job)
    text = json.dumps(config, ensure_ascii=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    body = render("editor.html", job.limits, title="SPARQL editor", config=Markup(text),
                  examples=config["examples"], updates=job.limits.updates, max_rows=job.limits.max_rows)
    return Answer(200, body, HTML)
