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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei_requests, messages
from hcc_desktop.core.timeutil import from_ms, parse_iso
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.eei_request_dialog import EEIRequestDialog, MessageDialog
from hcc_desktop.gui.operations import CollectionOp, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.prep_common import Cell, current_key, fill, make_table

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
            f"<b>HPP-PHEP 6.1</b>: {rep.total.numerator} of {rep.total.denominator} partners "
            f"reported on time ({pct:.0f}%)"
            if pct is not None
            else "HPP-PHEP 6.1"
        )


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
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.statuses: list[eei_requests.RequestStatus] = []
        self._build()
        ctx.incident_changed.connect(lambda _i: self.reload())

    def _build(self) -> None:
        bar = QHBoxLayout()
        self.count = QLabel()
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
        self.count.setText(f"{len(rows)} requests")
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
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.rows: list[messages.MessageRow] = []
        self._build()
        ctx.incident_changed.connect(lambda _i: self.reload())

    def _build(self) -> None:
        bar = QHBoxLayout()
        self.count = QLabel()
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
        self.read_in_background(
            lambda _p: messages.list_messages(store, incident_id=incident) if incident else [],
            self._fill,
            failed="Communications log not loaded",
        )

    def _fill(self, rows: list[messages.MessageRow]) -> None:
        self.rows = rows
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
        self.count.setText(f"{len(rows)} messages, {waiting} awaiting acknowledgements")
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


def _acked(r: messages.MessageRow) -> str:
    if not r.recipients:
        return ""
    return f"{len(r.recipients) - len(r.awaiting)}/{len(r.recipients)}"
