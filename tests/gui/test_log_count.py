"""The incident log's count comes after its first page: on a long log counting is the
slow read, so the table shows the first page at once, says "counting…", and the total
follows (tests never time anything; they hold the count back instead)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool

from hcc_desktop.core.services import log
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.models import log_rows as lr
from hcc_desktop.gui.models.log_model import PAGE, LogTableModel
from hcc_desktop.gui.panels.incident_log import IncidentLogPanel
from hcc_desktop.gui.panels.log_filters import LogFilterBar, initial_filter

pytestmark = pytest.mark.gui


class HeldCount:
    """log.count_entries for the table: the first `hold` counts are read at once and
    handed back only after `release()` (so a change can come between the read and its
    arrival); records every filter it was asked to count."""

    def __init__(self, hold: int = 1) -> None:
        self.real = log.count_entries
        self.gate = threading.Event()
        self.hold = hold
        self.calls: list[log.LogFilter] = []
        self._lock = threading.Lock()

    def __call__(self, store: Any, *, flt: log.LogFilter, stop: Any = None) -> int:
        if flt.significant:  # the review tab's pending count, not the table's
            return self.real(store, flt=flt)
        with self._lock:
            self.calls.append(flt)
            held = len(self.calls) <= self.hold
        total = self.real(store, flt=flt, stop=stop)
        if held:
            self.gate.wait(10)
        return total

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldCount]:
    spy = HeldCount()
    monkeypatch.setattr(log, "count_entries", spy)
    yield spy
    spy.release()  # never leave a worker thread waiting on a finished test
    QThreadPool.globalInstance().waitForDone(10_000)


def _long_log(ctx: AppContext, n: int = 2 * PAGE + 10) -> None:
    entries = [log.NewEntry(f"Bed report {i}", "general") for i in range(n)]
    log.add_entries(ctx.store, actor=ctx.actor, incident_id=ctx.incident_id or "", entries=entries)


def _panel(qtbot: Any, ctx: AppContext) -> IncidentLogPanel:
    panel = IncidentLogPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    return panel


def test_first_page_shows_before_the_count(qtbot: Any, view: AppContext, held: HeldCount) -> None:
    _long_log(view)
    panel = _panel(qtbot, view)
    qtbot.waitUntil(lambda: panel.model.rowCount() == PAGE, timeout=5000)
    # The first page is there while the count is still held back.
    assert panel.model.total is None
    assert panel.filters.matches.text() == "counting…"
    assert panel.model.canFetchMore()  # paging does not wait for the count
    assert not panel.is_loaded()
    held.release()
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    total = held.real(view.store, flt=initial_filter(view.incident_id or ""))
    assert panel.model.total == total > PAGE
    assert panel.filters.matches.text() == f"{total:,} entries"
    # Counted once, started before the widgets (the first reset reused it).
    assert held.calls == [initial_filter(view.incident_id or "")]


def test_a_change_while_counting_is_counted_once(
    qtbot: Any, view: AppContext, held: HeldCount
) -> None:
    _long_log(view)
    panel = _panel(qtbot, view)
    qtbot.waitUntil(lambda: panel.model.rowCount() == PAGE, timeout=5000)
    new_id = log.add_entry(
        view.store,
        actor=view.actor,
        incident_id=view.incident_id or "",
        text="Surge call",
        occurred_at=from_ms(view.store.wall() + 600_000),  # newest: the top row
    )
    qtbot.waitUntil(lambda: panel.model.row_id(0) == new_id, timeout=5000)
    # The first count, read before the change, lands now: it is not the total.
    held.release()
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    assert len(held.calls) >= 2  # counted again after the change
    assert panel.model.total == held.real(view.store, flt=initial_filter(view.incident_id or ""))


def test_a_new_sort_order_reuses_the_count(qtbot: Any, view: AppContext, held: HeldCount) -> None:
    held.release()
    _long_log(view)
    panel = _panel(qtbot, view)
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    total = panel.model.total
    newest = panel.model.row_id(0)
    panel.model.sort(lr.TIME, Qt.SortOrder.AscendingOrder)  # oldest first
    qtbot.waitUntil(lambda: panel.model.row_id(0) != newest and panel.is_loaded(), timeout=5000)
    assert panel.model.total == total
    assert len(held.calls) == 1


def test_a_period_filter_is_counted_after_the_context(
    qtbot: Any, view: AppContext, held: HeldCount
) -> None:
    """ "This period" needs the period's bounds, which the context read brings: it is
    not counted ahead, and the count that follows is the period's."""
    held.release()
    panel = _panel(qtbot, view)
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    panel.filters.range.setCurrentIndex(panel.filters.range.findData("period"))
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    flt = panel.current_filter()
    assert flt is not None and flt.since is not None
    assert held.calls[-1] == flt
    assert panel.model.total == held.real(view.store, flt=flt)


