"""A real ``kg serve`` process on 127.0.0.1 for the tests that need a socket, and a raw HTTP client."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Live:
    host: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(live: Live, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 60) -> Reply:
    """Send exactly these headers and bytes (no client defaults besides Host and Content-Length)."""
    conn = http.client.HTTPConnection(live.host, live.port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


@contextmanager
def live_server(store: Path | str, *args: str, env: dict[str, str] | None = None, startup: float = 60) -> Iterator[Live]:
    """Run ``kg --store STORE serve --port FREE ARGS...`` until the block ends."""
    port = free_port()
    command = [sys.executable, "-c", "from kg.cli import main; main()", "--store", str(store), "serve", "--port", str(port), *args]
    environment = {**os.environ, **(env or {})}
    if "KG_UPDATE_TOKEN" not in (env or {}):  # the token is given on purpose, never inherited
        environment.pop("KG_UPDATE_TOKEN", None)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    live = Live("127.0.0.1", port, process)
    deadline = time.monotonic() + startup
    try:
        while True:
            if process.poll() is not None:
                out, err = process.communicate()
                raise RuntimeError(f"kg serve exited with {process.returncode}: {err.decode()[-2000:]}")
            try:
                if request(live, "GET", "/sparql?query=ASK%7B%7D", timeout=5).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kg serve did not start in time")
            time.sleep(0.1)
        yield live
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()
