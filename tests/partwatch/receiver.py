"""A loopback receiver for watch alerts: records every POST, answers what the test scripts.

    receiver = Receiver().start()
    receiver.fail_next(500)          # the next request gets a 500, later ones 200
    ...
    assert [r.json()["id"] for r in receiver.posts] == [...]

`Receiver(port=...)` binds a port a stopped receiver used, so a test can have the receiver
down for a whole poll (connection refused) and up again for the next. Binds 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True)
class Post:
    path: str
    headers: dict[str, str]     # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, port: int = 0) -> None:
        self.posts: list[Post] = []
        self.answers: list[tuple[int, dict[str, str]]] = []    # for the next requests; then 200
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def fail_next(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self.answers.extend((status, headers or {}) for status in statuses)

    def url(self, path: str) -> str:
        return self.base + path

    def ids(self, path: str | None = None) -> list[str]:
        """The `id` of every payload received (at `path`), in arrival order."""
        return [p.json()["id"] for p in self.posts if path is None or p.path == path]

    def _answer(self, post: Post) -> tuple[int, dict[str, str]]:
        with self._lock:
            self.posts.append(post)
            return self.answers.pop(0) if self.answers else (200, {})


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            sent = {k.lower(): v for k, v in self.headers.items()}
            status, headers = receiver._answer(Post(self.path, sent, body))
            payload = b"ok\n" if status < 400 else b"no\n"
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    served = Receiver().start()
    yield served
    served.close()
