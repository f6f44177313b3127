"""`partwatch serve`: the dashboard over HTTP and a websocket, loopback by default, loud otherwise.

The first test runs the real command in a subprocess on a free loopback port, fetches the page,
then opens the websocket the page names and reads the dashboard's first screen from it: proof
that textual-serve runs this installation's dashboard on the config and database given (kept
in a folder whose name needs shell quoting). The others run in-process and never serve.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import httpx
import pytest
from click.testing import CliRunner

from partwatch.cli import main
from partwatch.commands.serve import addresses, dashboard_command, is_loopback, public_url
from partwatch.config import load_config

CONFIG = """
[[partnerships]]
id = "openai-aws"
name = "OpenAI and AWS"
parties = { OpenAI = [], AWS = ["Amazon"] }
"""
ESCAPES = re.compile(r"\x1b(\[[0-9;?$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\))")


@pytest.fixture
def quoted_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "it's a folder; $HOME"
    folder.mkdir()
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    return folder


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    with socket.create_server(("127.0.0.1", 0)) as held:
        yield held.getsockname()[1]


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def get_page(process: subprocess.Popen[bytes], url: str, deadline: float) -> httpx.Response:
    """GET `url` once the server answers; between tries, wait on the process (failing if it exits)."""
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "partwatch serve never answered"
            with pytest.raises(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)           # still running: the port is just not open yet


async def first_screen(ws_url: str, deadline: float, *wanted: str) -> str:
    """The dashboard's screen as plain text, read from the websocket until it shows `wanted`."""
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{ws_url}?width=120&height=40") as ws:
        received = b""
        while True:
            message = await ws.receive(timeout=max(deadline - time.monotonic(), 0.1))
            assert message.type == aiohttp.WSMsgType.BINARY, message
            received += message.data
            text = ESCAPES.sub("", received.decode("utf-8", "replace"))
            if all(word in text for word in wanted):
                return text


def test_serve_answers_with_the_dashboards_page_and_runs_it_over_the_websocket(quoted_folder: Path) -> None:
    port = free_port()
    config, db = quoted_folder / "config.toml", quoted_folder / "pw.db"
    with (quoted_folder / "out.log").open("wb") as out, (quoted_folder / "err.log").open("wb") as err:
        command = [sys.executable, "-m", "partwatch", "--config", str(config), "--db", str(db),
                   "serve", "--port", str(port)]
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        page = get_page(process, f"http://127.0.0.1:{port}/", deadline)
        assert page.status_code == 200
        assert "<div>partwatch</div>" in page.text                  # the title we set
        ws_url = f"ws://127.0.0.1:{port}/ws"
        assert f'data-session-websocket-url="{ws_url}"' in page.text
        screen = asyncio.run(first_screen(ws_url, deadline, "partwatch · OpenAI and AWS", "Timeline"))
        assert "last poll never" in screen                           # our fresh database, no poll yet
    finally:
        process.terminate()
        code = process.wait(timeout=30)
    errors = (quoted_folder / "err.log").read_text(encoding="utf-8")
    assert f"serving the dashboard at http://127.0.0.1:{port} (ctrl+c stops)" in errors
    assert "WARNING" not in errors and "AUTHENTICATION" not in errors   # loopback: no warning
    assert code == 0, errors
    assert db.exists()                                              # the session opened our database


def test_the_session_command_is_this_python_with_this_config_and_database(quoted_folder: Path) -> None:
    config = load_config(quoted_folder / "config.toml", db=quoted_folder / "pw.db")
    assert shlex.split(dashboard_command(config)) == [
        sys.executable, "-P", "-m", "partwatch", "--config", str((quoted_folder / "config.toml").resolve()),
        "--db", str((quoted_folder / "pw.db").resolve()), "tui"]


def test_a_busy_port_is_one_line_and_exit_2(tmp_path: Path, busy_port: int) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "pw.db"), "serve", "--port", str(busy_port)])
    assert result.exit_code == 2
    assert result.stderr == (f"partwatch: 127.0.0.1:{busy_port}: the port is already in use; "
                             "choose another with --port\n")


def test_binding_beyond_loopback_warns_loudly_before_serving(tmp_path: Path, busy_port: int) -> None:
    # The port is busy, so the command stops right after the warning: nothing is ever exposed.
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "pw.db"), "serve", "--host", "0.0.0.0",
                                       "--port", str(busy_port)])
    assert result.exit_code == 2
    warning, _, rest = result.stderr.partition("partwatch: 0.0.0.0")
    assert "WARNING: partwatch serve listens on 0.0.0.0" in warning
    assert "There is NO authentication: anyone who can reach this port controls the dashboard" in warning
    assert "--public-url" in warning
    assert "already in use" in rest


def test_a_bad_config_is_its_usual_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[partnerships]]\nid = 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(bad), "serve", "--port", str(free_port())])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"partwatch: {bad}") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("url", ["example.org", "ftp://example.org", "https://", "https://x.org/?a=1"])
def test_a_public_url_browsers_cannot_use_is_refused(tmp_path: Path, url: str) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "pw.db"), "serve", "--public-url", url])
    assert result.exit_code == 2
    assert "--public-url" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                ("127.0.0.2", True), ("0.0.0.0", False), ("", False)])
def test_only_loopback_addresses_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(addresses(host, 8000)) is loopback


def test_the_default_public_url_is_the_address_bound() -> None:
    assert public_url(None, "127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url(None, "::1", 8001) == "http://[::1]:8001"
    assert public_url("https://example.org/partwatch/", "127.0.0.1", 8000) == "https://example.org/partwatch"


def test_an_unusable_database_is_one_line_and_exit_2_before_serving(tmp_path: Path) -> None:
    junk = tmp_path / "pw.db"
    junk.write_bytes(b"this is not a database\n" * 100)
    result = CliRunner().invoke(main, ["--db", str(junk), "serve", "--port", str(free_port())])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"partwatch: {junk}") and result.stderr.count("\n") == 1
    assert "serving" not in result.output
