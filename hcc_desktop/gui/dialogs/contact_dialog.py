"""Add a contact (a person to call at a member, and whether and where they answer 24/7:
the 24/7 phone is what the duty officer dials at night, and giving one makes the
contact a 24/7 one in the service)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from hcc_desktop.core.services import organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormDialog


class ContactDialog(FormDialog):
    def __init__(
        self, store: Store, actor: Actor, org_id: str, org_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, name="contactDialog", title=f"New contact at {org_name}")
        self.store, self.actor, self.org_id = store, actor, org_id
        self.contact_id: str | None = None
        self.name = QLineEdit()
        self.role = QLineEdit(placeholderText="e.g. Emergency manager, House supervisor")
        self.phone = QLineEdit()
        self.phone_24_7 = QLineEdit(placeholderText="Reaches them day and night")
        self.email = QLineEdit()
        self.is_24_7 = QCheckBox("Reachable 24/7")
        self.field("name", "Name:", self.name)
        self.field("role", "Role:", self.role)
        self.field("phone", "Phone:", self.phone)
        self.field("phone_24_7", "24/7 phone:", self.phone_24_7)
        self.field("email", "E-mail:", self.email)
        self.form.addRow("", self.is_24_7)
        # Wide enough for the role's example and a long e-mail address.
        self.resize(420, self.sizeHint().height())

    def submit(self) -> str:
        return organizations.add_contact(
            self.store,
            actor=self.actor,
            organization_id=self.org_id,
            name=self.name.text(),
            role=self.role.text(),
            phone=self.phone.text(),
            phone_24_7=self.phone_24_7.text(),
            email=self.email.text(),
            is_24_7=self.is_24_7.isChecked(),
        )

    def saved(self, result: str) -> None:
        self.contact_id = result
