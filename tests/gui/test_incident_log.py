"""The incident log as an operator uses it: typed entries, lazy paging, SQL filters,
corrections, significant events, and entries that arrived by import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import log
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.correction_dialog import CorrectionDialog
from hcc_desktop.gui.models import log_rows as lr
from hcc_desktop.gui.models.log_model import PAGE
from hcc_desktop.sync import exporter, importer, trust
from tests.conftest import FakeWall

pytestmark = pytest.mark.gui


def _panel(window: Any) -> Any:
    return window.panels["incidentLogDock"]


def _settle(qtbot: Any, panel: Any) -> None:
    """Wait for the log's reads (they run off the GUI thread) to be placed."""
    qtbot.waitUntil(panel.is_loaded, timeout=5000)


def test_keyboard_entry_goes_to_the_store(qtbot: Any, main_window: Any) -> None:
    panel = _panel(main_window)
    ctx = main_window.ctx
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    panel.entry.priority.setCurrentIndex(panel.entry.priority.findData("urgent"))
    qtbot.keyClicks(panel.entry.line, "Hartford Hospital on generator power")
    with qtbot.waitSignal(ctx.changed, timeout=5000):
        qtbot.keyClick(panel.entry.line, Qt.Key.Key_Return)
    found = log.list_entries(ctx.store, flt=log.LogFilter(ctx.incident_id, text="generator power"))
    assert [(e.text, e.priority, e.operator) for e in found] == [
        ("Hartford Hospital on generator power", "urgent", ctx.actor.name)
    ]
    assert panel.entry.line.text() == ""
    assert panel.entry.priority.currentData() == "routine"
    _settle(qtbot, panel)
    # Newest first, patched in without a reset.
    assert panel.model.row_id(0) == found[0].id
    assert resets == []


def test_empty_line_writes_nothing(qtbot: Any, main_window: Any) -> None:
    panel = _panel(main_window)
    before = panel.model.total
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_Return)
    assert panel.model.total == before


