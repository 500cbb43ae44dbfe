"""Add or edit a member or facility. The service validates; a refusal (a ZIP that is
not five digits, a latitude off the globe) is shown beside the field it names, and
the dialog keeps what the operator typed. An edit sends only the fields that changed,
so it does not overwrite a colleague's concurrent edit of another field on sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormErrors, banner_label
from hcc_desktop.gui.operations import CollectionOp, Progress

TEXT_FIELDS = (
    ("short_name", "Short name:"),
    ("facility_type", "Facility type:"),
    ("address", "Address:"),
    ("town", "Town:"),
    ("state", "State:"),
    ("zip", "ZIP code:"),
    ("county", "County:"),
    ("lat", "Latitude:"),
    ("lon", "Longitude:"),
    ("phone", "Phone:"),
    ("phone_24_7", "24/7 phone:"),
    ("email", "E-mail:"),
    ("beds", "Licensed beds:"),
    ("trauma_level", "Trauma level:"),
)


def _combo(items: Mapping[str, str], blank: str | None = None) -> QComboBox:
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, "")
    for key, label in items.items():
        combo.addItem(label, key)
    return combo


class MemberDialog(QDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        org: m.Organization | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.org = store, actor, org
        self.org_id: str | None = org.id if org else None
        self.setWindowTitle(f"Edit {org.name}" if org else "New member")
        self.setObjectName("memberDialog")
        self.banner = banner_label()
        form = QFormLayout()
        self.errors = FormErrors(form, self.banner)
        self.name = QLineEdit(objectName="memberName")
        self.member_type = _combo(MEMBER_TYPES)
        self.membership = _combo(MEMBERSHIPS)
        regions = {r.id: r.name or "" for r in organizations.list_regions(store)}
        self.region = _combo(regions, "— none —")
        others = {o.id: o.name or "" for o in organizations.list_organizations(store)}
        others.pop(self.org_id or "", None)
        self.parent_org = _combo(dict(sorted(others.items(), key=lambda kv: kv[1])), "— none —")
        self.errors.add("name", "Name:", self.name)
        self.errors.add("member_type", "Member type:", self.member_type)
        self.errors.add("membership", "Membership:", self.membership)
        self.errors.add("region_id", "Region:", self.region, "region")
        self.errors.add("parent_id", "Part of:", self.parent_org, "parent")
        self.texts: dict[str, QLineEdit] = {}
        for field, label in TEXT_FIELDS:
            edit = QLineEdit()
            self.texts[field] = edit
            self.errors.add(field, label, edit)
        self.helipad = QCheckBox("Has a helipad")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        form.addRow("", self.helipad)
        self.errors.add("notes", "Notes:", self.notes)
        if org is not None:
            self._fill(org)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(520, 640)

    def _fill(self, org: m.Organization) -> None:
        self.name.setText(org.name or "")
        for combo, value in (
            (self.member_type, org.member_type),
            (self.membership, org.membership),
            (self.region, org.region_id),
            (self.parent_org, org.parent_id),
        ):
            combo.setCurrentIndex(max(combo.findData(value or ""), 0))
        for field, edit in self.texts.items():
            value = getattr(org, field)
            edit.setText("" if value is None else str(value))
        self.helipad.setChecked(bool(org.helipad))
        self.notes.setPlainText(org.notes or "")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name.text(),
            "member_type": self.member_type.currentData(),
            "membership": self.membership.currentData(),
            "region_id": self.region.currentData() or None,
            "parent_id": self.parent_org.currentData() or None,
            "helipad": self.helipad.isChecked(),
            "notes": self.notes.toPlainText(),
        }
        for field, edit in self.texts.items():
            out[field] = edit.text().strip() or None
        return out

    def changed_values(self) -> dict[str, Any]:
        """Fields that differ from the member as loaded (all of them for a new one)."""
        values = self.values()
        if self.org is None:
            return {k: v for k, v in values.items() if v not in (None, "")}
        before = {k: getattr(self.org, k) for k in values}
        before["notes"] = before["notes"] or ""
        before["helipad"] = bool(before["helipad"])
        return {k: v for k, v in values.items() if _text(v) != _text(before[k])}

    def save(self) -> None:
        """Write the changed fields; a refusal stays in the form, beside its field."""
        values = self.changed_values()
        if self.org is not None and not values:
            self.accept()
            return
        org_id = self.org_id or ""

        def write(_progress: Progress) -> str:
            if self.org is None:
                return organizations.add_organization(self.store, actor=self.actor, **values)
            organizations.update_organization(self.store, actor=self.actor, org_id=org_id, **values)
            return org_id

        (
            CollectionOp(self, write, title="Not saved")
            .success(self._saved)
            .failure(self.errors.show, only=ValidationError)
            .run_now()
        )

    def _saved(self, org_id: str) -> None:
        self.org_id = org_id
        self.accept()


def _text(value: Any) -> str:
    return "" if value is None else str(value)
