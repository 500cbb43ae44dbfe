"""Qt table model of the EEI grid: facilities down, catalog elements across.

It only indexes into a GridData built off the GUI thread (see eei_data; a facility's
row of cells is made there the first time it is shown); data() never queries. Edits
go through a `commit` callback that the panel supplies, because the panel owns the
operator dialogue (refusals, notes); the model stays a view of data. After a write,
`update_reports` patches the touched cells with dataChanged, never a reset, so the
selection and scroll position survive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from hcc_desktop.core.catalog import Element
from hcc_desktop.core.services import status
from hcc_desktop.gui import fmt
from hcc_desktop.gui.import_marks import FRESH_TIP
from hcc_desktop.gui.models.eei_data import Cell, GridData, decorate_row, put_cell
from hcc_desktop.gui.models.eei_style import BACKGROUND, TIMELINESS, Level

Index = QModelIndex | QPersistentModelIndex
#: (facility id, element code, typed text, values version the operator saw) → saved?
Commit = Callable[[str, str, str, str | None], bool]


class Edit(NamedTuple):
    """A value typed into a cell, with the values version the cell showed when its
    editor opened (None: it was empty). The save carries that version, so a value
    another seat changed while the editor was open is a conflict, never silently
    overwritten (issue 15)."""

    text: str
    seen: str | None


FIXED = ("Reported", "Status", "Checked")
CHECKED = FIXED.index("Checked")
#: The Checked column's colours; the text always says the same (never colour alone).
CHECK_COLOURS = {
    "validated": QColor("#c8e6c9"),
    "partly": QColor("#e8f5e9"),
    "questioned": QColor("#ffe0b2"),
    "rejected": QColor("#f6b8b3"),
}
CHECKED_TIP = (
    "How far the coalition has checked this facility's values for the period: "
    "Validated, Validated n of m, or the values questioned or rejected.\n"
    "Each cell's corner says the same for one value: green validated, amber "
    "questioned, red rejected, purple changed since it was checked."
)
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 2
ELEMENT_ROLE = Qt.ItemDataRole.UserRole + 3
#: The values version of the report a cell shows (None for an empty cell).
VERSION_ROLE = Qt.ItemDataRole.UserRole + 4

STATUS_COLOURS = {
    "closed": QColor("#f6b8b3"),
    "evacuating": QColor("#f6b8b3"),
    "diversion": QColor("#f9c9a0"),
    "limited": QColor("#fde7a6"),
    "open": QColor("#d7efd8"),
}
_NUMERIC = {"integer", "number", "percent"}
#: Numbers' alignment, made once: combining the flags is a Python enum operation, and
#: every painted number asks for it.
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
#: Cells' flags, made once for the same reason: the view asks for every painted cell's.
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _SELECTABLE | Qt.ItemFlag.ItemIsEditable
#: Every role data() answers for some cell; a painted cell is asked for eight, three of
#: which (decoration, foreground, check state) the grid never sets.
_ANSWERED = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        STATE_ROLE,
        ELEMENT_ROLE,
        VERSION_ROLE,
    }
)
_SUMMARY_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole})


class EEIGridModel(QAbstractTableModel):
    def __init__(self, commit: Commit | None = None) -> None:
        super().__init__()
        self.grid: GridData | None = None
        self._commit = commit
        self._strike = QFont()
        self._strike.setStrikeOut(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._bold = QFont()
        self._bold.setBold(True)
        #: Reports changed by an imported package the operator has not marked seen.
        self.fresh: set[str] = set()

    # ------------------------------------------------------------ loading
    def set_fresh(self, fresh: set[str]) -> int:
        """Mark `fresh` reports; returns how many of them this grid shows."""
        self.fresh = fresh
        g = self.grid
        if g is None or not g.facilities:
            return 0
        shown = sum(1 for rid in g.report_ids() if rid in fresh) if fresh else 0
        self.dataChanged.emit(
            self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
        )
        return shown

    def set_grid(self, grid: GridData | None) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def element(self, column: int) -> Element | None:
        if self.grid is None or column < len(FIXED):
            return None
        return self.grid.elements[column - len(FIXED)]

    def cell(self, row: int, column: int) -> Cell | None:
        if self.grid is None or column < len(FIXED):
            return None
        return self.grid.cells[row][column - len(FIXED)]

    def state(self, row: int, column: int) -> str | None:
        """The validation state of the report a cell shows (STATE_ROLE): None for an
        empty cell and for the fixed columns. The cell delegate asks here directly for
        every painted cell, sparing it a round trip through a Qt variant."""
        if self.grid is None or column < len(FIXED):
            return None
        c = self.grid.cells[row][column - len(FIXED)]
        return c.state if c else None

    def facility_id(self, row: int) -> str:
        return self.grid.facilities[row].id if self.grid else ""

    def update_reports(self, rows: Iterable[Any]) -> set[str]:
        """Patch cells from fresh report rows; returns the facilities touched."""
        g = self.grid
        if g is None:
            return set()
        rows_by_org = {f.id: i for i, f in enumerate(g.facilities)}
        cols = {e.code: j for j, e in enumerate(g.elements)}
        touched: set[int] = set()
        for r in rows:
            if r.incident_id != g.incident_id or r.period != g.period:
                continue
            i, j = rows_by_org.get(r.organization_id), cols.get(r.element_code)
            if i is None or j is None:
                continue
            put_cell(g, i, j, None if r.deleted else Cell.from_row(r))
            self._note_report(i, r.reported_at)
            touched.add(i)
        for i in touched:
            decorate_row(g, i)
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
        return {g.facilities[i].id for i in touched}

    def _note_report(self, i: int, reported_at: str | None) -> None:
        """Keep timeliness current when a facility reports for the first time."""
        g = self.grid
        assert g is not None
        if not reported_at or (g.first_report[i] and g.first_report[i] <= reported_at):
            return
        org = g.facilities[i].id
        g.first_report[i] = reported_at
        t = g.timeliness
        for bucket in (t.on_time, t.late, t.missing):
            if org in bucket:
                bucket.remove(org)
        on_time = t.due_at is None or reported_at <= t.due_at
        (t.on_time if on_time else t.late).append(org)
        g.row_state[i] = "on_time" if on_time else "late"

    def set_statuses(self, statuses: dict[str, status.FacilityStatus]) -> None:
        if self.grid is None:
            return
        self.grid.statuses = statuses
        self.dataChanged.emit(self.index(0, 1), self.index(self.rowCount() - 1, 1))

    # ------------------------------------------------------------ shape
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.facilities)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(FIXED) + len(self.grid.elements)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.column() >= len(FIXED) and self.grid is not None:
            j = index.column() - len(FIXED)
            if self.grid.levels[index.row()][j] != Level.NOT_APPLICABLE:
                return _EDITABLE
        return _SELECTABLE

    # ------------------------------------------------------------ data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        g = self.grid
        if g is None or role not in _ANSWERED or not index.isValid():
            return None  # the view asks every cell for roles the grid never sets
        i, col = index.row(), index.column()
        if col < len(FIXED):
            return self._fixed(i, col, role)
        j = col - len(FIXED)
        if role == Qt.ItemDataRole.DisplayRole:
            return g.display[i][j]
        if role == Qt.ItemDataRole.BackgroundRole:
            return BACKGROUND.get(g.levels[i][j])
        if role == STATE_ROLE:
            return self.state(i, col)
        if role == Qt.ItemDataRole.EditRole:
            c = g.cells[i][j]
            el = g.elements[j]
            return "" if c is None or c.value is None else _edit_text(el, c.value)
        if role == Qt.ItemDataRole.FontRole:
            c = g.cells[i][j]
            if c is None:
                return None
            state = c.state
            if state == "rejected":
                return self._strike
            if state == "stale":
                return self._italic
            if c.report_id in self.fresh:
                return self._bold
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if g.elements[j].value_type in _NUMERIC else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = _cell_tip(g.elements[j], g.cells[i][j], g.levels[i][j])
            c = g.cells[i][j]
            if c and c.report_id in self.fresh:
                return f"{FRESH_TIP}\n{tip}" if tip else FRESH_TIP
            return tip
        if role == ELEMENT_ROLE:
            return g.elements[j]
        if role == VERSION_ROLE:
            c = g.cells[i][j]
            return c.values_version if c else None
        return None

    def _fixed(self, i: int, col: int, role: int) -> Any:
        g = self.grid
        assert g is not None
        if col == CHECKED:
            return self._checked(i, role)
        state = g.row_state[i]
        if col == 0:
            text, colour = TIMELINESS[state]
            if role == Qt.ItemDataRole.DisplayRole:
                at = g.first_report[i]
                return f"{text} {fmt.local_time(at)}" if at else text
            if role == Qt.ItemDataRole.BackgroundRole:
                return colour
            if role == Qt.ItemDataRole.ToolTipRole:
                due = fmt.local(g.timeliness.due_at) or "no due time"
                first = fmt.local(g.first_report[i]) or "no report yet"
                return f"EEIs due {due}\nFirst report: {first}"
            return None
        st = g.statuses.get(g.facilities[i].id)
        if role == Qt.ItemDataRole.DisplayRole:
            if st is None:
                return status.STATUSES["not_reported"]
            if st.status == "diversion" and st.diversion_until:
                return f"Diversion → {fmt.local_time(str(st.diversion_until))}"
            return st.label
        if role == Qt.ItemDataRole.BackgroundRole:
            return STATUS_COLOURS.get(st.status) if st else None
        if role == Qt.ItemDataRole.ToolTipRole and st is not None:
            why = ", ".join(st.reasons) or "no problems reported"
            return f"{st.label}: {why}\nLast status report: {fmt.local(st.reported_at)}"
        return None

    def _checked(self, i: int, role: int) -> Any:
        """The row's validation in words and colour: readable at a glance, unlike the
        cells' corner marks alone."""
        g = self.grid
        assert g is not None
        if role == Qt.ItemDataRole.ToolTipRole:
            return CHECKED_TIP
        if role not in _SUMMARY_ROLES:
            return None  # the view asks for eight roles per cell: summarise for two
        states = [c.state for c in g.cells[i] if c is not None]
        text, key = check_summary(states)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        return CHECK_COLOURS.get(key)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Save a typed value: an `Edit` from the cell's editor, or plain text, which
        counts as typed over what the cell shows now."""
        el = self.element(index.column())
        if role != Qt.ItemDataRole.EditRole or el is None or self._commit is None:
            return False
        if isinstance(value, Edit):
            raw, seen = value.text, value.seen
        else:
            raw, seen = value, self.data(index, VERSION_ROLE)
        text = "" if raw is None else str(raw).strip()
        if text == self.data(index, Qt.ItemDataRole.EditRole):
            return False  # unchanged: do not write a version nobody meant
        return self._commit(self.facility_id(index.row()), el.code, text, seen)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        g = self.grid
        if g is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            f = g.facilities[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{f.name}\n{fmt.label(f.member_type)}, {f.town}"
            return None
        if section < len(FIXED):
            if role == Qt.ItemDataRole.DisplayRole:
                return FIXED[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == CHECKED:
                return CHECKED_TIP
            return "Reporting" if role == CATEGORY_ROLE else None
        el = g.elements[section - len(FIXED)]
        if role == Qt.ItemDataRole.DisplayRole:
            return column_title(el)
        if role == CATEGORY_ROLE:
            return g.categories.get(el.category, el.category)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{el.code}\n{el.description}\nExpected: {el.describe_expected()}"
        return None


def check_summary(states: list[str]) -> tuple[str, str]:
    """(text, colour key) for one facility's validation states: a rejected or
    questioned value first (it needs a call back), then how many are validated."""
    if not states:
        return "—", ""
    for bad in ("rejected", "questioned"):
        n = states.count(bad)
        if n:
            return f"{n} {bad}", bad
    done = states.count("validated")
    if done == len(states):
        return "Validated", "validated"
    if done:
        return f"Validated {done} of {len(states)}", "partly"
    return "Not checked", ""


def column_title(el: Element) -> str:
    """The label with its unit, unless the label already says it ("ICU beds")."""
    if not el.unit or el.unit.lower() in el.label.lower():
        return el.label
    return f"{el.label} ({el.unit})"


def _edit_text(el: Element, value: Any) -> str:
    if el.value_type == "yesno":
        return "yes" if value else "no"
    return fmt.number(value)


def _cell_tip(el: Element, cell: Cell | None, lvl: Level) -> str:
    if lvl == Level.NOT_APPLICABLE:
        return f"{el.label}: not reported by this type of member"
    if cell is None:
        return f"{el.label}: no report this period\nExpected: {el.describe_expected()}"
    lines = [f"{el.label}: {fmt.number(cell.value)}{' ' + el.unit if el.unit else ''}"]
    lines.append(f"Reported {fmt.local(cell.reported_at)} by {cell.reporter or 'unknown'}")
    if cell.comment:
        lines.append(f"Comment: {cell.comment}")
    if cell.state != "reported":
        who = f" by {cell.validated_by}" if cell.validated_by else ""
        when = f" at {fmt.local(cell.validated_at)}" if cell.validated_at else ""
        state = "checked earlier values (stale)" if cell.state == "stale" else cell.state
        lines.append(f"{state.capitalize()}{who}{when}")
        if cell.note:
            lines.append(f"Note: {cell.note}")
    return "\n".join(lines)