def test_a_new_filter_bar_builds_the_initial_filter(qtbot: Any) -> None:
    bar = LogFilterBar()
    qtbot.addWidget(bar)
    assert bar.fixed
    assert bar.build("inc-1", period=None, now_iso="2026-11-18T06:00:00Z") == initial_filter(
        "inc-1"
    )


def _rows(n: int, start: int = 0) -> list[lr.LogRow]:
    return [
        lr.LogRow(
            id=f"e{i:05d}",
            key=(f"2026-11-18T06:{i // 60:02d}:{i % 60:02d}Z", f"e{i:05d}"),
            cells=[""] * len(lr.COLUMNS),
            text="",
            priority="routine",
            significant="none",
            corrects_id=None,
        )
        for i in range(start, start + n)
    ]


def test_model_pages_without_a_total(qtbot: Any) -> None:
    model = LogTableModel()
    flt = log.LogFilter("inc-1")
    model.reset(flt, members={}, seen_seq=0, rows=_rows(PAGE))
    assert model.total is None and model.canFetchMore()
    model.fetchMore()
    assert model.pending == PAGE
    model.add_page(PAGE, model.epoch, _rows(10, PAGE))
    # A short page is the end: the total is known without a count.
    assert model.total == PAGE + 10 and not model.canFetchMore()
    model.set_total(PAGE + 10)
    assert model.total == PAGE + 10


def test_model_takes_the_count_when_it_lands(qtbot: Any) -> None:
    model = LogTableModel()
    model.reset(log.LogFilter("inc-1"), members={}, seen_seq=0, rows=_rows(PAGE))
    model.set_total(5 * PAGE)
    assert model.total == 5 * PAGE and model.canFetchMore()
    # A first page shorter than a page is the whole log, whatever a count said.
    model.reset(log.LogFilter("inc-1"), members={}, seen_seq=0, rows=_rows(3), total=7)
    assert model.total == 3 and not model.canFetchMore()


def test_a_failed_count_says_so(
    qtbot: Any, view: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count that fails leaves the table paging on and says "not counted" rather than
    "counting…" for ever; the reason goes to the status bar."""

    def broken(store: Any, *, flt: log.LogFilter, stop: Any = None) -> int:
        if flt.significant:
            return 0
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(log, "count_entries", broken)
    messages: list[str] = []
    view.message.connect(messages.append)
    _long_log(view)
    panel = _panel(qtbot, view)
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    QThreadPool.globalInstance().waitForDone(10_000)
    assert panel.model.rowCount() == PAGE and panel.model.canFetchMore()
    assert panel.model.total is None
    assert panel.filters.matches.text() == "not counted"
    assert any("not counted: disk I/O error" in m for m in messages)


def test_next_pages_read_on_from_the_last_row(
    qtbot: Any, view: AppContext, held: HeldCount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scroll's page is read from the last loaded row's key, not by offset (a page
    deep in a long log costs what the first does), and the pages join up."""
    held.release()
    _long_log(view, 2 * PAGE + 10)
    asked: list[tuple[str, str] | None] = []
    real = lr.fetch_page

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("after"))
        return real(*args, **kwargs)

    monkeypatch.setattr(lr, "fetch_page", spy)
    panel = _panel(qtbot, view)
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    model = panel.model
    while model.canFetchMore():
        last = model.rows[-1].key
        model.fetchMore()
        qtbot.waitUntil(lambda: model.pending is None and panel.is_loaded(), timeout=5000)
        assert asked[-1] == last
    flt = panel.current_filter()
    assert flt is not None
    whole = [e.id for e in log.list_entries(view.store, flt=flt, newest_first=True)]
    assert [r.id for r in model.rows] == whole
    assert model.total == len(whole)
