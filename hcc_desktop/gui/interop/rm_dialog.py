"""Interchange → Import / Export EDXL-RM resource message.

Import: the message is read in full off the GUI thread (a refused file opens nothing),
then a preview says what it is, who sent it, what importing would do to which request
and what in it was not understood; only Import writes, in one transaction, through the
same `rm_import` service as `hcc-desktop import-rm`. Export: a request of the incident
in view written as the message `hcc-desktop export-rm` writes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import lifecycle
from hcc_desktop.core.services import incidents, requests
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import (
    ask_open_path,
    ask_save_path,
    close_with_report,
    open_dialog,
    read_then_open,
    refused,
    show_refusal,
)
from hcc_desktop.gui.operations import CollectionOp, Job
from hcc_desktop.interop.rm_export import RmExport, export_rm
from hcc_desktop.interop.rm_import import RmImportResult, RmPreview, commit_rm, preview_rm

IMPORT_TITLE = "Import EDXL-RM resource message"
EXPORT_TITLE = "Export EDXL-RM resource message"
RM_FILTER = "EDXL-RM messages (*.xml);;All files (*)"


def preview_text(preview: RmPreview) -> str:
    """The preview in words: what, from whom, what it would do, what was not read."""
    msg = preview.message
    lines = [f"{msg.kind} {msg.message_id}"]
    lines.append(f"From: {msg.sender() or 'no sender named'}")
    if msg.sent:
        lines.append(f"Sent: {msg.sent}")
    if msg.description:
        lines.append(f"Says: {msg.description}")
    if msg.references():
        lines.append(f"Answers: {', '.join(msg.references())}")
    lines += ["", "Importing will:"]
    lines += [f"  • {line}" for line in preview.plan()]
    if preview.notes:
        lines += ["", "Notes:"]
        lines += [f"  • {note}" for note in preview.notes]
    return "\n".join(lines)


class RmImportDialog(QDialog):
    def __init__(self, ctx: AppContext, preview: RmPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.preview = ctx, preview
        self.job: Job | None = None
        self.result_: RmImportResult | None = None
        self.setObjectName("rmImportDialog")
        self.setWindowTitle(IMPORT_TITLE)
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{preview.source}</b>: {preview.message.kind}")
        layout.addWidget(head)
        if preview.incident_id:
            inc = incidents.get_incident(ctx.store, preview.incident_id)
            where = QLabel(f"New requests go to the incident <b>{inc.name}</b>.")
            where.setObjectName("rmIncident")
            layout.addWidget(where)
        self.detail = QPlainTextEdit(preview_text(preview))
        self.detail.setObjectName("rmPreview")
        self.detail.setReadOnly(True)
        layout.addWidget(self.detail, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Imported before — close" if preview.duplicate else "Import")
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(640, 440)

    def commit(self) -> None:
        if self.preview.duplicate:
            self.accept()
            return
        store, actor, preview = self.ctx.store, self.ctx.actor, self.preview
        self._busy(True)
        self.job = (
            CollectionOp(
                self, lambda _p: commit_rm(store, preview, actor=actor), title=IMPORT_TITLE
            )
            .success(self._done)
            .failure(refused(self, IMPORT_TITLE, then=lambda: self._busy(False)))
            .run_now()
        )

    def _busy(self, busy: bool) -> None:
        for button in self.buttons.buttons():
            button.setEnabled(not busy)

    def _done(self, result: RmImportResult) -> None:
        self.result_ = result
        made = [number for _rid, number in result.created]
        lines = []
        if made:
            lines.append(f"New requests: {', '.join(made)} (submitted).")
        for mv in result.moved:
            if mv.to_status and mv.to_status != mv.from_status:
                lines.append(
                    f"Request {mv.number}: {lifecycle.LABELS.get(mv.from_status, mv.from_status)}"
                    f" → {lifecycle.LABELS.get(mv.to_status, mv.to_status)}."
                )
        lines.append("The message is kept in the communications log.")
        if result.preview.notes:
            lines += ["", *result.preview.notes]
        close_with_report(
            self,
            self.ctx,
            IMPORT_TITLE,
            status=f"EDXL-RM {self.preview.message.kind} imported from {self.preview.source}",
            report="\n".join(lines),
        )


def open_rm_file(parent: QWidget, ctx: AppContext, path: Path) -> Job:
    """Read `path` off the GUI thread, then show the preview (or the refusal)."""
    store, incident_id = ctx.store, ctx.incident_id
    return read_then_open(
        parent,
        lambda _p: preview_rm(store, path, incident_id=incident_id),
        lambda preview: RmImportDialog(ctx, preview, parent),
        title=IMPORT_TITLE,
        label="Reading the resource message…",
    )


def import_rm(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Import EDXL-RM."""
    path = ask_open_path(parent, IMPORT_TITLE, RM_FILTER)
    if path is not None:
        open_rm_file(parent, ctx, path)


class RmExportDialog(QDialog):
    """Which request, bare or enveloped; says which message it becomes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.setObjectName("rmExportDialog")
        self.setWindowTitle(EXPORT_TITLE)
        self.request = QComboBox()
        self.request.setObjectName("requestCombo")
        if ctx.incident_id:
            for req in requests.list_requests(ctx.store, incident_id=ctx.incident_id):
                status = lifecycle.LABELS.get(req.status or "", req.status or "")
                origin = " — from a partner" if req.external_ref else ""
                self.request.addItem(
                    f"{req.number}  {req.resource_kind} ({status}){origin}", req.id
                )
        self.envelope = QCheckBox("Wrap in an EDXL-DE 1.0 distribution envelope")
        self.envelope.setObjectName("envelopeCheck")
        note = QLabel(
            "A request made here goes out as a RequestResource. A request that came from "
            "a partner is answered: CommitResource once committed (or a decline once "
            "denied or cancelled), else ResponseToRequestResource."
        )
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Request", self.request)
        form.addRow(self.envelope)
        form.addRow(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save…")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.resize(560, self.sizeHint().height())

    def save(self) -> None:
        rid = self.request.currentData()
        if not rid:
            show_refusal(self, EXPORT_TITLE, "The incident in view has no resource requests.")
            return
        number = self.request.currentText().split()[0]
        out = ask_save_path(self, EXPORT_TITLE, f"rm-{number}.xml", "EDXL-RM (*.xml)", ".xml")
        if out is None:
            return
        store, actor, envelope = self.ctx.store, self.ctx.actor, self.envelope.isChecked()
        self.job = (
            CollectionOp(
                self,
                lambda _p: export_rm(store, rid, out, actor=actor, envelope=envelope),
                title=EXPORT_TITLE,
            )
            .success(self._done)
            .failure(refused(self, EXPORT_TITLE))
            .run_now()
        )

    def _done(self, result: RmExport) -> None:
        what = f"{result.kind} ({result.response})" if result.response else result.kind
        close_with_report(
            self,
            self.ctx,
            EXPORT_TITLE,
            status=f"EDXL-RM written to {result.path}",
            report=(
                f"{what} for request {result.request_number} written to\n{result.path}\n\n"
                f"MessageID {result.message_id}, kept in the communications log."
            ),
        )


def export_rm_dialog(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Export EDXL-RM."""
    open_dialog(RmExportDialog(ctx, parent))
