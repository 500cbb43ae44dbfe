"""What each action of the registry does in this window: one table from action ids to
panel methods, so the registry stays data and the panels never see QActions.

A panel command first brings its dock forward (`via`): a shortcut pressed while the
dock is closed or tabbed away must still do what it says, where the operator sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hcc_desktop.gui.actions import DOCK_ACTIONS, ActionId
from hcc_desktop.gui.dialogs.help_dialog import ShortcutsDialog
from hcc_desktop.gui.panels.eei_grid import EEIGridPanel
from hcc_desktop.gui.panels.incident_log import IncidentLogPanel
from hcc_desktop.gui.panels.members import MembersPanel
from hcc_desktop.gui.panels.resource_tracker import ResourceTrackerPanel

if TYPE_CHECKING:
    from hcc_desktop.gui.main_window import MainWindow


def bind_actions(window: MainWindow) -> None:
    a, Id = window.actions_, ActionId
    members = window.panels.get("membersDock")
    logp = window.panels.get("incidentLogDock")
    reqs = window.panels.get("resourceTrackerDock")
    grid = window.panels.get("eeiGridDock")

    def via(dock: str, fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            window.show_dock(dock)
            fn()

        return run

    a.bind(Id.CHANGE_OPERATOR, window.change_operator)
    a.bind(Id.QUIT, window.close)
    a.bind(Id.UNDO, window.undo)
    a.bind(Id.REFRESH, window.reload_all)
    a.bind(Id.SWITCH_INCIDENT, window.switchers.open_incident_list)
    a.bind(Id.NEW_INCIDENT, window.new_incident)
    a.bind(Id.NEW_PERIOD, window.new_period)
    a.bind(Id.PREV_PERIOD, lambda: window.switchers.step_period(-1))
    a.bind(Id.NEXT_PERIOD, lambda: window.switchers.step_period(+1))
    if isinstance(members, MembersPanel):
        a.bind(Id.NEW_MEMBER, via("membersDock", members.new_member))
        a.bind(Id.EDIT_MEMBER, via("membersDock", members.edit_member))
        a.bind(Id.ADD_CONTACT, via("membersDock", members.add_contact))
        a.bind(Id.FIND_MEMBER, via("membersDock", members.focus_find))
    if isinstance(logp, IncidentLogPanel):
        a.bind(Id.LOG_ENTRY, via("incidentLogDock", logp.focus_entry))
        a.bind(Id.LOG_FIND, via("incidentLogDock", logp.focus_filter))
        a.bind(Id.LOG_CORRECT, via("incidentLogDock", logp.correct_selected))
        a.bind(Id.LOG_NOMINATE, via("incidentLogDock", logp.nominate_selected))
        a.bind(Id.LOG_REVIEW, via("incidentLogDock", logp.show_review))
        a.bind(Id.LOG_MARK_READ, via("incidentLogDock", logp.mark_seen))
    if isinstance(reqs, ResourceTrackerPanel):
        a.bind(Id.NEW_REQUEST, via("resourceTrackerDock", reqs.new_request))
        a.bind(Id.REQUEST_STATUS, via("resourceTrackerDock", reqs.status_menu))
    if isinstance(grid, EEIGridPanel):
        a.bind(Id.EEI_VALIDATE, via("eeiGridDock", lambda: grid.set_validation("validated")))
        a.bind(Id.EEI_QUESTION, via("eeiGridDock", lambda: grid.set_validation("questioned")))
        a.bind(Id.EEI_REJECT, via("eeiGridDock", lambda: grid.set_validation("rejected")))
        a.bind(Id.EEI_HISTORY, via("eeiGridDock", grid.toggle_history))
        a.bind(Id.EEI_COPY, grid.copy_selection)
        a.attach(Id.EEI_COPY, grid.view)
    for name, action_id in DOCK_ACTIONS.items():
        if name in window.docks:
            a.bind(action_id, lambda n=name: window.toggle_dock(n))
        else:
            a[action_id].setEnabled(False)
            a[action_id].setToolTip("Not available in this build")
    a.bind(Id.RESET_LAYOUT, window.reset_layout)
    a.bind(Id.FULL_SCREEN, window.toggle_full_screen)
    a.bind(Id.SHORTCUTS, lambda: ShortcutsDialog(window.actions_, window).exec())
    a.bind(Id.ABOUT, window.about)
