"""`partwatch serve`: the same dashboard in a browser, through textual-serve.

textual-serve answers `/` with a page whose script opens a websocket (`/ws`); for each browser
session it starts a shell command that runs a Textual app and relays its screen and keys. Our
command runs this very installation (`sys.executable -P -m partwatch`) with the config file and
database this invocation resolved, as absolute paths, so every session sees what `partwatch tui`
would here. Sessions are separate processes on one database, like a cron poll beside the TUI.

There is no authentication: whoever reaches the port drives the dashboard (polls, answers
questions, writes export files on this machine). So it binds loopback by default, and binding
anything else prints a warning that cannot be missed. Everything that can fail before serving
(the config, the database, the --public-url, the host, the port) is checked first and is one
line and exit 2, like every other command.
"""

from __future__ import annotations

import errno
import ipaddress
import shlex
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from partwatch.commands.common import UsageProblem, load, plain
from partwatch.commands.tui import check_database
from partwatch.config import Config

TITLE = "partwatch"

WARNING = """\
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!! WARNING: partwatch serve listens on {where}, which is not loopback.
!! There is NO authentication: anyone who can reach this port controls the dashboard
!! (polls, answers questions, marks watch items seen, writes export files on this machine).
!! Bind 127.0.0.1 and put a reverse proxy with authentication in front (README: "Serving the
!! dashboard in a browser").
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"""


def dashboard_command(config: Config) -> str:
    """The shell command textual-serve runs per session: this Python, this config, this database.

    `-P` keeps the working folder off sys.path, so a folder named partwatch there cannot stand in
    for the installed package."""
    args = [sys.executable, "-P", "-m", "partwatch"]
    if config.path is not None:
        args += ["--config", str(Path(config.path).resolve())]
    args += ["--db", str(Path(config.db_path).resolve()), "tui"]
    return shlex.join(args)


def addresses(host: str, port: int) -> list[tuple[Any, ...]]:
    """What binding `host` means: every (family, sockaddr) it resolves to, as the server will bind."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageProblem(f"--host {plain(host)!r}: cannot resolve it ({exc}); "
                           "use an address such as 127.0.0.1") from None
    return [(family, sockaddr) for family, _type, _proto, _name, sockaddr in infos]


def is_loopback(bound: list[tuple[Any, ...]]) -> bool:
    """True when every address the host resolves to is loopback (127.0.0.0/8, ::1)."""
    return bool(bound) and all(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]).is_loopback
                               for _family, sockaddr in bound)


def check_port_free(host: str, port: int, bound: list[tuple[Any, ...]]) -> None:
    """Bind (and release) each address as aiohttp will, so a busy port is one line, not a traceback.

    A race with another program taking the port between this check and the server's bind is
    still caught: serve() turns the server's OSError into the same line."""
    for family, sockaddr in bound:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(sockaddr)
            except OSError as exc:
                raise UsageProblem(bind_problem(host, port, exc)) from None


def bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"{plain(host)}:{port}: the port is already in use; choose another with --port"
    if exc.errno == errno.EACCES:
        return f"{plain(host)}:{port}: not allowed to listen there; choose a port above 1023 with --port"
    return f"{plain(host)}:{port}: cannot listen there ({exc.strerror or exc}); check --host and --port"


def public_url(given: str | None, host: str, port: int) -> str:
    """The URL browsers use to reach the server (textual-serve builds the websocket URL from it)."""
    if given is None:
        shown = f"[{host}]" if ":" in host else (host or "0.0.0.0")
        return f"http://{shown}:{port}"
    parts = urlsplit(given.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise UsageProblem(f"--public-url {plain(given)!r}: give the address browsers use, such as "
                           "https://partwatch.example.org or https://example.org/partwatch")
    return given.strip().rstrip("/")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback exposes the dashboard without a password.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--public-url", "public_url_option", metavar="URL", default=None,
              help="The URL browsers use, when a reverse proxy serves this at another address "
                   "(e.g. https://example.org/partwatch).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, public_url_option: str | None) -> None:
    """Serve the dashboard in a browser (textual-serve), on 127.0.0.1:8000 by default.

    Each browser tab runs its own dashboard on this config and database. There is no
    authentication: keep it on loopback, behind a reverse proxy that asks for one.
    """
    config = load(ctx)
    check_database(config)
    url = public_url(public_url_option, host, port)
    bound = addresses(host, port)
    if not is_loopback(bound):
        click.echo(click.style(WARNING.format(where=f"{plain(host) or '*'}:{port}"), fg="red", bold=True),
                   err=True)
        if public_url_option is None:
            click.echo("partwatch: browsers on other machines also need --public-url "
                       f"http://ADDRESS:{port} (the address they reach this machine at)", err=True)
    check_port_free(host, port, bound)
    run_server(dashboard_command(config), host, port, url,
               note="ctrl+c stops" if is_loopback(bound) else "NO AUTHENTICATION; ctrl+c stops")


def run_server(command: str, host: str, port: int, url: str, note: str) -> None:
    """Serve until ctrl+c or SIGTERM (textual-serve stops gracefully on both)."""
    from textual_serve.server import Server

    class QuietServer(Server):
        """textual-serve with our one startup line in place of its banner."""

        async def on_startup(self, app: Any) -> None:
            click.echo(f"partwatch: serving the dashboard at {self.public_url} ({note})", err=True)

    server = QuietServer(command, host=host, port=port, title=TITLE, public_url=url)
    try:
        server.serve()
    except OSError as exc:
        raise UsageProblem(bind_problem(host, port, exc)) from None
