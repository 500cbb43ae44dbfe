"""Members and facilities of the coalition, their regions and contacts.

A member's membership status and its joined/left dates are one merge unit (see
core/entities.py): services take them as three fields, like any other, and fold them
into that unit just before writing, completing what was not given from the record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.geo import lookup_zip
from hcc_desktop.core.ids import natural_id, uuid7
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
)

# Contacts have their own module; these names stay importable from here, where the GUI
# and the demo have always called them.
from hcc_desktop.core.services.contacts import add_contact as add_contact
from hcc_desktop.core.services.contacts import list_contacts as list_contacts
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import parse_date

#: Fields an operator may set on a member (membership, joined_on and left_on make one
#: merge unit; every other field is its own).
ORG_FIELDS = (
    "name", "short_name", "member_type", "membership", "region_id", "parent_id",
    "facility_type", "address", "town", "state", "zip", "county", "lat", "lon",
    "phone", "phone_24_7", "email", "beds", "trauma_level", "helipad", "notes",
    "source", "external_key", "coords_source", "joined_on", "left_on",
)  # fmt: skip

#: The columns of the `membership` merge unit.
MEMBERSHIP_COLUMNS = ("membership", "joined_on", "left_on")


def region_id_for(key: str) -> str:
    return natural_id("region", key)


def add_region(
    store: Store, *, actor: Actor, key: str, name: str, kind: str = "region", state: str = ""
) -> str:
    rid = region_id_for(require_text("key", key, max_len=40))
    values = {
        "key": key,
        "name": require_text("name", name),
        "kind": require_choice("kind", kind, ("coalition", "region")),
        "deleted": False,
    }
    if state:
        values["state"] = (optional_text("state", state, max_len=2) or "").upper() or None
    with store.writing(operator=actor.label, summary=f"Region {name}") as w:
        current = w.session.get(m.Region, rid)
        if current is not None:
            values = {k: v for k, v in values.items() if getattr(current, k) != v}
        if values:
            w.put("region", rid, values)
    return rid


def _clean(session: Any, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    unknown = set(data) - set(ORG_FIELDS)
    if unknown:
        raise ValidationError(sorted(unknown)[0], "not a member field")
    out: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "name":
            out[key] = require_text("name", raw)
        elif key == "member_type":
            out[key] = require_choice("member_type", raw, MEMBER_TYPES)
        elif key == "membership":
            out[key] = require_choice("membership", raw, MEMBERSHIPS)
        elif key in ("joined_on", "left_on"):
            out[key] = _day(key, raw)
        elif key == "region_id":
            out[key] = get_live(session, m.Region, raw, "region").id if raw else None
        elif key == "parent_id":
            out[key] = get_live(session, m.Organization, raw, "parent").id if raw else None
            if out[key]:
                _no_parent_loop(session, out[key])
        elif key in ("lat", "lon"):
            out[key] = _coordinate(key, raw)
        elif key == "beds":
            out[key] = _beds(raw)
        elif key == "helipad":
            out[key] = _yes_no("helipad", raw)
        elif key == "zip":
            out[key] = _zip(raw)
        elif key == "state":
            state = optional_text("state", raw, max_len=2)
            out[key] = state.upper() if state else None
        elif key == "notes":
            out[key] = optional_text(key, raw, max_len=10_000)
        else:
            out[key] = optional_text(key, raw)
    if creating:
        for required in ("name", "member_type", "membership"):
            if not out.get(required):
                raise ValidationError(required, "required for a new member")
    return out


def clean_fields(session: Any, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check member fields as the services would, without writing (import previews)."""
    return _clean(session, data, creating=creating)


def _no_parent_loop(session: Any, parent_id: str, limit: int = 50) -> None:
    """A hospital inside a system inside a network is fine; a ring of parents is not.
    (The member being edited is checked against its new parent by the caller.)"""
    seen: set[str] = set()
    cursor: str | None = parent_id
    while cursor:
        if cursor in seen or len(seen) > limit:
            raise ValidationError("parent", "the parents would form a loop")
        seen.add(cursor)
        row = session.get(m.Organization, cursor)
        cursor = row.parent_id if row is not None else None


