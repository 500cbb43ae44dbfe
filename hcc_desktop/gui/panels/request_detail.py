"""One resource request in full: its ICS 213RR fields, the steps it may take next and
the history of every status change (who moved it, when, why).

Only the transitions the lifecycle allows from the current status get a button, so an
operator cannot even try to deliver a request nobody approved; the service refuses
such a step anyway, for the CLI and for a stale screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.services import escalation, requests
from hcc_desktop.gui import fmt
from hcc_desktop.gui.dialogs.coordination_dialogs import ElevateDialog, FillDialog

#: The verb on the button for each target status.
VERBS = {
    "submitted": "Submit",
    "approved": "Approve",
    "sourcing": "Start sourcing",
    "committed": "Commit",
    "in_transit": "In transit",
    "delivered": "Delivered",
    "returned": "Returned",
    "denied": "Deny…",
    "cancelled": "Cancel request…",
}


class RequestDetail(QWidget):
    #: request id, new status
    transition = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request_id = ""
        self.summary = QLabel(objectName="requestSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.buttons_row = QHBoxLayout()
        self.buttons_row.setContentsMargins(0, 0, 0, 0)
        self.buttons_row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        self.request: m.ResourceRequest | None = None
        #: The status version read with the request shown: its buttons' steps start
        #: from it (RequestDetail.seen_for).
        self.status_seen: str | None = None
        # Escalation (members' fill, elevation to the state): forms of their own,
        # after the lifecycle steps.
        self.fill_button = QPushButton("Members filled…")
        self.fill_button.setObjectName("requestFill")
        self.fill_button.setToolTip("How much the coalition's members filled")
        self.fill_button.clicked.connect(lambda _c=False: self._escalate(FillDialog))
        self.elevate_button = QPushButton("Elevate to state…")
        self.elevate_button.setObjectName("requestElevate")
        self.elevate_button.setToolTip("Elevate the unfilled part to ESF-8 / DPH")
        self.elevate_button.clicked.connect(lambda _c=False: self._escalate(ElevateDialog))
        self.history = QTableWidget(0, 4, objectName="requestHistory")
        self.history.setHorizontalHeaderLabels(["Status", "When", "By", "Note"])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll.setWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(scroll, 3)
        layout.addLayout(self.buttons_row)
        escalate_row = QHBoxLayout()
        escalate_row.setContentsMargins(0, 0, 0, 0)
        escalate_row.addStretch(1)
        escalate_row.addWidget(self.fill_button)
        escalate_row.addWidget(self.elevate_button)
        layout.addLayout(escalate_row)
        layout.addWidget(QLabel("<b>Status history</b>"))
        layout.addWidget(self.history, 2)
        self.show_request(None, [], "")

    def show_request(
        self,
        r: m.ResourceRequest | None,
        steps: list[requests.StatusStep],
        requester: str,
        status_seen: str | None = None,
    ) -> None:
        self.request_id = r.id if r else ""
        self.request = r
        self.status_seen = status_seen if r else None
        open_ = r is not None and r.status not in escalation.CLOSED
        self.fill_button.setEnabled(open_)
        self.elevate_button.setEnabled(open_ and r is not None and escalation.unfilled(r) > 0)
        self._set_buttons(lifecycle.allowed_next(r.status) if r else ())
        if r is None:
            self.summary.setText("<i>Select a request to see its details and history.</i>")
            self.history.setRowCount(0)
            return
        rows = [
            ("Resource", f"{r.resource_kind}{' — ' + r.resource_type if r.resource_type else ''}"),
            ("Quantity", f"{fmt.number(r.quantity)} {r.unit or ''}"),
            ("Priority", fmt.label(r.priority)),
            ("Needed by", fmt.local(r.needed_by) or "—"),
            ("Requester", requester or r.requested_by or "—"),
            ("Requested by", r.requested_by or "—"),
            ("Deliver to", r.deliver_to or "—"),
            ("Supplier", r.supplier or "—"),
            ("Order no.", r.order_number or "—"),
            *_escalation_rows(r),
            ("Details", r.description or "—"),
        ]
        cells = "".join(
            f"<tr><td style='color:#555;padding-right:8px'>{k}</td><td>{_esc(v)}</td></tr>"
            for k, v in rows
        )
        status = lifecycle.LABELS.get(r.status or "", r.status or "")
        self.summary.setText(
            f"<b style='font-size:13pt'>{_esc(r.number or '')}</b> &nbsp; "
            f"<span style='background:#dfe8f3'>&nbsp;{status}&nbsp;</span>"
            f"<table>{cells}</table>"
        )
        lines = [
            (lifecycle.LABELS.get(s.status, s.status), fmt.local(s.at), s.by, s.note) for s in steps
        ]
        if r.elevated_ref:
            lines.append((f"Elevated to {r.elevated_to} ({r.elevated_ref})",
                          fmt.local(r.elevated_at), r.elevated_by, r.elevated_note))  # fmt: skip
        self.history.setRowCount(len(lines))
        for i, values in enumerate(lines):
            for j, v in enumerate(values):
                self.history.setItem(i, j, QTableWidgetItem(str(v or "")))
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def _set_buttons(self, allowed: tuple[str, ...]) -> None:
        for button in self.buttons.values():
            self.buttons_row.removeWidget(button)
            button.hide()  # deleteLater waits for the event loop; do not show it meanwhile
            button.deleteLater()
        self.buttons = {}
        for status in allowed:
            button = QPushButton(VERBS.get(status, fmt.label(status)))
            button.setObjectName(f"transition_{status}")
            button.setToolTip(f"Move the request to {lifecycle.LABELS.get(status, status)}")
            button.clicked.connect(lambda _c=False, s=status: self._clicked(s))
            self.buttons_row.insertWidget(self.buttons_row.count() - 1, button)
            self.buttons[status] = button

    def _escalate(self, dialog: type[FillDialog] | type[ElevateDialog]) -> None:
        """Open the fill or elevation form on the request shown, through the store of
        the panel that holds this view (the dock's panel carries the app context)."""
        holder = self.parentWidget()
        while holder is not None and not hasattr(holder, "ctx"):
            holder = holder.parentWidget()
        if holder is None or self.request is None:
            return
        ctx = holder.ctx
        dialog(ctx.store, ctx.actor, self.request, self).exec()

    def seen_for(self, request_id: str) -> str | None:
        """The status version the buttons shown for `request_id` offer steps from."""
        return self.status_seen if request_id == self.request_id else None

    def _clicked(self, status: str) -> None:
        if self.request_id:
            self.transition.emit(self.request_id, status)


def _escalation_rows(r: m.ResourceRequest) -> list[tuple[str, str]]:
    rows = []
    if r.filled_quantity is not None:
        rows.append(("Members filled", f"{fmt.number(r.filled_quantity)} of "
                                       f"{fmt.number(r.quantity)} {r.unit or ''}"))  # fmt: skip
    if r.elevated_quantity:
        rows.append(("Elevated", f"{fmt.number(r.elevated_quantity)} {r.unit or ''} to "
                                 f"{r.elevated_to}, {fmt.local(r.elevated_at)}, tracking "
                                 f"{r.elevated_ref}"))  # fmt: skip
    return rows


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
