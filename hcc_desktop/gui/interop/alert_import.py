"""Interchange → Import alert (and alert files dropped on the window): read a CAP
alert or an Atom/RSS feed, show every alert with the members inside its areas and
whether it was imported before, and let the operator choose where it goes.

The file is parsed in full before the dialog opens (a malformed file imports nothing
and names the file and element); nothing is written until the operator presses
Import, and Cancel leaves the store as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.fmt import local_time
from hcc_desktop.gui.interop.common import (
    CAP_FILTER,
    ask_open_path,
    close_with_report,
    incident_combo,
    read_only_table,
    read_then_open,
    refused,
)
from hcc_desktop.gui.operations import CollectionOp, Job
from hcc_desktop.interop.cap import CapAlert
from hcc_desktop.interop.cap_import import (
    CapFile,
    CapImportResult,
    first_period_span,
    read_cap,
    record_cap,
)

TITLE = "Import alert"
#: Headline and members first: what the operator scans for; the rest follows.
COLUMNS = ["State", "Headline", "Members inside", "Event", "Urgency / severity / certainty",
           "Status", "Type", "Sent", "Sender", "Areas"]  # fmt: skip
KNOWN_BG = QBrush(QColor("#eceff1"))
KNOWN_TEXT = "already imported"


def _grade(alert: CapAlert) -> str:
    info = alert.infos[0] if alert.infos else None
    if info is None:
        return ""
    return " / ".join(x or "?" for x in (info.urgency, info.severity, info.certainty))


def _areas(alert: CapAlert) -> str:
    return "; ".join(a.description for i in alert.infos for a in i.areas if a.description)


def _row(cap: CapFile, i: int) -> list[str]:
    a = cap.alerts[i]
    info = a.infos[0] if a.infos else None
    inside = cap.members_inside[i]
    values = {
        "State": KNOWN_TEXT if cap.known[i] else "new",
        "Sender": (info.sender_name if info and info.sender_name else None) or a.sender,
        "Sent": a.sent,
        "Status": a.status,
        "Type": a.msg_type,
        "Event": info.event if info else "",
        "Urgency / severity / certainty": _grade(a),
        "Headline": (info.headline or "") if info else "",
        "Areas": _areas(a),
        "Members inside": f"{len(inside)}: {', '.join(inside)}" if inside else "none",
    }
    return [values[c] for c in COLUMNS]


def alert_detail(cap: CapFile, i: int) -> str:
    """Everything the operator may want before deciding: every info block, the
    areas with their shapes, and the members inside them."""
    a = cap.alerts[i]
    lines = [
        f"{a.msg_type} ({a.status}) from {a.sender}, sent {a.sent}",
        f"Identifier: {a.identifier}",
    ]
    if cap.known[i]:
        lines.append("Already imported: importing it again changes nothing.")
    if a.references:
        lines.append("References: " + " ".join(a.references))
    if a.note:
        lines.append(f"Note: {a.note}")
    for n, info in enumerate(a.infos, start=1):
        lines.append("")
        lines.append(f"[{n}] {info.event} — {info.headline or ''}".rstrip(" —"))
        lines.append(
            f"Urgency {info.urgency}, severity {info.severity}, certainty {info.certainty}"
        )
        times = [
            f"{k} {v}"
            for k, v in (("effective", info.effective), ("onset", info.onset),
                         ("expires", info.expires))
            if v
        ]  # fmt: skip
        if times:
            lines.append("; ".join(times))
        if info.description:
            lines.append(f"Description: {info.description}")
        if info.instruction:
            lines.append(f"Instruction: {info.instruction}")
        for area in info.areas:
            shapes = []
            if area.polygons:
                shapes.append(f"{len(area.polygons)} polygon(s)")
            if area.circles:
                shapes.append(f"{len(area.circles)} circle(s)")
            if area.geocodes:
                shapes.append("geocodes " + ", ".join(f"{k} {v}" for k, v in area.geocodes))
            lines.append(
                f"Area: {area.description}" + (f" ({'; '.join(shapes)})" if shapes else "")
            )
    inside = cap.members_inside[i]
    lines.append("")
    if inside:
        lines.append(f"Members inside the areas ({len(inside)}):")
        lines.extend(f"  • {name}" for name in inside)
    else:
        lines.append("No member lies inside the areas.")
    return "\n".join(lines)


class AlertImportDialog(QDialog):
    """The parsed alerts, and the operator's choice: a log entry in an incident or a
    new incident opened from the (first) alert."""

    def __init__(self, ctx: AppContext, cap: CapFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cap = cap
        self.job: Job | None = None
        self.result_: CapImportResult | None = None
        self.setObjectName("alertImportDialog")
        self.setWindowTitle(f"{TITLE} — {cap.source}")
        self.resize(1180, 640)
        new = sum(1 for k in cap.known if not k)
        known = len(cap.known) - new
        summary = f"{len(cap.alerts)} alert(s) in {cap.source}: {new} new"
        if known:
            summary += f", {known} already imported (not duplicated)"
        self.summary = QLabel(summary)
        self.summary.setObjectName("alertSummary")
        self.table = read_only_table(
            COLUMNS, [_row(cap, i) for i in range(len(cap.alerts))], "alertTable", widest=200
        )
        for r, was_known in enumerate(cap.known):
            if was_known:
                for c in range(len(COLUMNS)):
                    self.table.item(r, c).setBackground(KNOWN_BG)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("alertDetail")
        self.detail.setReadOnly(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([260, 260])

        where = QGroupBox("Record the alerts as")
        form = QFormLayout(where)
        self.to_incident = QRadioButton("Log entries in incident")
        self.to_incident.setObjectName("toIncident")
        self.incident = incident_combo(ctx)
        starts, ends, basis = first_period_span(cap.alerts[0])
        self.new_incident = QRadioButton(
            "A new incident opened from the first alert, with operational period 1 "
            f"{local_time(starts)} – {local_time(ends)} ({basis})"
        )
        self.new_incident.setObjectName("toNewIncident")
        group = QButtonGroup(self)
        group.addButton(self.to_incident)
        group.addButton(self.new_incident)
        form.addRow(self.to_incident, self.incident)
        form.addRow(self.new_incident)
        if self.incident.count():
            self.to_incident.setChecked(True)
        else:
            self.to_incident.setEnabled(False)
            self.incident.setEnabled(False)
            self.new_incident.setChecked(True)
        self.to_incident.toggled.connect(self.incident.setEnabled)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if cap.warnings:
            shown = cap.warnings[:5]
            more = len(cap.warnings) - len(shown)
            text = "Notes: " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
            self.notes = QLabel(text)
            self.notes.setObjectName("alertNotes")
            self.notes.setWordWrap(True)
            layout.addWidget(self.notes)
        layout.addWidget(split, 1)
        layout.addWidget(where)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import" if new else "Nothing new — close")
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if cap.alerts:
            self.table.selectRow(0)
            self._show(0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.cap.alerts):
            self.detail.setPlainText(alert_detail(self.cap, row))

    def commit(self) -> None:
        """Record the alerts off the GUI thread (a feed may hold a thousand)."""
        if all(self.cap.known):
            self.accept()  # every alert is known: recording again would change nothing
            return
        new = self.new_incident.isChecked()
        incident_id = None if new else self.incident.currentData()
        store, actor, cap = self.ctx.store, self.ctx.actor, self.cap
        # Once recording starts it completes (one transaction): Cancel could no
        # longer keep its promise of "nothing written", so it waits too, and the
        # progress dialog offers none.
        self._busy(True)
        self.job = (
            CollectionOp(
                self,
                lambda _p: record_cap(
                    store, cap, actor=actor, incident_id=incident_id, new_incident=new
                ),
                title=TITLE,
            )
            .success(self._done)
            .failure(refused(self, TITLE, then=lambda: self._busy(False)))
            .with_progress("Importing alerts…")
            .run_in_background()
        )

    def _busy(self, busy: bool) -> None:
        for button in self.buttons.buttons():
            button.setEnabled(not busy)

    def _done(self, result: CapImportResult) -> None:
        self.result_ = result
        if result.created_incident:
            self.ctx.set_incident(result.incident_id)
        close_with_report(
            self,
            self.ctx,
            TITLE,
            status=f"Alerts from {self.cap.source}: {result.new} new, "
            f"{result.duplicates} already known",
            report=result_text(result),
        )


def result_text(result: CapImportResult) -> str:
    lines = []
    if result.created_incident:
        lines.append("A new incident was opened from the alert and made the current one.")
        fp = result.first_period
        if fp is not None:
            lines.append(
                f"Operational period {fp.number}: {local_time(fp.starts_at)} – "
                f"{local_time(fp.ends_at)} ({fp.basis})."
            )
    for item in result.alerts:
        a, o = item.alert, item.outcome
        head = (a.infos[0].headline or a.infos[0].event) if a.infos else a.identifier
        state = "Already imported" if o.duplicate else "Imported"
        lines.append(f"{state}: {a.msg_type} {a.status} — {head}")
        for ref in o.references_unknown:
            lines.append(f"   references an alert not received here: {ref}")
        if item.members_inside and not o.duplicate:
            lines.append(f"   members in the area: {', '.join(item.members_inside)}")
    lines.append("")
    lines.append(f"{result.new} new, {result.duplicates} already known.")
    return "\n".join(lines)


def open_alert_file(parent: QWidget, ctx: AppContext, path: Path) -> Job:
    """Parse `path` off the GUI thread, then show the alerts (or the refusal)."""
    store = ctx.store
    return read_then_open(
        parent,
        lambda _p: read_cap(store, path),
        lambda cap: AlertImportDialog(ctx, cap, parent),
        title=TITLE,
        label="Reading alerts…",
    )


def import_alert(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Import alert."""
    path = ask_open_path(parent, TITLE, CAP_FILTER)
    if path is not None:
        open_alert_file(parent, ctx, path)
