"""Load test of ``kg serve``: concurrent clients over loopback run the saved queries for a fixed time.

The server is a second process (``kg --store STORE serve``); this process only sends
requests. Reports throughput, p50/p99 latency, errors (must be zero) and the server's
peak RSS (the server process plus its query workers, sampled every 50 ms).

    python bench/serve_load.py                      # builds the seed into a temp store first
    python bench/serve_load.py --store kg-store --clients 16 --seconds 30
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from kg.sparql.query import bind_parameters, saved_queries  # noqa: E402

from server_live import live_server  # noqa: E402


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, from /proc."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def queries(exclude: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    out = []
    for query in saved_queries().values():
        if query.name in exclude:
            continue
        values = query.bind({})
        text = bind_parameters(query.text, values) if values else query.text
        out.append((query.name, "/sparql?query=" + quote(text)))
    return out


def client(port: int, paths: list[tuple[str, str]], stop: float, offset: int, latencies: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = offset
    while time.monotonic() < stop:
        name, path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{name}: HTTP {response.status}")
        except (OSError, http.client.HTTPException) as err:
            errors.append(f"{name}: {err}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        latencies.append(time.perf_counter() - started)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="store folder (default: build the seed into a temp folder)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--exclude", action="append", default=[], metavar="NAME",
                        help="leave a saved query out (e.g. colocated-events, pairwise over all events, on large stores)")
    parser.add_argument("serve_args", nargs="*", help="extra kg serve options, after --")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        store = args.store
        if store is None:
            store = str(Path(scratch) / "seed-store")
            subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "--store", store, "build"], check=True, stdout=subprocess.DEVNULL)
        paths = queries(frozenset(args.exclude))
        with live_server(store, *args.serve_args) as live:
            peak = [rss_bytes(live.process.pid)]
            sampling = True

            def sample() -> None:
                while sampling:
                    peak[0] = max(peak[0], rss_bytes(live.process.pid))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            warm_lat: list[float] = []
            warm_err: list[str] = []
            client(live.port, paths, time.monotonic() + args.warmup, 0, warm_lat, warm_err)
            latencies: list[float] = []
            errors: list[str] = []
            stop = time.monotonic() + args.seconds
            threads = [threading.Thread(target=client, args=(live.port, paths, stop, n, latencies, errors)) for n in range(args.clients)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            sampling = False
            sampler.join()
    ordered = sorted(latencies)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    print(f"store: {args.store or 'seed (kg build)'}; {len(paths)} saved queries; {args.clients} clients; {elapsed:.1f} s")
    print(f"requests: {len(latencies)}  throughput: {len(latencies) / elapsed:.1f} req/s")
    print(f"latency: p50 {p(0.50):.1f} ms  p99 {p(0.99):.1f} ms  mean {statistics.mean(ordered) * 1000:.1f} ms  max {ordered[-1] * 1000:.1f} ms")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"server peak RSS (server + workers): {peak[0] / 2**20:.0f} MiB")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