def _day(field: str, raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    return parse_date(field, text).isoformat()


def _fold_membership(values: dict[str, Any], current: m.Organization | None) -> None:
    """Replace the status and date columns in `values` by one `membership` group value,
    completed from `current`. A member that stops being lapsed loses its left date
    unless one is given; a left date belongs to a lapsed member only, after joining."""
    given = {k: values.pop(k) for k in MEMBERSHIP_COLUMNS if k in values}
    if not given:
        return
    term = {k: getattr(current, k, None) if current is not None else None
            for k in MEMBERSHIP_COLUMNS}  # fmt: skip
    term.update(given)
    if term["membership"] != "lapsed" and "left_on" not in given:
        term["left_on"] = None
    if term["left_on"] and term["membership"] != "lapsed":
        raise ValidationError(
            "left_on", f"only a lapsed member has a left date (status is {term['membership']})"
        )
    if term["left_on"] and term["joined_on"] and term["left_on"] < term["joined_on"]:
        raise ValidationError(
            "left_on", f"{term['left_on']} is before the joined date {term['joined_on']}"
        )
    values["membership"] = term


def _yes_no(field: str, raw: Any) -> bool | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("y", "yes", "true", "1"):
        return True
    if text in ("n", "no", "false", "0"):
        return False
    raise ValidationError(field, f"expected yes or no, got {raw!r}")


def _coordinate(field: str, raw: Any) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError(field, f"expected a number in degrees, got {raw!r}") from None
    limit = 90 if field == "lat" else 180
    if not -limit <= value <= limit:
        raise ValidationError(field, f"expected -{limit} to {limit} degrees, got {raw!r}")
    return round(value, 6)


def _beds(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError("beds", f"expected a whole number, got {raw!r}") from None
    if value < 0:
        raise ValidationError("beds", f"expected 0 or more, got {raw!r}")
    return value


def _zip(raw: Any) -> str | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if not (len(text) == 5 and text.isdigit()) and not (
        len(text) == 10 and text[5] == "-" and text[:5].isdigit() and text[6:].isdigit()
    ):
        raise ValidationError("zip", f"expected a 5-digit ZIP code like 06106, got {raw!r}")
    return text


def _fill_coordinates(values: dict[str, Any]) -> None:
    """Members without coordinates are placed at their ZIP's centroid (offline)."""
    if values.get("lat") is None and values.get("lon") is None and values.get("zip"):
        found = lookup_zip(values["zip"])
        if found is not None:
            values["lat"], values["lon"] = found
            values["coords_source"] = "zip"
    elif values.get("lat") is not None and values.get("lon") is not None:
        values.setdefault("coords_source", "given")


def add_organizations(
    store: Store, *, actor: Actor, members: list[tuple[str | None, dict[str, Any]]]
) -> list[str]:
    """Create many members in one transaction: (record id or None, fields) each. A
    coalition's list or the demo loads in one commit instead of hundreds."""
    ids: list[str] = []
    with store.writing(operator=actor.label, summary=f"{len(members)} new members") as w:
        for i, (record_id, fields) in enumerate(members, start=1):
            if fields.get("parent_id") in ids:
                w.flush()  # the parent is earlier in this batch: let the check see it
            try:
                values = _clean(w.session, fields, creating=True)
            except ValidationError as exc:
                where = f"member {i}: " if len(members) > 1 else ""
                raise ValidationError(where + exc.field, exc.message) from None
            _fill_coordinates(values)
            try:
                _fold_membership(values, None)
            except ValidationError as exc:
                where = f"member {i}: " if len(members) > 1 else ""
                raise ValidationError(where + exc.field, exc.message) from None
            rid = record_id or uuid7(store.wall())
            if record_id and w.session.get(m.Organization, record_id) is not None:
                raise ValidationError("id", f"a member with id {record_id} exists already")
            values["deleted"] = False
            w.put("organization", rid, values, new=record_id is None)
            ids.append(rid)
    return ids


def add_organization(
    store: Store, *, actor: Actor, record_id: str | None = None, **fields: Any
) -> str:
    """Create a member or facility. `record_id` lets importers and the demo use a
    natural-key UUIDv5 so that two stations loading the same list make the same rows."""
    with store.writing(operator=actor.label, summary=f"New member {fields.get('name')}") as w:
        values = _clean(w.session, fields, creating=True)
        _fill_coordinates(values)
        _fold_membership(values, None)
        rid = record_id or uuid7(store.wall())
        if record_id and w.session.get(m.Organization, record_id) is not None:
            raise ValidationError("id", f"a member with id {record_id} exists already")
        values["deleted"] = False
        w.put("organization", rid, values, new=record_id is None)
    return rid


@dataclass(frozen=True)
class UpsertOutcome:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def upsert_organizations(
    store: Store, *, actor: Actor, rows: list[dict[str, Any]]
) -> UpsertOutcome:
    """Create or update many members in one transaction (a spreadsheet import).

    A row updates the member with the same `external_key`, else the one with the same
    name, else makes a new one. Every row is checked before anything is written; a
    refusal names the row (`row N: field`)."""
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    with store.writing(operator=actor.label, summary=f"Import {len(rows)} members") as w:
        # Ids, names and keys only: whole objects for every member made a large
        # import (a batch of many inside one transaction) hold them all each time.
        existing = w.session.execute(
            select(m.Organization.id, m.Organization.name, m.Organization.external_key).where(
                m.Organization.deleted.is_not(True)
            )
        ).all()
        by_key = {key: oid for oid, _, key in existing if key}
        by_name = {(name or "").strip().lower(): oid for oid, name, _ in existing}
        del existing
        planned: list[tuple[str | None, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for i, row in enumerate(rows, start=1):
            key = row.get("external_key")
            name = str(row.get("name") or "").strip().lower()
            if name and name in seen:
                raise ValidationError(f"row {i}: name", f"the same member as row {seen[name]}")
            seen[name] = i
            target = by_key.get(key) if key else None
            target = target or by_name.get(name)
            try:
                values = _clean(w.session, row, creating=target is None)
                current = None if target is None else w.session.get(m.Organization, target)
                _fold_membership(dict(values), current)  # checked here, folded below
            except ValidationError as exc:
                raise ValidationError(f"row {i}: {exc.field}", exc.message) from None
            planned.append((target, values))
        for target_id, values in planned:
            if target_id is None:
                _fill_coordinates(values)
                _fold_membership(values, None)
                rid = uuid7(store.wall())
                w.put("organization", rid, {**values, "deleted": False}, new=True)
                created.append(rid)
                continue
            org = w.session.get_one(m.Organization, target_id)
            changed = {k: v for k, v in values.items() if getattr(org, k) != v}
            _fold_membership(changed, org)
            if changed:
                w.put("organization", org.id, changed)
                updated.append(org.id)
            else:
                unchanged.append(org.id)
    return UpsertOutcome(created, updated, unchanged)


def update_organization(store: Store, *, actor: Actor, org_id: str, **fields: Any) -> list[str]:
    """Change some fields; returns the names of the fields that really changed."""
    with store.writing(operator=actor.label, summary="Edit member") as w:
        org = get_live(w.session, m.Organization, org_id, "organization")
        values = _clean(w.session, fields, creating=False)
        if "parent_id" in values and values["parent_id"] == org.id:
            raise ValidationError("parent", "a member cannot be its own parent")
        if values.get("parent_id"):
            cursor: str | None = values["parent_id"]
            while cursor:
                if cursor == org.id:
                    raise ValidationError("parent", "the parents would form a loop")
                parent = w.session.get(m.Organization, cursor)
                cursor = parent.parent_id if parent is not None else None
        if "zip" in values and "lat" not in values and org.coords_source == "zip":
            values["lat"] = values["lon"] = None
            _fill_coordinates(values)
        elif "lat" in values or "lon" in values:
            values["coords_source"] = "given"
        changed = {k: v for k, v in values.items() if getattr(org, k) != v}
        names = sorted(changed)
        _fold_membership(changed, org)
        if changed:
            w.put("organization", org.id, changed)
    return names


def delete_organization(store: Store, *, actor: Actor, org_id: str) -> None:
    with store.writing(operator=actor.label, summary="Delete member") as w:
        org = get_live(w.session, m.Organization, org_id, "organization")
        w.put("organization", org.id, {"deleted": True})


def undelete_organization(store: Store, *, actor: Actor, org_id: str) -> None:
    with store.writing(operator=actor.label, summary="Restore member") as w:
        org = w.session.get(m.Organization, org_id)
        if org is None:
            raise ValidationError("organization", f"unknown organization {org_id!r}")
        if org.deleted:
            w.put("organization", org.id, {"deleted": False})


def merge_organizations(store: Store, *, actor: Actor, duplicate_id: str, into_id: str) -> None:
    """Two stations entered the same member: mark one as merged into the other (never
    rewrite ids, which other stations' rows point at)."""
    with store.writing(operator=actor.label, summary="Merge duplicate member") as w:
        dup = get_live(w.session, m.Organization, duplicate_id, "duplicate")
        into = get_live(w.session, m.Organization, into_id, "into")
        if dup.id == into.id:
            raise ValidationError("into", "a member cannot be merged into itself")
        w.put("organization", dup.id, {"merged_into": into.id, "deleted": True})


def list_organizations(store: Store, *, include_deleted: bool = False) -> list[m.Organization]:
    with store.read() as s:
        stmt = select(m.Organization).order_by(m.Organization.name, m.Organization.id)
        if not include_deleted:
            stmt = stmt.where(m.Organization.deleted.is_(False))
        return list(s.scalars(stmt))


def list_regions(store: Store) -> list[m.Region]:
    with store.read() as s:
        stmt = select(m.Region).where(m.Region.deleted.is_(False)).order_by(m.Region.name)
        return list(s.scalars(stmt))
