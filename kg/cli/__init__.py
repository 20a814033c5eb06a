"""The ``kg`` command line: one group; each command parses options, calls one library
function and formats its result. The only package that imports click."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar

import click

import kg
from kg.base.errors import KGError
from kg.store.graph import DEFAULT_STORE, STORE_ENV, KnowledgeGraph

F = TypeVar("F", bound=Callable[..., Any])


class KGGroup(click.Group):
    """Turns library errors into one line on stderr and an exit code (1 data, 2 usage)."""

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
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as err:  # an unexpected failure: still one line unless --debug
            if _debug(ctx):
                raise
            click.echo(f"Error: {type(err).__name__}: {err} (run with --debug for the traceback)", err=True)
            ctx.exit(1)


def _debug(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("debug")) or "--debug" in sys.argv


class StoreHandle:
    """Opens the store on first use, so ``--help`` never touches the disk."""

    def __init__(self, location: str, *, update_url: str | None = None, graph_store_url: str | None = None) -> None:
        self.location = location
        self.urls = {"update_url": update_url, "graph_store_url": graph_store_url}
        self._kg: KnowledgeGraph | None = None

    def get(self) -> KnowledgeGraph:
        if self._kg is None:
            self._kg = kg.open(self.location, **self.urls)
        return self._kg

    def close(self) -> None:
        if self._kg is not None:
            self._kg.close()


def pass_kg(f: F) -> F:
    """Give a command the opened KnowledgeGraph as its first argument."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return ctx.invoke(f, ctx.obj["store"].get(), *args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar=STORE_ENV,
    default=DEFAULT_STORE,
    show_default=True,
    metavar="PATH",
    help=f"Store folder (embedded Oxigraph), :memory:, or a SPARQL server's query URL. Env: {STORE_ENV}.",
)
@click.option("--update-url", envvar="KG_UPDATE_URL", metavar="URL", help="Remote store: SPARQL Update endpoint (default: derived).")
@click.option("--graph-store-url", envvar="KG_GRAPH_STORE_URL", metavar="URL", help="Remote store: Graph Store Protocol endpoint (default: derived).")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.version_option(kg.__version__, prog_name="kg")
@click.pass_context
def main(ctx: click.Context, store: str, update_url: str | None, graph_store_url: str | None, debug: bool) -> None:
    """conflict-kg: a temporal knowledge graph of armed-conflict actors and events.

    Start with `kg demo`. Every command works on the store named by --store: a folder
    (embedded Oxigraph, the default ./kg-store), :memory:, or a SPARQL 1.1 server's query
    URL (credentials from KG_STORE_TOKEN or KG_STORE_USER/KG_STORE_PASSWORD).
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handle = StoreHandle(store, update_url=update_url, graph_store_url=graph_store_url)
    ctx.obj = {"store": handle, "debug": debug}
    ctx.call_on_close(handle.close)


from kg.cli import (  # noqa: E402,F401
    analyze_cmd,
    build_cmd,
    demo_cmd,
    export_cmd,
    import_cmd,
    lookups_cmd,
    query_cmd,
    reconcile_cmd,
    serve_cmd,
    time_cmd,
    viz_cmd,
)
