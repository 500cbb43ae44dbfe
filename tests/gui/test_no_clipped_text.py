"""The main window shows what is chosen: the incident and period boxes, the period's
objectives and the member filters show their whole text, or "…" with the whole text
in the tooltip, never a fragment cut mid-word (issue 17, "Active [exe")."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from hcc_desktop.core.services import incidents
from hcc_desktop.gui.elide import ElidedLabel, ElidingCombo

pytestmark = pytest.mark.gui


def _shows_or_tells(combo: ElidingCombo) -> None:
    """The current text is painted whole, or elided with the whole text in the tip."""
    text = combo.currentText()
    assert text
    if combo.is_elided():
        assert combo.shown_text().endswith("…")
        assert text in combo.toolTip()
    else:
        assert combo.shown_text() == text


def test_incident_and_period_boxes_show_their_text(main_window: Any) -> None:
    switchers = main_window.switchers
    for combo in (switchers.incident, switchers.period):
        assert isinstance(combo, ElidingCombo)
        _shows_or_tells(combo)
        assert combo.currentText() in combo.toolTip()
    # At the default size the incident's name, status and exercise tag fit whole.
    assert not switchers.incident.is_elided()
    assert "[exercise]" in switchers.incident.shown_text() or "[exercise]" not in (
        switchers.incident.currentText()
    )


def test_a_long_incident_name_is_elided_with_the_name_in_the_tooltip(
    qtbot: Any, main_window: Any
) -> None:
    ctx = main_window.ctx
    name = "Regional power failure with water system contamination across three counties"
    long_id = incidents.create_incident(ctx.store, actor=ctx.actor, name=name)
    main_window.switchers.refresh_incidents()
    main_window.switchers.select_incident(long_id)
    combo = main_window.switchers.incident
    QApplication.processEvents()
    assert name in combo.currentText()
    assert combo.is_elided() and combo.shown_text().endswith("…")
    assert name in combo.toolTip()
    assert combo.width() <= combo.maximumWidth()


def test_objectives_line_is_whole_or_in_its_tooltip(qtbot: Any, main_window: Any) -> None:
    label = main_window.overview.objectives
    assert isinstance(label, ElidedLabel)
    full = label.full_text()
    assert full == "Objectives: Objectives of period 3"  # the scenario's, short: whole
    assert label.isVisible() and label.text() == full and not label.toolTip()
    long = "Objectives: " + " ".join(f"{i}. Restore power at hospital {i}." for i in range(30))
    label.set_full_text(long)
    assert label.is_elided() and label.text().endswith("…")
    assert label.toolTip() == long
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()


def test_member_filters_show_their_choice(qtbot: Any, main_window: Any) -> None:
    members = main_window.panels["membersDock"]
    boxes = (members.type_filter, members.membership_filter)
    for combo in boxes:
        _shows_or_tells(combo)
    # "Any membership" is never cut to "Any membe" without saying what it is.
    assert members.membership_filter.shown_text() in ("Any membership",) or (
        "Any membership" in members.membership_filter.toolTip()
    )
    members.membership_filter.setCurrentIndex(members.membership_filter.findData("core"))
    _shows_or_tells(members.membership_filter)
    assert members.membership_filter.currentText() in members.membership_filter.toolTip()
    the_map = main_window.panels["memberMapDock"]
    for combo in the_map.filters.boxes():
        # Map filters are whole (a narrow dock moves them into the toolbar's overflow).
        _shows_or_tells(combo)
