"""Interchange → Issue CAP advisory: a coalition advisory ("Hartford Hospital on
diversion until 18:00", an exercise message) written as a CAP 1.2 alert file for
partners' systems, and kept in the incident's log.

The area comes from members ticked in a list (a circle around each) and counties
(their SAME geocodes), because a duty officer thinks in hospitals and counties, not
coordinates. During an exercise incident the status is Exercise, whatever is chosen:
the core forces it, and the dialog shows it locked so nobody is surprised.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import basemap
from hcc_desktop.core.errors import HccError, ValidationError
from hcc_desktop.core.services import alerts as alert_service
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.organizations import list_organizations
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import (
    ask_save_path,
    close_with_report,
    incident_combo,
    open_dialog,
)
from hcc_desktop.gui.operations import CollectionOp, Progress, refusal_text, show_error
from hcc_desktop.interop.cap import STATUSES
from hcc_desktop.interop.cap_export import (
    CATEGORIES,
    CERTAINTIES,
    SCOPES,
    SEVERITIES,
    URGENCIES,
    Advisory,
    export_cap,
)

TITLE = "Issue CAP advisory"
CAP_SAVE_FILTER = "CAP alert (*.xml)"
DEFAULT_RADIUS_KM = 2.0
DEFAULT_HOURS = 6


def _combo(values: tuple[str, ...], current: str, name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItems(list(values))
    combo.setCurrentText(current)
    return combo


class CapExportDialog(QDialog):
    """The advisory's fields; Save asks where and writes the file."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.written: str | None = None
        self.setObjectName("capExportDialog")
        self.setWindowTitle(TITLE)
        self.resize(900, 700)

        self.incident = incident_combo(ctx)
        self.event = QLineEdit("Health care coalition advisory")
        self.event.setObjectName("capEvent")
        self.headline = QLineEdit()
        self.headline.setObjectName("capHeadline")
        self.headline.setMaxLength(160)
        self.headline.setPlaceholderText("e.g. Hartford Hospital on diversion until 18:00")
        self.description = QPlainTextEdit()
        self.description.setObjectName("capDescription")
        self.description.setPlaceholderText("What is happening, for whom, since when")
        self.instruction = QPlainTextEdit()
        self.instruction.setObjectName("capInstruction")
        self.instruction.setPlaceholderText("What partners should do (optional)")
        for box in (self.description, self.instruction):
            box.setTabChangesFocus(True)
        self.description.setFixedHeight(90)
        self.instruction.setFixedHeight(60)

        self.urgency = _combo(URGENCIES, "Expected", "capUrgency")
        self.severity = _combo(SEVERITIES, "Moderate", "capSeverity")
        self.certainty = _combo(CERTAINTIES, "Observed", "capCertainty")
        self.category = _combo(CATEGORIES, "Health", "capCategory")
        grade = QHBoxLayout()
        for label, combo in (
            ("Urgency", self.urgency),
            ("Severity", self.severity),
            ("Certainty", self.certainty),
            ("Category", self.category),
        ):
            grade.addWidget(QLabel(label))
            grade.addWidget(combo)
        grade.addStretch(1)

        self.status = _combo(tuple(s for s in STATUSES if s != "Draft"), "Actual", "capStatus")
        self.status_note = QLabel()
        self.status_note.setObjectName("capStatusNote")
        self.msg_type = _combo(("Alert", "Update", "Cancel"), "Alert", "capMsgType")
        self.references = QComboBox()
        self.references.setObjectName("capReferences")
        self.scope = _combo(SCOPES, "Public", "capScope")
        self.restriction = QLineEdit()
        self.restriction.setObjectName("capRestriction")
        self.restriction.setPlaceholderText("Who may see a Restricted alert")
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addWidget(self.status_note, 1)
        type_row = QHBoxLayout()
        type_row.addWidget(self.msg_type)
        type_row.addWidget(QLabel("of"))
        type_row.addWidget(self.references, 1)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope)
        scope_row.addWidget(self.restriction, 1)

        self.expires_on = QCheckBox("Expires")
        self.expires_on.setObjectName("capExpiresOn")
        self.expires_on.setChecked(True)
        self.expires = QDateTimeEdit(QDateTime.currentDateTime().addSecs(DEFAULT_HOURS * 3600))
        self.expires.setObjectName("capExpires")
        self.expires.setCalendarPopup(True)
        self.expires.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.expires_on.toggled.connect(self.expires.setEnabled)
        expires_row = QHBoxLayout()
        expires_row.addWidget(self.expires_on)
        expires_row.addWidget(self.expires)
        expires_row.addStretch(1)
        self.contact = QLineEdit()
        self.contact.setObjectName("capContact")
        self.contact.setPlaceholderText("Phone or name partners can call (optional)")

        form = QFormLayout()
        form.addRow("Incident", self.incident)
        form.addRow("Event", self.event)
        form.addRow("Headline", self.headline)
        form.addRow("Description", self.description)
        form.addRow("Instruction", self.instruction)
        form.addRow("", grade)
        form.addRow("Status", status_row)
        form.addRow("Message", type_row)
        form.addRow("Scope", scope_row)
        form.addRow("", expires_row)
        form.addRow("Contact", self.contact)

        area_box = QGroupBox("Area")
        area = QVBoxLayout(area_box)
        self.area = QLineEdit()
        self.area.setObjectName("capArea")
        self.area.setPlaceholderText("Described from the members and counties ticked below")
        desc_row = QHBoxLayout()
        desc_row.addWidget(QLabel("Description"))
        desc_row.addWidget(self.area, 1)
        desc_row.addWidget(QLabel("Circle around each member"))
        self.radius = QDoubleSpinBox()
        self.radius.setObjectName("capRadius")
        self.radius.setRange(0.1, 500.0)
        self.radius.setDecimals(1)
        self.radius.setSuffix(" km")
        self.radius.setValue(DEFAULT_RADIUS_KM)
        desc_row.addWidget(self.radius)
        area.addLayout(desc_row)
        lists = QHBoxLayout()
        self.members = QListWidget()
        self.members.setObjectName("capMembers")
        self.counties = QListWidget()
        self.counties.setObjectName("capCounties")
        for widget, label in ((self.members, "Members"), (self.counties, "Counties")):
            col = QVBoxLayout()
            col.addWidget(QLabel(label))
            col.addWidget(widget)
            lists.addLayout(col)
        area.addLayout(lists, 1)
        self._fill_members()
        self._fill_counties()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save alert file…")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(area_box, 1)
        layout.addWidget(self.buttons)

        self.incident.currentIndexChanged.connect(self._on_incident)
        self.msg_type.currentTextChanged.connect(self._on_msg_type)
        self.scope.currentTextChanged.connect(self._on_scope)
        self._on_incident()
        self._on_msg_type()
        self._on_scope()

    # ------------------------------------------------------------------ filling

    def _fill_members(self) -> None:
        selected = self.ctx.selected_member
        for org in list_organizations(self.ctx.store):
            if org.lat is None or org.lon is None:
                continue
            place = f" — {org.town}" if org.town else ""
            item = QListWidgetItem(f"{org.name}{place}")
            item.setData(Qt.ItemDataRole.UserRole, (org.name, float(org.lat), float(org.lon)))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if org.id == selected else Qt.CheckState.Unchecked
            )
            self.members.addItem(item)

    def _fill_counties(self) -> None:
        try:
            outlines = basemap.counties()
        except Exception:  # no basemap in this build: counties cannot be offered
            outlines = ()
        for o in sorted(outlines, key=lambda o: (o.state, o.name)):
            item = QListWidgetItem(f"{o.name} County, {o.state}")
            item.setData(Qt.ItemDataRole.UserRole, (f"{o.name} County, {o.state}", o.fips))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.counties.addItem(item)

    def _exercise(self) -> bool:
        inc_id = self.incident.currentData()
        if not inc_id:
            return False
        return bool(incidents.get_incident(self.ctx.store, inc_id).exercise)

    def _on_incident(self, *_: object) -> None:
        exercise = self._exercise()
        if exercise:
            self.status.setCurrentText("Exercise")
            self.status_note.setText("Exercise incident: the alert is sent as Exercise.")
        else:
            self.status_note.setText("")
        self.status.setEnabled(not exercise)
        self.references.clear()
        inc_id = self.incident.currentData()
        if inc_id:
            for a in reversed(alert_service.list_alerts(self.ctx.store, incident_id=inc_id)):
                head = ((a.infos or [{}])[0].get("headline") or a.identifier or "")[:70]
                self.references.addItem(
                    f"{a.msg_type} {a.sent} — {head}", f"{a.sender},{a.identifier},{a.sent}"
                )

    def _on_msg_type(self, *_: object) -> None:
        self.references.setEnabled(self.msg_type.currentText() != "Alert")

    def _on_scope(self, *_: object) -> None:
        self.restriction.setEnabled(self.scope.currentText() == "Restricted")

    # ------------------------------------------------------------------- output

    def _checked(self, widget: QListWidget) -> list[tuple]:
        return [
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def advisory(self) -> Advisory:
        """The form as the exporter's input (the exporter checks it)."""
        members = self._checked(self.members)
        counties = self._checked(self.counties)
        km = float(self.radius.value())
        described = self.area.text().strip() or "; ".join(
            [f"{name} and {km:g} km around" for name, *_ in members]
            + [label for label, _ in counties]
        )
        expires = None
        if self.expires_on.isChecked():
            moment = self.expires.dateTime().toPython()
            expires = moment.astimezone().isoformat() if isinstance(moment, datetime) else None
        refs = []
        if self.msg_type.currentText() != "Alert" and self.references.currentData():
            refs = [str(self.references.currentData())]
        return Advisory(
            headline=self.headline.text(),
            description=self.description.toPlainText(),
            event=self.event.text(),
            instruction=self.instruction.toPlainText(),
            area=described or "Coalition area",
            urgency=self.urgency.currentText(),
            severity=self.severity.currentText(),
            certainty=self.certainty.currentText(),
            category=self.category.currentText(),
            status=self.status.currentText(),
            msg_type=self.msg_type.currentText(),
            scope=self.scope.currentText(),
            restriction=self.restriction.text(),
            expires=expires,
            references=refs,
            circles=[(lat, lon, km) for _, lat, lon in members],
            contact=self.contact.text(),
            geocodes=[("SAME", "0" + fips) for _, fips in counties],
        )

    def suggested_name(self) -> str:
        words = re.sub(r"[^a-z0-9]+", "-", self.headline.text().lower()).strip("-")[:60]
        return f"cap-{words or 'advisory'}-{datetime.now():%Y%m%d-%H%M}.xml"

    def save(self) -> None:
        """Check the form first (so a refusal does not cost a file dialog), then ask
        where and write; on a refusal the dialog stays open to fix the field."""
        adv = self.advisory()
        problem = _problem(adv)
        if problem is not None:
            QMessageBox.warning(self, TITLE, refusal_text(problem))
            return
        out = ask_save_path(self, TITLE, self.suggested_name(), CAP_SAVE_FILTER, ".xml")
        if out is None:
            return
        store, actor, incident_id = self.ctx.store, self.ctx.actor, self.incident.currentData()

        def write(_progress: Progress) -> str:
            return export_cap(store, out, adv, actor=actor, incident_id=incident_id)

        # One file and one log entry: a few milliseconds, so on the GUI thread, and
        # the dialog learns at once whether to close.
        written = (
            CollectionOp(self, write, title=TITLE)
            .failure(lambda exc: self._not_written(out, exc))
            .run_now()
        )
        if written is None:
            return
        self.written = written
        close_with_report(
            self,
            self.ctx,
            TITLE,
            status=f"CAP advisory {written} written to {out}",
            report=f"CAP 1.2 {adv.msg_type.lower()} written to\n{out}\n\n"
            f"Identifier {written}; a log entry records it in the incident.",
        )

    def _not_written(self, out: Path, exc: Exception) -> None:
        """A refused field as every form shows it; a refused or unwritable file with
        its path (the operator picks another folder); anything else as any fault."""
        if isinstance(exc, ValidationError):
            QMessageBox.warning(self, TITLE, refusal_text(exc))
        elif isinstance(exc, (HccError, OSError)):
            QMessageBox.critical(self, TITLE, f"{out}: {exc}\n\nNothing was changed.")
        else:
            show_error(self, TITLE, exc)


def _problem(adv: Advisory) -> ValidationError | None:
    """What the exporter would refuse, found before the file chooser opens."""
    for name, value in (("headline", adv.headline), ("description", adv.description)):
        if not value.strip():
            return ValidationError(name, "must not be empty")
    if adv.expires and datetime.fromisoformat(adv.expires) < datetime.now().astimezone():
        return ValidationError("expires", "is in the past")
    return None


def export_cap_dialog(parent: QWidget, ctx: AppContext) -> CapExportDialog:
    dialog = CapExportDialog(ctx, parent)
    open_dialog(dialog)
    return dialog
