"""Fixtures of the sync tests: a pool of distinct, mutually trusting stations built once
per session, and factories that hand out working copies of them, each on its own wall
clock."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    OUTSIDER,
    POOL_NAMES,
    START_MS,
    Station,
    StationFactory,
    build_pool,
    station_from,
    write_seeded_key,
)

from hcc_desktop.core import migrations
from hcc_desktop.core.opening import open_store


def _ram_base() -> Path | None:
    """tmpfs, where fsync is free: SQLite's synchronous=FULL costs ~10 ms a commit on
    this machine's disk, which would dominate the property test. Crash tests stay on
    disk (tmp_path); a kill -9 behaves the same on both."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None


@pytest.fixture(autouse=True)
def _cached_revisions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import and export asks Alembic for the known schema revisions, which
    re-reads and compiles the migration scripts each time (~40 ms, a fifth of a small
    import). The answer cannot change within a process, so the tests cache it. Remove
    once `core.migrations` caches it itself (reported to the lead)."""
    monkeypatch.setattr(migrations, "known_revisions", _KNOWN)
    monkeypatch.setattr(migrations, "head_revision", _HEAD)


_KNOWN = functools.cache(migrations.known_revisions)
_HEAD = functools.cache(migrations.head_revision)


@pytest.fixture(scope="session")
def ram_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = _ram_base()
    if base is None:
        yield tmp_path_factory.mktemp("ram")
        return
    directory = Path(tempfile.mkdtemp(prefix="hcc-sync-tests-", dir=base))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def ram_dir(ram_root: Path) -> Iterator[Path]:
    """A per-test scratch directory on tmpfs (or tmp when there is none)."""
    directory = Path(tempfile.mkdtemp(prefix="t-", dir=ram_root))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def pool(ram_root: Path) -> dict[str, Path]:
    """Six stations S0..S5 that trust each other, and X9 whom nobody trusts. Their keys
    are derived from their names, so site ids (and every tie-break between sites) are
    the same in every test session: a failing hypothesis seed replays anywhere."""
    directory = ram_root / "station-pool"
    paths = build_pool(directory, POOL_NAMES, seed="pool")
    write_seeded_key(directory / f"{OUTSIDER}.sqlite", f"pool/{OUTSIDER}")
    outsider = open_store(directory / f"{OUTSIDER}.sqlite", station_name=OUTSIDER)
    paths[OUTSIDER] = outsider.path
    outsider.close()
    return paths


@pytest.fixture
def make_station(pool: dict[str, Path], ram_dir: Path) -> Iterator[StationFactory]:
    """`make_station("S1", wall_ms=...)`: a working copy of a pool station."""
    opened: list[Station] = []

    def make(name: str, *, wall_ms: int = START_MS) -> Station:
        st = station_from(pool[name], ram_dir / f"st-{name}-{len(opened)}", wall_ms=wall_ms)
        opened.append(st)
        return st

    yield make
    for st in opened:
        st.close()


@pytest.fixture
def trio(make_station: StationFactory) -> tuple[Station, Station, Station]:
    """Three stations that trust each other, clocks all at START_MS."""
    return make_station("S0"), make_station("S1"), make_station("S2")
