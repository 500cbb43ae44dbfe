"""What each row of the HICS 251 says, read from the facility's EEIs: the form's systems
grouped as on the paper, and for the few the catalog covers, how the latest value
becomes Fully / Partially / Non-functional with a comment naming the element and
period. Kept apart from the layout (hics251.py) so the mapping reads as a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hcc_desktop.reports.eei_figures import Latest

FULL, PARTIAL, NONE, NA = "full", "partial", "none", "na"
STATUS_HEADS = (
    (FULL, "Fully<br/>Functional"),
    (PARTIAL, "Partially<br/>Functional"),
    (NONE, "Non-<br/>functional"),
    (NA, "N/A"),
)
#: Hours of generator fuel below which fuel storage counts as partially functional:
#: less than a day's running leaves no margin for a delivery to be late.
FUEL_MARGIN_HOURS = 24

Reading = tuple[str | None, str]  # (status or None, comment)
Mapper = Callable[[dict[str, Latest]], Reading | None]


def _choice(code: str, states: dict[str, str]) -> Mapper:
    def read(v: dict[str, Latest]) -> Reading | None:
        got = v.get(code)
        if got is None:
            return None
        return states.get(str(got.value)), f"{got.value}"

    return read


def _primary_power(v: dict[str, Latest]) -> Reading | None:
    got = v.get("POWER_SOURCE")
    if got is None:
        return None
    return {
        "Grid": (FULL, "on grid power"),
        "Generator": (NONE, "grid power lost; on generator"),
        "None": (NONE, "no power"),
    }.get(str(got.value), (None, str(got.value)))


def _generator(v: dict[str, Latest]) -> Reading | None:
    got = v.get("POWER_SOURCE")
    if got is None:
        return None
    if got.value == "Generator":
        return FULL, "carrying the load"
    if got.value == "None":
        return NONE, "no power source reported"
    return None, "standby (facility on grid power)"


def _fuel(v: dict[str, Latest]) -> Reading | None:
    got = v.get("GENERATOR_FUEL_HOURS")
    if got is None or not isinstance(got.value, (int, float)):
        return None
    hours = float(got.value)
    text = f"{hours:g} h of generator fuel remaining"
    if hours <= 0:
        return NONE, text
    return (PARTIAL if hours < FUEL_MARGIN_HOURS else FULL), text


LEVELS = {"Normal": FULL, "Degraded": PARTIAL, "Down": NONE}


@dataclass(frozen=True)
class System:
    name: str
    mapper: Mapper | None = None
    #: The EEI elements the row reads (for the comment and the sensitivity check).
    codes: tuple[str, ...] = ()


#: The systems of the HICS 251, grouped as on the form, with the EEIs that map.
SYSTEMS: tuple[tuple[str, tuple[System, ...]], ...] = (
    (
        "Communications",
        (
            System(
                "Communications, overall (as reported in EEIs)",
                _choice("COMMUNICATIONS_STATUS", LEVELS),
                ("COMMUNICATIONS_STATUS",),
            ),
            System("Fax"),
            System(
                "Information technology (e-mail, registration, records)",
                _choice("IT_SYSTEMS_STATUS", LEVELS),
                ("IT_SYSTEMS_STATUS",),
            ),
            System("Hospital overhead paging"),
            System("Landline telephones"),
            System("Cellular telephones"),
            System("Nurse call system"),
            System("Radio equipment (portable, fixed, amateur)"),
            System("Satellite phones"),
        ),
    ),
    (
        "Infrastructure",
        (
            System(
                "Potable water",
                _choice(
                    "WATER_STATUS", {"Normal": FULL, "Boil water order": PARTIAL, "Outage": NONE}
                ),
                ("WATER_STATUS",),
            ),
            System("Natural gas"),
            System("Sanitation systems (sewer)"),
            System("Steam / heating"),
            System("HVAC (heating, ventilation, air conditioning)"),
            System("Fire detection / alarm system"),
            System("Sprinkler system"),
            System("Elevators / escalators"),
        ),
    ),
    (
        "Electrical power",
        (
            System("Primary (utility) power", _primary_power, ("POWER_SOURCE",)),
            System("Backup generator(s)", _generator, ("POWER_SOURCE",)),
            System("Generator fuel storage", _fuel, ("GENERATOR_FUEL_HOURS",)),
        ),
    ),
    (
        "Medical gases",
        (
            System("Oxygen"),
            System("Medical air"),
            System("Nitrous oxide"),
            System("Medical vacuum"),
        ),
    ),
    (
        "Support services",
        (
            System("Food preparation equipment"),
            System("Ice machines"),
            System("Laundry / linen service equipment"),
            System("Sterile processing / sterilizers"),
            System("Security systems (access control, surveillance)"),
        ),
    ),
)
CODES = tuple(sorted({c for _, group in SYSTEMS for s in group for c in s.codes}))
