"""Where the index lives, whether it is fresh, and when it is (re)built.

- An embedded store folder ``DIR`` keeps its index in the sibling folder ``DIR.index/`` (never
  inside the Oxigraph folder; ``kg-store.index/`` is in ``.gitignore``).
- A remote store (``http(s)://``) keeps it in a local cache folder keyed by the endpoint:
  ``$KG_INDEX_CACHE`` or ``$XDG_CACHE_HOME/conflict-kg/index`` (``~/.cache/...``), one folder per
  endpoint named by a hash of its URL.
- An in-memory store keeps it in this process, beside the store object.

Each build is a folder named by the store's generation stamp (:mod:`kg.store.generation`) with
the tables as Arrow IPC files; ``CURRENT`` names the newest, replaced atomically, so a reader never
sees half a build. The index is fresh while its stamp is the store's. :func:`event_index` answers
the one question callers ask: the fresh index to use, or ``None`` for the SPARQL path.

Policy (``$KG_INDEX``): ``auto`` (the default) uses an index that exists, rebuilding it when the
store changed; ``on`` also builds one where none exists (an in-memory store included); ``off``
never uses one (every analysis runs its SPARQL, the reference).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import time
import weakref
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.feather as feather

from kg.base.errors import StoreError, UsageError
from kg.base.progress import Stages, no_progress
from kg.index.scan import Tables, scan
from kg.index.table import EventIndex
from kg.store import generation
from kg.store.graph import KnowledgeGraph

log = logging.getLogger(__name__)

#: The environment variable choosing the policy (``auto``, ``on``, ``off``).
POLICY_ENV = "KG_INDEX"
CACHE_ENV = "KG_INDEX_CACHE"
#: Bumped when the tables change shape: an index of another format is rebuilt.
FORMAT = 3
_TABLES = ("events", "pairs", "actors", "concepts")

_memory: weakref.WeakKeyDictionary[KnowledgeGraph, EventIndex] = weakref.WeakKeyDictionary()
_loaded: dict[Path, EventIndex] = {}
_progress: list[Stages] = [no_progress]


def policy() -> str:
    """``auto``, ``on`` or ``off`` from ``$KG_INDEX``.

    :raises UsageError: another value.
    """
    value = (os.environ.get(POLICY_ENV) or "auto").strip().lower()
    if value not in ("auto", "on", "off"):
        raise UsageError(f"{POLICY_ENV}={value!r}: use auto, on or off")
    return value


def show_progress(stages: Stages) -> None:
    """Draw automatic rebuilds with ``stages`` (the command line passes its progress bars)."""
    _progress[0] = stages


def index_folder(kg: KnowledgeGraph) -> Path | None:
    """The folder of ``kg``'s index (``None`` for an in-memory store)."""
    if kg.is_remote:
        base = os.environ.get(CACHE_ENV)
        if base:
            root = Path(base)
        else:
            root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "conflict-kg" / "index"
        key = hashlib.sha256(kg.location.encode("utf-8")).hexdigest()[:16]
        return root / key
    if kg.in_memory:
        return None
    store = Path(kg.location).resolve()
    return store.with_name(store.name + ".index")


