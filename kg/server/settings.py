"""The server's settings, declared once: they drive ``kg serve``'s options, defaults and help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from kg.base.namespaces import BASE

UPDATE_TOKEN_ENV = "KG_UPDATE_TOKEN"
MIN_TOKEN_LENGTH = 16


def _opt(default: Any, help: str, metavar: str | None = None) -> Any:  # noqa: A002
    return field(default=default, metadata={"help": help, "metavar": metavar})


@dataclass(frozen=True)
class Settings:
    """How ``kg serve`` behaves. Safe by default: loopback, read-only, bounded queries.

    >>> Settings().timeout, Settings().host
    (30.0, '127.0.0.1')
    >>> Settings(port=8123).public, Settings().hosts[:2]
    ('http://127.0.0.1:8123/', ['127.0.0.1', '::1'])
    """

    host: str = _opt("127.0.0.1", "Interface to listen on (a non-loopback address exposes the endpoint).", "HOST")
    port: int = _opt(8000, "TCP port.", "PORT")
    base: str = _opt(BASE, "IRI namespace of the store's resources and graphs: /id/... and /graph/... paths map to it "
                     "(serve a store whose data use a deployment's own IRIs; the ontology stays at its own IRI).", "IRI")
    update_token: str | None = _opt(
        None, f"Enable SPARQL Update for clients sending 'Authorization: Bearer TOKEN' (env {UPDATE_TOKEN_ENV}).", "TOKEN"
    )
    timeout: float = _opt(30.0, "Stop a query after this many seconds and answer 503.", "SECONDS")
    queue_wait: float = _opt(
        60.0, "Seconds a query waits in line for a free worker (all --max-concurrent busy) before 503 'busy'.", "SECONDS"
    )
    max_rows: int = _opt(10_000, "Most rows (or triples) a result carries; the rest is cut (header KG-Truncated).", "N")
    max_body: int = _opt(1_000_000, "Largest request body accepted, in bytes (413 above).", "BYTES")
    max_concurrent: int = _opt(
        max(2, os.cpu_count() or 2), "Queries running at once (one worker process each); more wait in line.", "N"
    )
    cors: str | None = _opt(None, "Allow cross-origin queries from this origin ('*' for any); never on updates.", "ORIGIN")
    max_result_bytes: int = _opt(50_000_000, "Largest response body, in bytes: results are cut below it (header KG-Truncated).", "BYTES")
    max_memory: int = _opt(2_000_000_000, "Address space of each worker process, in bytes (RLIMIT_AS); past it the job fails with 503.", "BYTES")
    max_nesting: int = _opt(100, "Deepest nesting of { ( [ in a query or update (400 above; checked before parsing).", "N")
    max_connections: int = _opt(64, "Open connections at once; more are answered 503.", "N")
    header_timeout: float = _opt(10.0, "Seconds a client has to send its request headers, and its body, and to read each part of the response.", "SECONDS")
    allowed_host: tuple[str, ...] = _opt((), "Host header accepted (repeat for several); default: the --host address, localhost, 127.0.0.1 and ::1.", "HOST")
    public_url: str | None = _opt(None, "URL clients reach this server at, for VoID and the service description (default http://HOST:PORT/).", "URL")
    include_restricted: bool = _opt(
        False, "Also serve named graphs not marked redistributable (ckg:redistributable true); by default they are left "
               "out of every query, page and dump, and VoID and a KG-Withheld header say so.", None)
    publisher: str = _opt(BASE, "IRI of who publishes this deployment (VoID dcterms:publisher).", "IRI")
    sandbox: bool = _opt(True, "Run query workers without network access (Linux network namespace) and with --max-memory.", None)

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            object.__setattr__(self, "base", self.base + "/")
        if self.timeout <= 0 or self.queue_wait <= 0 or self.max_rows < 1 or self.max_body < 1 or self.max_concurrent < 1:
            raise ValueError("timeout, queue_wait, max_rows, max_body and max_concurrent must be positive")
        if self.update_token is not None and len(self.update_token) < MIN_TOKEN_LENGTH:
            raise ValueError(f"the update token must be at least {MIN_TOKEN_LENGTH} characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe())')")
        if self.public_url is not None and not self.public_url.endswith("/"):
            object.__setattr__(self, "public_url", self.public_url + "/")
        object.__setattr__(self, "allowed_host", tuple(self.allowed_host))

    @property
    def public(self) -> str:
        """Where clients reach the server (VoID, service description): never taken from a request."""
        if self.public_url:
            return self.public_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def hosts(self) -> list[str]:
        """Host header values accepted (DNS rebinding guard)."""
        return list(self.allowed_host) if self.allowed_host else sorted({self.host, "localhost", "127.0.0.1", "[::1]", "::1"})

    @property
    def updates_enabled(self) -> bool:
        return bool(self.update_token)

    @classmethod
    def options(cls) -> list[tuple[str, Any, str, str | None]]:
        """(name, default, help, metavar) for every setting, in declaration order."""
        return [(f.name, f.default, f.metadata["help"], f.metadata["metavar"]) for f in fields(cls)]


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0"), is_loopback("localhost")
    (True, True, False, True)
    """
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
