"""Members from a spreadsheet: map columns, preview every row (accepted or refused with
its line and reason), then import only the accepted rows the operator keeps.

Nothing is written until `commit_members`; cancelling after the preview changes
nothing."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.interop.tabular import Table, TableRefused, read_table

#: Our field → header spellings seen in members' own lists (compared without case,
#: spaces or punctuation).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "organization", "organisation", "facility", "facilityname", "membername"),
    "short_name": ("shortname", "abbreviation", "acronym"),
    "member_type": ("membertype", "type", "kind", "category"),
    "membership": ("membership", "membershiptype", "tier"),
    "region": ("region", "coalition", "hmcc"),
    "address": ("address", "street", "address1", "streetaddress"),
    "town": ("town", "city", "municipality"),
    "state": ("state", "st"),
    "zip": ("zip", "zipcode", "postalcode", "postcode"),
    "county": ("county",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "phone": ("phone", "telephone", "mainphone"),
    "phone_24_7": ("phone247", "247phone", "247", "emergencyphone", "dutyphone"),
    "email": ("email", "emailaddress"),
    "beds": ("beds", "bedcount", "licensedbeds"),
    "trauma_level": ("trauma", "traumalevel"),
    "facility_type": ("facilitytype",),
    "external_key": ("id", "externalid", "key", "memberid"),
    "notes": ("notes", "comments"),
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def auto_mapping(headers: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    normed = {_norm(h): h for h in headers}
    for field, names in SYNONYMS.items():
        for n in names:
            if n in normed and normed[n] not in found.values():
                found[field] = normed[n]
                break
    return found


def read_mapping_file(path: Path) -> dict[str, str]:
    """JSON {"field": "Column"} or lines "field=Column"."""
    text = Path(path).read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = {}
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if "=" not in line:
                raise ValidationError(f"{path}: line {n}", "expected field=Column") from None
            field, column = line.split("=", 1)
            data[field.strip()] = column.strip()
    if not isinstance(data, dict):
        raise ValidationError(str(path), "expected a JSON object of field: column")
    unknown = set(data) - set(SYNONYMS)
    if unknown:
        raise ValidationError(
            f"{path}: {sorted(unknown)[0]}", f"not a member field; fields: {', '.join(SYNONYMS)}"
        )
    return {str(k): str(v) for k, v in data.items()}


@dataclass
class RowResult:
    line: int
    values: dict[str, Any]
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None


@dataclass
class MemberPreview:
    file: str
    headers: list[str]
    mapping: dict[str, str]
    rows: list[RowResult]

    @property
    def accepted(self) -> list[RowResult]:
        return [r for r in self.rows if r.accepted]

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if not r.accepted]


def _code(raw: str, table: dict[str, str]) -> str:
    """Accept a code or its label ("Community health centre")."""
    for key, label in table.items():
        if _norm(raw) in (_norm(key), _norm(label)):
            return key
    return raw


def _row_values(
    cells: dict[str, str], mapping: dict[str, str], regions: dict[str, str]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, column in mapping.items():
        raw = cells.get(column, "").strip()
        if raw == "":
            continue
        if field == "member_type":
            raw = _code(raw, MEMBER_TYPES)
        elif field == "membership":
            raw = _code(raw, MEMBERSHIPS)
        elif field == "region":
            region = regions.get(_norm(raw))
            if region is None:
                raise ValidationError("region", f"unknown region {raw!r}")
            values["region_id"] = region
            continue
        elif field == "zip" and raw.isdigit() and len(raw) < 5:
            raw = raw.zfill(5)  # spreadsheets drop the leading zero of New England ZIPs
        values[field] = raw
    return values


def preview_members(
    store: Store, path: Path, *, mapping: dict[str, str] | None = None
) -> MemberPreview:
    table: Table = read_table(Path(path))
    mapping = mapping or auto_mapping(table.headers)
    missing = [c for c in mapping.values() if c not in table.headers]
    if missing:
        raise TableRefused(table.file, f"column {missing[0]!r} is not in the header")
    if "name" not in mapping:
        raise TableRefused(table.file, "no column for the member's name; give a mapping")
    regions: dict[str, str] = {}
    for r in organizations.list_regions(store):
        regions[_norm(r.key or "")] = r.id
        regions[_norm(r.name or "")] = r.id
    existing = {(o.name or "").strip().lower() for o in organizations.list_organizations(store)}
    rows = []
    with store.read() as s:
        for line, cells in table.rows:
            try:
                values = _row_values(cells, mapping, regions)
                creating = str(values.get("name", "")).strip().lower() not in existing
                organizations.clean_fields(s, values, creating=creating)
                rows.append(RowResult(line, values))
            except ValidationError as exc:
                rows.append(RowResult(line, {}, f"{exc.field}: {exc.message}"))
    return MemberPreview(table.file, table.headers, mapping, rows)


def commit_members(
    store: Store, preview: MemberPreview, *, actor: Actor, lines: set[int] | None = None
) -> organizations.UpsertOutcome:
    """Import the accepted rows (only `lines`, when given)."""
    chosen = [r for r in preview.accepted if lines is None or r.line in lines]
    if not chosen:
        raise ValidationError("rows", "no accepted rows to import")
    try:
        return organizations.upsert_organizations(
            store, actor=actor, rows=[r.values for r in chosen]
        )
    except ValidationError as exc:
        match = re.match(r"row (\d+): (.*)", exc.field)
        if match:
            line = chosen[int(match.group(1)) - 1].line
            raise ValidationError(
                f"{preview.file}: line {line}: {match.group(2)}", exc.message
            ) from None
        raise
