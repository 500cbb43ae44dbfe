"""The time zone the GUI shows times in: the computer's own, or one chosen in the
preferences (an EOC that coordinates across zones may want every station on one clock).

Its own module because start-up applies the choice before the window's first frame,
which must not wait for the preferences dialog's imports (the store's libraries).
"""

from __future__ import annotations

import os
import time
import zoneinfo
from datetime import tzinfo

from PySide6.QtCore import QSettings

from hcc_desktop.gui.settings import app_settings

ZONE_KEY = "display/timezone"
LOCAL = ""  # the computer's own zone
#: TZ as the program found it, put back when the operator returns to the computer's zone.
_ORIGINAL_TZ = os.environ.get("TZ")


def display_zone_name(settings: QSettings | None = None) -> str:
    """The zone chosen for showing times ('' = this computer's)."""
    value = (settings or app_settings()).value(ZONE_KEY, LOCAL)
    return str(value or "")


def display_zone(settings: QSettings | None = None) -> tzinfo | None:
    """The chosen zone, or None for this computer's. For `datetime.astimezone(...)` in
    code that formats times (None there means the computer's zone)."""
    name = display_zone_name(settings)
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def apply_display_zone(settings: QSettings | None = None) -> None:
    """Make the chosen zone the process's local zone (TZ), so every `.astimezone()` in
    the GUI shows it: an EOC that coordinates across zones may want all stations on one
    clock. POSIX only (time.tzset); on Windows the formatting code must pass
    `display_zone()` itself."""
    if not hasattr(time, "tzset"):
        return
    name = display_zone_name(settings)
    if name and display_zone(settings) is not None:
        os.environ["TZ"] = name
    elif _ORIGINAL_TZ is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = _ORIGINAL_TZ
    time.tzset()
