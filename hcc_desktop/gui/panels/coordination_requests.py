"""Two docks of response coordination (issue 16): EEI requests and the communications
log.

EEI requests: the incident's requests; for the one selected, every partner's line in
the current round coloured by its state (missing red, late amber, sent blue, reported
on time green, not sent grey), the reminder list with the 24/7 numbers to call, and
the HPP-PHEP 6.1 percentage by partner type as a bar chart. The lines are derived by
`eei_requests.statuses` from the messages and the EEI reports, so a report typed,
imported or synced in turns its line green on the next read.

Communications log: every message of the incident, newest first, with its recipients
and who has acknowledged; an acknowledgement is recorded against the selected
recipient.

Both docks print their papers (reports/coordination.py, the CLI's `eei-requests report
--pdf` and `messages print`) from a "Print PDF…" menu: the HPP-PHEP 6.1 page for the
incident or the selected request, the ICS 205A communications list and the outbound
messages list. Each asks where to save, is built off the GUI thread on the paper last
chosen, and opens in the viewer with Print… offered (gui/reports/output.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei_requests, incidents, messages
from hcc_desktop.core.timeutil import from_ms, parse_iso
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.eei_request_dialog import EEIRequestDialog, MessageDialog
from hcc_desktop.gui.elide import ElidedLabel
from hcc_desktop.gui.operations import CollectionOp, Job, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.prep_common import Cell, current_key, fill, make_table
from hcc_desktop.gui.reports import output

if TYPE_CHECKING:
    from hcc_desktop.reports.document import DocumentResult
    from hcc_desktop.reports.pages import Progress as PdfProgress

#: A document builder as the docks call it: (where, paper, progress) -> what it wrote.
Build = Callable[[Path, str, "PdfProgress"], "DocumentResult"]

STATE_COLOURS: dict[str, tuple[str, str]] = {
    "missing": ("#ffcdd2", "#b71c1c"),
    "late": ("#ffe0b2", "#8a4b00"),
    "sent": ("#dbe9f7", "#1f4e79"),
    "not_sent": ("#eceff1", "#555b61"),
    "on_time": ("#d7f0d2", "#1b5e20"),
}


def when(iso: str | None) -> str:
    """A stored time as the operator reads it (local, day and minute)."""
    if not iso:
        return ""
    return parse_iso(iso).astimezone().strftime("%a %d %H:%M")


def state_cell(state: str) -> Cell:
    bg, fg = STATE_COLOURS.get(state, ("#ffffff", "#000000"))
    return Cell(eei_requests.STATES.get(state, state), bg=QColor(bg), fg=QColor(fg),
                bold=state in ("missing", "late"))  # fmt: skip


class PercentChart(QWidget):
    """HPP-PHEP 6.1 percentage on time by partner type, n/d under each bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("eeiRequestChart")
        self.plot.setYRange(0, 100)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setLabel("left", "% on time")
        self.plot.setMinimumHeight(150)
        self.title = QLabel(objectName="eeiRequestChartTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)

    def show_report(self, rep: eei_requests.HppReport | None) -> None:
        self.plot.clear()
        if rep is None or not rep.by_partner_type:
            self.title.setText("HPP-PHEP 6.1: no round has fallen due yet")
            return
        groups = list(rep.by_partner_type.items())
        x = np.arange(len(groups))
        heights = [g.percent or 0.0 for _, g in groups]
        self.plot.addItem(pg.BarGraphItem(x=x, height=heights, width=0.6, brush="#1f4e79"))
        self.plot.getAxis("bottom").setTicks(
            [[(i, f"{name} {g.numerator}/{g.denominator}") for i, (name, g) in enumerate(groups)]]
        )
        self.plot.setXRange(-0.6, len(groups) - 0.4)
        pct = rep.total.percent
        self.title.setText(
            f"<b>HPP-PHEP 6.1</b>: {rep.responses_line()} ({pct:.0f}%)"
            if pct is not None
            else "HPP-PHEP 6.1"
        )


# ------------------------------------------------------------------ printing


def print_button(
    name: str, tip: str, items: list[tuple[str, str, Callable[[], None]]]
) -> QToolButton:
    """The dock's "Print PDF…" button: one click opens the menu of its papers."""
    button = QToolButton()
    button.setText("Print PDF…")
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    menu.setToolTipsVisible(True)
    for text, item_tip, slot in items:
        action = menu.addAction(text)
        action.setToolTip(item_tip)
        action.triggered.connect(lambda _checked=False, s=slot: s())
    button.setMenu(menu)
    # A tool button that pops its menu on click draws the menu arrow in its corner but,
    # unlike a split button, leaves no room for it: the arrow would sit on the "…".
    arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    button.setMinimumWidth(button.sizeHint().width() + arrow)
    return button


def nothing_to_print(parent: QWidget, what: str, why: str) -> None:
    QMessageBox.information(parent, f"{what}: nothing to print", why)


def print_document(panel: Panel, *, what: str, name: str, build: Build) -> Job | None:
    """Ask where to save `what` (suggesting `name` in the reports folder), refuse a
    folder that cannot take it in plain words, then build it off the GUI thread with
    the progress dialog and deliver it as every document is (viewer, Print…)."""
    ctx = panel.ctx
    path = output.ask_path(panel, f"Print {what}", output.default_folder(ctx.store.path) / name)
    if path is None:
        return None
    # reportlab comes with the builders: only once a paper is asked for.
    from hcc_desktop.reports.pages import check_out

    try:
        check_out(path)
    except ValidationError as exc:
        QMessageBox.warning(
            panel,
            "PDF not written",
            f"{what} not written.\n\n{exc.message}.\n\n"
            "Choose a folder you can write in and print again.",
        )
        ctx.message.emit(f"{what} not written: {exc.message}")
        return None
    paper = output.default_paper()

    def describe(result: DocumentResult) -> str:
        pages = "1 page" if result.pages == 1 else f"{result.pages} pages"
        return f"{what} written: {pages}"

    return output.run_document(
        panel,
        ctx,
        title=f"Print {what}…",
        work=lambda progress: build(path, paper, progress.step),
        describe=describe,
        path=path,
    )


def _zone() -> tzinfo | None:
    """The zone the operator chose to see times in (None: this computer's)."""
    from hcc_desktop.gui.dialogs.preferences import display_zone

    return display_zone()


@dataclass(frozen=True)
class _Requests:
    statuses: list[eei_requests.RequestStatus]
    report: eei_requests.HppReport | None


class EEIRequestsPanel(Panel):
    TITLE = "EEI requests"
    DOCK_NAME = "eeiRequestsDock"
    WATCHES = frozenset({"eei_request", "message", "eei_report", "organization", "contact",
                         "operational_period"})  # fmt: skip
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_EEI_REQUESTS
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.ISSUE_EEI_REQUEST: "issue_request",
        ActionId.REMIND_EEI_REQUEST: "remind",
        ActionId.CLOSE_EEI_REQUEST: "close_request",
        ActionId.PRINT_HPP: "print_hpp",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.statuses: list[eei_requests.RequestStatus] = []
        self.report: eei_requests.HppReport | None = None
        #: The last "Print PDF…" job (tests wait for its result box).
        self.print_job: Job | None = None
        self._build()
        ctx.incident_changed.connect(lambda _i: self.reload())

    def _build(self) -> None:
        bar = QHBoxLayout()
        self.count = ElidedLabel()  # gives way to the buttons in a narrow dock
        bar.addWidget(self.count, 1)
        for text, tip, slot in (
            ("Issue…", "Issue an EEI request (Ctrl+Shift+J)", self.issue_request),
            ("Remind", "Log reminder calls to partners still owing (Ctrl+Shift+Y)", self.remind),
            ("Close", "Close the selected request (Ctrl+Shift+D)", self.close_request),
        ):
            b = QToolButton(text=text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
        self.print_menu = print_button(
            "eeiRequestsPrint",
            "The HPP-PHEP 6.1 page (EEI reported within the requested time) as a PDF",
            [
                ("HPP-PHEP 6.1, whole incident…", "Every request of the incident in view, "
                 "as of now", self.print_hpp),
                ("HPP-PHEP 6.1, selected request only…", "The request selected above, as of "
                 "now", self.print_hpp_request),
            ],
        )  # fmt: skip
        bar.addWidget(self.print_menu)
        self.requests = make_table("eeiRequestsTable", ("Request", "Due (round)", "Repeat",
                                   "Status", "On time", "Late", "Missing", "Owing"))  # fmt: skip
        self.requests.itemSelectionChanged.connect(self._show_lines)
        self.lines = make_table("eeiRequestLines", ("Partner", "State", "Reported", "Elements",
                                                    "Type"))  # fmt: skip
        self.reminders = make_table("eeiRequestReminders", ("Call", "State", "24/7 number",
                                                            "Contact"))  # fmt: skip
        self.chart = PercentChart()
        self.note = QLabel(objectName="eeiRequestsNote")
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.lines)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.reminders)
        right.addWidget(self.chart)
        lower.addWidget(right)
        lower.setSizes([500, 400])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.requests)
        split.addWidget(lower)
        split.setSizes([120, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def reload(self) -> None:
        store, incident = self.ctx.store, self.ctx.incident_id

        def read(_p: object) -> _Requests:
            if not incident:
                return _Requests([], None)
            now = from_ms(store.wall())
            return _Requests(
                eei_requests.statuses(store, incident_id=incident, now=now),
                eei_requests.hpp_report(store, incident_id=incident, now=now),
            )

        self.read_in_background(read, self._fill, failed="EEI requests not loaded")

    def _fill(self, d: _Requests) -> None:
        self.statuses = d.statuses
        self.report = d.report
        rows = []
        for st in d.statuses:
            r, c = st.request, st.counts()
            repeat = eei_requests.REPEATS.get(r.repeat or "once", "")
            if r.repeat == "hours":
                repeat = f"Every {r.repeat_hours} h"
            rows.append((r.id, [r.title, when(st.current.due_at) + f" (#{st.current.number})",
                                repeat, r.status, c["on_time"], c["late"], c["missing"],
                                c["sent"] + c["not_sent"]]))  # fmt: skip
        fill(self.requests, rows)
        if self.requests.currentRow() < 0 and rows:
            self.requests.selectRow(0)
        self.chart.show_report(d.report)
        self.count.set_full_text(f"{len(rows)} requests")
        self._show_lines()
        self._loaded = True

    def current(self) -> eei_requests.RequestStatus | None:
        key = current_key(self.requests)
        return next((s for s in self.statuses if s.request.id == key), None)

    def _show_lines(self) -> None:
        st = self.current()
        lines = st.lines if st else []
        fill(self.lines, (
            (ln.organization_id, [ln.name, state_cell(ln.state), when(ln.reported_at),
                                  f"{len(ln.elements_reported)}/{len(ln.elements_due)}",
                                  ln.partner_type])
            for ln in lines
        ))  # fmt: skip
        calls = st.reminders if st else []
        fill(self.reminders, (
            (ln.organization_id, [ln.name, state_cell(ln.state),
                                  ln.phone_24_7 or (ln.contacts[0].phone if ln.contacts else "—"),
                                  f"{ln.contacts[0].name}, {ln.contacts[0].role}"
                                  if ln.contacts else ""])
            for ln in calls
        ))  # fmt: skip
        if st:
            c = st.counts()
            self.note.setText(
                f"Round {st.current.number} due {when(st.current.due_at)}: "
                f"{c['on_time']} on time, {c['late']} late, {c['missing']} missing, "
                f"{c['sent']} awaited, {c['not_sent']} not sent"
            )

    def issue_request(self) -> None:
        if not self.ctx.incident_id:
            self._say("Open an incident first")
            return
        EEIRequestDialog(self.ctx.store, self.ctx.actor, self.ctx.incident_id, self).exec()

    def print_hpp(self) -> None:
        """The HPP-PHEP 6.1 page of the incident in view (`eei-requests report --pdf`)."""
        self._print_hpp(None)

    def print_hpp_request(self) -> None:
        """The same page for the selected request only (`--request`)."""
        st = self.current()
        if st is None:
            nothing_to_print(self, "HPP-PHEP 6.1 page", "Select the request to print first.")
            return
        self._print_hpp(st)

    def _print_hpp(self, st: eei_requests.RequestStatus | None) -> None:
        what = "HPP-PHEP 6.1 page"
        incident = self.ctx.incident_id
        if not incident or (self._loaded and self.report is None):
            nothing_to_print(self, what, "Open an incident first: the page is one incident's.")
            return
        if self._loaded and not self.statuses:
            nothing_to_print(self, what, "This incident has no EEI requests yet, so there is "
                             "nothing to count. Issue one with Issue… first.")  # fmt: skip
            return
        name = self.report.incident.name if self.report else incident
        parts = ["hpp-phep-6-1", name, st.request.title if st else "", output.today()]
        rid = st.request.id if st else None
        store, actor, zone = self.ctx.store, self.ctx.actor, _zone()

        def build(path: Path, paper: str, progress: PdfProgress) -> DocumentResult:
            from hcc_desktop.reports.coordination import build_hpp_report

            return build_hpp_report(store, path, incident_id=incident, request_id=rid,
                                    paper=paper, prepared_by=actor, zone=zone,
                                    progress=progress)  # fmt: skip

        self.print_job = print_document(self, what=what, name=output.file_name(*parts),
                                        build=build)  # fmt: skip

    def remind(self) -> None:
        st = self.current()
        if st is None:
            self._say("Select the request whose partners to remind first")
            return
        store, actor = self.ctx.store, self.ctx.actor
        (
            CollectionOp(
                self,
                lambda _p: eei_requests.remind(store, actor=actor, request_id=st.request.id),
                title="Reminder not logged",
            )
            .success(lambda _r: self._say(f"Reminder logged to {len(st.reminders)} partners"))
            .failure(lambda e: self._say(f"Not logged: {e.message}"), only=ValidationError)
            .run_now()
        )

    def close_request(self) -> None:
        st = self.current()
        if st is None:
            self._say("Select the request to close first")
            return
        store, actor = self.ctx.store, self.ctx.actor
        (
            CollectionOp(
                self,
                lambda _p: eei_requests.set_status(
                    store, actor=actor, request_id=st.request.id, status="closed"
                ),
                title="Request not closed",
            )
            .success(lambda _r: self._say("EEI request closed"))
            .failure(lambda e: self._say(f"Not closed: {e.message}"), only=ValidationError)
            .run_now()
        )

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.ctx.message.emit(text)


class MessagesPanel(Panel):
    TITLE = "Communications log"
    DOCK_NAME = "messagesDock"
    WATCHES = frozenset({"message", "message_ack", "organization"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_MESSAGES
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.LOG_MESSAGE: "log_message",
        ActionId.ACK_MESSAGE: "acknowledge",
        ActionId.PRINT_ICS205A: "print_ics205a",
        ActionId.PRINT_OUTBOUND: "print_outbound",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.rows: list[messages.MessageRow] = []
        self.incident_name = ""
        #: The last "Print PDF…" job (tests wait for its result box).
        self.print_job: Job | None = None
        self._build()
        ctx.incident_changed.connect(lambda _i: self.reload())

    def _build(self) -> None:
        bar = QHBoxLayout()
        self.count = ElidedLabel()  # gives way to the buttons in a narrow dock
        bar.addWidget(self.count, 1)
        for text, tip, slot in (
            ("Log…", "Log a message sent or received (Ctrl+Shift+W)", self.log_message),
            ("Acknowledged", "The selected recipient acknowledged (Ctrl+Shift+B)",
             self.acknowledge),
        ):  # fmt: skip
            b = QToolButton(text=text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            bar.addWidget(b)
        self.print_menu = print_button(
            "messagesPrint",
            "The ICS 205A communications list or the outbound messages list as a PDF",
            [
                ("Communications list (ICS 205A)…", "How to reach the positions on the roster "
                 "and the partners' 24/7 contacts; marked not for public release",
                 self.print_ics205a),
                ("Outbound messages…", "Every message sent in the incident, with who "
                 "acknowledged it", self.print_outbound),
            ],
        )  # fmt: skip
        bar.addWidget(self.print_menu)
        self.table = make_table("messagesTable", ("Sent", "Dir", "Kind", "Subject", "Channel",
                                                  "Acknowledged", "From"))  # fmt: skip
        self.table.itemSelectionChanged.connect(self._show_recipients)
        self.recipients = make_table("messageRecipients", ("Recipient", "Acknowledged"))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.recipients)
        split.setSizes([650, 300])
        self.note = QLabel(objectName="messagesNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def reload(self) -> None:
        store, incident = self.ctx.store, self.ctx.incident_id

        def read(_p: object) -> _Messages:
            if not incident:
                return _Messages("", [])
            name = incidents.get_incident(store, incident).name or incident
            return _Messages(name, messages.list_messages(store, incident_id=incident))

        self.read_in_background(read, self._fill, failed="Communications log not loaded")

    def _fill(self, d: _Messages) -> None:
        rows = self.rows = d.rows
        self.incident_name = d.name
        fill(self.table, (
            (r.message.id, [when(r.message.sent_at), r.message.direction,
                            messages.MESSAGE_KINDS.get(r.message.kind or "", r.message.kind),
                            r.message.subject, r.message.channel,
                            _acked(r), r.message.sender])
            for r in rows
        ))  # fmt: skip
        if self.table.currentRow() < 0 and rows:
            self.table.selectRow(0)
        waiting = sum(1 for r in rows if r.message.direction == "out" and r.awaiting)
        self.count.set_full_text(f"{len(rows)} messages, {waiting} awaiting acknowledgements")
        self._show_recipients()
        self._loaded = True

    def current(self) -> messages.MessageRow | None:
        key = current_key(self.table)
        return next((r for r in self.rows if r.message.id == key), None)

    def _show_recipients(self) -> None:
        row = self.current()
        fill(self.recipients, (
            (x.key, [x.name, Cell(when(x.acknowledged_at), bg=QColor("#d7f0d2"))
                     if x.acknowledged_at else Cell("awaiting", fg=QColor("#8a4b00"))])
            for x in (row.recipients if row else [])
        ))  # fmt: skip

    def log_message(self) -> None:
        if not self.ctx.incident_id:
            self._say("Open an incident first")
            return
        MessageDialog(self.ctx.store, self.ctx.actor, self.ctx.incident_id, self).exec()

    def print_ics205a(self) -> None:
        """The ICS 205A communications list (`messages print ics205a`)."""
        self._print("ics205a")

    def print_outbound(self) -> None:
        """Every outbound message and its acknowledgements (`messages print outbound`)."""
        self._print("outbound")

    def _print(self, form: str) -> None:
        what = "Communications list (ICS 205A)" if form == "ics205a" else "Outbound messages list"
        incident = self.ctx.incident_id
        if not incident:
            nothing_to_print(self, what, "Open an incident first: the list is one incident's.")
            return
        if (
            form == "outbound"
            and self._loaded
            and not any(r.message.direction == "out" for r in self.rows)
        ):
            nothing_to_print(self, what, "No outbound message is logged in this incident yet, "
                             "so the list would be empty.")  # fmt: skip
            return
        store, actor, zone = self.ctx.store, self.ctx.actor, _zone()
        stem = "ics-205a" if form == "ics205a" else "outbound-messages"

        def build(path: Path, paper: str, progress: PdfProgress) -> DocumentResult:
            from hcc_desktop.reports import coordination

            make = coordination.build_ics205a if form == "ics205a" else (
                coordination.build_outbound_list)  # fmt: skip
            return make(store, path, incident_id=incident, paper=paper, prepared_by=actor,
                        zone=zone, progress=progress)  # fmt: skip

        name = output.file_name(stem, self.incident_name, output.today())
        self.print_job = print_document(self, what=what, name=name, build=build)

    def acknowledge(self) -> None:
        row, key = self.current(), current_key(self.recipients)
        who = next((x for x in (row.recipients if row else []) if x.key == key), None)
        if row is None or who is None:
            self._say("Select a message and the recipient who acknowledged first")
            return
        store, actor = self.ctx.store, self.ctx.actor
        (
            CollectionOp(
                self,
                lambda _p: messages.acknowledge(
                    store,
                    actor=actor,
                    message_id=row.message.id,
                    organization_id=who.organization_id,
                    recipient=None if who.organization_id else who.name,
                ),
                title="Acknowledgement not recorded",
            )
            .success(lambda _r: self._say(f"{who.name} acknowledged"))
            .failure(lambda e: self._say(f"Not recorded: {e.message}"), only=ValidationError)
            .run_now()
        )

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.ctx.message.emit(text)


@dataclass(frozen=True)
class _Messages:
    name: str
    rows: list[messages.MessageRow]


def _acked(r: messages.MessageRow) -> str:
    if not r.recipients:
        return ""
    return f"{len(r.recipients) - len(r.awaiting)}/{len(r.recipients)}"