def test_log_pages_lazily(qtbot: Any, main_window: Any) -> None:
    ctx = main_window.ctx
    entries = [log.NewEntry(f"Routine check {i}", "general") for i in range(2 * PAGE + 50)]
    log.add_entries(ctx.store, actor=ctx.actor, incident_id=ctx.incident_id, entries=entries)
    panel = _panel(main_window)
    panel.apply_filter()
    _settle(qtbot, panel)
    model = panel.model
    total = log.count_entries(ctx.store, flt=panel.current_filter())
    assert model.total == total
    assert model.rowCount() == PAGE and model.canFetchMore()
    panel.view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > PAGE, timeout=5000)
    while model.canFetchMore():
        model.fetchMore()  # asks for the next page; it arrives from a worker thread
        _settle(qtbot, panel)
    assert model.rowCount() == total
    assert model.fetches == -(-total // PAGE)


def test_filters_run_in_sql_and_keep_the_selection(qtbot: Any, main_window: Any) -> None:
    panel = _panel(main_window)
    ctx = main_window.ctx
    urgent = log.list_entries(ctx.store, flt=log.LogFilter(ctx.incident_id, priority="urgent"))
    panel.select_entry(urgent[0].id)
    panel.filters.priority.setCurrentIndex(panel.filters.priority.findData("urgent"))
    _settle(qtbot, panel)
    assert panel.model.total == len(urgent)
    assert panel.current_id() == urgent[0].id
    qtbot.keyClicks(panel.filters.text, "Storm surge")
    qtbot.waitUntil(lambda: panel.model.total == 2, timeout=3000)  # (5) and (11)
    assert "Storm surge" in panel.model.rows[0].text


def test_selection_survives_a_new_entry(qtbot: Any, main_window: Any) -> None:
    panel = _panel(main_window)
    ctx = main_window.ctx
    chosen = panel.model.row_id(3)
    panel.select_entry(chosen)
    log.add_entry(ctx.store, actor=ctx.actor, incident_id=ctx.incident_id, text="Later news")
    _settle(qtbot, panel)
    assert panel.model.row_id(0) != chosen  # the new entry went on top
    assert panel.current_id() == chosen


def test_correction_is_a_linked_entry(
    qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = _panel(main_window)
    original = panel.model.rows[2]
    panel.select_entry(original.id)
    monkeypatch.setattr(CorrectionDialog, "exec", lambda self: CorrectionDialog.DialogCode.Accepted)
    monkeypatch.setattr(CorrectionDialog, "values", lambda self: ("Fixed text", "typo"))
    panel.correct_selected()
    _settle(qtbot, panel)
    new_id = panel.current_id()
    assert new_id != original.id
    new_row = panel.model.entry(panel.model.row_of(new_id))
    old_row = panel.model.entry(panel.model.row_of(original.id))
    assert new_row is not None and old_row is not None
    assert f"corrects #{original.id[-8:]}" in new_row.cells[lr.LINK]
    assert f"corrected by #{new_id[-8:]}" in old_row.cells[lr.LINK]
    assert old_row.text == original.text  # the original is never rewritten


def test_nominate_and_review(qtbot: Any, main_window: Any, answers: list[str]) -> None:
    panel = _panel(main_window)
    ctx = main_window.ctx
    target = next(r for r in panel.model.rows if r.significant == "none")
    panel.select_entry(target.id)
    answers.append("Hospital evacuation decision")
    panel.nominate_selected()
    _settle(qtbot, panel)
    assert "★ nominated" in panel.model.entry(panel.model.row_of(target.id)).cells[lr.LINK]
    panel.show_review()
    assert target.id in panel.review.ids
    assert "to review" in panel.tabs.tabText(1)
    panel.review.select_entry(target.id)
    panel.review.approve.click()
    _settle(qtbot, panel)
    entry = log.list_entries(ctx.store, flt=log.LogFilter(ctx.incident_id, significant="approved"))
    assert target.id in [e.id for e in entry]
    assert target.id not in panel.review.ids


def test_imported_entries_are_highlighted_until_read(
    qtbot: Any, main_window: Any, tmp_path: Path
) -> None:
    here: Store = main_window.ctx.store
    panel = _panel(main_window)
    panel.mark_seen()
    there = open_store(tmp_path / "region.sqlite", station_name="Region 1", wall=FakeWall())
    try:
        for a, b in ((here, there), (there, here)):
            trust.export_key(b, tmp_path / f"{b.site_id}.json")
            trust.trust(a, tmp_path / f"{b.site_id}.json")
        exporter.export_package(here, tmp_path / "full.hccsync")
        importer.import_package(there, tmp_path / "full.hccsync")
        new_id = log.add_entry(
            there,
            actor=Actor("Ann Lee", "Duty Officer"),
            incident_id=main_window.ctx.incident_id,
            text="Region 1 reports shelter opening",
        )
        exporter.export_package(there, tmp_path / "back.hccsync")
    finally:
        there.close()
    importer.import_package(here, tmp_path / "back.hccsync")
    _settle(qtbot, panel)
    row = panel.model.entry(panel.model.row_of(new_id))
    assert row is not None and row.new
    assert panel.banner_box.isVisibleTo(panel)
    assert "1 entry" in panel.banner.text()
    mine = panel.model.entry(panel.model.row_of(panel.model.row_id(1)))
    assert mine is not None and not mine.new
    panel.mark_seen()
    _settle(qtbot, panel)
    assert not panel.model.entry(panel.model.row_of(new_id)).new
    assert not panel.banner_box.isVisibleTo(panel)


def test_reads_run_off_the_gui_thread_and_go_to_reads_up_to_an_entry(
    qtbot: Any, main_window: Any
) -> None:
    """The table's store reads run on a worker thread; "go to entry" for an entry
    further down than the loaded pages reads the pages up to it, then selects it."""
    import threading

    ctx = main_window.ctx
    entries = [log.NewEntry(f"Hourly check {i}", "general") for i in range(3 * PAGE)]
    log.add_entries(ctx.store, actor=ctx.actor, incident_id=ctx.incident_id, entries=entries)
    panel = _panel(main_window)
    threads: set[str] = set()
    real = lr.fetch_page

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.add(threading.current_thread().name)
        return real(*args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(lr, "fetch_page", spy)  # log_reads and the loader call it through lr
    try:
        panel.apply_filter()
        _settle(qtbot, panel)
        oldest = log.list_entries(ctx.store, flt=panel.current_filter(), limit=1)[0]
        assert panel.model.row_of(oldest.id) < 0  # far beyond the first page
        assert panel.select_entry(oldest.id)
        qtbot.waitUntil(lambda: panel.current_id() == oldest.id, timeout=5000)
    finally:
        mp.undo()
    assert threads and threading.main_thread().name not in threads
    assert panel.model.rowCount() == panel.model.total
