"""New resource request (ICS 213RR): what is needed, how many, by when, for whom and
where to deliver it. The service checks the values; a refusal shows beside its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from hcc_desktop.core.enums import REQUEST_PRIORITIES
from hcc_desktop.core.services import requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.gui import fmt
from hcc_desktop.gui.dialogs.form import FormDialog

COMMON_KINDS = (
    "Generator fuel (diesel)",
    "Generator",
    "Ventilators",
    "Cots",
    "Blankets",
    "Potable water",
    "PPE (N95 respirators)",
    "Oxygen cylinders",
    "Ambulance strike team",
    "Medical staff (nurses)",
    "Pharmaceuticals",
    "Refrigerated trailer",
)
UNITS = ("each", "gallons", "cases", "pallets", "teams", "hours", "litres", "boxes")


class RequestDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        incident_id: str,
        members: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="requestDialog",
            title="New resource request (ICS 213RR)",
            ok_text="Create request",
        )
        self.store, self.actor, self.incident_id = store, actor, incident_id
        self.request_id: str | None = None
        self.requester = QComboBox()
        self.requester.addItem("— not a member —", "")
        for org_id, name in sorted(members.items(), key=lambda kv: kv[1].lower()):
            self.requester.addItem(name, org_id)
        self.requested_by = QLineEdit(actor.label)
        self.kind = QComboBox(editable=True)
        self.kind.addItems(list(COMMON_KINDS))
        self.kind.setCurrentText("")
        self.kind.lineEdit().setPlaceholderText("What is needed")
        self.rtype = QLineEdit(placeholderText="NIMS type or kind detail (optional)")
        self.quantity = QLineEdit(placeholderText="e.g. 2000")
        self.unit = QComboBox(editable=True)
        self.unit.addItems(list(UNITS))
        qty_row = QWidget()
        q = QHBoxLayout(qty_row)
        q.setContentsMargins(0, 0, 0, 0)
        q.addWidget(self.quantity, 1)
        q.addWidget(self.unit)
        self.priority = QComboBox()
        for p in REQUEST_PRIORITIES:
            self.priority.addItem(fmt.label(p), p)
        self.priority.setCurrentIndex(REQUEST_PRIORITIES.index("routine"))
        self.needed = QDateTimeEdit(QDateTime.currentDateTime().addSecs(6 * 3600))
        self.needed.setCalendarPopup(True)
        self.needed.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.has_deadline = QCheckBox("needed by")
        self.has_deadline.setChecked(True)
        self.has_deadline.toggled.connect(self.needed.setEnabled)
        needed_row = QWidget()
        n = QHBoxLayout(needed_row)
        n.setContentsMargins(0, 0, 0, 0)
        n.addWidget(self.has_deadline)
        n.addWidget(self.needed, 1)
        self.deliver_to = QLineEdit(placeholderText="Address, dock, contact on arrival")
        self.supplier = QLineEdit(placeholderText="If already known")
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.submit_now = QCheckBox("Submit now (otherwise saved as a draft)")
        self.submit_now.setChecked(True)
        self.field("requester_org_id", "Requesting member:", self.requester, "requester")
        self.field("requested_by", "Requested by:", self.requested_by)
        self.field("resource_kind", "Resource:", self.kind)
        self.field("resource_type", "Type:", self.rtype)
        self.field("quantity", "Quantity:", qty_row, "unit")
        self.field("priority", "Priority:", self.priority)
        self.field("needed_by", "Needed:", needed_row)
        self.field("deliver_to", "Deliver to:", self.deliver_to)
        self.field("supplier", "Supplier:", self.supplier)
        self.field("description", "Details:", self.description)
        self.form.addRow("", self.submit_now)
        self.resize(520, 560)

    def values(self) -> dict[str, object]:
        needed = None
        if self.has_deadline.isChecked():
            secs = self.needed.dateTime().toSecsSinceEpoch()
            needed = to_iso(datetime.fromtimestamp(secs, tz=UTC))
        return {
            "resource_kind": self.kind.currentText(),
            "quantity": self.quantity.text().strip(),
            "unit": self.unit.currentText().strip() or "each",
            "priority": self.priority.currentData() or "routine",
            "status": "submitted" if self.submit_now.isChecked() else "draft",
            "requester_org_id": self.requester.currentData() or None,
            "requested_by": self.requested_by.text(),
            "resource_type": self.rtype.text(),
            "needed_by": needed,
            "deliver_to": self.deliver_to.text(),
            "supplier": self.supplier.text(),
            "description": self.description.toPlainText(),
        }

    def submit(self) -> str:
        return requests.create_request(
            self.store, actor=self.actor, incident_id=self.incident_id, **self.values()
        )

    def saved(self, result: str) -> None:
        self.request_id = result
