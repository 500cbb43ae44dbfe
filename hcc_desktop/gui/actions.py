"""Every action, shortcut, menu and toolbar entry of the main window, declared as data.

Ids are enum members (napari's MenuId, Spyder's action registry), so no widget invents
a string and no two actions can silently share a shortcut: `check_shortcuts` is run by
the tests. Panels never create their own QActions; each panel names the methods its
ids run (Panel.ACTIONS) and the main window binds them. An EOC operator works from
the keyboard, so every action has a shortcut.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar, QWidget


class MenuId(StrEnum):
    FILE = "&File"
    EDIT = "&Edit"
    INCIDENT = "&Incident"
    MEMBERS = "&Members"
    LOG = "&Log"
    REQUESTS = "&Requests"
    EEI = "EE&I"
    INTERCHANGE = "I&nterchange"
    PREPAREDNESS = "&Preparedness"
    VIEW = "&View"
    HELP = "&Help"


class ActionId(StrEnum):
    EXPORT_PACKAGE = "file.export_package"
    IMPORT_PACKAGE = "file.import_package"
    STATIONS = "file.stations"
    SYNC_FOLDER_NOW = "file.sync_folder_now"
    PRINT_BRIEFING = "file.print_briefing"
    PRINT_ICS214 = "file.print_ics214"
    PRINT_ICS213RR = "file.print_ics213rr"
    PRINT_HICS251 = "file.print_hics251"
    PREFERENCES = "file.preferences"
    BACKUP_NOW = "file.backup_now"
    RESTORE_BACKUP = "file.restore_backup"
    CHANGE_OPERATOR = "file.change_operator"
    QUIT = "file.quit"
    UNDO = "edit.undo"
    REDO = "edit.redo"
    REFRESH = "edit.refresh"
    SWITCH_INCIDENT = "incident.switch"
    NEW_INCIDENT = "incident.new"
    NEW_PERIOD = "incident.new_period"
    PREV_PERIOD = "incident.prev_period"
    NEXT_PERIOD = "incident.next_period"
    NEW_MEMBER = "members.new"
    EDIT_MEMBER = "members.edit"
    ADD_CONTACT = "members.add_contact"
    FIND_MEMBER = "members.find"
    LOG_ENTRY = "log.entry"
    LOG_FIND = "log.find"
    LOG_CORRECT = "log.correct"
    LOG_NOMINATE = "log.nominate"
    LOG_REVIEW = "log.review"
    LOG_MARK_READ = "log.mark_read"
    NEW_REQUEST = "requests.new"
    REQUEST_STATUS = "requests.status"
    EEI_VALIDATE = "eei.validate"
    EEI_QUESTION = "eei.question"
    EEI_REJECT = "eei.reject"
    EEI_HISTORY = "eei.history"
    EEI_COPY = "eei.copy"
    IMPORT_ALERT = "interchange.import_alert"
    EXPORT_CAP = "interchange.export_cap"
    IMPORT_HAVE = "interchange.import_have"
    EXPORT_HAVE = "interchange.export_have"
    IMPORT_RM = "interchange.import_rm"
    EXPORT_RM = "interchange.export_rm"
    IMPORT_MEMBERS = "interchange.import_members"
    IMPORT_EEI = "interchange.import_eei"
    EXPORT_TABLE = "interchange.export_table"
    HVA_NEW_HAZARD = "prep.hva_new_hazard"
    HVA_EDIT_HAZARD = "prep.hva_edit_hazard"
    HVA_FINALISE = "prep.hva_finalise"
    HVA_EXPORT = "prep.hva_export"
    NEW_PLAN = "prep.new_plan"
    EDIT_PLAN = "prep.edit_plan"
    NEW_FUNCTION = "prep.new_function"
    NEW_ACTION = "prep.new_action"
    EDIT_ACTION = "prep.edit_action"
    CLOSE_ACTION = "prep.close_action"
    NEW_EXERCISE = "prep.new_exercise"
    EDIT_EXERCISE = "prep.edit_exercise"
    ADD_OBJECTIVE = "prep.add_objective"
    START_EXERCISE = "prep.start_exercise"
    OPEN_AAR = "prep.open_aar"
    RATE_CAPABILITY = "prep.rate_capability"
    ADD_FINDING = "prep.add_finding"
    PRINT_AAR = "prep.print_aar"
    PRINT_HVA = "prep.print_hva"
    PRINT_PLANS = "prep.print_plans"
    PRINT_MEMBERSHIP = "members.print_membership"
    SHOW_MAP = "view.map"
    SHOW_MEMBERS = "view.members"
    SHOW_LOG = "view.log"
    SHOW_REQUESTS = "view.requests"
    SHOW_EEI = "view.eei"
    SHOW_SYNC = "view.sync"
    SHOW_RISK = "view.risk"
    SHOW_PLANS = "view.plans"
    SHOW_IMPROVEMENT = "view.improvement"
    SHOW_ROSTER = "view.roster"
    SIGN_IN = "incident.sign_in"
    SHOW_EXERCISES = "view.exercises"
    SHOW_CAPABILITIES = "view.capabilities"
    SHOW_EEI_REQUESTS = "view.eei_requests"
    SHOW_MESSAGES = "view.messages"
    ISSUE_EEI_REQUEST = "eei.issue_request"
    REMIND_EEI_REQUEST = "eei.remind_request"
    CLOSE_EEI_REQUEST = "eei.close_request"
    PRINT_HPP = "eei.print_hpp"
    LOG_MESSAGE = "log.message"
    PRINT_ICS205A = "log.print_ics205a"
    PRINT_OUTBOUND = "log.print_outbound"
    ACK_MESSAGE = "log.ack_message"
    RESET_LAYOUT = "view.reset_layout"
    FULL_SCREEN = "view.full_screen"
    USER_GUIDE = "help.user_guide"
    SHORTCUTS = "help.shortcuts"
    ABOUT = "help.about"


@dataclass(frozen=True)
class ActionSpec:
    id: ActionId
    text: str
    shortcut: str
    tip: str = ""
    #: objectName of the dock whose panel the shortcut is limited to (None: whole window).
    scope: str | None = None
    checkable: bool = False


A = ActionSpec
ACTIONS: tuple[ActionSpec, ...] = (
    A(ActionId.EXPORT_PACKAGE, "&Export package…", "Ctrl+Shift+X", "Write a signed sync package"),
    A(ActionId.IMPORT_PACKAGE, "&Import package…", "Ctrl+Shift+I", "Check and merge packages"),
    A(ActionId.STATIONS, "S&tations and trust…", "Ctrl+Alt+S", "Keys, fingerprints, trust"),
    A(ActionId.SYNC_FOLDER_NOW, "Sync shared &folder now", "Ctrl+Alt+Y", "Drop and collect"),
    A(ActionId.PRINT_BRIEFING, "Print &briefing…", "Ctrl+P", "Situation briefing PDF"),
    A(ActionId.PRINT_ICS214, "ICS 21&4 activity log…", "Ctrl+Alt+4", "ICS 214 PDF"),
    A(ActionId.PRINT_ICS213RR, "ICS 213 &RR resource request…", "Ctrl+Alt+3", "ICS 213RR PDF"),
    A(ActionId.PRINT_HICS251, "HICS 25&1 facility status…", "Ctrl+Alt+5", "HICS 251 PDF"),
    A(ActionId.PREFERENCES, "Pre&ferences…", "Ctrl+,", "Store, shared folder, paper, time zone"),
    A(ActionId.BACKUP_NOW, "Back &up now", "Ctrl+Alt+U", "A dated copy of the store"),
    A(ActionId.RESTORE_BACKUP, "Restore from &backup…", "Ctrl+Alt+B", "Back to a saved copy"),
    A(ActionId.CHANGE_OPERATOR, "Change &operator…", "Ctrl+Shift+O", "Sign in as someone else"),
    A(ActionId.QUIT, "&Quit", "Ctrl+Q"),
    A(ActionId.UNDO, "&Undo", "Ctrl+Z", "Undo your last change (as a new, synced change)"),
    A(ActionId.REDO, "&Redo", "Ctrl+Shift+Z", "Make again what your last undo took back"),
    A(ActionId.REFRESH, "&Reload from store", "F5", "Reload every panel from the store"),
    A(ActionId.SWITCH_INCIDENT, "&Switch incident…", "Ctrl+I", "Pick the incident in view"),
    A(ActionId.NEW_INCIDENT, "&New incident…", "Ctrl+Shift+N", "Open a new incident"),
    A(ActionId.NEW_PERIOD, "New operational &period…", "Ctrl+Shift+P"),
    A(ActionId.PREV_PERIOD, "P&revious period", "Ctrl+PgUp"),
    A(ActionId.NEXT_PERIOD, "Ne&xt period", "Ctrl+PgDown"),
    A(ActionId.NEW_MEMBER, "&New member…", "Ctrl+Alt+M", "Add a member or facility"),
    A(ActionId.EDIT_MEMBER, "&Edit member…", "Ctrl+E", "Edit the selected member"),
    A(ActionId.ADD_CONTACT, "Add &contact…", "Ctrl+Alt+C", "Add a contact to the member"),
    A(ActionId.FIND_MEMBER, "&Find member", "Ctrl+Shift+F", "Filter the member directory"),
    A(ActionId.LOG_ENTRY, "New log &entry", "Ctrl+L", "Type a line into the incident log"),
    A(ActionId.LOG_FIND, "&Filter log", "Ctrl+F", "Filter the incident log by text"),
    A(ActionId.LOG_CORRECT, "&Correct entry…", "Ctrl+Shift+E", "Add a correcting entry"),
    A(ActionId.LOG_NOMINATE, "&Nominate significant event", "Ctrl+Shift+S"),
    A(ActionId.LOG_REVIEW, "&Review significant events", "Ctrl+Shift+R"),
    A(ActionId.LOG_MARK_READ, "&Mark imported entries read", "Ctrl+Shift+K"),
    A(ActionId.NEW_REQUEST, "&New resource request…", "Ctrl+R", "ICS 213RR"),
    A(ActionId.REQUEST_STATUS, "&Change request status…", "Ctrl+T", "Next lifecycle step"),
    A(ActionId.EEI_VALIDATE, "&Validate", "F6", "Validate the selected EEI values"),
    A(ActionId.EEI_QUESTION, "&Question…", "F7", "Question the selected EEI values"),
    A(ActionId.EEI_REJECT, "&Reject…", "F8", "Reject the selected EEI values"),
    A(ActionId.EEI_HISTORY, "Value &history", "Ctrl+H", "Chart the value over periods"),
    A(ActionId.EEI_COPY, "&Copy as table", "Ctrl+C", "Tab-separated, with headers", "eeiGridDock"),
    A(ActionId.IMPORT_ALERT, "Import CAP &alert…", "Ctrl+Alt+A", "CAP 1.2/1.1 file or feed"),
    A(ActionId.EXPORT_CAP, "Issue CAP &advisory…", "Ctrl+Alt+X", "Write a CAP 1.2 alert file"),
    A(ActionId.IMPORT_HAVE, "Import EDXL-&HAVE…", "Ctrl+Alt+H", "Hospital status from others"),
    A(ActionId.EXPORT_HAVE, "Export EDXL-HA&VE…", "Ctrl+Alt+V", "Hospital status for others"),
    A(ActionId.IMPORT_RM, "Import EDXL-&RM message…", "Ctrl+Alt+Q", "Resource request or reply"),
    A(ActionId.EXPORT_RM, "Export EDXL-RM &message…", "Ctrl+Alt+W", "A request or our answer"),
    A(ActionId.IMPORT_MEMBERS, "Import &members (CSV/XLSX)…", "Ctrl+Alt+I"),
    A(ActionId.IMPORT_EEI, "Import &EEI reports (CSV/XLSX)…", "Ctrl+Alt+R"),
    A(ActionId.EXPORT_TABLE, "Export &table (CSV/XLSX)…", "Ctrl+Alt+T", "The panel in front"),
    A(ActionId.HVA_NEW_HAZARD, "New &hazard…", "Ctrl+Alt+Z", "Add a hazard to the assessment"),
    A(ActionId.HVA_EDIT_HAZARD, "Edit ha&zard scores…", "Ctrl+Alt+D", "The selected hazard"),
    A(ActionId.HVA_FINALISE, "&Finalise risk assessment", "Ctrl+Alt+F", "Draft ↔ final"),
    A(ActionId.HVA_EXPORT, "Export risk assessment (&XLSX)…", "Ctrl+Alt+K", "KP HVA columns"),
    A(ActionId.NEW_PLAN, "New &plan…", "Ctrl+Alt+P", "Add a plan to the register"),
    A(ActionId.EDIT_PLAN, "&Edit plan…", "Ctrl+Alt+L", "New edition, owner, review date"),
    A(ActionId.NEW_FUNCTION, "New essential f&unction…", "Ctrl+Alt+J", "Of the selected member"),
    A(ActionId.NEW_ACTION, "New &corrective action…", "Ctrl+Alt+O", "Improvement plan"),
    A(ActionId.EDIT_ACTION, "Edit correcti&ve action…", "Ctrl+Alt+6", "The selected action"),
    A(ActionId.CLOSE_ACTION, "C&lose corrective action", "Ctrl+Alt+7", "Mark it complete"),
    A(ActionId.NEW_EXERCISE, "New e&xercise…", "Ctrl+Alt+N", "Record an HSEEP exercise"),
    A(ActionId.EDIT_EXERCISE, "Edit exercis&e…", "Ctrl+Alt+E", "The selected exercise"),
    A(ActionId.ADD_OBJECTIVE, "Add exercise o&bjective…", "Ctrl+Alt+1", "Mapped to capabilities"),
    A(ActionId.START_EXERCISE, "&Start exercise", "Ctrl+Alt+G", "Run it as an exercise incident"),
    A(ActionId.OPEN_AAR, "&After-action report…", "Ctrl+Shift+A", "Open or start the AAR"),
    A(ActionId.RATE_CAPABILITY, "&Rate capability (P/S/M/U)…", "Ctrl+Alt+8", "In the AAR"),
    A(ActionId.ADD_FINDING, "Add fi&nding…", "Ctrl+Alt+9", "Strength or area for improvement"),
    A(ActionId.PRINT_AAR, "Print AAR/&IP…", "Ctrl+Shift+U", "HSEEP AAR/IP PDF"),
    A(ActionId.PRINT_HVA, "Print risk assessment (H&VA)…", "Ctrl+Shift+H", "HVA PDF"),
    A(ActionId.PRINT_PLANS, "Print plans re&gister…", "Ctrl+Shift+L", "Plans register PDF"),
    A(ActionId.PRINT_MEMBERSHIP, "Print &membership report…", "Ctrl+Shift+M", "By type, region"),
    A(ActionId.SHOW_MAP, "Member &map", "Ctrl+1", checkable=True),
    A(ActionId.SHOW_MEMBERS, "Members &directory", "Ctrl+2", checkable=True),
    A(ActionId.SHOW_LOG, "Incident &log", "Ctrl+3", checkable=True),
    A(ActionId.SHOW_REQUESTS, "&Resource tracker", "Ctrl+4", checkable=True),
    A(ActionId.SHOW_EEI, "&EEI grid", "Ctrl+5", checkable=True),
    A(ActionId.SHOW_SYNC, "&Sync", "Ctrl+6", checkable=True),
    A(ActionId.SHOW_RISK, "Risk &assessment (HVA)", "Ctrl+7", checkable=True),
    A(ActionId.SHOW_PLANS, "&Plans and continuity", "Ctrl+8", checkable=True),
    A(ActionId.SHOW_IMPROVEMENT, "&Improvement plan", "Ctrl+0", checkable=True),
    A(ActionId.SHOW_ROSTER, "D&uty and handover", "F9", checkable=True),
    A(ActionId.SIGN_IN, "&Sign in to a position…", "Shift+F9", "Position roster"),
    A(ActionId.SHOW_EXERCISES, "E&xercises and AAR", "Ctrl+9", checkable=True),
    A(ActionId.SHOW_CAPABILITIES, "&Capability dashboard", "Ctrl+Alt+0", checkable=True),
    A(ActionId.SHOW_EEI_REQUESTS, "EEI re&quests", "Ctrl+Shift+Q", checkable=True),
    A(ActionId.SHOW_MESSAGES, "Communications lo&g", "Ctrl+Shift+G", checkable=True),
    A(ActionId.ISSUE_EEI_REQUEST, "&Issue EEI request…", "Ctrl+Shift+J", "Ask partners by a time"),
    A(ActionId.REMIND_EEI_REQUEST, "&Remind partners owing", "Ctrl+Shift+Y", "Log reminder calls"),
    A(ActionId.CLOSE_EEI_REQUEST, "Close EEI re&quest", "Ctrl+Shift+D", "No more rounds"),
    A(ActionId.PRINT_HPP, "Print HPP-PHEP &6.1 report…", "Ctrl+Alt+2", "EEI timeliness PDF"),
    A(ActionId.LOG_MESSAGE, "Log &message sent or received…", "Ctrl+Shift+W", "Comms log"),
    A(ActionId.PRINT_ICS205A, "Print ICS 205A co&mmunications list…", "Ctrl+Shift+C", "PDF"),
    A(ActionId.PRINT_OUTBOUND, "Print out&bound messages…", "Ctrl+Shift+V", "With acks, PDF"),
    A(ActionId.ACK_MESSAGE, "Record ac&knowledgement", "Ctrl+Shift+B", "Selected recipient"),
    A(ActionId.RESET_LAYOUT, "Reset &layout", "Ctrl+Shift+0", "Back to the default layout"),
    A(ActionId.FULL_SCREEN, "&Full screen", "F11", checkable=True),
    A(ActionId.USER_GUIDE, "&User guide", "Ctrl+F1", "The operator's guide"),
    A(ActionId.SHORTCUTS, "&Keyboard shortcuts", "F1"),
    A(ActionId.ABOUT, "&About hcc-desktop", "Shift+F1"),
)
SPECS: dict[ActionId, ActionSpec] = {s.id: s for s in ACTIONS}

SEP = None
Id = ActionId
MENUS: dict[MenuId, tuple[ActionId | None, ...]] = {
    MenuId.FILE: (
        Id.EXPORT_PACKAGE,
        Id.IMPORT_PACKAGE,
        Id.SYNC_FOLDER_NOW,
        Id.STATIONS,
        SEP,
        Id.PRINT_BRIEFING,
        Id.PRINT_ICS214,
        Id.PRINT_ICS213RR,
        Id.PRINT_HICS251,
        SEP,
        Id.PREFERENCES,
        Id.BACKUP_NOW,
        Id.RESTORE_BACKUP,
        Id.CHANGE_OPERATOR,
        SEP,
        Id.QUIT,
    ),
    MenuId.EDIT: (Id.UNDO, Id.REDO, SEP, Id.REFRESH),
    MenuId.INCIDENT: (
        Id.SWITCH_INCIDENT,
        Id.NEW_INCIDENT,
        SEP,
        Id.NEW_PERIOD,
        Id.PREV_PERIOD,
        Id.NEXT_PERIOD,
        SEP,
        Id.SIGN_IN,
    ),
    MenuId.MEMBERS: (
        Id.FIND_MEMBER,
        Id.NEW_MEMBER,
        Id.EDIT_MEMBER,
        Id.ADD_CONTACT,
        SEP,
        Id.PRINT_MEMBERSHIP,
    ),
    MenuId.LOG: (
        Id.LOG_ENTRY,
        Id.LOG_FIND,
        SEP,
        Id.LOG_CORRECT,
        Id.LOG_NOMINATE,
        Id.LOG_REVIEW,
        SEP,
        Id.LOG_MARK_READ,
        SEP,
        Id.LOG_MESSAGE,
        Id.ACK_MESSAGE,
        Id.PRINT_ICS205A,
        Id.PRINT_OUTBOUND,
    ),
    MenuId.REQUESTS: (Id.NEW_REQUEST, Id.REQUEST_STATUS),
    MenuId.EEI: (
        Id.EEI_VALIDATE,
        Id.EEI_QUESTION,
        Id.EEI_REJECT,
        SEP,
        Id.EEI_HISTORY,
        Id.EEI_COPY,
        SEP,
        Id.ISSUE_EEI_REQUEST,
        Id.REMIND_EEI_REQUEST,
        Id.CLOSE_EEI_REQUEST,
        Id.PRINT_HPP,
    ),
    MenuId.INTERCHANGE: (
        Id.IMPORT_ALERT,
        Id.EXPORT_CAP,
        SEP,
        Id.IMPORT_HAVE,
        Id.EXPORT_HAVE,
        SEP,
        Id.IMPORT_RM,
        Id.EXPORT_RM,
        SEP,
        Id.IMPORT_MEMBERS,
        Id.IMPORT_EEI,
        Id.EXPORT_TABLE,
    ),
    MenuId.PREPAREDNESS: (
        Id.HVA_NEW_HAZARD,
        Id.HVA_EDIT_HAZARD,
        Id.HVA_FINALISE,
        Id.HVA_EXPORT,
        SEP,
        Id.NEW_PLAN,
        Id.EDIT_PLAN,
        Id.NEW_FUNCTION,
        SEP,
        Id.NEW_EXERCISE,
        Id.EDIT_EXERCISE,
        Id.ADD_OBJECTIVE,
        Id.START_EXERCISE,
        SEP,
        Id.OPEN_AAR,
        Id.RATE_CAPABILITY,
        Id.ADD_FINDING,
        SEP,
        Id.NEW_ACTION,
        Id.EDIT_ACTION,
        Id.CLOSE_ACTION,
        SEP,
        Id.PRINT_HVA,
        Id.PRINT_PLANS,
        Id.PRINT_AAR,
    ),
    MenuId.VIEW: (
        Id.SHOW_MAP,
        Id.SHOW_MEMBERS,
        Id.SHOW_LOG,
        Id.SHOW_ROSTER,
        Id.SHOW_REQUESTS,
        Id.SHOW_EEI,
        Id.SHOW_SYNC,
        Id.SHOW_EEI_REQUESTS,
        Id.SHOW_MESSAGES,
        SEP,
        Id.SHOW_RISK,
        Id.SHOW_PLANS,
        Id.SHOW_EXERCISES,
        Id.SHOW_IMPROVEMENT,
        Id.SHOW_CAPABILITIES,
        SEP,
        Id.RESET_LAYOUT,
        Id.FULL_SCREEN,
    ),
    MenuId.HELP: (Id.USER_GUIDE, Id.SHORTCUTS, Id.ABOUT),
}

#: Toolbar after the incident and period switchers.
TOOLBAR: tuple[ActionId | None, ...] = (
    Id.NEW_INCIDENT,
    Id.NEW_PERIOD,
    SEP,
    Id.UNDO,
    SEP,
    Id.LOG_ENTRY,
    Id.NEW_REQUEST,
    SEP,
    Id.PRINT_BRIEFING,
    Id.EXPORT_PACKAGE,
    Id.IMPORT_PACKAGE,
    SEP,
    Id.REFRESH,
)


def check_shortcuts(specs: Iterable[ActionSpec] = ACTIONS) -> list[str]:
    """Problems with the declared shortcuts: missing ones, and two actions on one key
    where both could fire (same panel, or either one window-wide)."""
    problems = []
    by_key: dict[str, list[ActionSpec]] = defaultdict(list)
    for spec in specs:
        key = QKeySequence(spec.shortcut).toString()
        if not key:
            problems.append(f"{spec.id}: no shortcut")
            continue
        for other in by_key[key]:
            if other.scope == spec.scope or None in (other.scope, spec.scope):
                problems.append(f"{spec.id} and {other.id} both use {key}")
        by_key[key].append(spec)
    return problems


class ActionRegistry(QObject):
    """The QActions of one main window, made from ACTIONS."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._actions: dict[ActionId, QAction] = {}
        #: Ids in the order they were bound (the tests check each is bound once).
        self.bound: list[ActionId] = []
        for spec in ACTIONS:
            action = QAction(spec.text, window)
            action.setObjectName(spec.id.value)
            action.setShortcut(QKeySequence(spec.shortcut))
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{spec.tip or spec.text.replace('&', '')} ({shortcut})")
            action.setStatusTip(spec.tip)
            action.setCheckable(spec.checkable)
            if spec.scope is None:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                window.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self._actions[spec.id] = action

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]

    def __iter__(self) -> Iterator[tuple[ActionId, QAction]]:
        return iter(self._actions.items())

    def bind(self, action_id: ActionId, slot: Callable[[], object]) -> None:
        self.bound.append(action_id)
        self._actions[action_id].triggered.connect(lambda _checked=False: slot())

    def attach(self, action_id: ActionId, widget: QWidget) -> None:
        """Give a panel-scoped action to the widget whose focus enables its shortcut."""
        widget.addAction(self._actions[action_id])

    def build_menus(self, menubar: QMenuBar) -> dict[MenuId, QMenu]:
        menus = {}
        for menu_id, items in MENUS.items():
            menu = menubar.addMenu(menu_id.value)
            menu.setObjectName(f"menu.{menu_id.name.lower()}")
            for item in items:
                if item is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self._actions[item])
            menus[menu_id] = menu
        return menus

    def build_toolbar(self, toolbar: QToolBar) -> None:
        for item in TOOLBAR:
            if item is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self._actions[item])
