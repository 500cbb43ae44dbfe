"""Interchange → Export EDXL-HAVE and Import EDXL-HAVE.

Export writes the facilities' latest validated EEIs as a HospitalStatus document (in
an EDXL-DE envelope when the partner wants one). Import first shows which hospitals
of the file matched which facilities, and which matched none (their values would be
lost, so the operator must see them), and writes only when the operator confirms.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import (
    HAVE_FILTER,
    ask_open_path,
    ask_save_path,
    fill_periods,
    incident_combo,
    read_only_table,
    run_job,
)
from hcc_desktop.gui.workers import Job
from hcc_desktop.interop import have_export
from hcc_desktop.interop.have_export import HaveExport
from hcc_desktop.interop.have_import import HaveImportResult, HavePreview, commit_have, preview_have

EXPORT_TITLE = "Export EDXL-HAVE"
IMPORT_TITLE = "Import EDXL-HAVE"
UNMATCHED_BG = QBrush(QColor("#ffe0e0"))


class HaveExportDialog(QDialog):
    """Which incident and period, bare or enveloped."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.setObjectName("haveExportDialog")
        self.setWindowTitle(EXPORT_TITLE)
        self.incident = incident_combo(ctx)
        self.period = QComboBox()
        self.period.setObjectName("periodCombo")
        self.envelope = QCheckBox("Wrap in an EDXL-DE 1.0 distribution envelope")
        self.envelope.setObjectName("envelopeCheck")
        note = QLabel(
            "Only validated values are sent (a value changed since its validation is "
            "not): partners must not receive numbers the coalition has not checked."
        )
        note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Incident", self.incident)
        form.addRow("Values up to", self.period)
        form.addRow(self.envelope)
        form.addRow(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save…")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.incident.currentIndexChanged.connect(self._fill_periods)
        self._fill_periods()
        self.resize(520, self.sizeHint().height())

    def _fill_periods(self, *_: object) -> None:
        fill_periods(self.period, self.ctx, self.incident.currentData(), "Latest values")

    def save(self) -> None:
        suffix = "-de" if self.envelope.isChecked() else ""
        name = f"have{suffix}-{self.ctx.store.station_name}-{date.today():%Y%m%d}.xml"
        name = name.replace(" ", "-").lower()
        out = ask_save_path(self, EXPORT_TITLE, name, "EDXL-HAVE (*.xml)", ".xml")
        if out is None:
            return
        store = self.ctx.store
        incident_id, period = self.incident.currentData(), self.period.currentData()
        envelope = self.envelope.isChecked()
        self.job = run_job(
            self,
            "Writing EDXL-HAVE…",
            lambda: have_export.export_have(
                store, out, incident_id=incident_id, period=period, envelope=envelope
            ),
            self._done,
            failed_title=EXPORT_TITLE,
            writes=True,
        )

    def _done(self, result: HaveExport) -> None:
        kind = "EDXL-DE envelope with HAVE" if self.envelope.isChecked() else "HospitalStatus"
        text = (
            f"{kind} for {result.hospitals} facilities ({result.values} values) written to\n"
            f"{result.path}"
        )
        if result.skipped_unvalidated:
            text += (
                f"\n\n{result.skipped_unvalidated} reports were not sent: not validated "
                "(or changed since their validation)."
            )
        self.ctx.message.emit(f"EDXL-HAVE written to {result.path}")
        QMessageBox.information(self.parentWidget(), EXPORT_TITLE, text)
        self.accept()


def _values_text(values: dict[str, object]) -> str:
    cat = load_catalog()
    parts = []
    for code, value in values.items():
        try:
            label = cat.element(code).label
        except Exception:  # an element the catalog does not know: show its code
            label = code
        parts.append(f"{label}: {value}")
    return "; ".join(parts)


class HaveImportDialog(QDialog):
    """What matched and what did not; Import records, Cancel writes nothing."""

    def __init__(self, ctx: AppContext, preview: HavePreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview = preview
        self.job: Job | None = None
        self.result_: HaveImportResult | None = None
        self.setObjectName("haveImportDialog")
        self.setWindowTitle(f"{IMPORT_TITLE} — {preview.source}")
        self.resize(980, 520)
        rows = []
        for mt in preview.matches:
            h = mt.hospital
            rows.append(
                [
                    h.name,
                    h.town or "",
                    mt.organization_name or "NOT MATCHED — values not recorded",
                    mt.how or "",
                    str(len(h.values)),
                    h.updated or "",
                    _values_text(h.values),
                ]
            )
        self.table = read_only_table(
            ["Hospital in the file", "Town", "Facility here", "Matched by", "Values",
             "Last update", "Values read"],
            rows,
            "haveMatchTable",
        )  # fmt: skip
        for r, mt in enumerate(preview.matches):
            if mt.organization_id is None:
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setBackground(UNMATCHED_BG)
        matched = len(preview.matches) - len(preview.unmatched)
        summary = (
            f"{len(preview.matches)} hospitals in {preview.source}: {matched} matched, "
            f"{len(preview.unmatched)} not matched. {preview.values} values will be recorded "
            f"for period {preview.period}, marked as from this file and awaiting validation."
        )
        self.summary = QLabel(summary)
        self.summary.setObjectName("haveSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if preview.unmatched:
            names = ", ".join(mt.hospital.name for mt in preview.unmatched)
            warn = QLabel(
                f"Not matched (add them as members, or fix their names, then import again): {names}"
            )
            warn.setObjectName("haveUnmatched")
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #b71c1c;")
            layout.addWidget(warn)
        layout.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(f"Record {preview.values} values")
        self.import_button.setEnabled(preview.values > 0)
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def commit(self) -> None:
        store, actor, preview = self.ctx.store, self.ctx.actor, self.preview
        self._busy(True)  # a started commit completes: Cancel waits with it
        self.job = run_job(
            self,
            "Recording hospital status…",
            lambda: commit_have(store, preview, actor=actor),
            self._done,
            failed_title=IMPORT_TITLE,
            writes=True,
            on_end=lambda: self._busy(False),
        )

    def _busy(self, busy: bool) -> None:
        for button in self.buttons.buttons():
            button.setEnabled(not busy)

    def _done(self, result: HaveImportResult) -> None:
        self.result_ = result
        text = (
            f"{result.values} values recorded for period {result.period}, awaiting "
            f"validation; {len(result.unmatched)} hospitals not matched."
        )
        self.ctx.message.emit(f"EDXL-HAVE {self.preview.source}: {text}")
        QMessageBox.information(self.parentWidget(), IMPORT_TITLE, text)
        self.accept()


def open_have_file(parent: QWidget, ctx: AppContext, path: Path) -> Job:
    """Read and match off the GUI thread, then show the preview (or the refusal)."""
    store, incident_id, period = ctx.store, ctx.incident_id, ctx.period

    def show(preview: HavePreview) -> None:
        dialog = HaveImportDialog(ctx, preview, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    return run_job(
        parent,
        "Reading hospital status…",
        lambda: preview_have(store, path, incident_id=incident_id, period=period),
        show,
        failed_title=IMPORT_TITLE,
    )


def import_have(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Import EDXL-HAVE."""
    path = ask_open_path(parent, IMPORT_TITLE, HAVE_FILTER)
    if path is not None:
        open_have_file(parent, ctx, path)


def export_have(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Export EDXL-HAVE."""
    dialog = HaveExportDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
