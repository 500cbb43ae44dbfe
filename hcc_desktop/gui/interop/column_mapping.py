"""Step 1 of a spreadsheet import: which column of the file holds each field.

Files from other reporting systems name their columns in their own way, so each field
gets a combo guessed from the header (the services' synonyms) that the operator can
correct, with the first rows of the file underneath to decide by. For EEI reports the
step also asks for the incident and the period of rows that carry none, and says
which layout (long or wide) the mapping means, because the two read the same file
very differently.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import fill_periods, incident_combo, read_only_table
from hcc_desktop.interop.eei_import import COLUMN_ROLES, guess_columns
from hcc_desktop.interop.members_import import SYNONYMS, auto_mapping
from hcc_desktop.interop.table_read import Table

MEMBERS = "members"
EEI = "eei"
NOT_MAPPED = "— not in the file —"
SAMPLE_ROWS = 5

#: Field labels of the mapping step (the service's field names are for the CLI).
MEMBER_LABELS: dict[str, str] = {
    "name": "Name (required)", "short_name": "Short name", "member_type": "Member type",
    "membership": "Membership", "region": "Region", "address": "Address", "town": "Town",
    "state": "State", "zip": "ZIP", "county": "County", "lat": "Latitude",
    "lon": "Longitude", "phone": "Phone", "phone_24_7": "24/7 phone", "email": "Email",
    "beds": "Beds", "trauma_level": "Trauma level", "facility_type": "Facility type",
    "external_key": "Id in the other system", "notes": "Notes",
}  # fmt: skip
EEI_LABELS: dict[str, str] = {
    "facility": "Facility (required)",
    "element": "Element (long layout)",
    "value": "Value (long layout)",
    "period": "Period",
    "reported_at": "Reported at",
    "comment": "Comment",
}
#: The one field without which no row can be read, and what to ask for then.
REQUIRED = {MEMBERS: ("name", "Choose the column of the name."),
            EEI: ("facility", "Choose the facility column.")}  # fmt: skip


def _mapping_combo(headers: list[str], chosen: str | None) -> QComboBox:
    combo = QComboBox()
    combo.addItem(NOT_MAPPED, None)
    for h in headers:
        if h:
            combo.addItem(h, h)
    found = combo.findData(chosen) if chosen else -1
    combo.setCurrentIndex(max(found, 0))
    return combo


class ColumnMapping(QWidget):
    """The mapping page: a combo per field, (EEI) incident and period, and a sample."""

    def __init__(
        self, ctx: AppContext, kind: str, path: Path, table: Table, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        headers = table.headers
        if kind == MEMBERS:
            guessed, labels, fields = auto_mapping(headers), MEMBER_LABELS, list(SYNONYMS)
        else:
            guessed, labels, fields = guess_columns(headers), EEI_LABELS, list(COLUMN_ROLES)
        self.combos: dict[str, QComboBox] = {}
        for f in fields:
            self.combos[f] = _mapping_combo(headers, guessed.get(f))
            self.combos[f].setObjectName(f"map_{f}")
        box = QGroupBox("Which column holds each field (guessed from the header)")
        form = QFormLayout(box)
        if kind == MEMBERS:
            # Two columns of combos: twenty fields in one column would not fit a laptop.
            grid = QHBoxLayout()
            half = (len(fields) + 1) // 2
            for part in (fields[:half], fields[half:]):
                col = QFormLayout()
                for f in part:
                    col.addRow(labels.get(f, f), self.combos[f])
                grid.addLayout(col)
            form.addRow(grid)
        else:
            for f in fields:
                form.addRow(labels.get(f, f), self.combos[f])
            self._eei_rows(form)
        sample = read_only_table(
            [h or "(blank)" for h in headers],
            [[cells.get(h, "") for h in headers] for _, cells in table.rows[:SAMPLE_ROWS]],
            "sampleTable",
        )
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{path.name}: {len(table.rows)} rows, {len(headers)} columns"))
        layout.addWidget(box)
        layout.addWidget(QLabel("The first rows of the file:"))
        layout.addWidget(sample, 1)

    def _eei_rows(self, form: QFormLayout) -> None:
        """Incident, default period and the layout note (EEI reports only)."""
        self.incident = incident_combo(self.ctx)
        self.period = QComboBox()
        self.period.setObjectName("periodCombo")
        self.incident.currentIndexChanged.connect(self._fill_periods)
        self._fill_periods()
        form.addRow("Incident", self.incident)
        form.addRow("Period of rows without one", self.period)
        self.layout_note = QLabel()
        self.layout_note.setObjectName("layoutNote")
        self.layout_note.setWordWrap(True)
        form.addRow(self.layout_note)
        for combo in self.combos.values():
            combo.currentIndexChanged.connect(self._update_layout_note)
        self._update_layout_note()

    def _fill_periods(self, *_: object) -> None:
        fill_periods(self.period, self.ctx, self.incident.currentData(), "None (refuse the row)")

    def _update_layout_note(self, *_: object) -> None:
        mapping = self.mapping()
        if "element" in mapping and "value" in mapping:
            text = "Long layout: one row per facility × element (× period)."
        else:
            text = (
                "Wide layout: one row per facility; every other column whose header names "
                "an EEI element (code or label) is read."
            )
        self.layout_note.setText(text)

    def mapping(self) -> dict[str, str]:
        """Field → header, for the fields the operator mapped."""
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData()}

    def missing(self) -> str:
        """What to ask for before a preview can run ('' when the mapping will do)."""
        field, ask = REQUIRED[self.kind]
        return "" if field in self.mapping() else ask
