"""Screenshot mode writes a real picture of a loaded window; the background worker
delivers results, failures and cancellations on the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton, QWidget

from hcc_desktop.core.opening import open_store
from hcc_desktop.gui import app, operations
from hcc_desktop.gui.operations import Progress, QueryOp

pytestmark = pytest.mark.gui


def _colours(path: Path) -> set[int]:
    image = QImage(str(path))
    assert not image.isNull()
    step = 7
    return {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }


def test_screenshot_of_a_populated_store(qtbot: Any, populated_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    assert app.run(populated_path, screenshot=out, size=(1280, 800)) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    colours = _colours(out)
    assert len(colours) > 40  # text, tiles, charts, map, status colours: not a blank window
    wanted = {"#f6b8b3", "#fde7a6"}  # the grid's red and amber cells are on screen
    assert wanted <= {f"#{c & 0xFFFFFF:06x}" for c in colours}


def test_screenshot_of_an_empty_store(qtbot: Any, tmp_path: Path) -> None:
    open_store(tmp_path / "empty.sqlite", station_name="New station").close()
    out = tmp_path / "empty.png"
    assert app.run(tmp_path / "empty.sqlite", screenshot=out) == 0
    assert QImage(str(out)).width() == app.DEFAULT_SIZE[0]
    assert len(_colours(out)) > 5


def test_screenshot_of_a_bad_store_fails_clearly(
    qtbot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "not-a-store.sqlite"
    bad.write_text("hello")
    assert app.run(bad, screenshot=tmp_path / "x.png") == 1
    assert "not an hcc-desktop store" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


@pytest.fixture
def host(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_worker_delivers_the_result(qtbot: Any, host: QWidget) -> None:
    main = threading.get_ident()
    got: list[int] = []
    job = QueryOp(host, lambda p: threading.get_ident()).success(got.append).run_in_background()
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got[0] != main  # it ran off the GUI thread
    assert job.done


def test_worker_reports_failure(qtbot: Any, host: QWidget) -> None:
    def boom(_p: Progress) -> None:
        raise RuntimeError("disk on fire")

    failed: list[Exception] = []
    job = QueryOp(host, boom).failure(failed.append).run_in_background()
    with qtbot.waitSignal(job.failed, timeout=5000) as got:
        pass
    assert "disk on fire" in got.args[0]
    assert isinstance(failed[0], RuntimeError)


def test_progress_dialog_cancels_the_job(qtbot: Any, host: QWidget) -> None:
    started = threading.Event()

    def long(progress: Progress) -> int:
        started.set()
        for n in range(2000):  # about ten seconds unless cancelled
            progress.step(n, 2000)
            threading.Event().wait(0.005)
        return 0

    job = QueryOp(host, long).with_progress("Test job").run_in_background()
    assert job.dialog is not None
    started.wait(5)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert job.done and job.dialog is None


def test_a_newer_load_supersedes_the_older(qtbot: Any, host: QWidget) -> None:
    gate = threading.Event()
    results: list[str] = []

    def slow(progress: Progress) -> str:
        gate.wait(5)
        progress.step(1, 1)
        return "old"

    QueryOp(host, slow).supersede("load").success(results.append).run_in_background()
    assert operations.busy(host, "load")
    newer = QueryOp(host, lambda p: "new").supersede("load").success(results.append)
    with qtbot.waitSignal(newer.run_in_background().finished, timeout=5000):
        pass
    gate.set()
    qtbot.wait(100)
    assert results == ["new"]
    assert not operations.busy(host, "load")
