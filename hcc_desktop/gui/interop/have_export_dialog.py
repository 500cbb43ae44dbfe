"""Interchange → Export EDXL-HAVE: the facilities' latest validated EEIs as a
HospitalStatus document (in an EDXL-DE envelope when the partner wants one).

Only validated values leave the coalition: a partner must not receive numbers nobody
here has checked, so the dialog says so before the file is chosen.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import (
    ask_save_path,
    close_with_report,
    fill_periods,
    incident_combo,
    open_dialog,
    refused,
)
from hcc_desktop.gui.operations import CollectionOp, Job
from hcc_desktop.interop import have_export
from hcc_desktop.interop.have_export import HaveExport

EXPORT_TITLE = "Export EDXL-HAVE"


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
        self.job = (
            CollectionOp(
                self,
                lambda _p: have_export.export_have(
                    store, out, incident_id=incident_id, period=period, envelope=envelope
                ),
                title=EXPORT_TITLE,
            )
            .success(self._done)
            .failure(refused(self, EXPORT_TITLE))
            .with_progress("Writing EDXL-HAVE…")
            .run_in_background()
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
        if result.not_carried:
            text += "\n\nNot carried by HAVE (kept here only):\n" + "\n".join(
                f"• {line}" for line in result.not_carried
            )
        close_with_report(
            self, self.ctx, EXPORT_TITLE, status=f"EDXL-HAVE written to {result.path}", report=text
        )


def export_have(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Export EDXL-HAVE."""
    open_dialog(HaveExportDialog(ctx, parent))
