"""The main window shows what is chosen: the incident and period boxes, the period's
objectives and the member filters show their whole text, or "…" with the whole text
in the tooltip, never a fragment cut mid-word (issue 17, "Active [exe")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel

from hcc_desktop.core.services import incidents
from hcc_desktop.gui.elide import ElidedLabel, ElidingCombo
from hcc_desktop.gui.map import style
from hcc_desktop.gui.map.legend import legend_entries

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


# --------------------------------------------------------------- 1280×720 (issue: trial)
# A new-user trial at 1280×720 found the EEI grid's summary cut to "on ti…" (the late
# and missing counts hidden), the map legend running over the "198 in view" line and
# the status bar's store cut mid-name ("g.sqlit"). These check what the operator must
# read at that size and at the default 1600×1000, measuring the text as painted.


def _rich_width(label: QLabel) -> float:
    """Width of a rich-text label's text on one line, as the label lays it out."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(label.font())
    doc.setHtml(label.text())
    return doc.idealWidth()


def _plain(label: QLabel) -> str:
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def _at_size(qtbot: Any, window: Any, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(window.all_loaded, timeout=20_000)
    for _ in range(3):  # docks and status bar settle over a few turns of the loop
        QApplication.processEvents()
        qtbot.wait(20)


def _check_eei_summary(panel: Any) -> None:
    """The counts are painted whole: shown text within the label, late and missing
    counts in it, and the whole line in the tooltip when words were dropped."""
    label = panel.summary
    t = panel.model.grid.timeliness
    shown = _plain(label)
    assert f"on time {len(t.on_time)}/{t.expected}" in shown
    assert f"late {len(t.late)}" in shown and f"missing {len(t.missing)}" in shown
    assert _rich_width(label) <= label.contentsRect().width(), (shown, label.width())
    if "EEIs due" not in shown:
        assert "EEIs due" in label.toolTip() and f"missing {len(t.missing)}" in label.toolTip()


def _show_every_member_type(panel: Any) -> None:
    """The legend as the demo coalition's map has it: every member type drawn (the
    test scenario's few members make a legend short enough to fit anyway)."""
    entries = legend_entries(sorted(style.TYPE_SYMBOLS), [], style.BY_STATUS)
    panel.legend.set_entries(entries)
    QApplication.processEvents()


def _check_map_overlays(panel: Any) -> None:
    """The legend and the count line do not overlap, and neither runs off the map."""
    view = panel.view.sceneBoundingRect()
    legend, caption = panel.legend.sceneBoundingRect(), panel.count_label.sceneBoundingRect()
    assert panel.count_text().startswith(f"{panel.counts().in_view} in view")
    assert not legend.intersects(caption), (legend, caption)
    for rect in (legend, caption):
        assert view.contains(rect), (rect, view)
    # The legend leaves the map room for the markers it explains.
    assert legend.width() <= view.width() / 2


def _check_store_label(window: Any) -> None:
    """The store's file name is painted whole inside the label's margins."""
    label = window.status.store
    name = Path(window.ctx.store.label).name
    assert name and label.text().endswith(name), label.text()
    room = label.contentsRect().width()
    assert label.fontMetrics().horizontalAdvance(label.text()) <= room, (label.text(), room)
    if label.text() != label.full_text():
        assert "…" in label.text() and label.toolTip() == label.full_text()


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_counts_legend_and_store_are_readable(
    qtbot: Any, main_window: Any, size: tuple[int, int]
) -> None:
    _show_every_member_type(main_window.panels["memberMapDock"])
    _at_size(qtbot, main_window, *size)
    grid = main_window.panels["eeiGridDock"]
    _check_eei_summary(grid)
    _check_map_overlays(main_window.panels["memberMapDock"])
    _check_store_label(main_window)
    if size == (1600, 1000):  # room for the whole line at the default size
        assert "EEIs due" in _plain(grid.summary) and not grid.summary.toolTip()


def test_a_long_store_path_keeps_its_file_name(qtbot: Any, main_window: Any) -> None:
    _at_size(qtbot, main_window, 1280, 720)
    label = main_window.status.store
    path = "/srv/hcc/coalitions/" + "/".join(["northeast-region-archive"] * 6) + "/live.sqlite"
    label.set_full_text(f"Store: {path}")
    _at_size(qtbot, main_window, 1280, 720)
    assert label.text().startswith("Store: /") and label.text().endswith("/live.sqlite")
    assert "…" in label.text() and label.toolTip() == f"Store: {path}"
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    # The clock beside it is not pushed out.
    clock = main_window.status.clock
    assert clock.isVisible() and clock.width() >= clock.sizeHint().width()


def test_elide_path_cuts_folders_before_the_file_name(qtbot: Any) -> None:
    from hcc_desktop.gui.elide import elide_path

    metrics = QLabel().fontMetrics()
    text = "Store: /home/operator/eoc/stores/exercise-2026/live.sqlite"
    assert elide_path(metrics, text, 2000, prefix="Store: ") == text
    width = metrics.horizontalAdvance("Store: /home/…/live.sqlite") + 2
    shown = elide_path(metrics, text, width, prefix="Store: ")
    assert shown.startswith("Store: /") and shown.endswith("/live.sqlite") and "…" in shown
    assert metrics.horizontalAdvance(shown) <= width
    # Narrower: only "…/" stands for the folders; narrower still, the name's middle
    # goes and its ends (the extension) stay.
    width = metrics.horizontalAdvance("Store: …/live.sqlite")
    assert elide_path(metrics, text, width, prefix="Store: ") == "Store: …/live.sqlite"
    width = metrics.horizontalAdvance("Store: …/live.sq")
    tiny = elide_path(metrics, text, width, prefix="Store: ")
    assert tiny.startswith("Store: l") and tiny.endswith("lite") and tiny.count("…") == 1
    assert metrics.horizontalAdvance(tiny) <= width


def test_a_short_map_folds_the_member_types_and_opens_them_on_a_click(
    qtbot: Any, main_window: Any
) -> None:
    """Too short for the legend in one column, the member types fold to their heading
    (the colours stay); a click on it opens them in columns, still clear of the count."""
    panel = main_window.panels["memberMapDock"]
    _show_every_member_type(panel)
    _at_size(qtbot, main_window, 1280, 720)
    legend = panel.legend
    panel.legend.set_max_height(200)
    assert legend.types_folded
    labels = [e.label for c in legend.columns() for e in c]
    assert "Closed" in labels and "Hospital" not in labels
    heading = next(e for c in legend.columns() for e in c if e.label.startswith("Member type"))
    legend.set_types_open(True)
    assert not legend.types_folded and len(legend.columns()) >= 2
    labels = [e.label for c in legend.columns() for e in c]
    assert "Hospital" in labels and heading.label.endswith("(click)")
    assert legend.height() <= 200
    legend.set_types_open(False)
    panel._fit_legend()
    _check_map_overlays(panel)
