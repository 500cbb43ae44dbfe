"""File → Print briefing…: the situation briefing for an operational period.

The duty officer picks the period, the sections, writes the situation summary, and
says who the paper is for: coalition partners (protected EEIs included, every page
marked SENSITIVE) or the public (protected EEIs left out). The summary is remembered
per incident and period, so a typo found on paper costs one edit, not a rewrite.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services import incidents
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import Progress
from hcc_desktop.gui.reports import output
from hcc_desktop.gui.reports.document_dialog import DocumentDialog
from hcc_desktop.gui.settings import app_settings
from hcc_desktop.reports.briefing import BriefingResult, build_briefing
from hcc_desktop.reports.briefing_model import SECTIONS

SUMMARY_KEY = "reports/summary/{incident}/{period}"


class BriefingDialog(DocumentDialog):
    title = "Print briefing"

    def extra_rows(self) -> None:
        self.setObjectName("briefingDialog")
        self.period = self.period_combo()
        self.period.currentIndexChanged.connect(lambda _i: self._load_summary())
        self.form.addRow("Operational period:", self.period)

        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setPlaceholderText(
            "Situation summary, printed on the first page: what happened, what matters "
            "now, what comes next. A blank line starts a new paragraph."
        )
        self.summary.setMinimumHeight(110)
        self.form.addRow("Situation summary:", self.summary)

        group = QGroupBox("Sections")
        grid = QGridLayout(group)
        self.sections: dict[str, QCheckBox] = {}
        for i, (key, label) in enumerate(SECTIONS.items()):
            box = QCheckBox(label)
            box.setObjectName(f"section_{key}")
            box.setChecked(True)
            self.sections[key] = box
            grid.addWidget(box, i // 2, i % 2)
        self.form.addRow(group)

        release = QGroupBox("Who is it for?")
        column = QVBoxLayout(release)
        self.partners = QRadioButton(
            "Coalition partners: protected EEIs included, every page marked SENSITIVE"
        )
        self.partners.setObjectName("partners")
        self.public = QRadioButton("Public version: protected EEIs left out")
        self.public.setObjectName("public")
        self.partners.setChecked(True)
        self.public.toggled.connect(self._public_toggled)
        column.addWidget(self.partners)
        column.addWidget(self.public)
        self.form.addRow(release)
        self._load_summary()
        self.resize(620, 640)

    def _public_toggled(self, public: bool) -> None:
        protected = self.sections["protected"]
        protected.setEnabled(not public)
        protected.setToolTip("Never in the public version" if public else "")
        self.refresh_path()

    def _summary_key(self) -> str:
        return SUMMARY_KEY.format(incident=self.incident.id, period=self.period.currentData())

    def _load_summary(self) -> None:
        saved = app_settings().value(self._summary_key())
        self.summary.setPlainText(str(saved) if saved else "")

    def chosen_sections(self) -> list[str]:
        return [k for k, box in self.sections.items() if box.isChecked() and box.isEnabled()]

    def suggested_name(self) -> str:
        period = getattr(self, "period", None)
        number = period.currentData() if period is not None else None
        public = getattr(self, "public", None)
        return output.file_name(
            "briefing",
            self.incident.name,
            f"p{number}" if number else "",
            "public" if public is not None and public.isChecked() else "",
            output.today(),
        )

    def create(self) -> None:
        if not self.chosen_sections():
            self.error.setText("Sections: choose at least one section to print.")
            self.error.show()
            return
        app_settings().setValue(self._summary_key(), self.summary.toPlainText())
        super().create()

    def work(self, path: Path, paper: str, progress: Progress) -> BriefingResult:
        return build_briefing(
            self.ctx.store,
            path,
            incident_id=self.incident.id,
            period=self.period.currentData(),
            summary_text=self.summary.toPlainText(),
            public=self.public.isChecked(),
            paper=paper,
            sections=self.chosen_sections(),
            prepared_by=self.ctx.actor,
            progress=progress.step,
        )

    def describe(self, result: Any) -> str:
        r: BriefingResult = result
        period = f"period {r.period}" if r.period else "no period yet"
        kind = "public version" if r.public else "SENSITIVE" if r.sensitive else "briefing"
        return f"Briefing for {period} written: {r.pages} pages ({kind})"


def open_briefing_dialog(parent: QWidget, ctx: AppContext) -> BriefingDialog | None:
    """File → Print briefing…: the dialog for the incident in view (window-modal, not
    blocking; the PDF is built once the operator presses Create PDF)."""
    try:
        incident = incidents.resolve_incident(ctx.store, ctx.incident_id)
    except HccError as exc:
        QMessageBox.information(parent, "No incident", str(exc).split(": ", 1)[-1])
        return None
    dialog = BriefingDialog(ctx, incident, parent)
    dialog.open()
    return dialog
