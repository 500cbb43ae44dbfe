"""Interchange → Export EDXL-HAVE and Import EDXL-HAVE.

Export writes the facilities' latest validated EEIs as a HospitalStatus document (in
an EDXL-DE envelope when the partner wants one). Import first shows which hospitals
of the file matched which facilities, and which matched none (their values would be
lost, so the operator must see them); for each of those the operator picks the member
it is, adds it as a new facility or skips it, and nothing is written before Record.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
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
    ask_save_path,
    fill_periods,
    incident_combo,
    read_only_table,
    run_job,
)
from hcc_desktop.gui.workers import Job
from hcc_desktop.interop import have_export
from hcc_desktop.interop.have_export import HaveExport
from hcc_desktop.interop.have_import import (
    HOW_MAPPED,
    HOW_NEW,
    NEW,
    SKIP,
    HaveImportResult,
    HavePreview,
    Match,
    Member,
    commit_have,
    plan_matches,
    preview_have,
    suggestions,
)

EXPORT_TITLE = "Export EDXL-HAVE"
IMPORT_TITLE = "Import EDXL-HAVE"
UNMATCHED_BG = QBrush(QColor("#ffe0e0"))
MAPPED_BG = QBrush(QColor("#fff4d6"))
ADDED_BG = QBrush(QColor("#e3f2e1"))
ID_COL, FACILITY_COL, HOW_COL = 1, 3, 4
SKIP_TEXT = "Skip — values not recorded"
NEW_TEXT = "Add as new facility"


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


class MemberCombo(QComboBox):
    """What to do with one unmatched hospital: skip it, add it as a new facility, or
    record it as a member (typed to search: any part of the name or town)."""

    def __init__(self, preview: HavePreview, index: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"haveChoice{index}")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(28)
        self.addItem(SKIP_TEXT, SKIP)
        self.addItem(NEW_TEXT, NEW)
        self.setItemData(0, QBrush(QColor("#8b1a1a")), Qt.ItemDataRole.ForegroundRole)
        self.setItemData(1, QBrush(QColor("#1b5e20")), Qt.ItemDataRole.ForegroundRole)
        likely = suggestions(preview, index)
        if likely:
            self.insertSeparator(self.count())
            for mb in likely:
                self.addItem(f"{_member_text(mb)}  (suggested)", mb.id)
        self.insertSeparator(self.count())
        for mb in sorted(preview.members, key=lambda mb: (mb.name.lower(), mb.id)):
            self.addItem(_member_text(mb), mb.id)
        self.view().setMinimumWidth(460)  # member names are long: do not elide them
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        completer.popup().setMinimumWidth(460)
        self.lineEdit().setPlaceholderText("Type to search members")
        self.lineEdit().editingFinished.connect(self._settle)
        self.setToolTip(
            "Skip: its values are not recorded. Add as new facility: a hospital member "
            "is made from the file's name, address and location. A member: its values "
            "are recorded for that member. Mappings are remembered for later files."
        )

    def _settle(self) -> None:
        """Typed text that names no item goes back to the current choice."""
        found = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        if found >= 0 and self.itemData(found) is not None:
            self.setCurrentIndex(found)
        else:
            self.setEditText(self.itemText(self.currentIndex()))

    def choice(self) -> str:
        return str(self.currentData() or SKIP)

    def choose(self, value: str) -> None:
        found = self.findData(value)
        if found >= 0:
            self.setCurrentIndex(found)


def _member_text(mb: Member) -> str:
    return f"{mb.name} — {mb.town}" if mb.town else mb.name


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
            ["Hospital in the file", "Id in the file", "Town", "Facility here", "Matched by",
             "Values", "Last update", "Values read"],
            rows,
            "haveMatchTable",
        )  # fmt: skip
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
        self.job = run_job(
            self,
            "Recording hospital status…",
            lambda: commit_have(store, preview, actor=actor, choices=choices),
            self._done,
            failed_title=IMPORT_TITLE,
            writes=True,
            on_end=lambda: self._busy(False),
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
