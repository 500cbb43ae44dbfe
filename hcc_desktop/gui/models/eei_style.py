"""How alarming an EEI value is, as data: which choices and which numbers turn a cell
amber or red.

The thresholds follow what coalition duty officers act on: under a day of generator
fuel is a call to the facility, under half a day is a fuel request; a closed or
evacuating facility is red whatever else it reports. The levels are plain data kept
apart from the model (the briefing and the map may share them); only the colours at
the end are the GUI's.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtGui import QColor


class Level(IntEnum):
    NONE = 0  # nothing to say (text, counts)
    OK = 1
    WARN = 2
    BAD = 3
    NOT_APPLICABLE = 4  # this facility type does not report the element


_CHOICES: dict[str, dict[str, Level]] = {
    "FACILITY_STATUS": {"Compromised": Level.WARN, "Evacuating": Level.BAD, "Closed": Level.BAD},
    "CLINICAL_STATUS": {"Full": Level.WARN},
    "EVACUATION_STATUS": {
        "Shelter in place": Level.WARN,
        "Partial evacuation": Level.BAD,
        "Full evacuation": Level.BAD,
        "Evacuated": Level.BAD,
    },
    "EMS_TRAFFIC_STATUS": {"Advisory": Level.WARN, "Closed": Level.BAD},
    "DECON_STATUS": {"Full": Level.WARN, "Exceeded": Level.BAD},
    "POWER_SOURCE": {"Generator": Level.WARN, "None": Level.BAD},
    "WATER_STATUS": {"Boil water order": Level.WARN, "Outage": Level.BAD},
    "IT_SYSTEMS_STATUS": {"Degraded": Level.WARN, "Down": Level.BAD},
    "COMMUNICATIONS_STATUS": {"Degraded": Level.WARN, "Down": Level.BAD},
    "STAFFING_STATUS": {"Insufficient": Level.WARN},
    "SECURITY_STATUS": {
        "Elevated": Level.WARN,
        "Restricted Access": Level.WARN,
        "Lockdown": Level.BAD,
        "Quarantine": Level.BAD,
    },
    "CLINICAL_SUPPLIES_STATUS": {"Insufficient": Level.WARN},
    "MORGUE_STATUS": {"Full": Level.WARN, "Exceeded": Level.BAD, "Closed": Level.BAD},
}

#: element → (amber below, red below): lower is worse.
_LOW: dict[str, tuple[float, float]] = {
    "GENERATOR_FUEL_HOURS": (24, 12),
    "PPE_DAYS_ON_HAND": (3, 1),
    "CRITICAL_SUPPLY_DAYS_ON_HAND": (3, 1),
}
#: element → (amber above, red above): higher is worse.
_HIGH: dict[str, tuple[float, float]] = {
    "EMS_OFFLOAD_MINUTES": (30, 60),
    "EMS_AMBULANCES_WAITING": (3, 6),
}


def _number_level(code: str, value: float) -> Level:
    if code in _LOW:
        amber, red = _LOW[code]
        return Level.BAD if value < red else Level.WARN if value < amber else Level.OK
    if code in _HIGH:
        amber, red = _HIGH[code]
        return Level.BAD if value > red else Level.WARN if value > amber else Level.OK
    if code.startswith("BEDS_") and code.endswith("_AVAILABLE") and value == 0:
        return Level.WARN  # no bed of that type left
    return Level.NONE


def level(code: str, value: Any) -> Level:
    """The alarm level of one value of element `code`."""
    if value is None:
        return Level.NONE
    if code in _CHOICES:
        return _CHOICES[code].get(str(value), Level.OK)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_level(code, float(value))
    return Level.NONE


BACKGROUND: dict[Level, QColor] = {
    Level.WARN: QColor("#fde7a6"),
    Level.BAD: QColor("#f6b8b3"),
    Level.NOT_APPLICABLE: QColor("#eeeeee"),
}

#: Validation state → corner mark colour (reported values carry no mark).
MARK: dict[str, QColor] = {
    "validated": QColor("#2e7d32"),
    "questioned": QColor("#ef8f00"),
    "rejected": QColor("#c62828"),
    "stale": QColor("#7e57c2"),
}

TIMELINESS: dict[str, tuple[str, QColor | None]] = {
    "on_time": ("On time", None),
    "late": ("Late", QColor("#fde7a6")),
    "missing": ("Missing", QColor("#f6b8b3")),
}
