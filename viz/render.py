"""One self-contained HTML page: vendored vis.js, our scripts and styles and the data, all inline.

Nothing in a page refers to the network: no CDN, font or image URL (a Content-Security-Policy
with ``default-src 'none'`` says so to the browser too, and its script hashes keep any injected
inline handler from running). Data travel as JSON in a ``<script type="application/json">``
block with ``<``, ``>`` and ``&`` escaped, and the page's scripts only ever set text with
``textContent``: a label such as ``<img src=x onerror=alert(1)>`` is shown, never parsed.

>>> safe_json({"label": "</script><img src=x>"})
'{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
VENDOR = {
    "network": STATIC / "vendor" / "vis-network" / "vis-network.min.js",
    "timeline": STATIC / "vendor" / "vis-timeline" / "vis-timeline-graph2d.min.js",
    "leaflet": STATIC / "vendor" / "leaflet" / "leaflet.js",
    "topojson": STATIC / "vendor" / "topojson-client" / "topojson-client.min.js",
    "vega": STATIC / "vendor" / "vega" / "vega.min.js",
    "vega-lite": STATIC / "vendor" / "vega-lite" / "vega-lite.min.js",
    "vega-interpreter": STATIC / "vendor" / "vega-interpreter" / "vega-interpreter.js",
}
#: Leaflet's stylesheet names images next to it (layer switcher, default marker icon) that the
#: views never use: dropped, so that nothing could ever ask for them.
_CSS_URL = re.compile(r"background-image:\s*url\((?!#)[^)]*\);?")
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


@dataclass(frozen=True)
class View:
    """A rendered view: ``to_string()`` for the HTML, ``write(path)`` to save it."""

    html: str
    kind: str
    stats: dict[str, Any] = field(default_factory=dict)

    def to_string(self) -> str:
        return self.html

    def write(self, path: str | Path) -> Path:
        """Write the page (UTF-8), creating parent folders; returns the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.html, encoding="utf-8")
        return target


def safe_json(data: Any) -> str:
    """JSON that cannot end its ``<script>`` block or open a tag or comment."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), sort_keys=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@lru_cache(maxsize=None)
def _asset(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = _SOURCE_MAP.sub("\n", text)
    if "</script" in text.lower():
        raise ValueError(f"{path} contains '</script' and cannot be inlined")
    return text


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=None)
def _interpreter() -> str:
    """vega-interpreter is an ES module importing three names from vega-util: run it as a plain
    script taking them from the ``vega`` global, exporting ``vegaInterpreter.expressionInterpreter``."""
    text = _asset(VENDOR["vega-interpreter"])
    head = "import { ascending, isString, DisallowedObjectProperties } from 'vega-util';"
    tail = "export { expression as expressionInterpreter };"
    if head not in text or tail not in text:
        raise ValueError("vega-interpreter changed its imports or exports: update viz/render.py")
    body = text.replace(head, "").replace(tail, "window.vegaInterpreter = { expressionInterpreter: expression };")
    return ("(function () {\nvar ascending = vega.ascending, isString = vega.isString, "
            "DisallowedObjectProperties = vega.DisallowedObjectProperties;\n" + body + "\n})();\n")


@lru_cache(maxsize=None)
def _css(path: Path) -> str:
    text = _CSS_URL.sub("", _asset(path))
    if "url(" in text.replace("url(#default#VML)", ""):
        raise ValueError(f"{path} refers to a file and cannot be inlined")
    return text


def render_page(*, title: str, subtitle: str, data: dict[str, Any], network: bool, timeline: bool,
                map: bool = False, chart: bool = False, json_blocks: dict[str, str] | None = None,
                context: dict[str, Any] | None = None, scripts_before: tuple[str, ...] = ()) -> str:
    """The page with the network, the timeline, or both (linked), and/or the map.

    ``json_blocks``: more data as ``<script type="application/json" id=KEY>`` blocks, each a text
    made by :func:`safe_json` (a large constant such as the basemap is serialized once).
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    import kg

    scripts = list(scripts_before)
    if chart:
        scripts += [_asset(VENDOR["vega"]), _asset(VENDOR["vega-lite"]), _interpreter()]
    if map:
        scripts += [_asset(VENDOR["leaflet"]), _asset(VENDOR["topojson"])]
    if network:
        scripts.append(_asset(VENDOR["network"]))
    if timeline:
        scripts.append(_asset(VENDOR["timeline"]))
    scripts.append(_asset(STATIC / "common.js"))
    if network:
        scripts.append(_asset(STATIC / "network.js"))
    if timeline:
        scripts.append(_asset(STATIC / "timeline.js"))
    if map:
        scripts.append(_asset(STATIC / "map.js"))
    if chart:
        scripts.append(_asset(STATIC / "trends.js"))
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_hash(s) for s in scripts),
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "font-src data:",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      keep_trailing_newline=True)
    body_class = ("kg-explore" if network and timeline else "kg-network-only" if network else
                  "kg-map-only" if map and not timeline else "kg-chart-only" if chart else "kg-timeline-only")
    if map and (network or timeline):
        body_class += " kg-with-map"
    css = (_css(STATIC / "vendor" / "leaflet" / "leaflet.css") if map else "") + _asset(STATIC / "style.css")
    blocks = [(key, Markup(value)) for key, value in (json_blocks or {}).items()]
    return env.get_template("page.html").render(
        title=title, subtitle=subtitle, csp=csp, version=kg.__version__, body_class=body_class,
        css=Markup(css), data_json=Markup(safe_json(data)), json_blocks=blocks,
        scripts=[Markup(s) for s in scripts], network=network, timeline=timeline, map=map, chart=chart, side=network or map,
        **(context or {}),
    )
