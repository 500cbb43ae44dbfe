"""Members from a spreadsheet: map columns, preview every row (accepted or refused with
its line and reason), then import only the accepted rows the operator keeps.

Nothing is written until `commit_members`; cancelling after the preview changes
nothing, and the import itself is one transaction: all the chosen rows or none."""

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
from hcc_desktop.interop.table_read import TableRefused, open_table
from hcc_desktop.interop.tabular import Progress

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
    store: Store,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> MemberPreview:
    """Every row accepted or refused with its reason; writes nothing. The file is
    read a row at a time, so only the preview's own rows stay in memory. A second
    row for the same member (same name or same external id) is refused: the import
    would otherwise apply one of them silently."""
    regions: dict[str, str] = {}
    for r in organizations.list_regions(store):
        regions[_norm(r.key or "")] = r.id
        regions[_norm(r.name or "")] = r.id
    existing = {(o.name or "").strip().lower() for o in organizations.list_organizations(store)}
    rows: list[RowResult] = []
    names: dict[str, int] = {}
    keys: dict[str, int] = {}
    with open_table(Path(path), progress=progress) as table, store.read() as s:
        mapping = mapping or auto_mapping(table.headers)
        missing = [c for c in mapping.values() if c not in table.headers]
        if missing:
            raise TableRefused(table.file, f"column {missing[0]!r} is not in the header")
        if "name" not in mapping:
            raise TableRefused(table.file, "no column for the member's name; give a mapping")
        for line, cells in table.rows:
            reason = table.refused.get(line)
            if reason is not None:
                rows.append(RowResult(line, {}, reason))
                continue
            try:
                values = _row_values(cells, mapping, regions)
                name = str(values.get("name", "")).strip().lower()
                organizations.clean_fields(s, values, creating=name not in existing)
                _refuse_repeat("name", name, line, names)
                _refuse_repeat("external_key", values.get("external_key"), line, keys)
                rows.append(RowResult(line, values))
            except ValidationError as exc:
                rows.append(RowResult(line, {}, f"{exc.field}: {exc.message}"))
        return MemberPreview(table.file, table.headers, mapping, rows)


def _refuse_repeat(field: str, value: Any, line: int, seen: dict[str, int]) -> None:
    if not value:
        return
    key = str(value).strip().lower()
    if key in seen:
        raise ValidationError(field, f"the same member as line {seen[key]}")
    seen[key] = line


#: Rows per write inside the import's one transaction: progress between them, and
#: the objects of one batch freed before the next, so a long list stays small. Each
#: write looks up the members so far, so a long list takes at most ~40 writes.
BATCH = 500
MAX_WRITES = 40


def commit_members(
    store: Store,
    preview: MemberPreview,
    *,
    actor: Actor,
    lines: set[int] | None = None,
    progress: Progress | None = None,
    batch: int | None = None,
) -> organizations.UpsertOutcome:
    """Import the accepted rows (only `lines`, when given): all of them or none, in
    one transaction however many batches it takes. `progress(rows done, rows)`."""
    chosen = [r for r in preview.accepted if lines is None or r.line in lines]
    if not chosen:
        raise ValidationError("rows", "no accepted rows to import")
    batch = batch or max(BATCH, -(-len(chosen) // MAX_WRITES))
    outcome = organizations.UpsertOutcome([], [], [])
    with store.atomic():
        for start in range(0, len(chosen), batch):
            part = chosen[start : start + batch]
            try:
                done = organizations.upsert_organizations(
                    store, actor=actor, rows=[r.values for r in part]
                )
            except ValidationError as exc:
                match = re.match(r"row (\d+): (.*)", exc.field)
                if match:
                    line = part[int(match.group(1)) - 1].line
                    raise ValidationError(
                        f"{preview.file}: line {line}: {match.group(2)}", exc.message
                    ) from None
                raise
            outcome.created.extend(done.created)
            outcome.updated.extend(done.updated)
            outcome.unchanged.extend(done.unchanged)
            if progress is not None:
                progress(start + len(part), len(chosen))
    return outcome
