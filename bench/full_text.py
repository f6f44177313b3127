"""What full text costs: trafilatura's import, one extraction, and a poll's worth of pages.

Serves `--pages` copies of the test article page (navigation, ads, comments around a body of
`--paragraphs` paragraphs) on a loopback server and runs feeds.pages.fetch_pages over them
with the default [poll] limits, as the full-text step of a poll does. Prints wall and CPU
seconds (the machine is shared: CPU is the steadier figure).

    .venv/bin/python bench/full_text.py [--pages 200] [--paragraphs 12]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feeds.extract import extract_text  # noqa: E402
from feeds.pages import fetch_pages  # noqa: E402
from feeds.records import PageJob, PollSettings  # noqa: E402
from tests.feeds.article_pages import BODY_SENTENCES, article_page  # noqa: E402
from tests.feedserver import FeedServer, Route  # noqa: E402


def _import_seconds() -> str:
    code = ("import time; w = time.perf_counter(); c = time.process_time(); import trafilatura; "
            "print(f'{time.perf_counter() - w:.2f} s wall, {time.process_time() - c:.2f} s CPU')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--paragraphs", type=int, default=12)
    args = parser.parse_args()
    sentences = tuple(BODY_SENTENCES[i % len(BODY_SENTENCES)] + f" ({i})" for i in range(args.paragraphs))
    body = article_page(sentences)
    print(f"import trafilatura: {_import_seconds()}")
    extract_text(body, "https://x.example/warm", "text/html")
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(20):
        extract_text(body, "https://x.example/a", "text/html")
    print(f"extract one {len(body):,}-byte page: {(time.perf_counter() - wall) / 20 * 1000:.1f} ms wall, "
          f"{(time.process_time() - cpu) / 20 * 1000:.1f} ms CPU")
    server = FeedServer().start()
    try:
        jobs = [PageJob(n, server.add(f"/p{n}.html", Route(body=body, content_type="text/html")))
                for n in range(args.pages)]

        async def run() -> int:
            return len([r async for r in fetch_pages(jobs, PollSettings()) if r.text is not None])

        wall, cpu = time.perf_counter(), time.process_time()
        extracted = asyncio.run(run())
        took, used = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        server.close()
    print(f"fetch and extract {args.pages} pages ({extracted} extracted): {took:.2f} s wall, "
          f"{used:.2f} s CPU (this process, server threads included)")


if __name__ == "__main__":
    main()