def _current(folder: Path) -> tuple[str, Path] | None:
    """The stamp and folder of the newest complete build, if any."""
    try:
        meta = json.loads((folder / "CURRENT").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("format") != FORMAT or not isinstance(meta.get("stamp"), str):
        return None
    build = folder / meta["build"]
    return (meta["stamp"], build) if build.is_dir() else None


def status(kg: KnowledgeGraph) -> dict[str, Any]:
    """Where the index is, its stamp and the store's, whether it is fresh, its size on disk."""
    folder = index_folder(kg)
    stamp = kg.generation()
    if folder is None:
        ix = _memory.get(kg)
        return {"location": "in memory", "exists": ix is not None, "fresh": ix is not None and ix.stamp == stamp,
                "store_stamp": stamp, "index_stamp": ix.stamp if ix else "", "bytes": 0,
                "events": ix.events.num_rows if ix else 0}
    current = _current(folder)
    size = sum(p.stat().st_size for p in current[1].iterdir()) if current else 0
    return {
        "location": str(folder), "exists": current is not None,
        "fresh": current is not None and bool(stamp) and current[0] == stamp,
        "store_stamp": stamp, "index_stamp": current[0] if current else "", "bytes": size,
        "events": _read_meta(current[1]).get("events", 0) if current else 0,
    }


def _read_meta(build: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((build / "meta.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def build_index(kg: KnowledgeGraph, *, progress: Stages = no_progress) -> EventIndex:
    """(Re)build ``kg``'s index from the store (one streaming scan) and keep it beside the store.

    A store without a generation stamp gets one first (a write: the store must be writable).

    :raises StoreError: the store has no stamp yet and was opened read-only, or the index folder
        cannot be written (checked before the scan, which takes minutes on a large store).
    """
    folder = index_folder(kg)
    unstamped = folder is not None and not kg.generation()
    if unstamped and kg.read_only:
        raise StoreError("the store has no generation stamp yet: run 'kg index' once (it writes one) "
                         "to build the analytic index", path=kg.location)
    if folder is not None:
        _check_writable(folder, kg)
    if unstamped:
        kg.update(generation.create_update())
    started = time.perf_counter()
    tables = scan(kg, progress=progress)
    seconds = time.perf_counter() - started
    ix = EventIndex(tables.events, tables.pairs, tables.actors, tables.concepts, tables.stamp)
    if folder is None:
        _memory[kg] = ix
        return ix
    _save(folder, tables, seconds)
    _loaded[folder] = ix
    return ix


def _check_writable(folder: Path, kg: KnowledgeGraph) -> None:
    """Create ``folder`` (and check it can be written), or one line saying how to go on."""
    fix = f"set {CACHE_ENV} to a writable folder" if kg.is_remote else "make the folder beside the store writable"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(folder))
    except OSError as err:
        raise StoreError(f"cannot write the analytic index ({err.strerror or err}): {fix}, or set "
                         f"{POLICY_ENV}=off to analyse with SPARQL", path=str(err.filename or folder)) from None


def _save(folder: Path, tables: Tables, seconds: float) -> None:
    name = f"{tables.stamp[:40] or 'none'}-{os.getpid()}-{time.time_ns()}"
    build = folder / name
    try:
        build.mkdir(parents=True)
        for table in _TABLES:
            # uncompressed: a reader maps the files and touches only the columns it reads (ICEWS18:
            # opened in milliseconds, 343 MB on disk, 17 % of the store; LZ4 took 1.5 s and 430 MB of RAM)
            feather.write_feather(getattr(tables, table), build / f"{table}.arrow", compression="uncompressed")
        meta = {"format": FORMAT, "stamp": tables.stamp, "events": tables.events.num_rows,
                "pairs": tables.pairs.num_rows, "actors": tables.actors.num_rows, "seconds": round(seconds, 3)}
        (build / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        pointer = folder / f"CURRENT.{os.getpid()}.tmp"
        pointer.write_text(json.dumps({"format": FORMAT, "stamp": tables.stamp, "build": name}), encoding="utf-8")
        os.replace(pointer, folder / "CURRENT")
    except OSError as err:
        raise StoreError(f"cannot write the analytic index: {err}", path=str(folder)) from None
    for old in folder.iterdir():  # earlier builds (a reader still mapping one keeps its open files)
        if old.is_dir() and old.name != name and _finished_or_abandoned(old):
            with contextlib.suppress(OSError):
                shutil.rmtree(old)


#: A build folder without its meta.json for this long was left by a build that died.
_ABANDONED_AFTER = 6 * 3600


def _finished_or_abandoned(build: Path) -> bool:
    """A complete earlier build, or one that stopped long ago; not one another process is writing."""
    try:
        return (build / "meta.json").exists() or time.time() - build.stat().st_mtime > _ABANDONED_AFTER
    except OSError:
        return False


def _load(build: Path, stamp: str) -> EventIndex:
    tables = {name: feather.read_table(build / f"{name}.arrow", memory_map=True) for name in _TABLES}
    return EventIndex(tables["events"], tables["pairs"], tables["actors"], tables["concepts"], stamp)


def event_index(kg: KnowledgeGraph, *, build: bool = False) -> EventIndex | None:
    """The fresh index of ``kg`` to analyse with, or ``None`` to use SPARQL.

    A stale index is rebuilt first (drawn by the progress bars of :func:`show_progress`). With
    ``build`` (or ``$KG_INDEX=on``) a missing one is built too. A read-only store that has no
    stamp yet cannot be indexed: ``None``, and a log line saying to run ``kg index``.

    :raises StoreError: an index must be (re)built and its folder cannot be written (one line
        naming it and saying to set ``$KG_INDEX_CACHE``, or ``$KG_INDEX=off`` for SPARQL).
    """
    mode = policy()
    if mode == "off":
        return None
    build = build or mode == "on"
    stamp = kg.generation()
    folder = index_folder(kg)
    if folder is None:
        ix = _memory.get(kg)
        if ix is not None and ix.stamp == stamp:
            return ix
        return build_index(kg, progress=_progress[0]) if build or ix is not None else None
    current = _current(folder)
    if current is not None and stamp and current[0] == stamp:
        cached = _loaded.get(folder)
        if cached is None or cached.stamp != stamp:
            cached = _loaded[folder] = _load(current[1], stamp)
        return cached
    if current is None and not build:
        return None
    if not stamp and kg.read_only:
        log.warning("%s: the analytic index cannot follow this store yet: run 'kg index' once", kg.location)
        return None
    log.info("%s: the analytic index is %s", kg.location, "out of date: rebuilding it" if current else "missing: building it")
    return build_index(kg, progress=_progress[0])


def drop_index(kg: KnowledgeGraph) -> bool:
    """Remove ``kg``'s index (folder or in-memory copy); ``True`` if there was one."""
    folder = index_folder(kg)
    if folder is None:
        return _memory.pop(kg, None) is not None
    _loaded.pop(folder, None)
    if not folder.exists():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def as_table(ix: EventIndex, name: str) -> pa.Table:
    """One of the index's tables by name (``events``, ``pairs``, ``actors``, ``concepts``)."""
    return getattr(ix, name)  # type: ignore[no-any-return]
