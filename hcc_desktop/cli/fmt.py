"""Output of the headless CLI: aligned text tables for people, JSON for scripts, and
local times with the zone for both readers of a stored UTC time.

Kept apart from the command modules so the command handlers read as "call a service, show the
result", and so the GUI-free formatting can be reused by other text reports.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Element
from hcc_desktop.core.services.log import entry_dict
from hcc_desktop.core.timeutil import parse_iso, to_iso

SHORT_ID = 8

# ------------------------------------------------------------------ time


def local_zone() -> tzinfo:
    """The operator's zone: `TZ` when it names an IANA zone, else the system's.

    Read on every call (cached per value of `TZ`) so tests and scripts that set `TZ`
    see it without restarting the interpreter.
    """
    return _zone_for(os.environ.get("TZ", ""))


@lru_cache(maxsize=8)
def _zone_for(tz_env: str) -> tzinfo:
    name = tz_env.lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # A POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"): libc understands it.
            return _libc_zone()
    try:
        target = Path("/etc/localtime").resolve()
        parts = target.parts
        if "zoneinfo" in parts:
            return ZoneInfo("/".join(parts[parts.index("zoneinfo") + 1 :]))
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return _libc_zone()


def _libc_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def show_time(iso: str | None) -> str:
    """A stored UTC time as the operator reads it: local date, time and zone."""
    if not iso:
        return ""
    try:
        moment = parse_iso(iso).astimezone(local_zone())
    except ValueError:
        return iso
    return moment.strftime("%Y-%m-%d %H:%M ") + (moment.tzname() or "")


def user_time(text: str | None) -> str | None:
    """A time typed by the operator, in the stored form. A time without a zone means
    local time (what the clock on the EOC wall says), not UTC. Text that is not a
    time is passed on unchanged so the service refuses it, naming its own field."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return raw
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return to_iso(moment)


# ------------------------------------------------------------------ generic


def short(record_id: str | None) -> str:
    """The first characters: for content-hash ids (versions, conflicts), random
    throughout."""
    return (record_id or "")[:SHORT_ID]


def tail(record_id: str | None) -> str:
    """The last characters: how tables show record ids. A UUIDv7 begins with its
    creation time, so records made in the same minute share their first eight
    characters; the last eight are random. Commands accept either end
    (`context.resolve_ref`)."""
    return (record_id or "")[-SHORT_ID:]


