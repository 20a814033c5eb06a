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
    """``oxigraph serve --union-default-graph`` on 127.0.0.1 and a free port, in a scratch folder."""

    def __init__(self, folder: Path) -> None:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server binary is missing: pip install oxigraph")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{self.port}", "--union-default-graph"],
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
