"""When a failed delivery is tried again: a pure decider, kept apart from the sending.

Within one poll: a transient failure (a connection error, a timeout-free HTTP 5xx, 408 or
429) is tried again after IN_POLL_DELAYS, so a receiver restarting or a one-off 500 costs
seconds, not a poll interval. A timeout is not retried within the poll (it already took the
entry's whole `timeout`), nor is a program's failure or another HTTP error: the program or the
receiver answered, and trying again at once would most likely get the same answer.
Across polls: whatever still failed is tried again at the next poll, which is the backoff cron
already gives (every 20 minutes in the README's crontab), unless the receiver said otherwise
with a 429 or 503 Retry-After: then not before that time, capped at MAX_WAIT.
After an entry's hit fails every try of a poll, the entry's other hits wait for the next poll
too: a receiver that is down costs one hit's tries per poll, not every queued hit's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from feeds.fetch import parse_retry_after

IN_POLL_DELAYS: tuple[float, ...] = (0.5, 2.0)  # seconds before the 2nd and 3rd try of a poll
MAX_WAIT = timedelta(hours=6)


def next_try(now: datetime, retry_after: str | None) -> datetime | None:
    """The earliest time of the next attempt; None means the next poll."""
    seconds = parse_retry_after(retry_after, now)
    if seconds is None or seconds <= 0:
        return None
    return now + min(timedelta(seconds=seconds), MAX_WAIT)
