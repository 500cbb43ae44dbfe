"""Preparedness → Print: the AAR/IP, the HVA, the plans register and the membership
report, each a small dialog (what to print, paper, where to save) over the same
builders as `aar print`, `hva print`, `plans print` and `members print`.

These documents belong to the coalition's year, not to an incident, so they do not use
`DocumentDialog` (which is built around the incident in view and its periods); they
share its output path, paper memory, background run and delivery (gui.reports.output),
so a PDF made here behaves like a briefing: written off the GUI thread with a progress
dialog, opened in the viewer, offered for printing.
"""

from __future__ import annotations

from pathlib import Path

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

from hcc_desktop.core.services import aar, hva, organizations
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import Job, Progress
from hcc_desktop.gui.panels.prep_common import today
from hcc_desktop.gui.reports import output
from hcc_desktop.gui.reports.printing import how_printing_works
from hcc_desktop.reports.aar_report import build_aar
from hcc_desktop.reports.document import DocumentResult
from hcc_desktop.reports.hva_report import build_hva
from hcc_desktop.reports.membership_report import build_membership_report
from hcc_desktop.reports.plans_register import build_plans_register


class PrepDocumentDialog(QDialog):
    """Options above Paper / Save to, and Create PDF / Cancel."""

    title = "Create PDF"
    name = "prepDocumentDialog"

    def __init__(self, ctx: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self._path_edited = False
        self.setObjectName(self.name)
        self.setWindowTitle(self.title)
        self.form = QFormLayout()
        self.paper = QComboBox(objectName="paper")
        self.paper.addItem("US Letter", "letter")
        self.paper.addItem("A4", "a4")
        self.paper.setCurrentIndex(max(self.paper.findData(output.default_paper()), 0))
        self.path = QLineEdit(objectName="path")
        self.path.textEdited.connect(lambda _t: setattr(self, "_path_edited", True))
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
        self.error = QLabel(objectName="documentError")
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
        self.buttons.accepted.connect(self.make_pdf)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.refresh_path()
        self.resize(540, self.sizeHint().height())

    # ----------------------------------------------------------- for subclasses

    def extra_rows(self) -> None:
        """Add the document's own rows (what to print) to self.form."""

    def suggested_name(self) -> str:
        return output.file_name("document", output.today())

    def missing(self) -> str:
        """Why the document cannot be made (nothing to print), naming the row; "" if it can."""
        return ""

    def work(self, path: Path, paper: str, progress: Progress) -> DocumentResult:
        raise NotImplementedError

    def describe(self, result: DocumentResult) -> str:
        marking = ", marked DRAFT" if result.draft else ""
        return f"{self.title.removeprefix('Print ')} written: {result.pages} pages{marking}"

    # ----------------------------------------------------------- shared

    def chooser(self, name: str, items: list[tuple[str, str]], chosen: str | None) -> QComboBox:
        box = QComboBox(objectName=name)
        for label, key in items:
            box.addItem(label, key)
        box.setCurrentIndex(max(box.findData(chosen) if chosen else 0, 0))
        box.currentIndexChanged.connect(lambda _i: self.refresh_path())
        return box

    def refresh_path(self) -> None:
        """Follow the choice with the file name until the operator edits the path."""
        if self._path_edited:
            return
        self.path.setText(str(output.default_folder(self.ctx.store.path) / self.suggested_name()))

    def _browse(self) -> None:
        chosen = output.ask_path(self, self.title, Path(self.path.text()))
        if chosen is not None:
            self._path_edited = True
            self.path.setText(str(chosen))

    def _refuse(self, text: str, widget: QWidget) -> None:
        self.error.setText(text)
        self.error.show()
        widget.setFocus()

    def make_pdf(self) -> None:
        """Check the choice and the path, close, and build off the GUI thread."""
        why = self.missing()
        if why:
            self._refuse(why, self)
            return
        text = self.path.text().strip()
        path = Path(text if text.lower().endswith(".pdf") else text + ".pdf")
        if not text or not path.parent.is_dir():
            self._refuse(f"Save to: no such folder {path.parent}", self.path)
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


class AarPrintDialog(PrepDocumentDialog):
    title = "Print AAR/IP"
    name = "aarPrintDialog"

    def __init__(self, ctx: AppContext, parent: QWidget | None, aar_id: str | None = None) -> None:
        self._chosen = aar_id
        super().__init__(ctx, parent)

    def extra_rows(self) -> None:
        reports = aar.list_aars(self.ctx.store)
        items = [(f"{a.title} ({a.status})", a.id) for a in reports]
        self.report = self.chooser("aar", items, self._chosen)
        self.form.addRow("After-action report:", self.report)

    def suggested_name(self) -> str:
        box = getattr(self, "report", None)
        label = box.currentText().rsplit(" (", 1)[0] if box is not None else ""
        return output.file_name("aar-ip", label, output.today())

    def missing(self) -> str:
        if self.report.currentData() is None:
            return "After-action report: there is none yet (start one in the Exercises dock)."
        return ""

    def work(self, path: Path, paper: str, progress: Progress) -> DocumentResult:
        store = self.ctx.store
        return build_aar(store, self.report.currentData(), path, paper, prepared_by=self.ctx.actor,
                         today=today(store), progress=progress.step)  # fmt: skip


class HvaPrintDialog(PrepDocumentDialog):
    title = "Print risk assessment (HVA)"
    name = "hvaPrintDialog"

    def __init__(
        self, ctx: AppContext, parent: QWidget | None, assessment_id: str | None = None
    ) -> None:
        self._chosen = assessment_id
        super().__init__(ctx, parent)

    def extra_rows(self) -> None:
        found = hva.list_assessments(self.ctx.store)
        items = [(f"{a.title} ({a.status})", a.id) for a in found]
        self.assessment = self.chooser("assessment", items, self._chosen)
        self.form.addRow("Assessment:", self.assessment)

    def suggested_name(self) -> str:
        box = getattr(self, "assessment", None)
        label = box.currentText().rsplit(" (", 1)[0] if box is not None else ""
        return output.file_name("hva", label, output.today())

    def missing(self) -> str:
        if self.assessment.currentData() is None:
            return "Assessment: there is none yet (create one in the Risk assessment dock)."
        return ""

    def work(self, path: Path, paper: str, progress: Progress) -> DocumentResult:
        return build_hva(self.ctx.store, self.assessment.currentData(), path, paper,
                         prepared_by=self.ctx.actor, progress=progress.step)  # fmt: skip


class PlansPrintDialog(PrepDocumentDialog):
    title = "Print plans register"
    name = "plansPrintDialog"

    def suggested_name(self) -> str:
        return output.file_name("plans-register", output.today())

    def work(self, path: Path, paper: str, progress: Progress) -> DocumentResult:
        store = self.ctx.store
        return build_plans_register(store, path, paper=paper, prepared_by=self.ctx.actor,
                                    today=today(store), progress=progress.step)  # fmt: skip


class MembershipPrintDialog(PrepDocumentDialog):
    title = "Print membership report"
    name = "membershipPrintDialog"

    def extra_rows(self) -> None:
        regions = organizations.list_regions(self.ctx.store)
        items = [("Whole coalition, every region", "")]
        items += [(r.name or r.key or r.id, r.id) for r in regions]
        self.region = self.chooser("region", items, "")
        self.form.addRow("Scope:", self.region)

    def suggested_name(self) -> str:
        box = getattr(self, "region", None)
        scope = box.currentText() if box is not None and box.currentData() else ""
        return output.file_name("membership", scope, output.today())

    def work(self, path: Path, paper: str, progress: Progress) -> DocumentResult:
        return build_membership_report(
            self.ctx.store, path, paper=paper, region_id=self.region.currentData() or None,
            prepared_by=self.ctx.actor, progress=progress.step,
        )  # fmt: skip


def _open(dialog: PrepDocumentDialog) -> PrepDocumentDialog:
    dialog.open()
    return dialog


def print_aar(parent: QWidget, ctx: AppContext, aar_id: str | None = None) -> PrepDocumentDialog:
    """Preparedness → Print AAR/IP… (the Exercises dock passes its report)."""
    return _open(AarPrintDialog(ctx, parent, aar_id))


def print_hva(
    parent: QWidget, ctx: AppContext, assessment_id: str | None = None
) -> PrepDocumentDialog:
    """Preparedness → Print risk assessment… (the assessment shown in the HVA dock)."""
    return _open(HvaPrintDialog(ctx, parent, assessment_id))


def print_plans(parent: QWidget, ctx: AppContext) -> PrepDocumentDialog:
    """Preparedness → Print plans register…"""
    return _open(PlansPrintDialog(ctx, parent))


def print_membership(parent: QWidget, ctx: AppContext) -> PrepDocumentDialog:
    """Members → Print membership report…"""
    return _open(MembershipPrintDialog(ctx, parent))
