"""The EEI grid dock: every expected facility's essential elements of information for
the incident and period in view, edited in place and validated by the coalition.

A reload (new incident or period, new members) is built off the GUI thread; an edit
or a validation patches only the cells it touched, read off the GUI thread too, as is
the cell history beside the grid. Refused values never reach the
store: the catalog coerces first, then the service checks again (with its cross-field
rules), and a refusal is shown beside the cell (gui.panels.eei_note), naming the
field as its column does, with no modal box to take the next clicks.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, status
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui import fmt
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.import_marks import PanelMarks
from hcc_desktop.gui.models.eei_data import cell_history, load_cells, load_grid
from hcc_desktop.gui.models.eei_model import FIXED, EEIGridModel
from hcc_desktop.gui.operations import Progress, QueryOp, busy, describe, drop
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.eei_edit import commit_value, validate_selection
from hcc_desktop.gui.panels.eei_history import CellHistory
from hcc_desktop.gui.panels.eei_note import CellNote
from hcc_desktop.gui.panels.eei_selection import copy_text
from hcc_desktop.gui.panels.eei_toolbar import EEIToolbar
from hcc_desktop.gui.panels.eei_view import EEIGridView
from hcc_desktop.gui.wording import eei_refusal

#: Past this many touched reports (a big import), reload instead of patching cells.
PATCH_LIMIT = 2000


def summary_variants(period: int, t: eei.Timeliness) -> list[str]:
    """The grid's timeliness line, fullest first, for a FittingLabel: a narrow dock
    drops the due time, then the period (both are in the window's header), then the
    share; the on-time, late and missing counts stay, because they say whom to call."""
    share = f"{t.share_on_time:.0%}" if t.expected else "–"
    due = fmt.local(t.due_at) or "no due time"
    on_time = f"on time {len(t.on_time)}/{t.expected}"
    rest = (
        f" · <span style='color:#8a6d00'>late {len(t.late)}</span> · "
        f"<span style='color:#b71c1c'>missing {len(t.missing)}</span>"
    )
    head = f"<b>Period {period}</b> · "
    return [
        f"{head}EEIs due {due} · <b>{on_time} ({share})</b>{rest}",
        f"{head}<b>{on_time} ({share})</b>{rest}",
        f"<b>{on_time} ({share})</b>{rest}",
        f"<b>{on_time}</b>{rest}",
    ]


class EEIGridPanel(Panel):
    TITLE = "EEI grid"
    DOCK_NAME = "eeiGridDock"
    WATCHES = frozenset({"eei_report", "organization", "incident", "period"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_EEI
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.EEI_VALIDATE: "validate",
        ActionId.EEI_QUESTION: "question",
        ActionId.EEI_REJECT: "reject",
        ActionId.EEI_HISTORY: "toggle_history",
        ActionId.EEI_COPY: "copy_selection",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        #: Reports touched by changes and not yet read back (see on_changes).
        self._touched: set[str] = set()
        self.model = EEIGridModel(commit=self._commit)
        self._build()
        ctx.incident_changed.connect(lambda _id: self.schedule_reload())
        ctx.period_changed.connect(lambda _n: self.schedule_reload())
        ctx.member_selected.connect(self.show_member)

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self.bar = EEIToolbar()
        self.summary, self.find, self.category = self.bar.summary, self.bar.find, self.bar.category
        self.buttons, self.history_button = self.bar.buttons, self.bar.history_button
        self.category.currentIndexChanged.connect(self._apply_column_filter)
        self.find.textChanged.connect(self._apply_row_filter)
        for state, button in self.buttons.items():
            button.clicked.connect(lambda _c=False, s=state: self.set_validation(s))
        self.history_button.toggled.connect(self._toggle_history)
        self.message = QLabel(objectName="eeiMessage")
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold")
        self.message.setWordWrap(True)
        self.message.hide()

        self.view = EEIGridView(self.model)
        self.header = self.view.header
        self.note = CellNote(self.view.viewport())
        self._noted = QPersistentModelIndex()
        for bar in (self.view.horizontalScrollBar(), self.view.verticalScrollBar()):
            bar.valueChanged.connect(lambda _v: self._place_note())
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.history = CellHistory()
        self.history.hide()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(self.history)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        self.marks = PanelMarks(
            self.ctx.store, "eei", ("eei_report",), "report", self.model.set_fresh
        )
        layout.addWidget(self.marks.bar)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return self._loaded and not any(busy(self, k) for k in ("reload", "patch", "history"))

    def reload(self) -> None:
        incident, period = self.ctx.incident_id, self.ctx.period
        if not incident or not period:
            self.model.set_grid(None)
            self.summary.set_variants(["<i>No operational period selected.</i>"])
            self._loaded = True
            return
        store, marks = self.ctx.store, self.marks

        def job(progress: Progress) -> Any:
            grid = load_grid(store, incident_id=incident, period=period, step=progress.step)
            return grid, marks.read()

        self._loaded = False
        self._touched.clear()  # the reload reads them all
        drop(self, "patch")
        (
            QueryOp(self, job)
            .supersede("reload")
            .with_progress("Loading EEI grid")
            .success(self._on_loaded)
            .failure(self._on_failed)
            .cancelled(self._on_cancelled)
            .run_in_background()
        )

    def _on_loaded(self, result: Any) -> None:
        grid, fresh = result
        if grid.incident_id != self.ctx.incident_id or grid.period != self.ctx.period:
            return  # a newer reload is on its way
        current = self._current_key()
        self.model.set_grid(grid)
        self._size_columns()
        self._apply_column_filter()
        self._apply_row_filter()
        self._update_summary()
        self._restore_current(current)
        self.marks.show(fresh)
        self.view.lay_out_now()  # before the first paint: a later layout paints again
        self._loaded = True

    def _on_failed(self, exc: Exception) -> None:
        self._loaded = True
        self.show_message(f"The EEI grid could not be loaded: {describe(exc)}")

    def _on_cancelled(self) -> None:
        self._loaded = True
        self.ctx.message.emit("EEI grid: loading cancelled; showing the previous data")

    def on_changes(self, changes: Changes) -> None:
        touched = changes.records
        if touched.get("organization") or touched.get("incident") or touched.get("period"):
            self.schedule_reload()
            return
        ids = touched.get("eei_report") or set()
        if not ids or self.model.grid is None:
            return
        if len(ids) > PATCH_LIMIT or busy(self, "reload"):
            # A reload in flight may have read before this change: read it all again.
            self.schedule_reload()
            return
        self._touched |= set(ids)
        store, wanted, grid = self.ctx.store, set(self._touched), self.model.grid
        incident, period = grid.incident_id, grid.period

        def read(_progress: Progress) -> Any:
            cells = load_cells(store, wanted)
            return cells, status.facility_statuses(store, incident_id=incident, period=period)

        # Newest wins: each read takes every report touched since the last one arrived.
        (
            QueryOp(self, read, title="EEI grid not updated")
            .supersede("patch")
            .success(lambda r: self._place_patch(incident, period, wanted, *r))
            .run_in_background()
        )

    def _place_patch(
        self,
        incident: str,
        period: int,
        wanted: set[str],
        cells: list[Any],
        statuses: dict[str, status.FacilityStatus],
    ) -> None:
        grid = self.model.grid
        if grid is None or (grid.incident_id, grid.period) != (incident, period):
            return
        self._touched -= wanted
        self.model.update_reports(cells)
        self.model.set_statuses(statuses)
        self._update_summary()
        self._on_current(self.view.currentIndex())

    def _size_columns(self) -> None:
        if self.model.grid is not None:
            self.view.size_columns(self.model.grid.elements)

    def _update_summary(self) -> None:
        grid = self.model.grid
        if grid is None:
            return
        self.summary.set_variants(summary_variants(grid.period, grid.timeliness))

    # ------------------------------------------------------------ filters
    def _apply_column_filter(self) -> None:
        grid = self.model.grid
        wanted = self.category.currentData()
        if grid is None:
            return
        for j, el in enumerate(grid.elements):
            self.view.setColumnHidden(len(FIXED) + j, bool(wanted) and el.category != wanted)
        self.header.invalidate_groups()

    def _apply_row_filter(self) -> None:
        grid = self.model.grid
        text = self.find.text().strip().lower()
        if grid is None:
            return
        if not text and not self.view.verticalHeader().hiddenSectionCount():
            return  # nothing to hide and nothing hidden: spares a call per facility
        for i, f in enumerate(grid.facilities):
            hide = bool(text) and text not in f.name.lower() and text not in f.town.lower()
            self.view.setRowHidden(i, hide)

    # ------------------------------------------------------------ selection
    def _current_key(self) -> tuple[str, int] | None:
        index = self.view.currentIndex()
        if not index.isValid() or self.model.grid is None:
            return None
        return self.model.facility_id(index.row()), index.column()

    def _restore_current(self, key: tuple[str, int] | None) -> None:
        grid = self.model.grid
        org = key[0] if key else self.ctx.selected_member
        if grid is None or not org:
            return
        row = grid.row_of(org)
        if row >= 0:
            column = key[1] if key and key[1] < self.model.columnCount() else 0
            self.view.setCurrentIndex(self.model.index(row, column))

    def show_member(self, org_id: str) -> None:
        """Select the facility's row when it is selected elsewhere (map, directory)."""
        grid = self.model.grid
        row = grid.row_of(org_id) if grid and org_id else -1
        if row < 0:
            return
        if self.view.currentIndex().row() == row:
            return
        index = self.model.index(row, max(self.view.currentIndex().column(), 0))
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

    def selected_row_org(self) -> str:
        index = self.view.currentIndex()
        return self.model.facility_id(index.row()) if index.isValid() else ""

    def _on_current(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        if not index.isValid() or self.model.grid is None:
            return
        self.ctx.select_member(self.model.facility_id(index.row()))
        if self.history.isVisible():
            self._show_history(index)

    # ------------------------------------------------------------ history
    def _toggle_history(self, on: bool) -> None:
        self.history.setVisible(on)
        if on:
            self._show_history(self.view.currentIndex())

    def toggle_history(self) -> None:
        self.history_button.toggle()

    def _show_history(self, index: QModelIndex) -> None:
        el = self.model.element(index.column()) if index.isValid() else None
        grid = self.model.grid
        if el is None or grid is None:
            self.history.clear("Select an EEI cell to see its history over periods.")
            return
        facility = grid.facilities[index.row()]
        store, incident = self.ctx.store, grid.incident_id
        (
            QueryOp(
                self,
                lambda _p: cell_history(
                    store, incident_id=incident, organization_id=facility.id, element=el.code
                ),
            )
            .supersede("history")
            .success(lambda rows: self.history.show_history(facility.name, el, rows))
            .run_in_background()
        )

    # ------------------------------------------------------------ editing
    def _commit(self, org_id: str, code: str, text: str, seen: str | None) -> bool:
        """Save a typed value; the outcome is said beside the cell (and a save in the
        status bar too), never in a modal box that would take the next clicks."""
        grid = self.model.grid
        if grid is None:
            return False
        error = commit_value(self.ctx, grid, org_id, code, text, seen)
        self._noted = self._cell_index(org_id, code)
        if error is not None:
            # The cell as stored now: a refusal may be about what the grid showed
            # (a report another seat retracted since), and the next entry must be
            # made over what is there, not refused again for the same stale view.
            self._read_back(grid.incident_id, grid.period, org_id, code)
            self.refuse(error)
            return False
        self._read_back(grid.incident_id, grid.period, org_id, code)
        self.message.hide()
        el = load_catalog().element(code)
        row = grid.row_of(org_id)
        name = grid.facilities[row].name if row >= 0 else ""
        shown = f"{text} {el.unit}" if text and el.unit and el.unit not in el.label else text
        said = f"Saved — {el.label}: {shown}"
        self._place_note(said, "ok")
        self.ctx.message.emit(f"{said} for {name}" if name else said)
        return True

    def _read_back(self, incident_id: str, period: int, org_id: str, code: str) -> None:
        """Show the saved cell with its new version at once (one row by key), not when
        the patch read comes back: the version goes with the next save of the cell, and
        an older one would make that save look made over a stale view, a conflict with
        this seat's own value. If the read fails, the patch brings the cell."""
        rid = eei.report_id(incident_id, org_id, code, period)
        try:
            rows = load_cells(self.ctx.store, [rid])
        except SQLAlchemyError:
            return
        self.model.update_reports(rows)

    def refuse(self, exc: ValidationError) -> None:
        """Say why a value was refused, once, beside the cell, naming the field as the
        column does; the editor closes and the next click goes where it is aimed."""
        self._place_note(f"{eei_refusal(exc)} Nothing was changed.", "error")

    def _cell_index(self, org_id: str, code: str) -> QPersistentModelIndex:
        grid = self.model.grid
        codes = [e.code for e in grid.elements] if grid else []
        if grid is None or code not in codes:
            return QPersistentModelIndex()
        column = len(FIXED) + codes.index(code)
        return QPersistentModelIndex(self.model.index(grid.row_of(org_id), column))

    def _place_note(self, text: str = "", kind: str = "") -> None:
        """Show (or, after a scroll, move) the note under the cell just edited."""
        kind, text = kind or self.note.kind, text or self.note.text()
        index = QModelIndex(self._noted) if self._noted.isValid() else QModelIndex()
        rect = self.view.visualRect(index) if index.isValid() else QRect()
        if not kind or not rect.isValid() or not self.view.viewport().rect().intersects(rect):
            self.note.clear()
            return
        self.note.show_at(rect, text, kind)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def set_validation(self, state: str) -> None:
        changed = validate_selection(self, self.ctx, self.view, self.model, state)
        if changed is not None:
            self.ctx.message.emit(f"{changed} EEI value(s) {state}")

    def validate(self) -> None:
        self.set_validation("validated")

    def question(self) -> None:
        self.set_validation("questioned")

    def reject(self) -> None:
        self.set_validation("rejected")

    def scope_widget(self) -> QWidget:
        """Ctrl+C copies from the grid itself, not from the find box above it."""
        return self.view

    def copy_selection(self) -> None:
        text = copy_text(self.view, self.model)
        if text:
            QApplication.clipboard().setText(text)
            self.ctx.message.emit("Copied the selection as a tab-separated table")
