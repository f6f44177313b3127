"""Fetching and parsing feeds: HTTP, limits, feedparser -> plain article records.

Nothing here touches the database or the UI; the poller hands records to whoever called it.

On import, httpx's optional command-line client (`httpx._main`) is marked absent, before
anything imports httpx: httpx imports it whenever rich and pygments are installed (rich is a
dependency of ours), which is a third of httpx's import time (~70 ms of every `partwatch`
start, measured with `python -X importtime`) for a tool nothing here runs. With the module
marked absent httpx falls back to its own stub, as it does without those packages.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
