"""The dock panels of the main window, in the order their docks are made. The window
loops over this list; each class declares its dock, title, watched entities and
actions (gui.panels.base.Panel), so adding a panel is one line here."""

from __future__ import annotations

from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.capabilities import CapabilitiesPanel
from hcc_desktop.gui.panels.coordination_requests import EEIRequestsPanel, MessagesPanel
from hcc_desktop.gui.panels.eei_grid import EEIGridPanel
from hcc_desktop.gui.panels.exercises import ExercisesPanel
from hcc_desktop.gui.panels.hva import HvaPanel
from hcc_desktop.gui.panels.improvement import ImprovementPanel
from hcc_desktop.gui.panels.incident_log import IncidentLogPanel
from hcc_desktop.gui.panels.member_map import MemberMapPanel
from hcc_desktop.gui.panels.members import MembersPanel
from hcc_desktop.gui.panels.plans import PlansPanel
from hcc_desktop.gui.panels.resource_tracker import ResourceTrackerPanel
from hcc_desktop.gui.panels.roster import RosterPanel
from hcc_desktop.gui.sync.panel import SyncPanel

PANELS: tuple[type[Panel], ...] = (
    MemberMapPanel,
    MembersPanel,
    IncidentLogPanel,
    ResourceTrackerPanel,
    EEIGridPanel,
    SyncPanel,
    HvaPanel,
    PlansPanel,
    ExercisesPanel,
    ImprovementPanel,
    CapabilitiesPanel,
    RosterPanel,
    EEIRequestsPanel,
    MessagesPanel,
)
