"""Shared fixtures. A store is built once per session and copied per test (opening and
migrating a store costs more than copying two files), as Anki's tests copy an empty
collection."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[1]
START_MS = 1_795_000_000_000  # 2026-11-18, a fixed wall time for deterministic tests


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


class FakeWall:
    """A wall clock the test moves by hand (and may move backwards)."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, seconds: float = 1.0) -> None:
        self.ms += int(seconds * 1000)


def copy_store(src: Path, dst: Path) -> Path:
    for suffix in ("", ".key"):
        shutil.copy2(str(src) + suffix, str(dst) + suffix)
    return dst


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "store.sqlite"
    open_store(path, station_name="Test Station", wall=FakeWall()).close()
    return path


@pytest.fixture
def wall() -> FakeWall:
    return FakeWall()


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    return copy_store(template_store, tmp_path / "store.sqlite")


@pytest.fixture
def store(store_path: Path, wall: FakeWall) -> Iterator[Store]:
    s = open_store(store_path, wall=wall)
    yield s
    s.close()


@pytest.fixture
def actor() -> Actor:
    return Actor("Dana Reyes", "Situation Unit Leader")
