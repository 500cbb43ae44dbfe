"""Add a contact (a person to call at a member, and whether they answer 24/7)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormErrors, banner_label
from hcc_desktop.gui.operations import CollectionOp


class ContactDialog(QDialog):
    def __init__(
        self, store: Store, actor: Actor, org_id: str, org_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.org_id = store, actor, org_id
        self.contact_id: str | None = None
        self.setWindowTitle(f"New contact at {org_name}")
        self.setObjectName("contactDialog")
        self.banner = banner_label()
        form = QFormLayout()
        self.errors = FormErrors(form, self.banner)
        self.name = QLineEdit()
        self.role = QLineEdit(placeholderText="e.g. Emergency manager, House supervisor")
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.is_24_7 = QCheckBox("Reachable 24/7")
        self.errors.add("name", "Name:", self.name)
        self.errors.add("role", "Role:", self.role)
        self.errors.add("phone", "Phone:", self.phone)
        self.errors.add("email", "E-mail:", self.email)
        form.addRow("", self.is_24_7)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def save(self) -> None:
        rid = (
            CollectionOp(
                self,
                lambda _p: organizations.add_contact(
                    self.store,
                    actor=self.actor,
                    organization_id=self.org_id,
                    name=self.name.text(),
                    role=self.role.text(),
                    phone=self.phone.text(),
                    email=self.email.text(),
                    is_24_7=self.is_24_7.isChecked(),
                ),
                title="Not saved",
            )
            .failure(self.errors.show, only=ValidationError)
            .run_now()
        )
        if rid is None:
            return
        self.contact_id = rid
        self.accept()
