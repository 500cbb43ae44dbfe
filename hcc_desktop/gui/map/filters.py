"""The member map's toolbar: its buttons, and the filter combo boxes (member type,
region, membership, EEI status).

They only choose which of the loaded markers are drawn (gui.map.markers.Markers.mask);
choosing never reads the store. Each box shows its choice in full (up to MAX_WIDTH,
then elided with the full text in its tooltip); boxes that do not fit a narrow dock
move into the toolbar's overflow menu whole rather than each showing a fragment.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QToolBar, QToolButton

from hcc_desktop.core.enums import MEMBERSHIPS
from hcc_desktop.gui.elide import ElidingCombo
from hcc_desktop.gui.map import style

ALL = ""  # the combo boxes' "no filter" value
#: Widest a filter box asks to be: long region names must not push the rest of the
#: toolbar out of a narrow dock; the drop-down list still shows them in full.
MAX_WIDTH = 190


class MapFilters(QObject):
    """The four boxes, added to `toolbar`; `changed` when any choice changes."""

    changed = Signal()

    def __init__(self, toolbar: QToolBar) -> None:
        super().__init__(toolbar)
        self.type_filter = _combo(toolbar, "member type", "memberTypeFilter")
        self.region_filter = _combo(toolbar, "region", "regionFilter")
        self.membership_filter = _combo(toolbar, "membership", "membershipFilter")
        self.status_filter = _combo(toolbar, "EEI status", "statusFilter")
        self.type_filter.addItem("All member types", ALL)
        self.region_filter.addItem("All regions", ALL)
        self.membership_filter.addItem("All memberships", ALL)
        for key, label in MEMBERSHIPS.items():
            self.membership_filter.addItem(label, key)
        self.status_filter.addItem("All statuses", ALL)
        for key in style.STATUS_ORDER:
            self.status_filter.addItem(style.STATUS_LABELS[key], key)
        for combo in self.boxes():
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def boxes(self) -> tuple[QComboBox, ...]:
        return (self.type_filter, self.region_filter, self.membership_filter, self.status_filter)

    def wanted(self) -> dict[str, str]:
        """Column of gui.map.markers.Markers → chosen value (ALL: any)."""
        return {
            "types": self.type_filter.currentData() or ALL,
            "regions": self.region_filter.currentData() or ALL,
            "memberships": self.membership_filter.currentData() or ALL,
            "status_keys": self.status_filter.currentData() or ALL,
        }

    def active(self) -> bool:
        return any(self.wanted().values())

    def offer(self, types: list[str], regions: list[tuple[str, str]]) -> None:
        """Offer the member types and regions that exist; keep what was chosen."""
        ordered = sorted(types, key=style.type_label)
        refill(self.type_filter, "All member types", [(t, style.type_label(t)) for t in ordered])
        refill(self.region_filter, "All regions", regions)


def tool_button(
    toolbar: QToolBar, text: str, name: str, slot: Callable[..., object], checkable: bool = False
) -> QToolButton:
    """A toolbar button of the map (Fit, Legend, Alerts); a checkable one starts on."""
    button = QToolButton(toolbar)
    button.setText(text)
    button.setObjectName(name)
    if checkable:
        button.setCheckable(True)
        button.setChecked(True)
        button.toggled.connect(slot)
    else:
        button.clicked.connect(slot)
    toolbar.addWidget(button)
    return button


def _combo(toolbar: QToolBar, tip: str, name: str) -> ElidingCombo:
    combo = ElidingCombo(
        toolbar, tip=f"Show only members of this {tip}", max_width=MAX_WIDTH, shrink=False
    )
    combo.setObjectName(name)
    toolbar.addWidget(combo)
    return combo


def refill(combo: QComboBox, all_label: str, items: list[tuple[str, str]]) -> None:
    """Replace a combo's choices, keeping the current one if it still exists."""
    current = combo.currentData() or ALL
    combo.blockSignals(True)
    try:
        combo.clear()
        combo.addItem(all_label, ALL)
        for value, label in items:
            combo.addItem(label, value)
        found = combo.findData(current)
        combo.setCurrentIndex(max(found, 0))
    finally:
        combo.blockSignals(False)
    if isinstance(combo, ElidingCombo):
        combo.refresh_tip()  # signals were blocked: name the current choice again
