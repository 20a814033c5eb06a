"""``kg serve``: the SPARQL endpoint and linked-data pages on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import click

from kg.base.errors import UsageError
from kg.server.settings import UPDATE_TOKEN_ENV, Settings, is_loopback
from kg.store.graph import KnowledgeGraph


def settings_options(f: Any) -> Any:
    """One option per :class:`Settings` field, with its default and help (declared once there)."""
    for name, default, help_text, metavar in reversed(Settings.options()):
        extra: dict[str, Any] = {}
        if name == "update_token":
            extra = {"envvar": UPDATE_TOKEN_ENV, "show_envvar": True}
        if name == "sandbox":
            f = click.option("--sandbox/--no-sandbox", "sandbox", default=True, show_default=True, help=help_text)(f)
            continue
        if name == "include_restricted":
            f = click.option("--include-restricted", name, is_flag=True, default=False, help=help_text)(f)
            continue
        if name == "allowed_host":
            f = click.option("--allowed-host", name, multiple=True, metavar=metavar, help=help_text)(f)
            continue
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
            show_default=name not in ("update_token", "cors", "max_concurrent", "public_url"),
            metavar=metavar,
            help=help_text,
            **extra,
        )(f)
    return f


def _token_from_command_line() -> bool:
    """Whether --update-token was typed on the command line (visible to every user in ps)."""
    import sys

    return any(arg == "--update-token" or arg.startswith("--update-token=") for arg in sys.argv)


class _HeaderTimeout:
    """uvicorn's h11 protocol with a deadline for each request's headers (slow-loris guard)."""

    @staticmethod
    def protocol(seconds: float) -> Any:
        import h11
        from uvicorn.protocols.http.h11_impl import H11Protocol

        class Protocol(H11Protocol):  # type: ignore[misc]
            def connection_made(self, transport: Any) -> None:
                super().connection_made(transport)
                self._arm()
                self._evict_one()

            def _waits_on_client(self) -> bool:
                """Waiting for request headers or body, or for the client to read the response."""
                return self.conn.their_state in (h11.IDLE, h11.SEND_BODY) or bool(self.flow and self.flow.write_paused)

            def _evict_one(self) -> None:
                # At --max-connections, drop the oldest connection that is waiting on its client
                # (slow headers, slow body, unread response) rather than answer 503 to everyone.
                limit = self.limit_concurrency
                if limit is None or len(self.connections) < limit:
                    return
                waiting = [c for c in list(self.connections) if c is not self and isinstance(c, Protocol) and c._waits_on_client()]
                if waiting:
                    oldest = min(waiting, key=lambda c: c._opened)
                    self.connections.discard(oldest)
                    oldest.transport.close()

            _opened = 0.0

            def _arm(self) -> None:
                if not self._opened:
                    self._opened = self.loop.time()
                self._header_deadline = self.loop.call_later(seconds, self._headers_late)

            def _headers_late(self) -> None:
                if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                    self.transport.close()  # no complete request headers in time

            def on_response_complete(self) -> None:
                super().on_response_complete()
                self._header_deadline.cancel()
                self._arm()

            def connection_lost(self, exc: Exception | None) -> None:
                self._header_deadline.cancel()
                super().connection_lost(exc)

        return Protocol


@click.command("serve")
@settings_options
@click.pass_context
def serve_command(ctx: click.Context, **options: Any) -> None:
    """Serve the store: SPARQL 1.1 endpoint at /sparql, resource pages at /id/..., a query page at /.

    Read-only and on 127.0.0.1 unless told otherwise. SERVICE, LOAD and remote or
    file: graphs are refused; every request's work runs in worker processes without network,
    stopped at --timeout, capped at --max-rows, --max-result-bytes and --max-memory.
    Updates need KG_UPDATE_TOKEN (16+ characters) and 'Authorization: Bearer TOKEN'; with it, a
    --store folder that holds no store yet starts empty (without it, that is an error).

    Example: kg serve --port 8000
    """
    import uvicorn

    from kg.server import create_app

    try:
        settings = Settings(**options)
    except ValueError as err:
        raise UsageError(str(err)) from None
    # a server that takes updates may start on a new, empty store (loaded through SPARQL Update);
    # a read-only one on a folder without a store is a mistyped --store
    kg: KnowledgeGraph = ctx.obj["store"].get(create=settings.updates_enabled)
    if settings.update_token and _token_from_command_line():
        click.echo(f"Warning: --update-token on the command line is visible to other users (ps); set {UPDATE_TOKEN_ENV} instead", err=True)
    if settings.updates_enabled:
        import logging

        audit = logging.getLogger("kg.server.audit")
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s audit %(message)s"))
        audit.addHandler(handler)
        audit.setLevel(logging.INFO)
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
    if not settings.include_restricted:
        from kg.read.licences import graph_licences

        withheld = [g.graph for g in graph_licences(kg) if not g.redistributable]
        if withheld:
            click.echo(f"Withholding {len(withheld)} graph{'s' if len(withheld) != 1 else ''} not marked redistributable "
                       "(listed in /.well-known/void); --include-restricted serves them", err=True)
    app = create_app(kg, settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        server_header=False,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=min(5, int(settings.header_timeout) or 1),
        http=_HeaderTimeout.protocol(settings.header_timeout),
        proxy_headers=False,  # X-Forwarded-For from a local client would pick its own address (rate limit, audit)
    )