def number(value: Any) -> Any:
    """Quantities are stored as floats; 10.0 reads better as 10."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def one_line(text: str | None, width: int | None = None) -> str:
    flat = " ".join((text or "").split())
    if width is not None and len(flat) > width:
        return flat[: width - 3] + "..."
    return flat


def table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, right: Iterable[int] = ()
) -> str:
    """Columns padded to their widest cell; numeric columns (`right`) right-aligned.
    The last column is not padded, so long texts do not drag trailing blanks."""
    body = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    align_right = set(right)
    last = len(headers) - 1

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            if i in align_right:
                out.append(cell.rjust(widths[i]))
            elif i == last:
                out.append(cell)
            else:
                out.append(cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), *(line(r) for r in body)])


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)


# ------------------------------------------------------------------ records


def member_dict(org: m.Organization, region_keys: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "short_name": org.short_name,
        "member_type": org.member_type,
        "membership": org.membership,
        "joined_on": org.joined_on,
        "left_on": org.left_on,
        "region": region_keys.get(org.region_id or ""),
        "parent_id": org.parent_id,
        "facility_type": org.facility_type,
        "address": org.address,
        "town": org.town,
        "state": org.state,
        "zip": org.zip,
        "county": org.county,
        "lat": org.lat,
        "lon": org.lon,
        "beds": org.beds,
        "phone_24_7": org.phone_24_7,
        "external_key": org.external_key,
    }


def incident_dict(inc: m.Incident, current_id: str | None) -> dict[str, Any]:
    return {
        "id": inc.id,
        "name": inc.name,
        "type": inc.incident_type,
        "status": inc.status,
        "exercise": bool(inc.exercise),
        "started_at": inc.started_at,
        "ended_at": inc.ended_at,
        "current": inc.id == current_id,
        "description": inc.description,
    }


def period_dict(p: m.OperationalPeriod, current_number: int | None) -> dict[str, Any]:
    return {
        "id": p.id,
        "incident_id": p.incident_id,
        "number": p.number,
        "starts_at": p.starts_at,
        "ends_at": p.ends_at,
        "eei_due_at": p.eei_due_at,
        "objectives": p.objectives,
        "current": p.number == current_number,
    }


def log_dict(e: m.LogEntry, org_names: Mapping[str, str]) -> dict[str, Any]:
    out = dict(entry_dict(e))
    out["organization"] = org_names.get(e.organization_id or "")
    out["source"] = e.source
    return out


def request_dict(
    r: m.ResourceRequest, org_names: Mapping[str, str], overdue: bool
) -> dict[str, Any]:
    return {
        "id": r.id,
        "number": r.number,
        "incident_id": r.incident_id,
        "status": r.status,
        "priority": r.priority,
        "resource_kind": r.resource_kind,
        "resource_type": r.resource_type,
        "description": r.description,
        "quantity": number(r.quantity),
        "unit": r.unit,
        "needed_by": r.needed_by,
        "overdue": overdue,
        "requester_org_id": r.requester_org_id,
        "requester": org_names.get(r.requester_org_id or ""),
        "requested_by": r.requested_by,
        "deliver_to": r.deliver_to,
        "supplier": r.supplier,
        "order_number": r.order_number,
        "created_at": r.created_at,
        "status_at": r.status_at,
        "status_by": r.status_by,
        "status_note": r.status_note,
    }


def element_dict(el: Element) -> dict[str, Any]:
    return {
        "code": el.code,
        "label": el.label,
        "category": el.category,
        "value_type": el.value_type,
        "unit": el.unit,
        "min": el.min,
        "max": el.max,
        "choices": list(el.choices),
        "reported_by": list(el.reported_by),
        "sensitive": el.sensitive,
        "expected": el.describe_expected(),
        "have": el.have,
        "description": el.description,
    }


def eei_cell_dict(
    rep: m.EEIReport, org: m.Organization | None, period: int, state: str, timeliness: str | None
) -> dict[str, Any]:
    return {
        "report_id": rep.id,
        "facility_id": rep.organization_id,
        "facility": org.name if org else None,
        "element": rep.element_code,
        "period": period,
        "value": rep.value,
        "state": state,
        "validation_state": rep.validation_state or "reported",
        "reported_at": rep.reported_at,
        "reporter": rep.reporter,
        "comment": rep.comment,
        "timeliness": timeliness,
    }


#: Shorter grid headers: the codes are long and a facility row must fit a screen.
_HEADER_WORDS = (
    ("BEDS_", ""),
    ("MEDICAL_SURGICAL", "MEDSURG"),
    ("_AVAILABLE", "_AV"),
    ("_STAFFED", "_ST"),
    ("GENERATOR_FUEL_HOURS", "FUEL_HOURS"),
    ("_STATUS", ""),
)


#: The grid's own columns, which no shortened element code may read as.
GRID_COLUMNS = frozenset({"ID", "FACILITY", "REPORTED"})


def grid_header(code: str) -> str:
    """The element code shortened for a grid column. A short form that would read as
    one of the grid's own columns keeps the whole code: FACILITY_STATUS shortened to
    "FACILITY" sat beside the facility-name column of the same heading, and an
    operator could not tell which was the name and which the status."""
    brief = code
    for long, short_form in _HEADER_WORDS:
        brief = brief.replace(long, short_form)
    return code if brief in GRID_COLUMNS else brief


#: Marks after a grid value, as on a paper status board.
STATE_MARKS = {"validated": "+", "questioned": "?", "rejected": "!", "stale": "~"}
STATE_LEGEND = (
    "marks: + validated, ? questioned, ! rejected, ~ validated before the value changed, "
    "- no report; columns are element codes shortened (AV available, ST staffed)"
)


def show_value(value: Any, value_type: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value_type == "datetime" and isinstance(value, str):
        return show_time(value)
    return str(number(value))


def grid_cell(value: Any, value_type: str | None, state: str) -> str:
    return show_value(value, value_type) + STATE_MARKS.get(state, "")
