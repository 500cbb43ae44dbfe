"""Members' essential functions for continuity of service (ASPR capability 3,
objective 1): what must keep running or come back first, its priority tier, its
recovery time objective in hours and who owns it.

A function is named by its member and its name (a natural key), so two stations that
enter "Emergency department" for the same hospital make one record; the priority and
RTO are one merge unit, decided together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services.common import Actor, get_live, optional_text, require_text
from hcc_desktop.core.store import Store

PRIORITIES = range(1, 6)  # 1 = most critical
MAX_RTO_HOURS = 24 * 365


def function_id_for(organization_id: str, name: str) -> str:
    return natural_id("essential-function", organization_id, " ".join(name.split()).casefold())


def check_priority(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValidationError("priority", f"expected 1 (most critical) to 5, got {raw!r}")
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError("priority", f"expected 1 (most critical) to 5, got {raw!r}") from None
    if value not in PRIORITIES:
        raise ValidationError("priority", f"expected 1 (most critical) to 5, got {raw!r}")
    return value


def check_rto(raw: Any) -> float:
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise ValidationError("rto_hours", f"expected hours like 4 or 0.5, got {raw!r}") from None
    if not 0 <= value <= MAX_RTO_HOURS:
        raise ValidationError("rto_hours", f"expected 0 to {MAX_RTO_HOURS} hours, got {raw!r}")
    return value


def add_function(
    store: Store,
    *,
    actor: Actor,
    organization_id: str,
    name: str,
    priority: Any,
    rto_hours: Any,
    owner: str | None = None,
    notes: str | None = None,
) -> str:
    label = require_text("name", name, max_len=200)
    recovery = {"priority": check_priority(priority), "rto_hours": check_rto(rto_hours)}
    values = {
        "recovery": recovery,
        "owner": optional_text("owner", owner, max_len=120),
        "notes": optional_text("notes", notes, max_len=10_000),
        "deleted": False,
    }
    with store.writing(operator=actor.label, summary=f"Essential function {label}") as w:
        org = get_live(w.session, m.Organization, organization_id, "member")
        fid = function_id_for(org.id, label)
        row = w.session.get(m.EssentialFunction, fid)
        if row is not None and not row.deleted:
            raise ValidationError("name", f"{org.name} has the function {row.name!r} already")
        w.put("essential_function", fid,
              {"function": {"organization_id": org.id, "name": label}, **values})  # fmt: skip
    return fid


def update_function(store: Store, *, actor: Actor, function_id: str, **fields: Any) -> list[str]:
    unknown = set(fields) - {"priority", "rto_hours", "owner", "notes"}
    if unknown:
        raise ValidationError(sorted(unknown)[0], "not an essential-function field")
    with store.writing(operator=actor.label, summary="Edit essential function") as w:
        row = get_live(w.session, m.EssentialFunction, function_id, "function")
        values: dict[str, Any] = {}
        if "priority" in fields:
            values["priority"] = check_priority(fields["priority"])
        if "rto_hours" in fields:
            values["rto_hours"] = check_rto(fields["rto_hours"])
        if "owner" in fields:
            values["owner"] = optional_text("owner", fields["owner"], max_len=120)
        if "notes" in fields:
            values["notes"] = optional_text("notes", fields["notes"], max_len=10_000)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        names = sorted(changed)
        if "priority" in changed or "rto_hours" in changed:
            changed["recovery"] = {
                "priority": changed.pop("priority", row.priority),
                "rto_hours": changed.pop("rto_hours", row.rto_hours),
            }
        if changed:
            w.put("essential_function", row.id, changed)
    return names


def delete_function(store: Store, *, actor: Actor, function_id: str) -> None:
    with store.writing(operator=actor.label, summary="Remove essential function") as w:
        row = get_live(w.session, m.EssentialFunction, function_id, "function")
        w.put("essential_function", row.id, {"deleted": True})


def list_functions(
    store: Store, *, organization_id: str | None = None
) -> list[m.EssentialFunction]:
    """By member, then priority (most critical first), then shortest RTO."""
    f = m.EssentialFunction
    with store.read() as s:
        stmt = select(f).where(f.deleted.is_(False))
        if organization_id:
            stmt = stmt.where(f.organization_id == organization_id)
        rows = list(s.scalars(stmt))
        names = {o.id: o.name or "" for o in s.scalars(select(m.Organization))}
    return sorted(
        rows,
        key=lambda r: (names.get(r.organization_id or "", ""), r.priority or 9,
                       r.rto_hours if r.rto_hours is not None else 1e9, r.name or ""),
    )  # fmt: skip
