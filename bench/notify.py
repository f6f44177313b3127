"""What watch alerts cost a poll: the delivery pass after a cold and a warm demo poll.

    .venv/bin/python bench/notify.py [ENTRY_KIND ...]     # default: webhook command

Polls the bundled demo feeds (loopback, as `partwatch demo` does) into a fresh database with one
[[notify]] entry per kind given (webhook: a loopback receiver answering 200; command: this
Python reading stdin), then polls again (every feed 304). Prints, per poll, the hits sent and
the wall and CPU seconds of the delivery pass alone (CPU: this process, plus the programs
run), since the machine may be loaded. The warm figure is the cost every cron poll pays.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import partwatch.polling  # noqa: E402
from partwatch.commands.demo import demo_config, demo_data  # noqa: E402
from partwatch.loopback import serve_folder  # noqa: E402
from partwatch.notify.deliver import NotifyReport, deliver  # noqa: E402
from partwatch.notify_config import NotifyEntry  # noqa: E402


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(kinds: list[str]) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
    reader = (sys.executable, "-c", "import sys; sys.stdin.read()")
    entries = tuple(NotifyEntry(id=kind, kind="webhook", url=hook) if kind == "webhook"
                    else NotifyEntry(id=kind, kind="command", command=reader) for kind in kinds)
    timings: list[tuple[float, float, NotifyReport]] = []

    def timed(*args: Any, **kwargs: Any) -> NotifyReport:
        wall, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
        report = deliver(*args, **kwargs)
        cpu = time.process_time() - cpu + children_cpu() - child
        timings.append((time.perf_counter() - wall, cpu, report))
        return report

    partwatch.polling.deliver = timed  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp, demo_data() as folder, serve_folder(folder / "feeds") as base:
        config = dataclasses.replace(demo_config(folder, base, Path(tmp) / "bench.db"), notify=entries)
        for label in ("cold", "warm"):
            partwatch.polling.run_poll(config, force=True)
            wall, cpu, report = timings[-1]
            per_hit = f", {wall / report.sent * 1000:.1f} ms per hit" if report.sent else ""
            print(f"{label} poll, entries {', '.join(kinds)}: {report.sent} sent, {report.failed} failed; "
                  f"delivery pass {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU{per_hit}")
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:] or ["webhook", "command"])
