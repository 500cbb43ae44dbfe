"""Add or edit a member or facility. The service validates; a refusal (a ZIP that is
not five digits, a latitude off the globe) is shown beside the field it names, and
the dialog keeps what the operator typed. An edit sends only the fields that changed,
so it does not overwrite a colleague's concurrent edit of another field on sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.services import organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormDialog

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


class MemberDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        org: m.Organization | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="memberDialog",
            title=f"Edit {org.name}" if org else "New member",
            scroll=True,  # twenty fields: taller than a laptop screen
        )
        self.store, self.actor, self.org = store, actor, org
        self.org_id: str | None = org.id if org else None
        self.name = QLineEdit(objectName="memberName")
        self.member_type = _combo(MEMBER_TYPES)
        self.membership = _combo(MEMBERSHIPS)
        regions = {r.id: r.name or "" for r in organizations.list_regions(store)}
        self.region = _combo(regions, "— none —")
        others = {o.id: o.name or "" for o in organizations.list_organizations(store)}
        others.pop(self.org_id or "", None)
        self.parent_org = _combo(dict(sorted(others.items(), key=lambda kv: kv[1])), "— none —")
        self.field("name", "Name:", self.name)
        self.field("member_type", "Member type:", self.member_type)
        self.field("membership", "Membership:", self.membership)
        # Joined and left go with the status (one merge unit in the service): a left
        # date belongs to a lapsed member only, which the service says beside it.
        self.joined_on = QLineEdit(placeholderText="YYYY-MM-DD")
        self.left_on = QLineEdit(placeholderText="YYYY-MM-DD (lapsed members only)")
        self.field("joined_on", "Joined on:", self.joined_on)
        self.field("left_on", "Left on:", self.left_on)
        self.field("region_id", "Region:", self.region, "region")
        self.field("parent_id", "Part of:", self.parent_org, "parent")
        self.texts: dict[str, QLineEdit] = {}
        for field, label in TEXT_FIELDS:
            edit = QLineEdit()
            self.texts[field] = edit
            self.field(field, label, edit)
        self.helipad = QCheckBox("Has a helipad")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(60)
        self.form.addRow("", self.helipad)
        self.field("notes", "Notes:", self.notes)
        if org is not None:
            self._fill(org)
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
        self.joined_on.setText(org.joined_on or "")
        self.left_on.setText(org.left_on or "")
        self.helipad.setChecked(bool(org.helipad))
        self.notes.setPlainText(org.notes or "")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name.text(),
            "member_type": self.member_type.currentData(),
            "membership": self.membership.currentData(),
            "region_id": self.region.currentData() or None,
            "parent_id": self.parent_org.currentData() or None,
            "joined_on": self.joined_on.text().strip() or None,
            "left_on": self.left_on.text().strip() or None,
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
        """Write the changed fields; an edit that changed nothing just closes."""
        if self.org is not None and not self.changed_values():
            self.accept()
            return
        super().save()

    def submit(self) -> str:
        values = self.changed_values()
        if self.org is None:
            return organizations.add_organization(self.store, actor=self.actor, **values)
        organizations.update_organization(
            self.store, actor=self.actor, org_id=self.org.id, **values
        )
        return self.org.id

    def saved(self, result: str) -> None:
        self.org_id = result


def _text(value: Any) -> str:
    return "" if value is None else str(value)
