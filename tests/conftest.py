"""Fixtures shared by every test package: a config writer, a fresh database, a loopback feed server.

Every fixture writes under pytest's tmp_path and binds port 0, so tests run in parallel
(pytest -n 2) without sharing files or ports.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlite_utils

from store.db import memory_db, open_db
from tests.feedserver import feed_server  # noqa: F401 - re-exported: every package may ask for it


@pytest.fixture
def fresh_db() -> Iterator[sqlite_utils.Database]:
    """A migrated in-memory database."""
    db = memory_db()
    yield db
    db.conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's on-disk database lives (created on first open)."""
    return tmp_path / "data" / "partwatch.db"


@pytest.fixture
def file_db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """A migrated on-disk database (WAL), for tests that need a second connection."""
    db = open_db(db_path)
    yield db
    db.conn.close()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a config.toml (dedented) into the test's folder and return its path."""

    def write(text: str, name: str = "config.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
