"""The one way the GUI runs work (gui.operations): results, refusals that name the
field, the failure hook of forms, cancel, newest-wins reloads, and the change
broadcast of a write made off the GUI thread reaching panels on the GUI thread."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton, QWidget

from hcc_desktop.core.errors import HccError, ValidationError
from hcc_desktop.core.services import log
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import CollectionOp, Progress, QueryOp, busy

pytestmark = pytest.mark.gui


@pytest.fixture
def host(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _refuse(_p: Progress) -> None:
    raise ValidationError("zip_code", "expected a 5-digit ZIP")


def test_write_now_returns_the_result_and_calls_success(host: QWidget) -> None:
    seen: list[int] = []
    assert CollectionOp(host, lambda _p: 42, title="T").success(seen.append).run_now() == 42
    assert seen == [42]


def test_refusal_is_a_warning_that_names_the_field(
    host: QWidget, boxes: list[tuple[str, str]]
) -> None:
    seen: list[object] = []
    result = CollectionOp(host, _refuse, title="Member not saved").success(seen.append).run_now()
    assert result is None and seen == []
    title, text = boxes[-1]
    assert title == "Member not saved"
    assert text == "Not saved — zip code: expected a 5-digit ZIP.\n\nNothing was changed."


def test_other_refusals_and_faults_end_in_a_dialog(
    host: QWidget, boxes: list[tuple[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    def refused(_p: Progress) -> None:
        raise HccError("package.hccsync: signature does not match")

    def broken(_p: Progress) -> None:
        raise KeyError("oops")

    CollectionOp(host, refused, title="Import").run_now()
    assert boxes[-1] == ("Import", "package.hccsync: signature does not match")
    with caplog.at_level(logging.ERROR):
        CollectionOp(host, broken, title="Undo").run_now()
    assert boxes[-1][0] == "Undo" and "oops" in boxes[-1][1]
    assert any(r.exc_info for r in caplog.records)  # the traceback is in the log


def test_failure_hook_takes_the_refusal_instead_of_a_dialog(
    host: QWidget, boxes: list[tuple[str, str]]
) -> None:
    inline: list[ValidationError] = []
    op = CollectionOp(host, _refuse, title="Not saved").failure(inline.append, only=ValidationError)
    assert op.run_now() is None
    assert [e.field for e in inline] == ["zip_code"] and boxes == []

    def locked(_p: Progress) -> None:
        raise HccError("the store is locked")

    CollectionOp(host, locked, title="Not saved").failure(
        inline.append, only=ValidationError
    ).run_now()
    assert len(inline) == 1 and boxes == [("Not saved", "the store is locked")]


def test_background_write_reports_its_refusal(
    qtbot: Any, host: QWidget, boxes: list[tuple[str, str]]
) -> None:
    job = CollectionOp(host, _refuse, title="Not imported").run_in_background()
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert boxes and "zip code" in boxes[-1][1]


def test_cancel_stops_a_query_and_calls_the_hook(qtbot: Any, host: QWidget) -> None:
    started = threading.Event()
    ended: list[str] = []

    def long(progress: Progress) -> int:
        started.set()
        for n in range(2000):
            progress.step(n, 2000)
            threading.Event().wait(0.005)
        return 0

    job = (
        QueryOp(host, long)
        .with_progress("Loading")
        .success(lambda _r: ended.append("result"))
        .cancelled(lambda: ended.append("cancelled"))
        .run_in_background()
    )
    started.wait(5)
    assert job.dialog is not None
    job.dialog.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: ended == ["cancelled"], timeout=5000)


def test_a_write_with_progress_offers_no_cancel_unless_it_can_stop(host: QWidget) -> None:
    gate = threading.Event()
    plain = CollectionOp(host, lambda _p: gate.wait(5)).with_progress("Writing")
    job = plain.run_in_background()
    assert job.dialog is not None and job.dialog.findChild(QPushButton) is None
    stoppable = CollectionOp(host, lambda _p: gate.wait(5)).with_progress(
        "Importing", cancellable=True
    )
    job2 = stoppable.run_in_background()
    assert job2.dialog is not None and job2.dialog.findChild(QPushButton) is not None
    gate.set()


def test_newest_query_wins(qtbot: Any, host: QWidget) -> None:
    gate = threading.Event()
    got: list[str] = []

    def old(_p: Progress) -> str:
        gate.wait(5)
        return "old"

    QueryOp(host, old).supersede("reload").success(got.append).run_in_background()
    other = QueryOp(host, lambda _p: "other key").supersede("counts").success(got.append)
    other.run_in_background()
    QueryOp(host, lambda _p: "new").supersede("reload").success(got.append).run_in_background()
    qtbot.waitUntil(lambda: "new" in got and "other key" in got, timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: not busy(host, "reload"), timeout=5000)
    qtbot.wait(100)
    assert sorted(got) == ["new", "other key"]  # the superseded "old" never arrived


def test_change_from_a_background_write_reaches_the_gui_thread(
    qtbot: Any, host: QWidget, ctx: AppContext, scenario: Any
) -> None:
    main = threading.get_ident()
    delivered: list[int] = []
    ctx.changed.connect(lambda _c: delivered.append(threading.get_ident()))
    job = CollectionOp(
        host,
        lambda _p: log.add_entry(
            ctx.store, actor=ctx.actor, incident_id=scenario.incident_id, text="From a worker"
        ),
    ).run_in_background()
    qtbot.waitUntil(lambda: job.done and bool(delivered), timeout=5000)
    assert delivered == [main]


def test_a_closed_panel_is_freed_once_its_reads_are_done(qtbot: Any) -> None:
    """Reads are kept per panel and key (newest wins) only while they run: a finished
    read kept there held its panel, so every closed panel (an EEI grid with its whole
    grid) stayed in memory for the life of the program."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    gone = _read_then_close(qtbot)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert gone() is None


def _read_then_close(qtbot: Any) -> Any:
    """A panel that made one read, closed: a weak reference to it."""
    import weakref

    from hcc_desktop.gui import operations

    panel = QWidget()
    got: list[str] = []
    QueryOp(panel, lambda _p: "rows").supersede("reload").success(got.append).run_in_background()
    qtbot.waitUntil(lambda: got == ["rows"] and not busy(panel, "reload"), timeout=5000)
    assert panel not in operations._latest
    panel.deleteLater()
    return weakref.ref(panel)


def test_a_read_stopped_by_its_cancel_is_cancelled_not_a_fault(
    qtbot: Any, host: QWidget, caplog: pytest.LogCaptureFixture
) -> None:
    """A superseded log count stops by raising SQLite's "interrupted": that is the
    cancel working, so it is reported as cancelled and not logged as a failure."""
    started = threading.Event()
    outcome: list[str] = []

    def count(p: Progress) -> int:
        started.set()
        while not p.cancelled:
            threading.Event().wait(0.01)
        raise RuntimeError("interrupted")

    job = QueryOp(host, count).supersede("count").run_in_background()
    assert job is not None
    job.cancelled.connect(lambda: outcome.append("cancelled"))
    job.failed.connect(lambda _m: outcome.append("failed"))
    assert started.wait(5)
    with caplog.at_level(logging.ERROR):
        QueryOp(host, lambda _p: 7).supersede("count").run_in_background()
        qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert outcome == ["cancelled"]
    assert "Background job failed" not in caplog.text
