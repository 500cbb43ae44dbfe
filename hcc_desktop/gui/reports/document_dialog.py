"""What every "make a PDF" dialog shares: paper size, where to save, the button that
starts the work off the GUI thread, and the choice of operational period.

Subclasses add their own rows and say what to build (`work`) and how to describe the
result (`describe`); this class runs it through output.run_document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.services import incidents
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import Job, Progress
from hcc_desktop.gui.reports import output
from hcc_desktop.gui.reports.printing import how_printing_works
from hcc_desktop.reports.briefing_data import choose_period
from hcc_desktop.reports.timefmt import Clock


class DocumentDialog(QDialog):
    """A form of options above Paper / Save to, and Create PDF / Cancel."""

    title = "Create PDF"

    def __init__(self, ctx: AppContext, incident: m.Incident, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.incident = incident
        self.job: Job | None = None
        self.setWindowTitle(self.title)
        self.form = QFormLayout()
        self.form.addRow("Incident:", QLabel(incident.name or incident.id))
        self.paper = QComboBox()
        self.paper.setObjectName("paper")
        self.paper.addItem("US Letter", "letter")
        self.paper.addItem("A4", "a4")
        self.paper.setCurrentIndex(self.paper.findData(output.default_paper()))
        self.path = QLineEdit()
        self.path.setObjectName("path")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.path, 1)
        box.addWidget(browse)
        self.extra_rows()
        self.form.addRow("Paper:", self.paper)
        self.form.addRow("Save to:", row)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b71c1c")
        self.error.setWordWrap(True)
        self.error.hide()
        hint = QLabel(how_printing_works())
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555b61")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create PDF")
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.refresh_path()

    # ----------------------------------------------------------- for subclasses

    def extra_rows(self) -> None:
        """Add the document's own rows to self.form."""

    def suggested_name(self) -> str:
        return output.file_name("document", self.incident.name, output.today())

    def work(self, path: Path, paper: str, progress: Progress) -> Any:
        raise NotImplementedError

    def describe(self, result: Any) -> str:
        return f"Wrote {getattr(result, 'path', '')}"

    # ----------------------------------------------------------- shared

    def period_combo(self, *, whole_incident: str | None = None) -> QComboBox:
        """Periods of the incident, newest first; the one in view (or running) chosen."""
        combo = QComboBox()
        combo.setObjectName("period")
        clock = Clock()
        store = self.ctx.store
        periods = incidents.list_periods(store, incident_id=self.incident.id)
        if whole_incident:
            combo.addItem(whole_incident, None)
        for p in reversed(periods):
            combo.addItem(f"Period {p.number}: {clock.span(p.starts_at, p.ends_at)}", p.number)
        wanted = self.ctx.period if self.ctx.incident_id == self.incident.id else None
        if wanted is None and not whole_incident:
            current, _ = choose_period(store, self.incident.id, None, from_ms(store.wall()))
            wanted = current.number if current is not None else None
        index = combo.findData(wanted) if wanted is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.currentIndexChanged.connect(lambda _i: self.refresh_path())
        return combo

    def refresh_path(self) -> None:
        """Follow the options with the file name until the operator edits the path."""
        if getattr(self, "_path_edited", False):
            return
        self.path.setText(str(output.default_folder(self.ctx.store.path) / self.suggested_name()))

    def _browse(self) -> None:
        chosen = output.ask_path(self, self.title, Path(self.path.text()))
        if chosen is not None:
            self._path_edited = True
            self.path.setText(str(chosen))

    def create(self) -> None:
        """Check the path, close, and build off the GUI thread."""
        text = self.path.text().strip()
        path = Path(text if text.lower().endswith(".pdf") else text + ".pdf")
        if not text or not path.parent.is_dir():
            self.error.setText(f"Save to: no such folder {path.parent}")
            self.error.show()
            self.path.setFocus()
            return
        paper = str(self.paper.currentData())
        output.remember_paper(paper)
        self.accept()
        parent = self.parentWidget() or self
        self.job = output.run_document(
            parent,
            self.ctx,
            title=f"{self.title}…",
            work=lambda progress: self.work(path, paper, progress),
            describe=self.describe,
            path=path,
        )
