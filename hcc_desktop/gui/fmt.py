"""How the GUI shows stored values: times in local time with the zone (the store keeps
UTC text), quantities without a trailing ".0", labels for coded values.

One module so every panel shows "2026-11-18 14:05 EST" the same way; an operator who
reads a time in the log and the same time in the request tracker must see one string.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hcc_desktop.core.timeutil import parse_iso

_LOCAL_FMT = "%Y-%m-%d %H:%M %Z"
_SHORT_FMT = "%d %b %H:%M %Z"


def local(iso: str | None, *, short: bool = False) -> str:
    """A stored UTC time as local time with the zone; "" for none, the raw text when it
    does not parse (a newer station's format must still be readable)."""
    if not iso:
        return ""
    try:
        moment = parse_iso(iso).astimezone()
    except ValueError:
        return iso
    return moment.strftime(_SHORT_FMT if short else _LOCAL_FMT)


def local_time(iso: str | None) -> str:
    """Only the clock time with the zone, for values that fall within the day shown."""
    if not iso:
        return ""
    try:
        return parse_iso(iso).astimezone().strftime("%H:%M %Z")
    except ValueError:
        return iso


def to_local_datetime(iso: str) -> datetime:
    return parse_iso(iso).astimezone()


def number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


_ACRONYMS = {"eei": "EEI", "ems": "EMS", "ppe": "PPE"}


def label(code: str | None) -> str:
    """A stored code ("in_transit", "long_term_care") as words."""
    if not code:
        return ""
    return _ACRONYMS.get(code) or code.replace("_", " ").capitalize()


def short_id(record_id: str | None) -> str:
    """The short form operators read aloud. The *tail* of the id: a UUIDv7 starts with
    its timestamp, so entries made within the same minute share their first 8 digits
    and only the random tail tells them apart."""
    return f"#{record_id[-8:]}" if record_id else ""
