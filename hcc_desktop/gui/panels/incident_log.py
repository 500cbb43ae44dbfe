"""The incident log dock (ICS 214 activity log and significant events).

The table is lazy (see models.log_model); a change-set patches it in place, so a
colleague's entry or an import never moves the operator's selection. Every read runs
off the GUI thread: the table's through gui.panels.log_loader, the member list and
periods, the banner's count and the review list in QueryOps here. Entries that came
by import since the operator last marked the log read are highlighted, because in an
EOC "what did the other stations log while I was on the phone" is the first question.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import log
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui import fmt
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.clipboard import entry_text
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.correction_dialog import CorrectionDialog
from hcc_desktop.gui.models import log_reads
from hcc_desktop.gui.models import log_rows as lr
from hcc_desktop.gui.models.log_model import LogTableModel
from hcc_desktop.gui.operations import CollectionOp, QueryOp, busy, describe
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.log_entry_bar import LogEntryBar
from hcc_desktop.gui.panels.log_filters import LogFilterBar, initial_filter
from hcc_desktop.gui.panels.log_loader import LogLoader
from hcc_desktop.gui.panels.log_review import SignificantReview
from hcc_desktop.gui.panels.log_table import LogTable


class IncidentLogPanel(Panel):
    TITLE = "Incident log"
    DOCK_NAME = "incidentLogDock"
    WATCHES = frozenset({"log_entry", "organization", "period"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_LOG
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.LOG_ENTRY: "focus_entry",
        ActionId.LOG_FIND: "focus_filter",
        ActionId.LOG_CORRECT: "correct_selected",
        ActionId.LOG_NOMINATE: "nominate_selected",
        ActionId.LOG_REVIEW: "show_review",
        ActionId.LOG_MARK_READ: "mark_seen",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.members: dict[str, str] = {}
        #: The incident's periods (number → start, end), for the period filter.
        self.periods: dict[int, log_reads.Bounds] = {}
        self.seen_seq = 0
        self.model = LogTableModel()
        self.view = LogTable(self.model)
        self.loader = LogLoader(
            self, ctx.store, self.view, message=ctx.message.emit, placed=self._show_total
        )
        # The count is the one read that grows with the log's length: it starts before
        # the widgets are built, for the filter a new filter bar makes (the first
        # reset, for that same filter, reuses it).
        if ctx.incident_id:
            self.loader.count(initial_filter(ctx.incident_id))
        self._build()
        ctx.incident_changed.connect(lambda _id: self.schedule_reload())
        ctx.period_changed.connect(self._period_changed)
        self._show_total()

    def _build(self) -> None:
        self.filters = LogFilterBar()
        self.filters.changed.connect(self.apply_filter)
        self.banner = QLabel(objectName="logNewBanner")
        self.banner.setStyleSheet("background: #fff3bf; padding: 3px; border-radius: 3px")
        self.mark_read = QPushButton("Mark read")
        self.mark_read.clicked.connect(self.mark_seen)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.mark_read)
        self.banner_box = QWidget()
        self.banner_box.setLayout(banner_row)
        banner_row.setContentsMargins(0, 0, 0, 0)
        self.banner_box.hide()

        self.view.doubleClicked.connect(self._double_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self._flash_id = ""
        self.view.selectionModel().currentRowChanged.connect(self._current_moved)

        log_page = QWidget()
        page = QVBoxLayout(log_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.filters)
        page.addWidget(self.banner_box)
        page.addWidget(self.view, 1)
        self.review = SignificantReview()
        self.review.decided.connect(self._review_decided)
        self.review.state.currentIndexChanged.connect(lambda _i: self._load_review())
        self.review.count_changed.connect(self._review_count)
        self.tabs = QTabWidget(objectName="logTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(log_page, "Activity log (ICS 214)")
        self.tabs.addTab(self.review, "Significant events")
        self.entry = LogEntryBar()
        self.entry.submitted.connect(self.add_entry)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.entry)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return (
            self._loaded
            and not self.loader.busy()
            and not any(busy(self, k) for k in ("context", "banner", "review"))
        )

    def _count_early(self) -> None:
        """Start counting the log now, beside the reads before its first page: the
        count is the read that grows with the log's length, and a fixed filter needs
        nothing the context read brings. The reset that follows reuses it
        (LogLoader.count)."""
        if self.filters.fixed:
            self.loader.count(self.current_filter())

    def _show_total(self) -> None:
        flt = self.model.flt
        failed = flt is not None and self.loader.count_failed == flt
        self.filters.show_total(self.model.total, active=flt is not None, failed=failed)

    def reload(self) -> None:
        """Read the member names and the incident's periods, then the log itself."""
        store, incident = self.ctx.store, self.ctx.incident_id
        self._loaded = False
        self._count_early()
        (
            QueryOp(self, lambda _p: log_reads.read_context(store, incident))
            .supersede("context")
            .success(self._context_read)
            .failure(self._failed)
            .run_in_background()
        )

    def _context_read(self, context: log_reads.Context) -> None:
        self.members = context.members
        self.periods = context.periods
        self.seen_seq = context.seen_seq
        self.entry.set_members(self.members)
        self.apply_filter()
        self._load_review()
        self._loaded = True

    def _failed(self, exc: Exception) -> None:
        self._loaded = True
        self.ctx.message.emit(f"Incident log not loaded: {describe(exc)}")

    def _period_changed(self, _number: int) -> None:
        if self.filters.uses_period:
            self.apply_filter()

    def _period_bounds(self) -> tuple[str | None, str | None] | None:
        if not self.ctx.incident_id or not self.ctx.period:
            return None
        return self.periods.get(self.ctx.period)

    def current_filter(self) -> log.LogFilter | None:
        if not self.ctx.incident_id:
            return None
        return self.filters.build(
            self.ctx.incident_id,
            period=self._period_bounds(),
            now_iso=from_ms(self.ctx.store.wall()),
        )

    def apply_filter(self) -> None:
        """Read the log again for the filter (keeping the selected entry selected)."""
        self.loader.reset(
            self.current_filter(),
            members=self.members,
            seen_seq=self.seen_seq,
            keep=self.selected_ids(),
        )
        self._update_banner()
        self._show_total()

    def on_changes(self, changes: Changes) -> None:
        if changes.records.get("organization") or changes.records.get("period"):
            self.schedule_reload()
            return
        ids = changes.records.get("log_entry") or set()
        if ids:
            self.loader.patch(set(ids))
            self._load_review()
            self._update_banner()

    def _update_banner(self) -> None:
        """Count, off the GUI thread, the imported entries not yet marked read."""
        store, incident, seen = self.ctx.store, self.ctx.incident_id, self.seen_seq
        (
            QueryOp(self, lambda _p: lr.count_new(store, incident, seen) if incident else 0)
            .supersede("banner")
            .success(self._show_banner)
            .run_in_background()
        )

    def _show_banner(self, n: int) -> None:
        self.banner.setText(
            f"<b>{n} entr{'y' if n == 1 else 'ies'}</b> arrived by import since you last "
            "looked (highlighted). Ctrl+Shift+K marks them read."
        )
        self.banner_box.setVisible(n > 0)

    def mark_seen(self) -> None:
        store = self.ctx.store
        seq = CollectionOp(self, lambda _p: lr.mark_seen(store), title="Not marked read").run_now()
        if seq is not None:
            self.seen_seq = seq
            self.model.mark_all_seen(seq)
            self._update_banner()

    # ------------------------------------------------------------ entries
    def add_entry(self, text: str, category: str, priority: str, member: str) -> None:
        """Log the line; then select, scroll to and flash the new row, and say what was
        saved beside the line and in the status bar (a refusal: in red beside it)."""
        if not self.ctx.incident_id:
            self.entry.refuse("Nothing logged: open or create an incident first (Ctrl+Shift+N).")
            return
        entry_id = (
            CollectionOp(
                self,
                lambda _p: log.add_entry(
                    self.ctx.store,
                    actor=self.ctx.actor,
                    incident_id=self.ctx.incident_id or "",
                    text=text,
                    category=category,
                    priority=priority,
                    organization_id=member or None,
                ),
                title="Log entry not saved",
            )
            .failure(
                lambda exc: self.entry.refuse(f"Nothing logged: {exc.message}."),
                only=ValidationError,
            )
            .run_now()
        )
        if entry_id:
            at = fmt.local_time(from_ms(self.ctx.store.wall()))
            self.entry.accepted(f"Logged at {at}.")
            short = text if len(text) <= 60 else text[:57] + "…"
            self.ctx.message.emit(f"Logged at {at}: {short}")
            self._flash_id = entry_id
            self.select_entry(entry_id)

    def _current_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Flash the entry just logged once its row is selected (now, or when the
        change-set's read brings it in)."""
        if self._flash_id and self.model.row_id(current.row()) == self._flash_id:
            self._flash_id = ""
            self.view.flash_selection()

    def focus_entry(self) -> None:
        self.entry.line.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filters.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.text.selectAll()

    def selected_ids(self) -> list[str]:
        return self.view.selected_ids()

    def current_id(self) -> str:
        return self.view.current_id()

    def select_entry(self, entry_id: str, *, fetch: bool = True, clear: bool = True) -> bool:
        """Select the entry. One not loaded yet is, with `fetch`, selected once the
        pages up to it are read (True: on its way; the loader says so if the filter
        leaves it out); without `fetch`, False."""
        if self.view.select_loaded(entry_id, clear=clear):
            return True
        if fetch:
            self.loader.select(entry_id, clear=clear)
        return fetch

    def correct_selected(self) -> None:
        entry_id = self.current_id()
        row = self.model.entry(self.model.row_of(entry_id)) if entry_id else None
        if row is None:
            self.ctx.message.emit("Select the log entry to correct first")
            return
        dialog = CorrectionDialog(row.text, row.cells[lr.TIME], self)
        if dialog.exec() != CorrectionDialog.DialogCode.Accepted:
            return
        text, reason = dialog.values()
        new_id = CollectionOp(
            self,
            lambda _p: log.correct_entry(
                self.ctx.store, actor=self.ctx.actor, entry_id=entry_id, text=text, reason=reason
            ),
            title="Correction not saved",
        ).run_now()
        if new_id:
            self.select_entry(new_id)

    def nominate_selected(self) -> None:
        entry_id = self.current_id()
        if not entry_id:
            self.ctx.message.emit("Select the log entry to nominate first")
            return
        note, ok = QInputDialog.getText(
            self, "Nominate significant event", "Why is this significant? (optional)"
        )
        if not ok:
            return
        done = CollectionOp(
            self,
            lambda _p: (
                log.nominate(self.ctx.store, actor=self.ctx.actor, entry_id=entry_id, note=note)
                or True
            ),
            title="Not nominated",
        ).run_now()
        if done:
            self.ctx.message.emit("Nominated as a significant event for the situation unit")

    # ------------------------------------------------------------ review
    def show_review(self) -> None:
        self.tabs.setCurrentWidget(self.review)
        self.review.table.setFocus()

    def _load_review(self) -> None:
        store, incident = self.ctx.store, self.ctx.incident_id
        state = self.review.state.currentData() or "nominated"
        (
            QueryOp(self, lambda _p: log_reads.read_review(store, incident, state))
            .supersede("review")
            .success(self.review.show)
            .run_in_background()
        )

    def _review_count(self, pending: int) -> None:
        title = f"Significant events ({pending} to review)" if pending else "Significant events"
        self.tabs.setTabText(1, title)

    def _review_decided(self, entry_id: str, approve: bool) -> None:
        note = ""
        if not approve:
            note, ok = QInputDialog.getText(self, "Decline nomination", "Reason (optional)")
            if not ok:
                return
        CollectionOp(
            self,
            lambda _p: log.review(
                self.ctx.store, actor=self.ctx.actor, entry_id=entry_id, approve=approve, note=note
            ),
            title="Review not saved",
        ).run_now()

    # ------------------------------------------------------------ view events
    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.entry(index.row())
        if row is None:
            return
        target = row.corrects_id or row.corrected_by
        if index.column() == lr.LINK and target and not self.select_entry(target):
            self.ctx.message.emit("The linked entry is outside the current filter")
        elif index.column() != lr.LINK:
            QApplication.clipboard().setText(entry_text(row.text))
            self.ctx.message.emit("Entry text copied")

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        row = self.model.entry(index.row()) if index.isValid() else None
        if row is None:
            return
        menu = QMenu(self)
        menu.addAction("Correct…", self.correct_selected)
        nominate = menu.addAction("Nominate as significant event…", self.nominate_selected)
        nominate.setEnabled(row.significant in ("none", "declined"))
        target = row.corrects_id or row.corrected_by
        if target:
            menu.addAction("Go to linked entry", lambda: self.select_entry(target))
        menu.addAction("Copy text", lambda: QApplication.clipboard().setText(entry_text(row.text)))
        menu.exec(self.view.viewport().mapToGlobal(pos))
