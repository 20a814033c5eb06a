"""Resource pages of ``kg serve`` at a million quads: time and size, beside the old whole-store scan.

    .venv/bin/python bench/serve_pages.py [--store STORE] [--repeat 7] [--out FILE]

Without ``--store`` it builds the seed and imports ICEWS14 (the xERTE/TLogic train split,
``icews14/derived-named/train.txt``, as ``icews-train``, and the validation split,
``icews14/tlogic-named/valid.txt``, as ``icews-valid``) into a temporary store: about a million
quads. Data come from ``$KG_SHARED_DIR`` or the ``shared/`` folder beside the checkout.

For a few IRIs (the ICEWS actor with the most events, one ICEWS event, the source
``icews-train``, the ICEWS place with the most events, and the seed's ``actor:isis``) it measures:

1. **in the worker**: the page job exactly as a ``kg serve`` worker runs it (``kg.server.tasks.execute``
   on the open store), HTML and Turtle, median of ``--repeat`` runs after one warm-up, and the body size;
2. **the old path**: the query every page ran before (one CONSTRUCT of the resource's statements, its
   ``#`` parts by a FILTER over every subject, and *all* incoming links), timed the same way, with the
   number of triples it returned and their Turtle size;
3. **over HTTP**: a real ``kg --store STORE serve`` process on a free loopback port, each page fetched
   ``--repeat`` times (median, after one warm-up), with its default settings.

Pages are served with ``--include-restricted`` (ICEWS's graphs are not marked redistributable, so by
default they are withheld and their pages answer 404); the seed actor is also measured with the
default (graphs withheld: the query dataset is the list of served graphs, not the union).
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KG_SHARED_DIR", ROOT.parent / "shared"))
TRAIN = SHARED / "datasets/icews14/derived-named/train.txt"
VALID = SHARED / "datasets/icews14/tlogic-named/valid.txt"
KG = [sys.executable, "-m", "kg.cli"]

OLD_DESCRIBE = """CONSTRUCT { ?s ?p ?o . ?x ?q ?this } WHERE {
    { ?s ?p ?o FILTER(?s = ?this || STRSTARTS(STR(?s), CONCAT(STR(?this), "#"))) }
    UNION { ?x ?q ?this }
}"""


def build(store: Path) -> None:
    for path in (TRAIN, VALID):
        if not path.exists():
            sys.exit(f"missing {path}: set KG_SHARED_DIR to the folder holding datasets/icews14 (see docs/datasets.md)")
    subprocess.run([*KG, "--store", str(store), "build"], check=True, stdout=subprocess.DEVNULL)
    for path, name in ((TRAIN, "icews-train"), (VALID, "icews-valid")):
        subprocess.run([*KG, "--store", str(store), "import", "icews", str(path), "--source-id", name, "-q"], check=True)


def pick(store: ox.Store) -> list[tuple[str, str]]:
    """(what, path) of the pages measured."""
    from kg.base.namespaces import PREFIXES

    def one(sparql: str) -> str:
        row = next(iter(store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)))
        return str(row[0].value)

    base = "https://w3id.org/conflict-kg"
    actor = one("SELECT ?a (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/conflict-kg/graph/import/icews-train> "
                "{ ?e ckg:agent ?a } } GROUP BY ?a ORDER BY DESC(?n) LIMIT 1")
    event = one("SELECT ?e WHERE { ?e prov:wasDerivedFrom source:icews-train ; ckg:agent ?a ; ckg:target ?t } LIMIT 1")
    place = one("SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/conflict-kg/graph/import/icews-train> "
                "{ ?e ckg:place ?p } } GROUP BY ?p ORDER BY DESC(?n) LIMIT 1")
    return [("actor (most ICEWS events)", actor.removeprefix(base)), ("event (ICEWS)", event.removeprefix(base)),
            ("source icews-train", "/id/source/icews-train"), ("place (most ICEWS events)", place.removeprefix(base)),
            ("seed actor isis", "/id/actor/isis")]


def median_ms(run: object, repeat: int) -> tuple[float, object]:
    result = run()  # type: ignore[operator]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def in_worker(store: ox.Store, path: str, fmt: str, repeat: int, include_restricted: bool) -> tuple[float, int, int]:
    from kg.server.tasks import execute
    from kg.server.work import Job, Limits

    job = Job(path, fmt=fmt, task="resource", limits=Limits(include_restricted=include_restricted, modified="2026-01-01T00:00:00Z"))
    ms, answer = median_ms(lambda: execute(store, job), repeat)
    return ms, answer.status, len(answer.body)  # type: ignore[attr-defined]


def old_path(store: ox.Store, path: str, repeat: int) -> tuple[float, int, int]:
    from kg.base.namespaces import PREFIXES
    from kg.sparql.params import substitutions

    iri = ox.NamedNode("https://w3id.org/conflict-kg" + path)

    def run() -> list[ox.Triple]:
        return list(store.query(OLD_DESCRIBE, prefixes=PREFIXES, substitutions=substitutions({"this": iri}),
                                use_default_graph_as_union=True))  # type: ignore[arg-type]

    ms, triples = median_ms(run, repeat)
    size = len(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")  # type: ignore[arg-type]
    return ms, len(triples), size  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def over_http(store: Path, pages: list[tuple[str, str]], repeat: int) -> dict[tuple[str, str], tuple[float, int, int]]:
    port = free_port()
    server = subprocess.Popen([*KG, "--store", str(store), "serve", "--port", str(port), "--include-restricted"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict[tuple[str, str], tuple[float, int, int]] = {}
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get(port, "/sparql?query=ASK%7B%7D", "application/sparql-results+json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        for _, path in pages:
            for accept in ("text/html", "text/turtle"):
                ms, (status, size) = median_ms(lambda p=path, a=accept: get(port, p, a), repeat)  # type: ignore[misc]
                out[(path, accept)] = (ms, status, size)
    finally:
        server.terminate()
        server.wait(30)
    return out


def get(port: int, path: str, accept: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


def kb(size: int) -> str:
    return f"{size / 1000:,.1f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="an existing store (default: build one in a temporary folder)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store or Path(tmp) / "store"
        if args.store is None:
            print("building the seed + ICEWS14 train and valid ...", file=sys.stderr)
            build(store_path)
        store = ox.Store.read_only(str(store_path))
        quads = len(store)
        pages = pick(store)
        lines = [f"Store: {quads:,} quads ({store_path.name}); machine: {platform.machine()}, {os.cpu_count()} cores, "
                 f"Linux {platform.release()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}; "
                 f"median of {args.repeat} runs after one warm-up.", "",
                 "| page | path | worker HTML | HTML size | worker Turtle | Turtle size | old query | old triples | old Turtle size |",
                 "|---|---|---|---|---|---|---|---|---|"]
        for what, path in pages:
            html_ms, html_status, html_size = in_worker(store, path, "html", args.repeat, True)
            ttl_ms, ttl_status, ttl_size = in_worker(store, path, "turtle", args.repeat, True)
            old_ms, old_triples, old_size = old_path(store, path, max(1, min(args.repeat, 3)))
            assert html_status == ttl_status == 200, (path, html_status, ttl_status)
            lines.append(f"| {what} | `{path}` | {html_ms:.1f} ms | {kb(html_size)} | {ttl_ms:.1f} ms | {kb(ttl_size)} | "
                         f"{old_ms:,.0f} ms | {old_triples:,} | {kb(old_size)} |")
            print(lines[-1], file=sys.stderr)
        ms, status, size = in_worker(store, "/id/actor/isis", "html", args.repeat, False)
        lines += ["", f"Seed actor isis with the default settings (graphs not marked redistributable withheld: the "
                      f"query dataset lists the served graphs): worker HTML {ms:.1f} ms, {kb(size)} (status {status})."]
        del store
        http_rows = over_http(store_path, pages, args.repeat)
        lines += ["", "Over HTTP (a real `kg serve --include-restricted`, default limits, one client):", "",
                  "| path | HTML | HTML size | Turtle | Turtle size |", "|---|---|---|---|---|"]
        for _, path in pages:
            h, t = http_rows[(path, "text/html")], http_rows[(path, "text/turtle")]
            lines.append(f"| `{path}` | {h[0]:.1f} ms | {kb(h[2])} | {t[0]:.1f} ms | {kb(t[2])} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
