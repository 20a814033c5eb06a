"""What every command module shares: the error-handling group, the lazy group, the store handle
and :func:`pass_kg`. Command modules import from here, never from the ``kg.cli`` package,
which imports them only on demand (see :class:`LazyGroup`).

Cheap to import: click, the standard library and :mod:`kg.base.errors`; the store is opened on
first use.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import update_wrapper
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.base.errors import KGError

if TYPE_CHECKING:
    from kg.store.graph import KnowledgeGraph

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger(__name__)

INTERRUPTED = 130  # the shell's code for a command ended by SIGINT (128 + 2)


class KGGroup(click.Group):
    """Turns library errors into one line on stderr and an exit code (1 data, 2 usage, 130 Ctrl-C)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as err:
            if _debug(ctx):
                raise
            click.echo(f"Error: {err}", err=True)
            ctx.exit(err.exit_code)
        except click.UsageError as err:  # one line, like every other error
            if _debug(ctx):
                raise
            where = f" (see: {err.ctx.command_path} --help)" if err.ctx else ""
            click.echo(f"Error: {err.format_message()}{where}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:  # Ctrl-C: writes are staged, so an interrupted one left nothing
            if _debug(ctx):
                raise
            click.echo("Interrupted (Ctrl-C): a write in progress was rolled back; the store is as it was.", err=True)
            ctx.exit(INTERRUPTED)
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as err:  # an unexpected failure: still one line unless --debug
            if _debug(ctx):
                raise
            click.echo(f"Error: {type(err).__name__}: {err} (run with --debug for the traceback)", err=True)
            ctx.exit(1)


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug")) or "--debug" in sys.argv


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives (``module:attribute``) and its one-line help for ``kg --help``.

    ``help`` must equal the command's own short help (the first sentence of its
    docstring); a test compares them, so the listing cannot drift.
    """

    target: str
    help: str

    def load(self) -> click.Command:
        module, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


class LazyGroup(KGGroup):
    """A group whose commands are imported on first use (click's "lazily loading subcommands").

    ``kg --help`` lists the commands from their registered one-line help without importing
    any command module; ``kg query ...`` imports only ``kg.cli.query_cmd``.
    """

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            log.debug("loading command %s from %s", cmd_name, self.lazy_commands[cmd_name].target)
            self.add_command(self.lazy_commands[cmd_name].load(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, from the registry for commands not loaded yet (nothing is imported)."""
        entries = [
            (name, self.commands.get(name) or click.Command(name, help=self.lazy_commands[name].help))
            for name in self.list_commands(ctx)
        ]
        entries = [(name, command) for name, command in entries if not command.hidden]
        if not entries:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in entries)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in entries])


class StoreHandle:
    """Opens the store on first use, so ``--help`` never touches the disk.

    ``location`` None: :func:`kg.open`'s default (``$KG_STORE``, else ``./kg-store``).
    """

    def __init__(
        self,
        location: str | None,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        wait: float | None = None,
    ) -> None:
        self.location = location
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.wait = wait
        self._kg: KnowledgeGraph | None = None

    def get(self, *, write: bool = False, create: bool = False) -> KnowledgeGraph:
        """The store: a read-only view beside any writer, or (``write``) opened for writing,
        waiting up to ``--wait`` seconds for another writer to finish. A read-only view of a
        folder without a store is refused unless ``create`` (then it starts empty)."""
        if self._kg is None:
            import kg

            if not write and not create:
                self._refuse_missing()
            self._kg = kg.open(
                self.location, update_url=self.update_url, graph_store_url=self.graph_store_url,
                read_only=not write, wait=self.wait,
            )
        return self._kg

    def _refuse_missing(self) -> None:
        """A reading command on a folder without a store: one line, not a new empty store (a
        mistyped --store would otherwise answer every question with nothing)."""
        from pathlib import Path

        from kg.base.errors import StoreError
        from kg.store.graph import MEMORY, default_location

        where = self.location or default_location()
        if where != MEMORY and "://" not in where and not (Path(where) / "CURRENT").exists():
            raise StoreError(f"the store {where} does not exist: build it with `kg --store {where} build` "
                             f"or import data with `kg --store {where} import acled FILE`")

    def close(self) -> None:
        if self._kg is not None:
            self._kg.close()


def pass_kg(f: F) -> F:
    """Give a reading command the store, opened read-only (it runs beside ``kg serve`` or an import)."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.obj["store"].get(), *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def pass_writable_kg(f: F) -> F:
    """Give a writing command the store, opened for writing (one writer at a time; see ``--wait``)."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.obj["store"].get(write=True), *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]
