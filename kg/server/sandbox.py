"""Confinement of a worker process: no network, a memory cap (Linux; best effort elsewhere).

- **No network**: the worker enters a new, empty network namespace (``unshare(CLONE_NEWNET)``,
  or with a user namespace when not privileged). It has no interface but a loopback that is
  down, so even a SERVICE or LOAD that got past the parser check cannot connect anywhere, not
  even to 127.0.0.1. Its pipe to the server was opened before and keeps working.
- **Memory**: ``RLIMIT_AS`` caps the worker's address space (``--max-memory``); an allocation
  past it fails in the worker (which answers 503 or dies and is replaced), never in the server.

Both are applied before the worker opens the store or starts a thread. :func:`confine`
returns what it could apply, for the log and ``/sparql`` service description.
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def isolate_network() -> str:
    """Move this process into an empty network namespace; '' on success, else the reason."""
    if not sys.platform.startswith("linux"):
        return f"not available on {sys.platform}"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as err:
        return f"libc not found ({err})"
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return ""
    return f"unshare refused ({os.strerror(ctypes.get_errno())})"


def limit_memory(max_bytes: int | None) -> str:
    """Cap this process's address space at ``max_bytes``; '' on success, else the reason."""
    if not max_bytes:
        return "no limit set"
    try:
        import resource
    except ImportError:
        return "no resource module on this platform"
    try:
        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    except (ValueError, OSError) as err:
        return f"setrlimit refused ({err})"
    return ""


def confine(*, network: bool, max_memory: int | None) -> dict[str, str]:
    """Apply both; returns {"network": reason or "", "memory": reason or ""} ('' = applied)."""
    return {
        "network": isolate_network() if network else "disabled (--no-sandbox)",
        "memory": limit_memory(max_memory),
    }
