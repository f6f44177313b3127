"""The scheduling decider: due or not, backoff, Retry-After, gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from feeds.schedule import after_result, is_due

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MIN = 900


def due(**overrides: object) -> bool:
    args: dict[str, object] = dict(
        last_polled=NOW - timedelta(seconds=60), last_status="ok", failures=0, retry_after=None,
        next_due=None, min_interval=MIN, now=NOW, force=False,
    )
    args.update(overrides)
    return is_due(**args)  # type: ignore[arg-type]


def test_never_polled_is_due() -> None:
    assert due(last_polled=None, last_status=None)


def test_recently_polled_is_not_due_until_min_interval() -> None:
    assert not due()
    assert due(last_polled=NOW - timedelta(seconds=MIN))


def test_force_makes_due_but_not_gone() -> None:
    assert due(force=True)
    assert not due(force=True, last_status="gone")
    assert not due(last_status="gone", last_polled=NOW - timedelta(days=30))


def test_stored_next_due_wins() -> None:
    assert due(next_due=NOW - timedelta(seconds=1))
    assert not due(next_due=NOW + timedelta(seconds=1), last_polled=NOW - timedelta(days=2))


def test_success_resets_failures_and_waits_min_interval() -> None:
    assert after_result("ok", now=NOW, failures=3, min_interval=MIN) == (NOW + timedelta(seconds=MIN), 0)
    assert after_result("not_modified", now=NOW, failures=0, min_interval=MIN)[1] == 0


def test_failures_double_the_wait_up_to_24_hours() -> None:
    waits = []
    failures = 0
    for _ in range(12):
        next_due, failures = after_result("failed", now=NOW, failures=failures, min_interval=MIN)
        assert next_due is not None
        waits.append((next_due - NOW).total_seconds())
    assert waits[:5] == [900, 1800, 3600, 7200, 14400]
    assert max(waits) == 24 * 3600
    assert waits[-1] == 24 * 3600
    assert failures == 12


def test_failure_backoff_is_derived_when_next_due_is_not_stored() -> None:
    # 3 failures -> 4 x min_interval after the last poll
    assert not due(last_status="failed", failures=3, last_polled=NOW - timedelta(seconds=3 * MIN))
    assert due(last_status="failed", failures=3, last_polled=NOW - timedelta(seconds=4 * MIN))


def test_retry_after_is_honoured_even_beyond_the_cap() -> None:
    next_due, failures = after_result("failed", now=NOW, failures=0, min_interval=MIN, retry_after=7200)
    assert next_due == NOW + timedelta(seconds=7200) and failures == 1
    next_due, _ = after_result("failed", now=NOW, failures=0, min_interval=MIN, retry_after=3 * 86400)
    assert next_due == NOW + timedelta(days=3)
    assert not due(last_status="failed", failures=1, retry_after=7200,
                   last_polled=NOW - timedelta(seconds=3600))


def test_short_retry_after_never_shortens_the_backoff() -> None:
    next_due, _ = after_result("failed", now=NOW, failures=2, min_interval=MIN, retry_after=5)
    assert next_due == NOW + timedelta(seconds=4 * MIN)


def test_gone_is_never_due_again() -> None:
    assert after_result("gone", now=NOW, failures=2, min_interval=MIN) == (None, 2)
