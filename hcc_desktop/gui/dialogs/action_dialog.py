"""Add or edit a corrective action of the improvement plan (HSEEP IP matrix row):
capability, the issue it answers, the action, capability element, owner member, point
of contact, start and due dates. Status is not edited here: closing is its own command
(`improvement.set_status`) so who closed it and when go with the status."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import CAPABILITY_ELEMENTS
from hcc_desktop.core.services import improvement
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormDialog
from hcc_desktop.gui.dialogs.plan_dialogs import member_choices
from hcc_desktop.gui.panels.prep_common import choose, combo


def capability_choices() -> dict[str, str]:
    """Capabilities and their objectives of the reference edition ("2.2 Use information
    sharing..."), as a pick-list."""
    ref = aspr.load()
    return {r: ref.label(r) for r in ref.refs}  # the label starts with the ref


class ActionDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        action: m.CorrectiveAction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="actionDialog",
            title="Edit corrective action" if action else "New corrective action",
        )
        self.store, self.actor, self.action = store, actor, action
        self.action_id: str | None = action.id if action else None
        self.capability = combo(capability_choices(), "— choose —", "actionCapability")
        self.issue = QLineEdit(placeholderText="Issue / area for improvement")
        self.text = QPlainTextEdit(objectName="actionText")
        self.text.setFixedHeight(56)
        self.element = combo(CAPABILITY_ELEMENTS, "—")
        self.owner = combo(member_choices(store), "— choose —", "actionOwner")
        self.poc = QLineEdit()
        self.starts = QLineEdit(placeholderText="YYYY-MM-DD")
        self.due = QLineEdit(placeholderText="YYYY-MM-DD")
        self.field("capability", "Capability:", self.capability)
        self.field("issue", "Issue:", self.issue)
        self.field("action", "Corrective action:", self.text)
        self.field("element", "Capability element:", self.element)
        self.field("owner_org_id", "Owner member:", self.owner, "owner")
        self.field("poc", "Point of contact:", self.poc)
        self.field("starts_on", "Start:", self.starts)
        self.field("due_on", "Due:", self.due)
        if action is not None:
            choose(self.capability, action.capability)
            self.issue.setText(action.issue or "")
            self.text.setPlainText(action.action or "")
            choose(self.element, action.element)
            choose(self.owner, action.owner_org_id)
            self.poc.setText(action.poc or "")
            self.starts.setText(action.starts_on or "")
            self.due.setText(action.due_on or "")
        self.resize(520, self.sizeHint().height())

    def values(self) -> dict[str, Any]:
        return {
            "capability": self.capability.currentData() or None,
            "action": self.text.toPlainText(),
            "element": self.element.currentData() or None,
            "owner_org_id": self.owner.currentData() or None,
            "poc": self.poc.text().strip() or None,
            "starts_on": self.starts.text().strip() or None,
            "due_on": self.due.text().strip() or None,
        }

    def submit(self) -> str:
        values = self.values()
        if self.action is None:
            return improvement.add_action(
                self.store, actor=self.actor, issue=self.issue.text(), **values
            )
        changed = {k: v for k, v in values.items() if v != getattr(self.action, k)}
        if self.issue.text() != (self.action.issue or ""):
            changed["issue"] = self.issue.text()
        if changed:
            improvement.update_action(
                self.store, actor=self.actor, action_id=self.action.id, **changed
            )
        return self.action.id

    def saved(self, result: str) -> None:
        self.action_id = result
