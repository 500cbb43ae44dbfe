"""The dock panels of the main window, in the order their docks are made.

Each entry declares a dock as data (its objectName, title, View menu action and the
panel methods its actions call) and names the class that fills it, without importing
that class: the window makes every dock, its menus and shortcuts at once, paints its
first frame, and only then imports and builds the panels (gui.main_window). A panel's
module pulls in the services it reads and, for the map, charts and heat map, pyqtgraph
and numpy; none of that is needed to show the window the operator is waiting for.

The declarations repeat what each panel class says of itself (gui.panels.base.Panel);
tests/gui/test_panel_registry.py checks that they agree, so adding a panel is still one
entry here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hcc_desktop.gui.actions import ActionId

if TYPE_CHECKING:
    from hcc_desktop.gui.panels.base import Panel


@dataclass(frozen=True)
class DockSpec:
    """A dock the window makes before its panel exists."""

    module: str
    cls: str
    TITLE: str
    DOCK_NAME: str
    VIEW_ACTION: ActionId
    ACTIONS: dict[ActionId, str] = field(default_factory=dict)

    def load(self) -> type[Panel]:
        """The panel class (imports its module the first time)."""
        cls: type[Panel] = getattr(importlib.import_module(self.module), self.cls)
        return cls


_P = "hcc_desktop.gui.panels."
A = ActionId

PANELS: tuple[DockSpec, ...] = (
    DockSpec(_P + "member_map", "MemberMapPanel", "Member map", "memberMapDock", A.SHOW_MAP),
    DockSpec(
        _P + "members",
        "MembersPanel",
        "Members",
        "membersDock",
        A.SHOW_MEMBERS,
        {
            A.NEW_MEMBER: "new_member",
            A.EDIT_MEMBER: "edit_member",
            A.ADD_CONTACT: "add_contact",
            A.FIND_MEMBER: "focus_find",
        },
    ),
    DockSpec(
        _P + "incident_log",
        "IncidentLogPanel",
        "Incident log",
        "incidentLogDock",
        A.SHOW_LOG,
        {
            A.LOG_ENTRY: "focus_entry",
            A.LOG_FIND: "focus_filter",
            A.LOG_CORRECT: "correct_selected",
            A.LOG_NOMINATE: "nominate_selected",
            A.LOG_REVIEW: "show_review",
            A.LOG_MARK_READ: "mark_seen",
        },
    ),
    DockSpec(
        _P + "resource_tracker",
        "ResourceTrackerPanel",
        "Resource tracker",
        "resourceTrackerDock",
        A.SHOW_REQUESTS,
        {A.NEW_REQUEST: "new_request", A.REQUEST_STATUS: "status_menu"},
    ),
    DockSpec(
        _P + "eei_grid",
        "EEIGridPanel",
        "EEI grid",
        "eeiGridDock",
        A.SHOW_EEI,
        {
            A.EEI_VALIDATE: "validate",
            A.EEI_QUESTION: "question",
            A.EEI_REJECT: "reject",
            A.EEI_HISTORY: "toggle_history",
            A.EEI_COPY: "copy_selection",
        },
    ),
    DockSpec("hcc_desktop.gui.sync.panel", "SyncPanel", "Sync", "syncDock", A.SHOW_SYNC),
    DockSpec(
        _P + "hva",
        "HvaPanel",
        "Risk assessment (HVA)",
        "hvaDock",
        A.SHOW_RISK,
        {
            A.HVA_NEW_HAZARD: "new_hazard",
            A.HVA_EDIT_HAZARD: "edit_hazard",
            A.HVA_FINALISE: "toggle_final",
            A.HVA_EXPORT: "export_xlsx",
        },
    ),
    DockSpec(
        _P + "plans",
        "PlansPanel",
        "Plans and continuity",
        "plansDock",
        A.SHOW_PLANS,
        {A.NEW_PLAN: "new_plan", A.EDIT_PLAN: "edit_plan", A.NEW_FUNCTION: "new_function"},
    ),
    DockSpec(
        _P + "exercises",
        "ExercisesPanel",
        "Exercises and AAR",
        "exercisesDock",
        A.SHOW_EXERCISES,
        {
            A.NEW_EXERCISE: "new_exercise",
            A.EDIT_EXERCISE: "edit_exercise",
            A.ADD_OBJECTIVE: "add_objective",
            A.START_EXERCISE: "start_exercise",
            A.OPEN_AAR: "open_aar",
            A.RATE_CAPABILITY: "rate",
            A.ADD_FINDING: "add_finding",
            A.PRINT_AAR: "print_aar",
        },
    ),
    DockSpec(
        _P + "improvement",
        "ImprovementPanel",
        "Improvement plan",
        "improvementDock",
        A.SHOW_IMPROVEMENT,
        {A.NEW_ACTION: "new_action", A.EDIT_ACTION: "edit_action", A.CLOSE_ACTION: "close_action"},
    ),
    DockSpec(
        _P + "capabilities",
        "CapabilitiesPanel",
        "Capability dashboard",
        "capabilitiesDock",
        A.SHOW_CAPABILITIES,
    ),
    DockSpec(
        _P + "roster",
        "RosterPanel",
        "Duty and handover",
        "rosterDock",
        A.SHOW_ROSTER,
        {A.SIGN_IN: "sign_in"},
    ),
    DockSpec(
        _P + "coordination_requests",
        "EEIRequestsPanel",
        "EEI requests",
        "eeiRequestsDock",
        A.SHOW_EEI_REQUESTS,
        {
            A.ISSUE_EEI_REQUEST: "issue_request",
            A.REMIND_EEI_REQUEST: "remind",
            A.CLOSE_EEI_REQUEST: "close_request",
            A.PRINT_HPP: "print_hpp",
        },
    ),
    DockSpec(
        _P + "coordination_requests",
        "MessagesPanel",
        "Communications log",
        "messagesDock",
        A.SHOW_MESSAGES,
        {
            A.LOG_MESSAGE: "log_message",
            A.ACK_MESSAGE: "acknowledge",
            A.PRINT_ICS205A: "print_ics205a",
            A.PRINT_OUTBOUND: "print_outbound",
        },
    ),
)
