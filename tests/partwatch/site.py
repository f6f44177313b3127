"""A tiny loopback web site for CLI tests: routes a test can change between polls.

Each route answers with a fixed status, headers and body; a route with an ETag answers a
matching If-None-Match with 304, like a well-behaved feed server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/rss+xml"})
    etag: str | None = None


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append(self.path)
                route = site.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def feed(self, path: str, items: list[tuple[str, str]], etag: str | None = None) -> str:
        """Serve an RSS 2.0 feed of (guid, title) items at `path`; returns its URL."""
        self.routes[path] = Route(body=rss(items), etag=etag)
        return self.url(path)

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self.routes[path] = Route(status=status, headers={"Location": target})

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss(items: list[tuple[str, str]], title: str = "Test Outlet") -> bytes:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{text}</title><link>https://example.com/{guid}</link>"
        f"<description>About {text}.</description><pubDate>Thu, 19 Mar 2026 10:00:00 GMT</pubDate></item>"
        for guid, text in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.com/</link><description>test</description>{entries}</channel></rss>"
            ).encode()
