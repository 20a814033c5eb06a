"""The server's settings, declared once: they drive ``kg serve``'s options, defaults and help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from kg.base.namespaces import BASE

UPDATE_TOKEN_ENV = "KG_UPDATE_TOKEN"


def _opt(default: Any, help: str, metavar: str | None = None) -> Any:  # noqa: A002
    return field(default=default, metadata={"help": help, "metavar": metavar})


@dataclass(frozen=True)
class Settings:
    """How ``kg serve`` behaves. Safe by default: loopback, read-only, bounded queries.

    >>> Settings().timeout, Settings().host
    (30.0, '127.0.0.1')
    """

    host: str = _opt("127.0.0.1", "Interface to listen on (a non-loopback address exposes the endpoint).", "HOST")
    port: int = _opt(8000, "TCP port.", "PORT")
    base: str = _opt(BASE, "Base IRI of the dataset's resources: request paths map to it (e.g. /id/actor/isis).", "IRI")
    update_token: str | None = _opt(
        None, f"Enable SPARQL Update for clients sending 'Authorization: Bearer TOKEN' (env {UPDATE_TOKEN_ENV}).", "TOKEN"
    )
    timeout: float = _opt(30.0, "Stop a query after this many seconds and answer 503.", "SECONDS")
    max_rows: int = _opt(10_000, "Most rows (or triples) a result carries; the rest is cut (header KG-Truncated).", "N")
    max_body: int = _opt(1_000_000, "Largest request body accepted, in bytes (413 above).", "BYTES")
    max_concurrent: int = _opt(
        max(2, os.cpu_count() or 2), "Queries running at once (one worker process each); more wait in line.", "N"
    )
    cors: str | None = _opt(None, "Allow cross-origin queries from this origin ('*' for any); never on updates.", "ORIGIN")

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            object.__setattr__(self, "base", self.base + "/")
        if self.timeout <= 0 or self.max_rows < 1 or self.max_body < 1 or self.max_concurrent < 1:
            raise ValueError("timeout, max_rows, max_body and max_concurrent must be positive")

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
