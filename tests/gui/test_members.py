"""The member directory: selection shared with the EEI grid and the map, filters,
contacts, and the edit form's refusals shown beside their fields."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import organizations
from hcc_desktop.gui.dialogs.contact_dialog import ContactDialog
from hcc_desktop.gui.dialogs.member_dialog import MemberDialog
from hcc_desktop.gui.models import members_model as mm

pytestmark = pytest.mark.gui


def _panel(window: Any) -> Any:
    return window.panels["membersDock"]


def _settled(qtbot: Any, panel: Any) -> None:
    """Wait for the panel's reads, which run off the GUI thread."""
    qtbot.waitUntil(panel.is_loaded, timeout=10_000)


def _row_of(panel: Any, org_id: str) -> int:
    return panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(org_id), 0)).row()


def test_selecting_a_member_selects_it_in_the_grid(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    grid = main_window.panels["eeiGridDock"]
    target = scenario.facilities[2]
    panel.view.selectRow(_row_of(panel, target))
    assert main_window.ctx.selected_member == target
    assert grid.model.facility_id(grid.view.currentIndex().row()) == target
    assert grid.view.selectionModel().isRowSelected(grid.view.currentIndex().row())


def test_selection_from_elsewhere_selects_the_row(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    panel.find.setText("no such member")
    main_window.ctx.select_member(scenario.facilities[3])
    assert panel.current_id() == scenario.facilities[3]
    assert panel.find.text() == ""  # the filter gave way to show the selection


def test_filters(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    total = panel.proxy.rowCount()
    panel.type_filter.setCurrentIndex(panel.type_filter.findData("hospital"))
    orgs = organizations.list_organizations(main_window.ctx.store)
    hospitals = sum(1 for o in orgs if o.member_type == "hospital")
    assert panel.proxy.rowCount() == hospitals < total
    panel.find.setText("stamford")
    assert panel.proxy.rowCount() == 1
    assert "1 of" in panel.count.text()


def test_status_column_and_sorting(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    model = panel.model
    evac = model.row_of(scenario.facilities[2])
    assert model.index(evac, mm.STATUS).data() == "Evacuating"
    never = model.row_of(scenario.facilities[-1])
    assert model.index(never, mm.STATUS).data() == "No report yet"
    partner = model.row_of(scenario.others[2])  # a professional association: not expected
    assert model.index(partner, mm.STATUS).data() == ""
    panel.view.sortByColumn(mm.STATUS, Qt.SortOrder.AscendingOrder)
    first = panel.model.org(panel.proxy.mapToSource(panel.proxy.index(0, 0)).row())
    assert first is not None and first.id == scenario.facilities[2]


def test_contacts_of_the_selected_member(qtbot: Any, main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    panel.view.selectRow(_row_of(panel, scenario.facilities[0]))
    _settled(qtbot, panel)
    assert panel.contacts.rowCount() == 1
    assert panel.contacts.item(0, 0).text() == "Pat Morgan"
    assert panel.contacts.item(0, 4).text() == "24/7"


def test_member_form_shows_refusal_beside_the_field(qtbot: Any, main_window: Any) -> None:
    ctx = main_window.ctx
    dialog = MemberDialog(ctx.store, ctx.actor, None, main_window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Windham Community Memorial Hospital")
    dialog.member_type.setCurrentIndex(dialog.member_type.findData("hospital"))
    dialog.texts["zip"].setText("6226")
    before = dump_text(ctx.store)
    dialog.save()
    error = dialog.findChild(QLabel, "error_zip")
    assert error is not None and not error.isHidden()
    assert "5-digit ZIP" in error.text()
    assert dialog.texts["zip"].hasFocus() or "border" in dialog.texts["zip"].styleSheet()
    assert dump_text(ctx.store) == before
    dialog.texts["zip"].setText("06226")
    dialog.save()
    assert dialog.org_id
    names = [o.name for o in organizations.list_organizations(ctx.store)]
    assert "Windham Community Memorial Hospital" in names
    _settled(qtbot, _panel(main_window))
    assert _panel(main_window).model.row_of(dialog.org_id) >= 0


def test_edit_sends_only_changed_fields(qtbot: Any, main_window: Any, scenario: Any) -> None:
    ctx = main_window.ctx
    org = next(o for o in organizations.list_organizations(ctx.store)
               if o.id == scenario.facilities[0])  # fmt: skip
    dialog = MemberDialog(ctx.store, ctx.actor, org, main_window)
    qtbot.addWidget(dialog)
    assert dialog.changed_values() == {}
    dialog.texts["phone_24_7"].setText("(203) 555-0199")
    assert dialog.changed_values() == {"phone_24_7": "(203) 555-0199"}
    dialog.save()
    panel = _panel(main_window)
    _settled(qtbot, panel)
    row = panel.model.row_of(org.id)
    assert panel.model.index(row, mm.PHONE).data() == "(203) 555-0199"


def test_add_contact(qtbot: Any, main_window: Any, scenario: Any) -> None:
    ctx = main_window.ctx
    panel = _panel(main_window)
    panel.view.selectRow(_row_of(panel, scenario.facilities[1]))
    _settled(qtbot, panel)
    dialog = ContactDialog(ctx.store, ctx.actor, scenario.facilities[1], "X", main_window)
    qtbot.addWidget(dialog)
    dialog.save()  # no name
    assert not dialog.findChild(QLabel, "error_name").isHidden()
    dialog.name.setText("Sam Ortiz")
    dialog.is_24_7.setChecked(True)
    dialog.save()
    assert dialog.contact_id
    _settled(qtbot, panel)
    assert panel.contacts.rowCount() == 1
    assert panel.contacts.item(0, 0).text() == "Sam Ortiz"


def test_joined_and_left_dates_in_the_member_form(
    qtbot: Any, main_window: Any, scenario: Any
) -> None:
    ctx = main_window.ctx
    org = next(o for o in organizations.list_organizations(ctx.store)
               if o.id == scenario.facilities[0])  # fmt: skip
    dialog = MemberDialog(ctx.store, ctx.actor, org, main_window)
    qtbot.addWidget(dialog)
    dialog.joined_on.setText("2019-07-01")
    dialog.left_on.setText("2026-06-30")
    before = dump_text(ctx.store)
    dialog.save()  # a left date on a member that is not lapsed
    error = dialog.findChild(QLabel, "error_left_on")
    assert error is not None and not error.isHidden() and "lapsed" in error.text()
    assert dump_text(ctx.store) == before
    dialog.membership.setCurrentIndex(dialog.membership.findData("lapsed"))
    dialog.left_on.setText("2018-01-01")
    dialog.save()
    assert "before the joined date" in error.text() and dump_text(ctx.store) == before
    dialog.left_on.setText("2026-06-30")
    dialog.save()
    saved = next(o for o in organizations.list_organizations(ctx.store) if o.id == org.id)
    assert (saved.membership, saved.joined_on, saved.left_on) == (
        "lapsed",
        "2019-07-01",
        "2026-06-30",
    )
    again = MemberDialog(ctx.store, ctx.actor, saved, main_window)
    qtbot.addWidget(again)
    assert again.joined_on.text() == "2019-07-01" and again.changed_values() == {}


def test_contact_with_a_24_7_phone(qtbot: Any, main_window: Any, scenario: Any) -> None:
    ctx = main_window.ctx
    panel = _panel(main_window)
    panel.view.selectRow(_row_of(panel, scenario.facilities[1]))
    _settled(qtbot, panel)
    dialog = ContactDialog(ctx.store, ctx.actor, scenario.facilities[1], "X", main_window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Night supervisor")
    dialog.phone_24_7.setText("9" * 41)  # longer than any phone number
    before = dump_text(ctx.store)
    dialog.save()
    assert not dialog.findChild(QLabel, "error_phone_24_7").isHidden()
    assert dump_text(ctx.store) == before
    dialog.phone_24_7.setText("(413) 555-0142")
    dialog.save()
    assert dialog.contact_id
    _settled(qtbot, panel)
    qtbot.waitUntil(lambda: panel.contacts.rowCount() == 1)
    assert panel.contacts.item(0, 4).text() == "(413) 555-0142"
