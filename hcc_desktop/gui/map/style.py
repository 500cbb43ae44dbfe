"""How a member looks on the map: colour by EEI operating status, symbol by member type.

Colour carries the one thing an EOC scans the map for (who is closed, on diversion,
evacuating); the symbol only says what kind of member it is. Brushes are made once and
shared: pyqtgraph's symbol atlas keys its cache on the brush object, so one QBrush per
status keeps thousands of markers down to a handful of cached pixmaps.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QBrush, QColor, QPen

from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.services.status import STATUSES

#: Members whose type does not report EEIs (agencies, associations, health systems).
NON_REPORTING = "non_reporting"
#: Reporting members outside the regions of the incident in view: silent by design,
#: so they must not look like the grey "not reported" that asks for a phone call.
NOT_EXPECTED = "not_expected"

#: Status key -> fill colour. Traffic-light order, purple for evacuation (stands out
#: from the red/amber family), grey for silence, blue for "not expected to report".
STATUS_COLOURS: dict[str, str] = {
    "open": "#2e9d48",
    "limited": "#f2b705",
    "diversion": "#ef6c00",
    "closed": "#d32f2f",
    "evacuating": "#8e3fb5",
    "not_reported": "#9e9e9e",
    NOT_EXPECTED: "#dfe2e5",
    NON_REPORTING: "#3f7cc4",
}

STATUS_LABELS: dict[str, str] = {
    **STATUSES,
    NOT_EXPECTED: "Not in this incident",
    NON_REPORTING: "Does not report EEIs",
}

#: Legend order: the worst first, as in STATUSES, then the members not asked to report.
STATUS_ORDER: tuple[str, ...] = (*STATUSES, NOT_EXPECTED, NON_REPORTING)

#: Drawing order, bottom to top: where markers overlap, the worse status is on top.
STATUS_RANK: dict[str, int] = {
    NOT_EXPECTED: 0,
    NON_REPORTING: 1,
    "open": 2,
    "not_reported": 3,
    "limited": 4,
    "diversion": 5,
    "evacuating": 6,
    "closed": 7,
}

#: Member type -> pyqtgraph symbol. Filled shapes only, so the status colour shows.
#: The kinds an EOC tells apart at a glance get a shape each; the rarer partners share
#: the pentagon (the legend lists them on one line).
TYPE_SYMBOLS: dict[str, str] = {
    "hospital": "o",
    "health_system": "h",
    "community_health_center": "s",
    "local_public_health": "t1",
    "ems": "+",
    "long_term_care": "t",
    "behavioral_health": "t2",
    "dialysis": "t3",
    "home_health": "x",
    "emergency_management": "d",
    "state_agency": "star",
    "vendor": "p",
    "association": "p",
    "education": "p",
    "coalition_partner": "p",
}
DEFAULT_SYMBOL = "o"

#: Marker diameter in pixels: umbrella members a little larger than single sites, and
#: the shapes that fill less of their box (star, diamond) larger to look the same size.
TYPE_SIZES: dict[str, float] = {
    "health_system": 14.0,
    "state_agency": 18.0,
    "emergency_management": 14.0,
}
DEFAULT_SIZE = 11.0

OUTLINE = "#263238"
RING = "#111111"
RING_SIZE = 26.0


def symbol_for(member_type: str | None) -> str:
    return TYPE_SYMBOLS.get(member_type or "", DEFAULT_SYMBOL)


def size_for(member_type: str | None) -> float:
    return TYPE_SIZES.get(member_type or "", DEFAULT_SIZE)


def type_label(member_type: str | None) -> str:
    return MEMBER_TYPES.get(member_type or "", member_type or "Unknown type")


#: Legend label for a symbol several member types share (each name in full would
#: make the legend as wide as a third of a narrow dock).
SHARED_SYMBOL_LABEL = "Other partners"


def legend_label(member_types: list[str]) -> str:
    """One legend row's label for the member types drawn with the same symbol."""
    if len(member_types) == 1:
        return type_label(member_types[0])
    return SHARED_SYMBOL_LABEL


@cache
def status_brush(status: str) -> QBrush:
    """One shared brush per status (see the module docstring for why shared)."""
    return QBrush(QColor(STATUS_COLOURS.get(status, STATUS_COLOURS["not_reported"])))


#: What the map colours by: the EEI status in an incident (the default), or the
#: membership status, for the planning year (who is core, who has lapsed, where the
#: prospects are).
BY_STATUS = "status"
BY_MEMBERSHIP = "membership"

#: Membership status -> fill colour: the core members strong, the looser ties lighter,
#: lapsed in grey (no longer counted), not set in white.
MEMBERSHIP_COLOURS: dict[str, str] = {
    "core": "#1f4e79",
    "non_core": "#5b9bd5",
    "guest": "#9fd3c7",
    "prospective": "#f2b705",
    "lapsed": "#9e9e9e",
}
NO_MEMBERSHIP = "#ffffff"
NO_MEMBERSHIP_LABEL = "Membership not set"


def membership_label(key: str) -> str:
    return MEMBERSHIPS.get(key, key) if key else NO_MEMBERSHIP_LABEL


@cache
def membership_brush(membership: str) -> QBrush:
    """One shared brush per membership status (shared for the reason status_brush is)."""
    return QBrush(QColor(MEMBERSHIP_COLOURS.get(membership, NO_MEMBERSHIP)))


@cache
def outline_pen() -> QPen:
    pen = QPen(QColor(OUTLINE))
    pen.setWidthF(1.0)
    pen.setCosmetic(True)
    return pen


@cache
def ring_pen() -> QPen:
    pen = QPen(QColor(RING))
    pen.setWidthF(2.5)
    pen.setCosmetic(True)
    return pen


@cache
def legend_type_brush() -> QBrush:
    """Neutral fill for the member-type entries of the legend (colour means status)."""
    return QBrush(QColor("#e0e0e0"))
