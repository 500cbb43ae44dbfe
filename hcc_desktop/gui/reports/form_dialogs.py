"""File → Print form: ICS 214 (activity log), ICS 213 RR (a resource request) and
HICS 251 (a facility's systems), each a small dialog over DocumentDialog.

The request and the facility default to what the operator has selected elsewhere
(the resource tracker's request, the member selected on the map or in the directory),
so printing the form of the thing in front of you is Enter, Enter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget
from sqlalchemy import select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services import eei, incidents, requests
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import Progress
from hcc_desktop.gui.reports import output
from hcc_desktop.gui.reports.document_dialog import DocumentDialog
from hcc_desktop.reports.forms.hics251 import build_hics251
from hcc_desktop.reports.forms.ics213rr import build_ics213rr
from hcc_desktop.reports.forms.ics214 import FormResult, build_ics214


class Ics214Dialog(DocumentDialog):
    title = "Print ICS 214 activity log"

    def extra_rows(self) -> None:
        self.setObjectName("ics214Dialog")
        self.period = self.period_combo(whole_incident="Whole incident to date")
        self.operator = QComboBox()
        self.operator.setObjectName("operator")
        self.operator.addItem("Everyone (unit log)", None)
        for name in _log_operators(self.ctx, self.incident.id):
            self.operator.addItem(name, name)
        me = self.operator.findData(self.ctx.actor.name)
        if me >= 0:
            self.operator.setCurrentIndex(me)
        self.operator.currentIndexChanged.connect(lambda _i: self.refresh_path())
        self.form.addRow("Operational period:", self.period)
        self.form.addRow("Operator:", self.operator)
        self.resize(520, 260)

    def suggested_name(self) -> str:
        period = getattr(self, "period", None)
        who = getattr(self, "operator", None)
        number = period.currentData() if period is not None else None
        return output.file_name(
            "ics214",
            self.incident.name,
            f"p{number}" if number else "",
            who.currentData() if who is not None else "",
            output.today(),
        )

    def work(self, path: Path, paper: str, progress: Progress) -> FormResult:
        return build_ics214(
            self.ctx.store,
            path,
            incident_id=self.incident.id,
            period=self.period.currentData(),
            operator=self.operator.currentData(),
            prepared_by=self.ctx.actor,
            paper=paper,
            progress=progress.step,
        )

    def describe(self, result: Any) -> str:
        return f"ICS 214 written: {result.rows} entries, {result.pages} pages"


class Ics213rrDialog(DocumentDialog):
    title = "Print ICS 213 RR resource request"

    def __init__(
        self,
        ctx: AppContext,
        incident: m.Incident,
        parent: QWidget | None,
        request_id: str | None = None,
    ) -> None:
        self._preselect = request_id
        super().__init__(ctx, incident, parent)

    def extra_rows(self) -> None:
        self.setObjectName("ics213rrDialog")
        self.request = QComboBox()
        self.request.setObjectName("request")
        for r in requests.list_requests(self.ctx.store, incident_id=self.incident.id):
            status = lifecycle.LABELS.get(r.status or "", r.status or "")
            self.request.addItem(f"{r.number} — {r.resource_kind} ({status})", r.id)
        index = self.request.findData(self._preselect) if self._preselect else -1
        self.request.setCurrentIndex(max(index, 0))
        self.request.currentIndexChanged.connect(lambda _i: self.refresh_path())
        self.form.addRow("Resource request:", self.request)
        self.resize(520, 220)

    def suggested_name(self) -> str:
        combo = getattr(self, "request", None)
        label = combo.currentText().split(" — ")[0] if combo is not None else ""
        return output.file_name("ics213rr", label, output.today())

    def create(self) -> None:
        if self.request.currentData() is None:
            self.error.setText("Resource request: this incident has none yet.")
            self.error.show()
            return
        super().create()

    def work(self, path: Path, paper: str, progress: Progress) -> FormResult:
        return build_ics213rr(
            self.ctx.store,
            path,
            request=self.request.currentData(),
            prepared_by=self.ctx.actor,
            paper=paper,
            progress=progress.step,
        )

    def describe(self, result: Any) -> str:
        number = self.request.currentText().split(" — ")[0]
        return f"ICS 213 RR {number} written: {result.pages} page(s)"


class Hics251Dialog(DocumentDialog):
    title = "Print HICS 251 facility system status"

    def __init__(
        self,
        ctx: AppContext,
        incident: m.Incident,
        parent: QWidget | None,
        facility_id: str | None = None,
    ) -> None:
        self._preselect = facility_id or ctx.selected_member or None
        super().__init__(ctx, incident, parent)

    def extra_rows(self) -> None:
        self.setObjectName("hics251Dialog")
        self.facility = QComboBox()
        self.facility.setObjectName("facility")
        self.facility.setEditable(False)
        for org in eei.expected_facilities(self.ctx.store, incident_id=self.incident.id):
            self.facility.addItem(f"{org.name} ({org.town or '?'})", org.id)
        index = self.facility.findData(self._preselect) if self._preselect else -1
        self.facility.setCurrentIndex(max(index, 0))
        self.facility.currentIndexChanged.connect(lambda _i: self.refresh_path())
        self.period = self.period_combo()
        self.form.addRow("Facility:", self.facility)
        self.form.addRow("Operational period:", self.period)
        self.resize(520, 260)

    def suggested_name(self) -> str:
        combo = getattr(self, "facility", None)
        name = combo.currentText().split(" (")[0] if combo is not None else ""
        period = getattr(self, "period", None)
        number = period.currentData() if period is not None else None
        return output.file_name("hics251", name, f"p{number}" if number else "", output.today())

    def create(self) -> None:
        if self.facility.currentData() is None or self.period.currentData() is None:
            self.error.setText("Facility and period: this incident has no facility or period.")
            self.error.show()
            return
        super().create()

    def work(self, path: Path, paper: str, progress: Progress) -> FormResult:
        return build_hics251(
            self.ctx.store,
            path,
            facility_id=self.facility.currentData(),
            incident_id=self.incident.id,
            period=self.period.currentData(),
            prepared_by=self.ctx.actor,
            paper=paper,
            progress=progress.step,
        )

    def describe(self, result: Any) -> str:
        name = self.facility.currentText().split(" (")[0]
        return f"HICS 251 for {name} written: {result.rows} systems from EEIs"


def _log_operators(ctx: AppContext, incident_id: str) -> list[str]:
    t = m.LogEntry
    stmt = (
        select(t.operator)
        .where(t.incident_id == incident_id, t.deleted.is_(False), t.operator.is_not(None))
        .distinct()
        .order_by(t.operator)
    )
    with ctx.store.read() as s:
        return [name for name in s.scalars(stmt) if name]


def _incident(parent: QWidget, ctx: AppContext) -> m.Incident | None:
    try:
        return incidents.resolve_incident(ctx.store, ctx.incident_id)
    except HccError as exc:
        QMessageBox.information(parent, "No incident", str(exc).split(": ", 1)[-1])
        return None


def print_form_ics214(parent: QWidget, ctx: AppContext) -> Ics214Dialog | None:
    """File → Print form → ICS 214 activity log…"""
    inc = _incident(parent, ctx)
    if inc is None:
        return None
    dialog = Ics214Dialog(ctx, inc, parent)
    dialog.open()
    return dialog


def print_form_ics213rr(
    parent: QWidget, ctx: AppContext, request_id: str | None = None
) -> Ics213rrDialog | None:
    """File → Print form → ICS 213 RR… (or the resource tracker's selected request)."""
    inc = _incident(parent, ctx)
    if inc is None:
        return None
    dialog = Ics213rrDialog(ctx, inc, parent, request_id)
    dialog.open()
    return dialog


def print_form_hics251(
    parent: QWidget, ctx: AppContext, facility_id: str | None = None
) -> Hics251Dialog | None:
    """File → Print form → HICS 251… (defaults to the member selected on the map)."""
    inc = _incident(parent, ctx)
    if inc is None:
        return None
    dialog = Hics251Dialog(ctx, inc, parent, facility_id)
    dialog.open()
    return dialog
