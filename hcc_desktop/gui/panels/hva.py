"""The risk assessment dock: one hazard vulnerability analysis at a time (chosen by
scope and year), its hazards ranked by relative risk with the seven KP scores, and the
heat map beside the table.

Scores are edited in place (type 0-3 in a score cell) or in the hazard form; either
way the write goes through `hva.set_hazard`, and a refusal is said in the note under
the table, naming the column and hazard, while the table goes back to the stored
value. The relative risk is computed by the service on every read, so the table and
the map are redrawn from one read after each change rather than patched locally.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import HVA_CATEGORIES, HVA_SCORES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import hva
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.form import ERROR_STYLE
from hcc_desktop.gui.dialogs.hazard_dialog import HazardDialog
from hcc_desktop.gui.operations import CollectionOp, Progress, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.hva_chart import HvaHeatMap, band_colour
from hcc_desktop.gui.panels.prep_common import Cell, current_key, fill, make_table, select_key
from hcc_desktop.interop.hva_export import export_hva

HEADERS = ("Rank", "Hazard", "Category", "Prob.", "Human", "Property", "Business",
           "Prepared.", "Internal", "External", "Risk %")  # fmt: skip
FIRST_SCORE = 3  # column of probability; the seven scores follow in HVA_SCORES order
RISK_COL = FIRST_SCORE + len(HVA_SCORES)
#: The category as a word, so the scores and the risk fit beside it in a dock.
SHORT_CATEGORY = {"natural": "Natural", "technological": "Technological", "human": "Human",
                  "hazmat": "Hazmat"}  # fmt: skip


@dataclass(frozen=True)
class _Read:
    assessments: list[m.HvaAssessment]
    chosen: str
    rows: list[hva.HazardRow]


class HvaPanel(Panel):
    TITLE = "Risk assessment (HVA)"
    DOCK_NAME = "hvaDock"
    WATCHES = frozenset({"hva_assessment", "hva_hazard"})
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_RISK
    ACTIONS: ClassVar[dict[ActionId, str]] = {
        ActionId.HVA_NEW_HAZARD: "new_hazard",
        ActionId.HVA_EDIT_HAZARD: "edit_hazard",
        ActionId.HVA_FINALISE: "toggle_final",
        ActionId.HVA_EXPORT: "export_xlsx",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self._filling = False
        self.rows: list[hva.HazardRow] = []
        self.assessments: list[m.HvaAssessment] = []
        self._build()

    def _build(self) -> None:
        self.chooser = QComboBox(objectName="hvaAssessment")
        self.chooser.setToolTip("The assessment shown: scope and year")
        self.chooser.activated.connect(lambda _i: self.reload())
        self.state = QLabel(objectName="hvaState")
        buttons = []
        for text, tip, slot in (
            ("New hazard…", "Add a hazard (Ctrl+Alt+Z)", self.new_hazard),
            ("Edit…", "Scores of the selected hazard (Ctrl+Alt+D)", self.edit_hazard),
            ("Remove", "Remove the selected hazard", self.remove_hazard),
            ("Finalise", "Mark final, or back to draft (Ctrl+Alt+F)", self.toggle_final),
            ("Export XLSX…", "The ranked table in KP columns (Ctrl+Alt+K)", self.export_xlsx),
        ):
            b = QToolButton(text=text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            buttons.append(b)
        self.final_button = buttons[3]
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Assessment:"))
        bar.addWidget(self.chooser, 1)
        bar.addWidget(self.state)
        for b in buttons:
            bar.addWidget(b)
        self.table = make_table("hvaTable", HEADERS)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.itemChanged.connect(self._cell_edited)
        self.table.currentCellChanged.connect(lambda *_a: self._redraw_map())
        self.note = QLabel(objectName="hvaNote")
        self.note.setWordWrap(True)
        self.heat = HvaHeatMap()
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.table, 1)
        box.addWidget(self.note)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.heat)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([860, 360])
        # Narrower, a cell is too narrow for a two-digit rank even in the map's
        # smallest type, and the ranks of cells side by side run together.
        self.heat.setMinimumWidth(320)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def assessment_id(self) -> str:
        return str(self.chooser.currentData() or "")

    def reload(self) -> None:
        """Read the assessments and the chosen one's ranked hazards off the GUI thread."""
        store, wanted = self.ctx.store, self.assessment_id()

        def read(_p: Progress) -> _Read:
            found = hva.list_assessments(store)
            ids = [a.id for a in found]
            chosen = wanted if wanted in ids else (ids[0] if ids else "")
            rows = hva.ranked(store, assessment_id=chosen) if chosen else []
            return _Read(found, chosen, rows)

        self.read_in_background(read, self._fill, failed="Risk assessment not loaded")

    def _fill(self, r: _Read) -> None:
        self.assessments, self.rows = r.assessments, r.rows
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for a in r.assessments:
            self.chooser.addItem(f"{a.title} ({a.year}, {a.status})", a.id)
        self.chooser.setCurrentIndex(max(self.chooser.findData(r.chosen), 0))
        self.chooser.blockSignals(False)
        current = self.current_assessment()
        final = current is not None and current.status == "final"
        self.state.setText("<b>FINAL</b>" if final else "draft")
        self.final_button.setText("Back to draft" if final else "Finalise")
        self._filling = True
        fill(self.table, ((row.id, self._cells(row)) for row in r.rows))
        for i in range(self.table.rowCount()):
            for j in range(self.table.columnCount()):
                item = self.table.item(i, j)
                editable = FIRST_SCORE <= j < RISK_COL and not final
                if item is not None and not editable:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self._filling = False
        self._redraw_map()
        self._loaded = True

    @staticmethod
    def _cells(row: hva.HazardRow) -> list[object]:
        scores = [Cell(str(row.scores[k]), align_right=True) for k in HVA_SCORES]
        risk = Cell(f"{row.risk} %", bg=band_colour(row.risk), bold=row.risk >= 50,
                    align_right=True)  # fmt: skip
        name = Cell(row.name, bold=row.occurred, tip="Has happened before" if row.occurred else "")
        category = Cell(SHORT_CATEGORY.get(row.category, row.category),
                        tip=HVA_CATEGORIES.get(row.category, ""))  # fmt: skip
        return [row.rank, name, category, *scores, risk]

    def _redraw_map(self) -> None:
        self.heat.show_rows(self.rows, current_key(self.table))

    def current_assessment(self) -> m.HvaAssessment | None:
        return next((a for a in self.assessments if a.id == self.assessment_id()), None)

    def current_row(self) -> hva.HazardRow | None:
        key = current_key(self.table)
        return next((r for r in self.rows if r.id == key), None)

    def select_hazard(self, hazard_id: str) -> bool:
        return select_key(self.table, hazard_id)

    # ------------------------------------------------------------ editing
    def _say(self, text: str, refused: bool = False) -> None:
        self.note.setStyleSheet(ERROR_STYLE if refused else "")
        self.note.setText(text)
        self.ctx.message.emit(text)

    def _cell_edited(self, item: QTableWidgetItem) -> None:
        """A score typed into the table: write it, or say why not and show the old one."""
        if self._filling or not FIRST_SCORE <= item.column() < RISK_COL:
            return
        hazard = self.rows[item.row()] if item.row() < len(self.rows) else None
        if hazard is None:
            return
        column = HVA_SCORES[item.column() - FIRST_SCORE]
        label = HEADERS[item.column()]
        store, actor, aid, typed = self.ctx.store, self.ctx.actor, self.assessment_id(), item.text()

        def refused(exc: ValidationError) -> None:
            self._say(f"{label} of {hazard.name} not changed: {exc.message}", refused=True)
            self._filling = True
            item.setText(str(hazard.scores[column]))
            self._filling = False

        (
            CollectionOp(
                self,
                lambda _p: hva.set_hazard(
                    store, actor=actor, assessment_id=aid, name=hazard.name, **{column: typed}
                ),
                title="Score not changed",
            )
            .success(lambda _r: self._say(f"{label} of {hazard.name} set to {typed.strip()}"))
            .failure(refused, only=ValidationError)
            .run_now()
        )

    def new_hazard(self) -> None:
        if not self.assessment_id():
            self._say("No risk assessment to add to", refused=True)
            return
        dialog = HazardDialog(self.ctx.store, self.ctx.actor, self.assessment_id(), None, self)
        if dialog.exec() and dialog.hazard_id:
            self._say("Hazard added")

    def edit_hazard(self) -> None:
        row = self.current_row()
        if row is None:
            self._say("Select the hazard to edit first", refused=True)
            return
        HazardDialog(self.ctx.store, self.ctx.actor, self.assessment_id(), row, self).exec()

    def remove_hazard(self) -> None:
        row = self.current_row()
        if row is None:
            self._say("Select the hazard to remove first", refused=True)
            return
        store, actor, aid = self.ctx.store, self.ctx.actor, self.assessment_id()
        (
            CollectionOp(
                self,
                lambda _p: hva.remove_hazard(store, actor=actor, assessment_id=aid, name=row.name),
                title="Hazard not removed",
            )
            .success(lambda _r: self._say(f"{row.name} removed (Undo brings it back)"))
            .failure(lambda e: self._say(f"Not removed: {e.message}", True), only=ValidationError)
            .run_now()
        )

    def toggle_final(self) -> None:
        a = self.current_assessment()
        if a is None:
            return
        new = "draft" if a.status == "final" else "final"
        store, actor = self.ctx.store, self.ctx.actor
        (
            CollectionOp(
                self,
                lambda _p: hva.set_status(store, actor=actor, assessment_id=a.id, status=new),
                title="Status not changed",
            )
            .success(lambda _r: self._say(f"{a.title} is {new} now"))
            .run_now()
        )

    def export_xlsx(self) -> None:
        a = self.current_assessment()
        if a is None:
            return
        default = f"HVA {a.year} {a.title}.xlsx".replace("/", "-")
        path, _f = QFileDialog.getSaveFileName(
            self, "Export risk assessment", default, "Excel workbook (*.xlsx);;CSV (*.csv)"
        )
        if not path:
            return
        store = self.ctx.store
        (
            CollectionOp(
                self,
                lambda _p: export_hva(store, a.id, Path(path)),
                title="Risk assessment not exported",
            )
            .success(lambda n: self._say(f"{n} lines written to {Path(path).name}"))
            .run_now()
        )
