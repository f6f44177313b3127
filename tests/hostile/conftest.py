"""Fixtures for the hostile tests: the hostile-feed servers and a CLI runner bound to a config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.catalog import Served, hostile_servers, make_cert


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One self-signed certificate per session (per xdist worker)."""
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def hostile(tmp_path: Path, tls_cert: tuple[Path, Path]) -> Iterator[Served]:
    """Every hostile feed and three healthy ones, on loopback servers stopped at teardown."""
    with hostile_servers(tmp_path, healthy=3, cert=tls_cert) as served:
        yield served
