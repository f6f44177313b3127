"""When to poll a feed next: a pure decider, no I/O, so every rule is testable with plain values.

Rules (why):
- A feed that answered 410 Gone is never due again, not even with --force: the publisher said
  it is gone; removing and re-adding the feed resets it.
- --force makes every other feed due (the user asked).
- A feed never polled is due.
- After a success (ok or not_modified) the next poll is `min_interval` later: polite to
  publishers, and cron can run as often as it likes.
- After a failure the wait doubles per consecutive failure, starting at `min_interval` and
  capped at 24 h (a dead feed costs one request a day, and recovers within a day when fixed).
- A 429/503 with Retry-After waits at least that long (the server told us; clamped to 7 days
  by the fetcher), even beyond the 24 h cap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_BACKOFF = timedelta(hours=24)


def is_due(
    *,
    last_polled: datetime | None,
    last_status: str | None,
    failures: int,
    retry_after: float | None,
    next_due: datetime | None,
    min_interval: float,
    now: datetime,
    force: bool = False,
) -> bool:
    """Whether a feed should be polled at `now`.

    `next_due`, when stored, wins (it was computed by `after_result`); otherwise it is derived
    from `last_polled`, `last_status`, `failures` and `retry_after` with the same rules.
    """
    if last_status == "gone":
        return False
    if force or last_polled is None:
        return True
    due = next_due
    if due is None:
        due = last_polled + retry_delay(
            last_status or "ok", failures=failures, min_interval=min_interval, retry_after=retry_after
        )
    return now >= due


def after_result(
    status: str,
    *,
    now: datetime,
    failures: int,
    min_interval: float,
    retry_after: float | None = None,
) -> tuple[datetime | None, int]:
    """(next_due, consecutive failures) after a poll that ended with `status` at `now`.

    next_due is None for a gone feed: never again. `failures` is the count before this poll.
    """
    if status == "gone":
        return None, failures
    failures = failures + 1 if status == "failed" else 0
    delay = retry_delay(status, failures=failures, min_interval=min_interval, retry_after=retry_after)
    return now + delay, failures


def retry_delay(status: str, *, failures: int, min_interval: float, retry_after: float | None) -> timedelta:
    """The wait after a poll with `status`, `failures` counting that poll if it failed."""
    base = timedelta(seconds=max(min_interval, 0.0))
    if status != "failed" or failures <= 0:
        return base
    backoff = max(min(base * (1 << min(failures - 1, 32)), MAX_BACKOFF), base)
    if retry_after is not None and retry_after > 0:
        backoff = max(backoff, timedelta(seconds=retry_after))
    return backoff
