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
from hcc_desktop.core.services import requests
from hcc_desktop.gui import fmt

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
        layout.addWidget(QLabel("<b>Status history</b>"))
        layout.addWidget(self.history, 2)
        self.show_request(None, [], "")

    def show_request(
        self, r: m.ResourceRequest | None, steps: list[requests.StatusStep], requester: str
    ) -> None:
        self.request_id = r.id if r else ""
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
        self.history.setRowCount(len(steps))
        for i, s in enumerate(steps):
            values = (lifecycle.LABELS.get(s.status, s.status), fmt.local(s.at), s.by, s.note)
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

    def _clicked(self, status: str) -> None:
        if self.request_id:
            self.transition.emit(self.request_id, status)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
