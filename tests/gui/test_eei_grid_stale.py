"""A value saved from the EEI grid carries the version its cell showed (issue 15): when
another seat changed the value after the grid loaded it, the save is a conflict listed
under Sync → Conflicts, as two stations' edits are, and never a silent overwrite."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei
from hcc_desktop.core.services.common import Actor
from hcc_desktop.gui.models.eei_model import FIXED
from hcc_desktop.sync import conflicts

pytestmark = pytest.mark.gui

CODE = "BEDS_BURN_AVAILABLE"
BEN = Actor("Ben Cole", "EEI desk, seat 2")


def _index(panel: Any, org_id: str) -> Any:
    grid = panel.model.grid
    column = len(FIXED) + [e.code for e in grid.elements].index(CODE)
    return panel.model.index(grid.row_of(org_id), column)


def _value(store: Any, scenario: Any) -> Any:
    return eei.find_report(
        store, incident_id=scenario.incident_id, organization_id=scenario.facilities[0],
        element=CODE, period=3,
    ).value  # fmt: skip


def _other_seat_enters(store: Any, scenario: Any, value: int) -> None:
    eei.set_values(
        store, actor=BEN, incident_id=scenario.incident_id,
        organization_id=scenario.facilities[0], period=3, values={CODE: value},
    )  # fmt: skip


def _open_editor(qtbot: Any, panel: Any, index: Any) -> QLineEdit:
    panel.view.setCurrentIndex(index)
    panel.view.edit(index)
    editor = panel.view.viewport().findChild(QLineEdit)
    assert editor is not None
    return editor


def _type(qtbot: Any, editor: QLineEdit, text: str) -> None:
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_saving_a_cell_another_seat_changed_since_the_grid_loaded_is_a_conflict(
    qtbot: Any, main_window: Any, scenario: Any, populated_path: Any, wall: Any
) -> None:
    store = main_window.ctx.store
    panel = main_window.panels["eeiGridDock"]
    index = _index(panel, scenario.facilities[0])
    _type(qtbot, _open_editor(qtbot, panel, index), "3")  # a value the grid shows
    qtbot.waitUntil(lambda: panel.is_loaded() and index.data() == "3", timeout=5000)

    # Another seat on the same store changes it underneath; this window hears nothing
    # (one file stands for the server; the grid keeps showing 3).
    with open_store(populated_path, wall=wall) as other:
        wall.advance()
        _other_seat_enters(other, scenario, 5)
    assert index.data() == "3"
    wall.advance()
    with qtbot.waitSignal(main_window.ctx.changed, timeout=5000):
        _type(qtbot, _open_editor(qtbot, panel, index), "1")

    (c,) = conflicts.list_conflicts(store)
    assert (c.entity, c.unit) == ("eei_report", "values")
    assert [s.value["value"] for s in c.sides] == [1, 5]  # the later save wins
    assert [s.operator for s in c.sides] == [main_window.ctx.actor.label, BEN.label]
    assert _value(store, scenario) == 1

    # Listed and resolved in the Sync dock exactly as an imported conflict is.
    sync = main_window.panels["syncDock"]
    sync.reload()
    qtbot.waitUntil(lambda: sync.conflicts.list.count() == 1, timeout=5000)
    loser = next(s for s in c.sides if not s.winner)
    sync.conflicts.list.setCurrentRow(0)
    button = sync.findChild(QPushButton, f"keep_{loser.version_id[:8]}")
    assert button is not None
    button.click()
    assert conflicts.list_conflicts(store) == []
    assert _value(store, scenario) == 5


def test_an_open_editor_that_was_updated_saves_over_what_it_shows(
    qtbot: Any, main_window: Any, scenario: Any, wall: Any
) -> None:
    """The version goes with the editor's text: a change heard while the editor is open
    replaces both (Qt refreshes open editors), so the save is over what the operator
    saw last and is no conflict."""
    store = main_window.ctx.store
    panel = main_window.panels["eeiGridDock"]
    index = _index(panel, scenario.facilities[0])
    _type(qtbot, _open_editor(qtbot, panel, index), "3")
    qtbot.waitUntil(lambda: panel.is_loaded() and index.data() == "3", timeout=5000)
    editor = _open_editor(qtbot, panel, index)
    wall.advance()
    _other_seat_enters(store, scenario, 5)  # heard, as another seat's change is
    qtbot.waitUntil(lambda: panel.is_loaded() and editor.text() == "5", timeout=5000)
    wall.advance()
    with qtbot.waitSignal(main_window.ctx.changed, timeout=5000):
        _type(qtbot, editor, "1")  # Qt commits an editor's Return queued
    assert _value(store, scenario) == 1
    assert conflicts.list_conflicts(store) == []


def test_a_save_over_what_the_cell_shows_is_no_conflict(
    qtbot: Any, main_window: Any, scenario: Any, wall: Any
) -> None:
    store = main_window.ctx.store
    panel = main_window.panels["eeiGridDock"]
    index = _index(panel, scenario.facilities[0])
    for text in ("3", "1", "4"):
        wall.advance()
        _type(qtbot, _open_editor(qtbot, panel, index), text)
        qtbot.waitUntil(lambda t=text: panel.is_loaded() and index.data() == t, timeout=5000)
    assert conflicts.list_conflicts(store) == []
    assert _value(store, scenario) == 4


def test_a_second_save_before_the_patch_read_is_no_conflict(
    qtbot: Any, main_window: Any, scenario: Any, wall: Any
) -> None:
    """The saved cell is read back at once: the next save of it, made before the
    background patch arrives, is over this seat's own value, not a stale view."""
    store = main_window.ctx.store
    panel = main_window.panels["eeiGridDock"]
    index = _index(panel, scenario.facilities[0])
    for text in ("3", "1"):  # no event loop between: the patch read has not come back
        wall.advance()
        assert panel.model.setData(index, text, Qt.ItemDataRole.EditRole)
        assert index.data() == text
    assert conflicts.list_conflicts(store) == []
    assert _value(store, scenario) == 1
    qtbot.waitUntil(panel.is_loaded, timeout=5000)


