"""Where the docks go: the default arrangement, and the operator's own one saved and
restored with QSettings.

The saved state carries a version number (Spyder's WINDOW_STATE_VERSION). When the
docks change in a release, bump LAYOUT_VERSION: an old saved state is then ignored and
the default layout used, instead of restoring a half-valid arrangement. A state Qt
cannot read falls back to the default the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

LAYOUT_VERSION = 6
KEY_STATE = "window/state"
KEY_GEOMETRY = "window/geometry"
KEY_VERSION = "window/layout_version"

#: Dock objectNames in the default arrangement. Top left: the map beside the overview
#: (where things are, how they are). Bottom, full width: the three working tables as
#: tabs, the EEI grid first because an EOC watches it most, with the member directory
#: beside them so that a facility picked in the grid shows its 24/7 phone at once.
LEFT = ("memberMapDock",)
BOTTOM = ("eeiGridDock", "incidentLogDock", "resourceTrackerDock", "syncDock")
BOTTOM_SIDE = ("membersDock",)
#: The preparedness docks (risk, plans, exercises, improvement plan, capabilities) are
#: for the months between incidents: tabbed together behind the working tables and
#: closed, so the response layout looks as it always did; the View menu brings each
#: forward into that tab group.
PREPAREDNESS = ("hvaDock", "plansDock", "exercisesDock", "improvementDock", "capabilitiesDock")
#: The coordination docks (duty and handover, EEI requests, communications log) join
#: the same tab group, closed: placed at the right, shown, they squeezed the EEI grid
#: and made the window wider and taller than a 1280 x 800 screen.
COORDINATION = ("rosterDock", "eeiRequestsDock", "messagesDock")
TABBED_CLOSED = PREPAREDNESS + COORDINATION

LEFT_SHARE = 0.30  # of the window width
BOTTOM_SHARE = 0.42  # of the window height
SIDE_SHARE = 0.30  # of the window width, for the member directory


def apply_default(window: QMainWindow, docks: Mapping[str, QDockWidget]) -> None:
    """Put every dock in its default place, shown and docked."""
    area = Qt.DockWidgetArea
    for dock in docks.values():
        dock.setFloating(False)
        window.removeDockWidget(dock)
    window.setCorner(Qt.Corner.BottomLeftCorner, area.BottomDockWidgetArea)
    window.setCorner(Qt.Corner.BottomRightCorner, area.BottomDockWidgetArea)
    placed = set(LEFT + BOTTOM + BOTTOM_SIDE + TABBED_CLOSED)
    left = [docks[n] for n in LEFT if n in docks]
    bottom = [docks[n] for n in BOTTOM if n in docks]
    side = [docks[n] for n in BOTTOM_SIDE if n in docks]
    for dock in bottom[:1] + side:
        window.addDockWidget(area.BottomDockWidgetArea, dock, Qt.Orientation.Horizontal)
    for dock in bottom[1:]:  # tab only after the split: splitting a tab group re-tabs
        window.tabifyDockWidget(bottom[0], dock)
    prep = [docks[n] for n in TABBED_CLOSED if n in docks]
    for dock in prep:
        if bottom:
            window.tabifyDockWidget(bottom[0], dock)
        else:
            window.addDockWidget(area.BottomDockWidgetArea, dock)
    for dock in left:
        window.addDockWidget(area.LeftDockWidgetArea, dock)
    for name, dock in docks.items():
        if name not in placed:
            window.addDockWidget(area.RightDockWidgetArea, dock)
    for dock in docks.values():
        dock.setVisible(dock not in prep)
    if bottom:
        bottom[0].raise_()
    size_default(window, docks)


def size_default(window: QMainWindow, docks: Mapping[str, QDockWidget]) -> None:
    """Give the default docks their shares of the window. Qt ignores this before the
    window is laid out, so the window calls it again once it is shown."""
    width, height = max(window.width(), 800), max(window.height(), 600)
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    left = [docks[n] for n in LEFT if n in docks]
    bottom = [docks[n] for n in BOTTOM if n in docks]
    side = [docks[n] for n in BOTTOM_SIDE if n in docks]
    if left:
        window.resizeDocks(left[:1], [int(width * LEFT_SHARE)], horizontal)
    if bottom:
        window.resizeDocks(bottom[:1], [int(height * BOTTOM_SHARE)], vertical)
    if bottom and side:
        share = int(width * SIDE_SHARE)
        window.resizeDocks([bottom[0], side[0]], [width - share, share], horizontal)


def save(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(KEY_GEOMETRY, window.saveGeometry())
    settings.setValue(KEY_STATE, window.saveState(LAYOUT_VERSION))
    settings.setValue(KEY_VERSION, LAYOUT_VERSION)
    settings.sync()


def restore(window: QMainWindow, docks: Mapping[str, QDockWidget], settings: QSettings) -> bool:
    """Apply the saved layout; on any doubt, the default one. True when restored."""
    apply_default(window, docks)
    geometry = settings.value(KEY_GEOMETRY)
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    if not restore_docks(window, settings):
        apply_default(window, docks)
        return False
    return True


def restore_docks(window: QMainWindow, settings: QSettings) -> bool:
    """Put the docks where the saved layout has them, at its sizes, leaving the
    window's own size alone. False (nothing changed) when there is no usable layout."""
    state = settings.value(KEY_STATE)
    try:
        version = int(settings.value(KEY_VERSION, 0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        version = 0
    if version != LAYOUT_VERSION or not isinstance(state, QByteArray) or state.isEmpty():
        return False
    return bool(window.restoreState(state, LAYOUT_VERSION))


def reset(window: QMainWindow, docks: Mapping[str, QDockWidget], settings: QSettings) -> None:
    """The "Reset layout" action: default arrangement now, and forget the saved one."""
    apply_default(window, docks)
    settings.remove(KEY_STATE)
    settings.remove(KEY_VERSION)
    settings.sync()
