"""Interchange → Import EDXL-HAVE (and hospital-status files dropped on the window).

The dialog first shows which hospitals of the file matched which facilities, and which
matched none (their values would be lost, so the operator must see them); for each of
those the operator picks the member it is, adds it as a new facility or skips it
(have_choice), and nothing is written before Record.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import (
    HAVE_FILTER,
    ask_open_path,
    close_with_report,
    read_only_table,
    read_then_open,
    refused,
)
from hcc_desktop.gui.interop.have_choice import MemberCombo
from hcc_desktop.gui.operations import CollectionOp, Job
from hcc_desktop.interop.have_import import HaveImportResult, commit_have, preview_have
from hcc_desktop.interop.have_match import (
    HOW_MAPPED,
    HOW_NEW,
    NEW,
    SKIP,
    HavePreview,
    Match,
    plan_matches,
)

IMPORT_TITLE = "Import EDXL-HAVE"
UNMATCHED_BG = QBrush(QColor("#ffe0e0"))
MAPPED_BG = QBrush(QColor("#fff4d6"))
ADDED_BG = QBrush(QColor("#e3f2e1"))
ID_COL, FACILITY_COL, HOW_COL = 1, 3, 4


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
    """What matched and what did not, and for each unmatched hospital the operator's
    choice (a member, a new facility, or skip); Record writes it all in one
    transaction through the same service as `import-have`, Cancel writes nothing."""

    def __init__(self, ctx: AppContext, preview: HavePreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview = preview
        self.job: Job | None = None
        self.result_: HaveImportResult | None = None
        self.combos: dict[int, MemberCombo] = {}
        self.setObjectName("haveImportDialog")
        self.setWindowTitle(f"{IMPORT_TITLE} — {preview.source}")
        self.resize(1120, 560)
        rows = []
        for mt in preview.matches:
            h = mt.hospital
            rows.append(
                [
                    h.name,
                    h.ref_id or "",
                    h.town or "",
                    mt.organization_name or "NOT MATCHED — values not recorded",
                    mt.how or "—",
                    str(len(h.values)),
                    h.updated or "",
                    _values_text(h.values),
                ]
            )
        self.table = read_only_table(
            [
                "Hospital in the file",
                "Id in the file",
                "Town",
                "Facility here",
                "Matched by",
                "Values",
                "Last update",
                "Values read",
            ],
            rows,
            "haveMatchTable",
        )
        self.table.verticalHeader().setDefaultSectionSize(30)
        for r, mt in enumerate(preview.matches):
            if mt.organization_id is None:
                combo = MemberCombo(preview, r, self.table)
                combo.currentIndexChanged.connect(self._update)
                self.table.setCellWidget(r, FACILITY_COL, combo)
                self.combos[r] = combo
        if self.combos:
            self.table.setColumnWidth(FACILITY_COL, 320)
        if not any(mt.hospital.ref_id for mt in preview.matches):
            self.table.setColumnHidden(ID_COL, True)  # a feed that sends names only
        matched = len(preview.matches) - len(preview.unmatched)
        self.summary = QLabel(
            f"{len(preview.matches)} hospitals in {preview.source}: {matched} matched, "
            f"{len(preview.unmatched)} not matched."
        )
        self.summary.setObjectName("haveSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold; color: #1f2d3d")
        self.detail = QLabel()
        self.detail.setObjectName("haveDetail")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.detail)
        if preview.unmatched:
            names = ", ".join(mt.hospital.name for mt in preview.unmatched)
            warn = QLabel(
                f"Not matched: {names}. For each, choose under “Facility here” the member "
                "it is, add it as a new facility, or skip it (its values are then not "
                "recorded). Your choices are remembered: later files from the same "
                "system match without asking."
            )
            warn.setObjectName("haveUnmatched")
            warn.setWordWrap(True)
            warn.setStyleSheet(
                "QLabel { color: #7a1010; background: #fdecea; border: 1px solid #f2b8b5; "
                "border-radius: 3px; padding: 6px; }"
            )
            layout.addWidget(warn)
            bulk = QHBoxLayout()
            bulk.addWidget(QLabel("All not matched:"))
            self.add_all = QPushButton("Add as new facilities")
            self.add_all.setObjectName("haveAddAll")
            self.add_all.clicked.connect(lambda: self._choose_all(NEW))
            self.skip_all = QPushButton("Skip")
            self.skip_all.setObjectName("haveSkipAll")
            self.skip_all.clicked.connect(lambda: self._choose_all(SKIP))
            bulk.addWidget(self.add_all)
            bulk.addWidget(self.skip_all)
            bulk.addStretch(1)
            layout.addLayout(bulk)
        layout.addWidget(self.table, 1)
        self.problem = QLabel()
        self.problem.setObjectName("haveProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b71c1c; font-weight: bold")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.commit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def choices(self) -> dict[int, str]:
        """The operator's choice per unmatched hospital (index in the preview)."""
        return {r: combo.choice() for r, combo in self.combos.items()}

    def _choose_all(self, value: str) -> None:
        for combo in self.combos.values():
            combo.choose(value)

    def _planned(self) -> tuple[list[Match] | None, str]:
        members = {mb.id: mb.name for mb in self.preview.members}
        try:
            return plan_matches(self.preview, self.choices(), members), ""
        except ValidationError as exc:
            return None, str(exc)

    def _update(self, *_: object) -> None:
        """Counts, row colours and the Record button follow the choices."""
        preview = self.preview
        planned, problem = self._planned()
        choices = self.choices()
        mapped = sum(1 for c in choices.values() if c not in (NEW, SKIP))
        added = sum(1 for c in choices.values() if c == NEW)
        skipped = sum(1 for c in choices.values() if c == SKIP)
        values = preview.values + sum(
            len(preview.matches[r].hospital.values) for r, c in choices.items() if c != SKIP
        )
        for r, c in choices.items():
            colour = UNMATCHED_BG if c == SKIP else ADDED_BG if c == NEW else MAPPED_BG
            how = "—" if c == SKIP else HOW_NEW if c == NEW else "your choice"
            self.table.item(r, HOW_COL).setText(how)
            for col in range(self.table.columnCount()):
                self.table.item(r, col).setBackground(colour)
        parts = []
        if self.combos:
            parts.append(
                f"Your choices: {mapped} recorded as members, {added} added as new "
                f"facilities, {skipped} skipped."
            )
        parts.append(
            f"{values} values will be recorded for period {preview.period}, marked as from "
            "this file and awaiting validation."
        )
        self.detail.setText(" ".join(parts))
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.import_button.setText(f"Record {values} values")
        self.import_button.setEnabled(planned is not None and (values > 0 or added > 0))

    def commit(self) -> None:
        store, actor, preview = self.ctx.store, self.ctx.actor, self.preview
        choices = self.choices()
        self._busy(True)  # a started commit completes: Cancel waits with it
        self.job = (
            CollectionOp(
                self,
                lambda _p: commit_have(store, preview, actor=actor, choices=choices),
                title=IMPORT_TITLE,
            )
            .success(self._done)
            .failure(refused(self, IMPORT_TITLE, then=lambda: self._busy(False)))
            .with_progress("Recording hospital status…")
            .run_in_background()
        )

    def _busy(self, busy: bool) -> None:
        for button in self.buttons.buttons():
            button.setEnabled(not busy)
        for combo in self.combos.values():
            combo.setEnabled(not busy)
        if not busy:
            self._update()

    def _done(self, result: HaveImportResult) -> None:
        self.result_ = result
        mapped = sum(1 for mt in result.matches if mt.how == HOW_MAPPED)
        text = (
            f"{result.values} values recorded for period {result.period}, awaiting "
            f"validation; {len(result.unmatched)} hospitals not matched."
        )
        if mapped or result.added:
            text += (
                f" {mapped} mapped to members and {len(result.added)} added as new "
                "facilities; remembered for later files."
            )
        close_with_report(
            self,
            self.ctx,
            IMPORT_TITLE,
            status=f"EDXL-HAVE {self.preview.source}: {text}",
            report=text,
        )


def open_have_file(parent: QWidget, ctx: AppContext, path: Path) -> Job:
    """Read and match off the GUI thread, then show the preview (or the refusal)."""
    store, incident_id, period = ctx.store, ctx.incident_id, ctx.period
    return read_then_open(
        parent,
        lambda _p: preview_have(store, path, incident_id=incident_id, period=period),
        lambda preview: HaveImportDialog(ctx, preview, parent),
        title=IMPORT_TITLE,
        label="Reading hospital status…",
    )


def import_have(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Import EDXL-HAVE."""
    path = ask_open_path(parent, IMPORT_TITLE, HAVE_FILTER)
    if path is not None:
        open_have_file(parent, ctx, path)