def test_a_cell_another_seat_retracted_is_refused_once_then_entered_anew(
    qtbot: Any, main_window: Any, scenario: Any, populated_path: Any, wall: Any
) -> None:
    """The grid shows a value another seat entered in an empty cell and then takes
    back (undo retracts the new report). Saving over it is refused beside the cell (it
    would undo the retraction unseen); the cell then shows what is stored, nothing,
    and the value typed again is saved."""
    from hcc_desktop.core import models as m
    from hcc_desktop.core.services import undo

    store = main_window.ctx.store
    panel = main_window.panels["eeiGridDock"]
    with store.read() as s:
        reported = {
            r.organization_id for r in s.query(m.EEIReport).filter_by(element_code=CODE, period=3)
        }
    org = next(f for f in scenario.facilities if f not in reported)  # an empty cell
    index = _index(panel, org)
    with open_store(populated_path, wall=wall) as other:
        wall.advance()
        eei.set_values(
            other, actor=BEN, incident_id=scenario.incident_id, organization_id=org,
            period=3, values={CODE: 5},
        )  # fmt: skip
        panel.reload()
        qtbot.waitUntil(lambda: panel.is_loaded() and index.data() == "5", timeout=5000)
        wall.advance()
        undo.undo_last(other, actor=BEN)  # the other seat takes its entry back
    assert index.data() == "5"  # this window heard nothing (one file stands for a server)
    wall.advance()
    _type(qtbot, _open_editor(qtbot, panel, index), "2")
    qtbot.waitUntil(lambda: panel.note.kind == "error", timeout=3000)
    assert "retracted at another seat" in panel.note.text()
    assert not index.data()  # the cell now shows the report is gone
    # The refused value's editor is deleted later: wait, or the keys would go to it.
    qtbot.waitUntil(lambda: panel.view.viewport().findChild(QLineEdit) is None, timeout=3000)
    wall.advance()
    _type(qtbot, _open_editor(qtbot, panel, index), "2")
    qtbot.waitUntil(lambda: panel.note.kind == "ok", timeout=3000)
    with store.read() as s:
        rep = s.query(m.EEIReport).filter_by(element_code=CODE, organization_id=org, period=3).one()
        assert (rep.value, rep.deleted) == (2, False)
    assert conflicts.list_conflicts(store) == []
