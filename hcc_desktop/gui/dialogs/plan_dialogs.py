"""Forms of the plans dock: a plan of the register (a new one, or a new edition of one)
and a member's essential function.

Dates are typed as YYYY-MM-DD text rather than picked, so "no review date" stays
possible (blank) and the service's refusal ("2026-13-01 is not a date", "review due
before the approval") is shown beside the field it names. An edit sends only what
changed, so a colleague's concurrent edit of another field survives a sync.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import PLAN_TYPES
from hcc_desktop.core.services import continuity, organizations, plans
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormDialog
from hcc_desktop.gui.panels.prep_common import choose, combo


def member_choices(store: Store) -> dict[str, str]:
    """Members by name, for an owner pick-list."""
    orgs = organizations.list_organizations(store)
    return {o.id: o.name or "" for o in sorted(orgs, key=lambda o: o.name or "")}


class PlanDialog(FormDialog):
    def __init__(
        self, store: Store, actor: Actor, plan: m.Plan | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            parent, name="planDialog", title=f"Edit {plan.title}" if plan else "New plan"
        )
        self.store, self.actor, self.plan = store, actor, plan
        self.plan_id: str | None = plan.id if plan else None
        self.title_edit = QLineEdit(objectName="planTitle")
        self.plan_type = combo(PLAN_TYPES, "— choose —", "planType")
        self.owner = combo(member_choices(store), "— choose —", "planOwner")
        self.capabilities = QLineEdit(placeholderText="e.g. 2, 4 (ASPR capabilities)")
        self.version = QLineEdit(placeholderText="e.g. 3.1")
        self.approved = QLineEdit(placeholderText="YYYY-MM-DD")
        self.review_due = QLineEdit(placeholderText="YYYY-MM-DD (blank: none)")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(56)
        self.field("title", "Title:", self.title_edit)
        self.field("plan_type", "Type:", self.plan_type, "type")
        self.field("owner_org_id", "Owner member:", self.owner, "owner")
        self.field("capabilities", "Capabilities served:", self.capabilities)
        self.field("version", "Version:", self.version)
        self.field("approved_on", "Approved on:", self.approved)
        self.field("review_due", "Review due:", self.review_due)
        self.field("notes", "Notes:", self.notes)
        if plan is not None:
            self.title_edit.setText(plan.title or "")
            choose(self.plan_type, plan.plan_type)
            choose(self.owner, plan.owner_org_id)
            self.capabilities.setText(", ".join(plan.capabilities or []))
            self.version.setText(plan.version or "")
            self.approved.setText(plan.approved_on or "")
            self.review_due.setText(plan.review_due or "")
            self.notes.setPlainText(plan.notes or "")
        self.resize(480, self.sizeHint().height())

    def values(self) -> dict[str, Any]:
        caps = [c.strip() for c in self.capabilities.text().split(",") if c.strip()]
        return {
            "title": self.title_edit.text(),
            "plan_type": self.plan_type.currentData() or None,
            "owner_org_id": self.owner.currentData() or None,
            "capabilities": caps,
            "version": self.version.text().strip() or None,
            "approved_on": self.approved.text().strip() or None,
            "review_due": self.review_due.text().strip() or None,
            "notes": self.notes.toPlainText() or None,
        }

    def submit(self) -> str:
        values = self.values()
        if self.plan is None:
            return plans.add_plan(self.store, actor=self.actor, **values)
        before = {k: getattr(self.plan, k) for k in values}
        before["capabilities"] = list(self.plan.capabilities or [])
        changed = {k: v for k, v in values.items() if v != before[k] and (v or before[k])}
        if changed:
            plans.update_plan(self.store, actor=self.actor, plan_id=self.plan.id, **changed)
        return self.plan.id

    def saved(self, result: str) -> None:
        self.plan_id = result


class FunctionDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        org_id: str,
        org_name: str,
        function: m.EssentialFunction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = f"Edit {function.name}" if function else f"New essential function of {org_name}"
        super().__init__(parent, name="functionDialog", title=title)
        self.store, self.actor, self.org_id, self.function = store, actor, org_id, function
        self.function_id: str | None = function.id if function else None
        self.name = QLineEdit(objectName="functionName")
        self.priority = QLineEdit(placeholderText="1 (most critical) to 5")
        self.rto = QLineEdit(placeholderText="hours, e.g. 4 or 0.5")
        self.owner = QLineEdit(placeholderText="role or department")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(56)
        self.field("name", "Function:", self.name)
        self.field("priority", "Priority:", self.priority)
        self.field("rto_hours", "Recovery time objective:", self.rto, "rto")
        self.field("owner", "Owner:", self.owner)
        self.field("notes", "Notes:", self.notes)
        if function is not None:
            self.name.setText(function.name or "")
            self.name.setReadOnly(True)  # the name is the function's key
            self.priority.setText(str(function.priority or ""))
            self.rto.setText(f"{function.rto_hours:g}" if function.rto_hours is not None else "")
            self.owner.setText(function.owner or "")
            self.notes.setPlainText(function.notes or "")
        self.resize(440, self.sizeHint().height())

    def submit(self) -> str:
        fields = {"priority": self.priority.text(), "rto_hours": self.rto.text(),
                  "owner": self.owner.text(), "notes": self.notes.toPlainText()}  # fmt: skip
        if self.function is None:
            return continuity.add_function(
                self.store, actor=self.actor, organization_id=self.org_id,
                name=self.name.text(), **fields,
            )  # fmt: skip
        continuity.update_function(
            self.store, actor=self.actor, function_id=self.function.id, **fields
        )
        return self.function.id

    def saved(self, result: str) -> None:
        self.function_id = result
