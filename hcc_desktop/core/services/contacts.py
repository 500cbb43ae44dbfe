"""The people to call at a member: name, role, office and 24/7 phone, email.

A member's own 24/7 line (organization.phone_24_7) reaches a desk; a contact's 24/7
phone reaches a person, which is what the duty officer needs at 03:00. Each field is
its own merge unit: two stations correcting a phone and an email both keep their fix.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services.common import Actor, get_live, optional_text, require_text
from hcc_desktop.core.store import Store

CONTACT_FIELDS = ("name", "role", "phone", "phone_24_7", "email", "is_24_7")


def _email(raw: object) -> str | None:
    text = optional_text("email", raw, max_len=200)
    if text and ("@" not in text or " " in text or text.startswith("@") or text.endswith("@")):
        raise ValidationError("email", f"expected an address like name@example.org, got {raw!r}")
    return text


def _flag(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw or "").strip().lower()
    if text in ("y", "yes", "true", "1"):
        return True
    if text in ("", "n", "no", "false", "0"):
        return False
    raise ValidationError("is_24_7", f"expected yes or no, got {raw!r}")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "name":
            out[key] = require_text("name", raw, max_len=200)
        elif key in ("phone", "phone_24_7"):
            out[key] = optional_text(key, raw, max_len=40)
        elif key == "email":
            out[key] = _email(raw)
        elif key == "role":
            out[key] = optional_text("role", raw, max_len=120)
        elif key == "is_24_7":
            out[key] = _flag(raw)
        else:
            raise ValidationError(key, "not a contact field")
    return out


def add_contact(
    store: Store,
    *,
    actor: Actor,
    organization_id: str,
    name: str,
    role: str = "",
    phone: str = "",
    email: str = "",
    is_24_7: bool = False,
    phone_24_7: str = "",
    record_id: str | None = None,
) -> str:
    """A new contact of a live member. A 24/7 phone makes the contact a 24/7 one."""
    values = _clean(
        {
            "name": name,
            "role": role,
            "phone": phone,
            "phone_24_7": phone_24_7,
            "email": email,
            "is_24_7": is_24_7,
        }
    )
    values["is_24_7"] = bool(values["is_24_7"] or values["phone_24_7"])
    with store.writing(operator=actor.label, summary=f"Contact {values['name']}") as w:
        org = get_live(w.session, m.Organization, organization_id, "organization")
        rid = record_id or uuid7(store.wall())
        if record_id and w.session.get(m.Contact, record_id) is not None:
            raise ValidationError("id", f"a contact with id {record_id} exists already")
        w.put(
            "contact",
            rid,
            {"organization_id": org.id, **values, "deleted": False},
            new=record_id is None,
        )
    return rid


def update_contact(store: Store, *, actor: Actor, contact_id: str, **fields: Any) -> list[str]:
    """Change some fields; returns the names of those that really changed."""
    values = _clean(fields)
    with store.writing(operator=actor.label, summary="Edit contact") as w:
        row = get_live(w.session, m.Contact, contact_id, "contact")
        if values.get("phone_24_7") and "is_24_7" not in values:
            values["is_24_7"] = True
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changed:
            w.put("contact", row.id, changed)
    return sorted(changed)


def delete_contact(store: Store, *, actor: Actor, contact_id: str) -> None:
    with store.writing(operator=actor.label, summary="Delete contact") as w:
        row = get_live(w.session, m.Contact, contact_id, "contact")
        w.put("contact", row.id, {"deleted": True})


def list_contacts(store: Store, *, organization_id: str | None = None) -> list[m.Contact]:
    with store.read() as s:
        stmt = select(m.Contact).where(m.Contact.deleted.is_(False))
        if organization_id:
            stmt = stmt.where(m.Contact.organization_id == organization_id)
        return list(s.scalars(stmt.order_by(m.Contact.name, m.Contact.id)))
