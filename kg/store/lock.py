"""One writer, any number of readers, on a store folder.

Oxigraph (RocksDB) lets one process open a folder for writing; any number of others can open
it read-only (:func:`pyoxigraph.Store.read_only`) at the same time, each seeing the store as it
was when it opened it. This module adds what RocksDB does not say:

- **who writes**: a writer holds an exclusive ``flock`` on ``kg-writer.lock`` in the folder and
  records its pid, command line (secrets masked), host and start time in it. The lock dies with
  the process, so a stale file never blocks anybody: its contents are believed only while the
  lock is held. A second writer waits for it up to ``wait`` seconds (``KG_WAIT``, default
  :data:`DEFAULT_WAIT`), then fails with one line naming the holder.
- **whether it changed**: :func:`version` fingerprints the folder (a counter the kg writers
  bump after each write in ``kg-version``, plus the sizes and times of RocksDB's write-ahead
  logs and manifest, so writes by any program count). A read-only handle compares it with the
  fingerprint it opened at and reopens (:meth:`kg.store.graph.KnowledgeGraph.refresh`).

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> lock = WriterLock.acquire(folder, wait=0)
>>> holder(folder).pid == os.getpid()
True
>>> lock.release()
>>> holder(folder) is None
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kg.base.errors import StoreError, UsageError

LOCK_FILE = "kg-writer.lock"
VERSION_FILE = "kg-version"
WAIT_ENV = "KG_WAIT"
#: Seconds a writer waits for another writer by default.
DEFAULT_WAIT = 5.0
_POLL = 0.1

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def wait_seconds(wait: float | None = None) -> float:
    """``wait`` if given, else ``$KG_WAIT``, else :data:`DEFAULT_WAIT`.

    :raises UsageError: if ``KG_WAIT`` is not a number of seconds.
    """
    if wait is not None:
        return max(0.0, float(wait))
    text = os.environ.get(WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_WAIT
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{WAIT_ENV}={text!r}: give a number of seconds to wait for another writer") from None
    if value < 0 or value != value:  # negative or NaN
        raise UsageError(f"{WAIT_ENV}={text!r}: give a number of seconds (0 or more)")
    return value


@dataclass(frozen=True)
class Holder:
    """The process that holds a store for writing (as it recorded itself)."""

    pid: int | None
    command: str
    host: str
    since: str

    def describe(self) -> str:
        """``pid 4242 (kg import icews x.txt) since 2024-05-01 10:02:03``, with the host when not this one."""
        who = f"pid {self.pid}" if self.pid else "another process"
        if self.host and self.host != socket.gethostname():
            who += f" on {self.host}"
        if self.command:
            who += f" ({self.command})"
        return who + (f" since {self.since}" if self.since else "")


def holder(folder: str | os.PathLike[str]) -> Holder | None:
    """Who holds ``folder`` for writing now, or ``None`` if nobody does (a leftover file is ignored)."""
    path = Path(folder) / LOCK_FILE
    try:
        handle = path.open("r+" if sys.platform == "win32" else "r", encoding="utf-8")  # flock needs no write access
    except OSError:
        return None
    with handle:
        if _try_lock(handle):  # nobody holds it: whatever the file says is stale
            _unlock(handle)
            return None
        handle.seek(0)
        return _parse(handle.read())


def _parse(text: str) -> Holder:
    try:
        data = json.loads(text)
        pid = int(data.get("pid")) if data.get("pid") else None
        return Holder(pid, str(data.get("command", "")), str(data.get("host", "")), str(data.get("since", "")))
    except (ValueError, TypeError, AttributeError):  # written half-way or by something else
        return Holder(None, "", "", "")


_SECRET_OPTION = re.compile(r"^--?[\w-]*(token|password|passwd|secret|key)[\w-]*$", re.I)
_SECRET_ASSIGN = re.compile(r"^(--?[\w-]*(?:token|password|passwd|secret|key)[\w-]*=).+$", re.I)
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def command_line(argv: list[str] | None = None) -> str:
    """The command as the user typed it, for the lock file: option values that look secret masked.

    >>> command_line(["/x/bin/kg", "serve", "--update-token", "s3cret", "--pass=abc", "--api-key=k", "http://u:p@h/q"])
    'kg serve --update-token *** --pass=abc --api-key=*** http://***@h/q'
    """
    argv = list(sys.argv if argv is None else argv)
    if argv:
        argv[0] = os.path.basename(argv[0]) or argv[0]
        if argv[0] in ("__main__.py", "-c") or argv[0].endswith(".py"):
            argv[0] = f"{os.path.basename(sys.executable)} {argv[0]}"
    shown: list[str] = []
    hide_next = False
    for arg in argv:
        if hide_next:
            shown.append("***")
            hide_next = False
            continue
        if _SECRET_OPTION.match(arg):
            hide_next = True
            shown.append(arg)
            continue
        arg = _SECRET_ASSIGN.sub(r"\1***", arg)
        shown.append(_USERINFO.sub("***@", arg))
    text = " ".join(shown)
    return text if len(text) <= 200 else text[:197] + "..."


class WriterLock:
    """The exclusive right to write a store folder, held until :meth:`release` (or the process ends)."""

    def __init__(self, folder: Path, handle: IO[str]) -> None:
        self.folder = folder
        self._handle: IO[str] | None = handle

    @classmethod
    def acquire(cls, folder: str | os.PathLike[str], *, wait: float | None = None) -> WriterLock:
        """Take the folder's writer lock, waiting up to ``wait`` seconds for another writer.

        :raises StoreError: naming the holder when the wait runs out.
        """
        seconds = wait_seconds(wait)
        path = Path(folder)
        try:
            path.mkdir(parents=True, exist_ok=True)
            handle = (path / LOCK_FILE).open("a+", encoding="utf-8")
        except OSError as err:
            raise StoreError(f"cannot open the store for writing: {err.strerror or err}", path=str(path)) from None
        deadline = time.monotonic() + seconds
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                handle.seek(0)
                who = _parse(handle.read())
                handle.close()
                raise StoreError(busy_message(who.describe(), seconds), path=str(path))
            time.sleep(_POLL)
        info = {
            "pid": os.getpid(),
            "command": command_line(),
            "host": socket.gethostname(),
            "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):  # the lock holds even if the note cannot be written
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(info) + "\n")
            handle.flush()
        return cls(path, handle)

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        """Give the lock up (safe to call twice). The file stays: removing a locked file races."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            _unlock(handle)
        handle.close()

    def __del__(self) -> None:
        self.release()


