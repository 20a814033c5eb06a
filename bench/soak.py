"""Soak test of ``kg serve`` (issue 13, item 5): many clients, a mix of good, slow, malformed and oversized
requests, for a fixed time, over 127.0.0.1 only.

The server is a second process (``kg --store STORE serve`` on a free loopback port, started by
tests/server_live.py); this process only sends requests. Each client has a role, so the mix is
fixed however long the requests of one kind take:

- good: the saved queries with their default parameters (GET, JSON results) and resource pages
  (``/id/actor/isis``): must be 200, never a 5xx;
- slow: a three-way cross product that runs into ``--timeout`` (503 expected), or a client that
  sends its headers a byte a second and is dropped after ``--header-timeout``;
- malformed: syntax errors, unbalanced and 1,000-deep nesting, bad percent-encoding, unknown
  content types, updates without the token (4xx expected);
- oversized: bodies twice ``--max-body`` (413) and 100 KB URLs (4xx, or the connection closed).

Every ``--sample`` seconds the resident memory (RSS) of the server and all its worker processes is
read from /proc. The report gives per kind: requests, statuses, p50/p99 latency; 5xx answers to good
requests (must be 0); memory over time (per-minute peaks) and its growth: the median of the last
quarter of the samples against the median of the second quarter (the first is warm-up, workers
starting). Exit status 1 if a good request got a 5xx or memory grew past ``--max-growth``.

    python bench/soak.py                               # 16 clients, 10 minutes, seed store in a temp dir
    python bench/soak.py --seconds 60 --json soak.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import kg  # noqa: E402
from kg.curated.build import build  # noqa: E402
from kg.sparql.params import bind_parameters  # noqa: E402
from kg.sparql.saved import saved_queries  # noqa: E402

from server_live import Live, live_server  # noqa: E402

MAX_BODY = 100_000
JSON = "application/sparql-results+json"


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError, StopIteration):
            continue
    return total


def good_requests() -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    out = []
    for query in saved_queries().values():
        defaults = {p.name: p.default for p in query.parameters if p.default is not None}
        if len(defaults) < len(query.parameters):
            continue
        text = bind_parameters(query.text, defaults) if defaults else query.text
        out.append(("GET", "/sparql?query=" + quote(text), None, {"Accept": JSON}))
    out += [("GET", "/id/actor/isis", None, {"Accept": "text/html"}),
            ("GET", "/id/actor/isis", None, {"Accept": "text/turtle"}),
            ("POST", "/sparql", b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"Content-Type": "application/sparql-query", "Accept": JSON})]
    return out


SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MALFORMED = [
    ("GET", "/sparql?query=" + quote("SELECT * WHERE { ?s ?p "), None, {"Accept": JSON}),
    ("GET", "/sparql?query=" + quote("SELECT * WHERE " + "{" * 1000 + "}" * 1000), None, {"Accept": JSON}),
    ("GET", "/sparql?query=%ZZ%C3%28%", None, {"Accept": JSON}),
    ("GET", "/sparql?query=a&query=b", None, {"Accept": JSON}),
    ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),
    ("POST", "/sparql", b"query=%E2%82", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("POST", "/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"}),
    ("GET", "/sparql?query=" + quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), None, {"Accept": JSON}),
    ("GET", "/id/" + "%FF" * 10, None, {}),
]
OVERSIZED = [
    ("POST", "/sparql", b"a" * (2 * MAX_BODY), {"Content-Type": "application/sparql-query", "Accept": JSON}),
    ("POST", "/sparql", b"query=" + b"%20" * MAX_BODY, {"Content-Type": "application/x-www-form-urlencoded"}),
    ("GET", "/sparql?query=" + "a" * 100_000, None, {"Accept": JSON}),
]


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter[str]] = defaultdict(Counter)
        self.example: dict[str, str] = {}  # "kind status" -> the first answer of that kind and status

    def add(self, kind: str, status: str, seconds: float, answer: str = "") -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.status[kind][status] += 1
            self.example.setdefault(f"{kind} {status}", answer[:200])


def send(live: Live, method: str, path: str, body: bytes | None, headers: dict[str, str], timeout: float = 60) -> str:
    return answer(live, method, path, body, headers, timeout)[0]


def answer(live: Live, method: str, path: str, body: bytes | None, headers: dict[str, str], timeout: float = 60) -> tuple[str, str]:
    """(status, first bytes of the body), or ("closed (...)", "") when the server closed the connection."""
    conn = http.client.HTTPConnection(live.host, live.port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        data = response.read()
        return str(response.status), "" if response.status == 200 else data[:200].decode("utf-8", "replace")
    except (ConnectionError, http.client.HTTPException, OSError) as err:
        return f"closed ({type(err).__name__})", ""
    finally:
        conn.close()


def slow_headers(live: Live, patience: float) -> str:
    """Send a request line and then one header byte a second until the server drops us."""
    with socket.create_connection((live.host, live.port), timeout=patience) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        try:
            while time.monotonic() - started < patience:
                sock.sendall(b"a")
                sock.settimeout(1.0)
                try:
                    data = sock.recv(1024)
                except TimeoutError:
                    continue
                return data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "closed"
        except OSError:
            return "closed"
    return "never dropped"


def client(live: Live, role: str, stop: float, stats: Stats, seed: int, patience: float, think: float) -> None:
    rng = random.Random(seed)
    goods = good_requests()
    while time.monotonic() < stop:
        started = time.monotonic()
        text = ""
        if role == "good":
            status, text = answer(live, *rng.choice(goods))
        elif role == "slow" and rng.random() < 0.5:
            status, text = answer(live, "GET", "/sparql?query=" + quote(SLOW_QUERY), None, {"Accept": JSON})
        elif role == "slow":
            status = slow_headers(live, patience)
        elif role == "malformed":
            status, text = answer(live, *rng.choice(MALFORMED))
        else:
            status, text = answer(live, *rng.choice(OVERSIZED))
        stats.add(role, status, time.monotonic() - started, text)
        time.sleep(rng.uniform(0, 2 * think))  # every client pauses a little between requests (mean --think)


def roles(clients: int) -> list[str]:
    """16 clients: 10 good, 2 slow, 2 malformed, 2 oversized (the same shares for other counts)."""
    shares = {"slow": 2, "malformed": 2, "oversized": 2}
    out = [kind for kind, n in shares.items() for _ in range(max(1, round(n * clients / 16)))]
    return ["good"] * max(1, clients - len(out)) + out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = str(Path(tmp) / "store")
            graph = kg.open(store)
            build(graph)
            graph.close()
        server_args = ("--timeout", str(args.timeout), "--max-body", str(MAX_BODY), "--header-timeout", str(args.header_timeout),
                       "--max-concurrent", str(args.max_concurrent), "--max-rows", "1000")
        with live_server(store, *server_args) as live:
            stats = Stats()
            samples: list[tuple[float, int]] = []
            begin = time.monotonic()
            stop = begin + args.seconds
            threads = [threading.Thread(target=client, args=(live, role, stop, stats, i, args.header_timeout + 10, args.think), daemon=True)
                       for i, role in enumerate(roles(args.clients))]
            for thread in threads:
                thread.start()
            while time.monotonic() < stop:
                samples.append((time.monotonic() - begin, rss_bytes(live.process.pid)))
                time.sleep(args.sample)
            for thread in threads:
                thread.join(120)
            alive = live.process.poll() is None
            answering = send(live, "GET", "/sparql?query=ASK%7B%7D", None, {"Accept": JSON}) == "200"
    return report(args, stats, samples, alive and answering)


def report(args: argparse.Namespace, stats: Stats, samples: list[tuple[float, int]], answering: bool) -> dict[str, object]:
    kinds = {}
    for kind in ("good", "slow", "malformed", "oversized"):
        lat = stats.latency.get(kind, [])
        kinds[kind] = {
            "requests": len(lat), "p50_ms": round(percentile(lat, 0.5) * 1000, 1), "p99_ms": round(percentile(lat, 0.99) * 1000, 1),
            "statuses": dict(sorted(stats.status[kind].items())),
        }
    good_5xx = sum(n for s, n in stats.status["good"].items() if s.startswith("5"))
    good_other = sum(n for s, n in stats.status["good"].items() if s != "200")
    rss = [r for _, r in samples]
    quarter = max(1, len(rss) // 4)
    early = statistics.median(rss[quarter: 2 * quarter] or rss)
    late = statistics.median(rss[-quarter:])
    per_minute: dict[int, int] = {}
    for t, r in samples:
        per_minute[int(t // 60)] = max(per_minute.get(int(t // 60), 0), r)
    growth = late / early if early else float("nan")
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "seconds": args.seconds, "clients": args.clients, "roles": dict(Counter(roles(args.clients))),
        "server": {"timeout": args.timeout, "max_concurrent": args.max_concurrent, "header_timeout": args.header_timeout, "max_body": MAX_BODY},
        "think_seconds": args.think, "kinds": kinds, "answers": dict(sorted(stats.example.items())), "good_5xx": good_5xx, "good_not_200": good_other, "still_answering": answering,
        "rss_mb": {"samples": len(rss), "first": round(rss[0] / 1e6) if rss else None, "peak": round(max(rss) / 1e6) if rss else None,
                   "second_quarter_median": round(early / 1e6), "last_quarter_median": round(late / 1e6),
                   "growth": round(growth, 3), "peak_per_minute": [round(v / 1e6) for _, v in sorted(per_minute.items())]},
    }
    result["ok"] = good_5xx == 0 and answering and growth <= args.max_growth
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="store folder to serve (default: the seed built into a temp folder)")
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--sample", type=float, default=3.0, help="seconds between memory samples")
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's --timeout (slow queries run into it)")
    parser.add_argument("--think", type=float, default=0.2, help="mean pause of a client between two requests, in seconds")
    parser.add_argument("--header-timeout", type=float, default=3.0)
    parser.add_argument("--max-concurrent", type=int, default=4)
    parser.add_argument("--max-growth", type=float, default=1.3, help="fail when late/early median RSS is above this")
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args()
    result = run(args)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
