"""Real SPARQL servers for the store-contract tests: Oxigraph server started here; Virtuoso if CI started it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


class OxigraphServer:
    """``oxigraph serve --union-default-graph`` on 127.0.0.1 and a free port, in a scratch folder
    (``union=False``: without the flag, as Oxigraph's documentation starts it)."""

    def __init__(self, folder: Path, *, union: bool = True) -> None:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server binary is missing: pip install oxigraph")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{self.port}"]
            + (["--union-default-graph"] if union else []),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.process.stderr.read().decode()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not start within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def virtuoso_url() -> str | None:
    """The Virtuoso endpoint CI started (``KG_TEST_VIRTUOSO_URL``), if it answers."""
    url = os.environ.get("KG_TEST_VIRTUOSO_URL")
    if not url:
        return None
    try:
        urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=3).read()
    except OSError:
        return None
    return url


class StubServer:
    """A tiny HTTP server on 127.0.0.1 and a free port, in a thread: ``answer(method, path, headers, body)``
    returns ``(status, headers, body)``; every request is kept in ``requests`` as ``(method, path, headers)``."""

    def __init__(self, answer) -> None:
        import http.server
        import threading

        stub = self
        self.requests: list[tuple[str, str, dict[str, str]]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, dict(self.headers.items())))
                status, headers, payload = answer(self.command, self.path, self.headers, body)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout tests)
                    pass

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


ASK_TRUE = (
    b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    b"<head/><boolean>true</boolean></sparql>"
)
SPARQL_XML = {"Content-Type": "application/sparql-results+xml"}