def busy_message(who: str, waited: float) -> str:
    """The one line a writer gets when another writer keeps the store."""
    wait = f"waited {waited:g} s" if waited else "did not wait"
    return (
        f"the store is being written by {who}; {wait}: try again when it is done, or wait longer "
        f"with --wait SECONDS ({WAIT_ENV}); read commands can run meanwhile"
    )


# -- versions ----------------------------------------------------------------------------


def version(folder: str | os.PathLike[str]) -> str:
    """A fingerprint of the store's contents: it changes whenever anything was written.

    Cheap (one directory listing): compare it with an earlier value to know whether a
    read-only view is out of date. Spurious changes (a writer opening, a compaction) are
    possible; missed ones are not, for writes by kg or any other program.
    """
    path = Path(folder)
    parts: list[str] = []
    try:
        parts.append((path / VERSION_FILE).read_text(encoding="utf-8").strip())
    except OSError:
        parts.append("-")
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return "missing"
    for entry in entries:
        name = entry.name
        if name.endswith(".log") or name.startswith(("MANIFEST-", "CURRENT")):
            try:
                stat = entry.stat()
            except OSError:
                continue
            parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def bump(folder: str | os.PathLike[str]) -> None:
    """Record that a write finished (writers only): readers comparing :func:`version` see a change."""
    path = Path(folder) / VERSION_FILE
    try:
        count = int(path.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        count = 0
    temporary = path.with_name(f"{VERSION_FILE}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):  # a reader falls back on RocksDB's own files
        temporary.write_text(f"{count + 1} {time.time_ns()} {os.getpid()}\n", encoding="utf-8")
        os.replace(temporary, path)


def rocksdb_lock_owner(folder: str | os.PathLike[str]) -> int | None:
    """The pid holding RocksDB's own ``LOCK`` in ``folder`` (Linux ``/proc/locks``), if any."""
    try:
        inode = os.stat(Path(folder) / "LOCK").st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        # "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (blocked waiters carry "->")
        if "->" in fields or len(fields) < 6:
            continue
        try:
            if int(fields[5].rsplit(":", 1)[1]) == inode:
                return int(fields[4])
        except (ValueError, IndexError):
            continue
    return None


def process_command(pid: int) -> str:
    """A process's command line (Linux), masked like :func:`command_line`, or ``""``."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return command_line([part.decode("utf-8", "replace") for part in raw.split(b"\0") if part])
