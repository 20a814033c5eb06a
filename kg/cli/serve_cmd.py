"""``kg serve``: the SPARQL endpoint and linked-data pages on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import click

from kg.base.errors import UsageError
from kg.cli import main, pass_kg
from kg.server.settings import UPDATE_TOKEN_ENV, Settings, is_loopback
from kg.store.graph import KnowledgeGraph


def settings_options(f: Any) -> Any:
    """One option per :class:`Settings` field, with its default and help (declared once there)."""
    for name, default, help_text, metavar in reversed(Settings.options()):
        extra: dict[str, Any] = {}
        if name == "update_token":
            extra = {"envvar": UPDATE_TOKEN_ENV, "show_envvar": True}
        if name == "port":
            kind: Any = click.IntRange(0, 65535)
        elif isinstance(default, int):
            kind = click.IntRange(min=1)
        elif isinstance(default, float):
            kind = click.FloatRange(min=0, min_open=True)
        else:
            kind = str
        f = click.option(
            "--" + name.replace("_", "-"),
            name,
            type=kind,
            default=default,
            show_default=name not in ("update_token", "cors", "max_concurrent"),
            metavar=metavar,
            help=help_text,
            **extra,
        )(f)
    return f


@main.command("serve")
@settings_options
@pass_kg
def serve_command(kg: KnowledgeGraph, **options: Any) -> None:
    """Serve the store: SPARQL 1.1 endpoint at /sparql, resource pages at /id/..., a query page at /.

    Read-only and on 127.0.0.1 unless told otherwise. SERVICE, LOAD and remote or
    file: graphs are refused; queries stop at --timeout and return at most --max-rows.
    Updates need --update-token (or KG_UPDATE_TOKEN) and 'Authorization: Bearer TOKEN'.

    Example: kg serve --port 8000
    """
    import uvicorn

    from kg.server import create_app

    try:
        settings = Settings(**options)
    except ValueError as err:
        raise UsageError(str(err)) from None
    if kg.location == ":memory:":
        click.echo("Warning: serving an in-memory store: queries cannot be stopped at --timeout (use a store folder)", err=True)
    if not is_loopback(settings.host):
        click.echo(
            f"Warning: --host {settings.host} accepts connections from other machines; "
            "the endpoint has no authentication for queries",
            err=True,
        )
    mode = "updates allowed with the token" if settings.updates_enabled else "read-only"
    click.echo(f"Serving {kg.location} at http://{settings.host}:{settings.port}/ (SPARQL endpoint /sparql, {mode}); Ctrl-C stops")
    app = create_app(kg, settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", server_header=False)
