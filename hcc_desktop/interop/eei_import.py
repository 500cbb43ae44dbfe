"""EEI reports from another reporting system's spreadsheet: one row per facility ×
element × period ("long"), or one row per facility with a column per element
("wide"). Every row is previewed as accepted or refused with its line and reason; only
what the operator keeps is recorded, as reports awaiting validation, in one
transaction: all the rows kept or none."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcc_desktop.core.catalog import Element, load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, incidents
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.organizations import list_organizations
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import normalise
from hcc_desktop.interop.table_read import TableRefused, open_table
from hcc_desktop.interop.tabular import Progress

FACILITY_COLUMNS = (
    "facility",
    "facilityname",
    "organization",
    "name",
    "hospital",
    "facilityid",
    "id",
)
ELEMENT_COLUMNS = ("element", "elementcode", "eei", "code")
VALUE_COLUMNS = ("value",)
PERIOD_COLUMNS = ("period", "operationalperiod", "op")
TIME_COLUMNS = ("reportedat", "reported", "time", "timestamp", "asof")
COMMENT_COLUMNS = ("comment", "comments", "note", "notes")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _column(headers: list[str], names: tuple[str, ...]) -> str | None:
    normed = {_norm(h): h for h in headers}
    return next((normed[n] for n in names if n in normed), None)


#: The columns an EEI spreadsheet may have (role → header spellings). Only the
#: facility is required; element + value make the "long" layout, else every other
#: column naming an element is read ("wide").
COLUMN_ROLES: dict[str, tuple[str, ...]] = {
    "facility": FACILITY_COLUMNS,
    "element": ELEMENT_COLUMNS,
    "value": VALUE_COLUMNS,
    "period": PERIOD_COLUMNS,
    "reported_at": TIME_COLUMNS,
    "comment": COMMENT_COLUMNS,
}


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Role → header, guessed from the header's spelling (what a mapping step
    offers first, and what the CLI uses)."""
    found: dict[str, str] = {}
    for role, names in COLUMN_ROLES.items():
        col = _column(headers, names)
        if col is not None and col not in found.values():
            found[role] = col
    return found


@dataclass
class EEIRow:
    line: int
    organization_id: str | None
    facility: str
    element: str
    period: int | None
    value: Any
    reported_at: str | None
    comment: str | None
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None


@dataclass
class EEIPreview:
    file: str
    layout: str  # "long" or "wide"
    incident_id: str
    rows: list[EEIRow]

    @property
    def accepted(self) -> list[EEIRow]:
        return [r for r in self.rows if r.accepted]

    @property
    def refused(self) -> list[EEIRow]:
        return [r for r in self.rows if not r.accepted]


def _facility_index(store: Store) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for o in list_organizations(store):
        for key in (o.id, o.external_key, o.name, o.short_name):
            if key:
                index.setdefault(_norm(key), o)
    return index


def _element_index() -> dict[str, Element]:
    index: dict[str, Element] = {}
    for el in load_catalog().elements.values():
        index[_norm(el.code)] = el
        index.setdefault(_norm(el.label), el)
    return index


def preview_eei(
    store: Store,
    path: Path,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    columns: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> EEIPreview:
    """Every row accepted or refused with its reason; writes nothing. `columns`
    (role → header, see COLUMN_ROLES) overrides the guess from the header. The file
    is read a row at a time; a row the reader refused (a formula cell in an XLSX)
    is one refused row with the reader's reason."""
    inc = incidents.resolve_incident(store, incident_id)
    periods = {p.number for p in incidents.list_periods(store, incident_id=inc.id)}
    facilities = _facility_index(store)
    elements = _element_index()
    with open_table(Path(path), progress=progress) as table:
        cols = guess_columns(table.headers) if columns is None else dict(columns)
        unknown = [r for r in cols if r not in COLUMN_ROLES]
        if unknown:
            raise TableRefused(table.file, f"{unknown[0]!r} is not an EEI column role")
        missing = [c for c in cols.values() if c not in table.headers]
        if missing:
            raise TableRefused(table.file, f"column {missing[0]!r} is not in the header")
        fac_col = cols.get("facility")
        if fac_col is None:
            raise TableRefused(table.file, "no facility column (facility, name, hospital or id)")
        el_col = cols.get("element")
        val_col = cols.get("value")
        per_col = cols.get("period")
        time_col = cols.get("reported_at")
        note_col = cols.get("comment")
        layout = "long" if el_col and val_col else "wide"
        used = {c for c in (fac_col, el_col, val_col, per_col, time_col, note_col) if c}
        wide_cols = [h for h in table.headers if h and h not in used]
        if layout == "wide":
            unknown = [h for h in wide_cols if _norm(h) not in elements]
            if len(unknown) == len(wide_cols):
                raise TableRefused(table.file, "no column names an EEI element (code or label)")
        rows: list[EEIRow] = []
        for line, cells in table.rows:
            fac_text = cells.get(fac_col, "")
            reason = table.refused.get(line)
            if reason is not None:
                rows.append(EEIRow(line, None, fac_text, "", period, "", None, None, reason))
                continue
            org = facilities.get(_norm(fac_text))
            base_error = None if org is not None else f"facility: unknown facility {fac_text!r}"
            per_raw = cells.get(per_col, "") if per_col else ""
            row_period = period
            if per_raw:
                try:
                    row_period = int(float(per_raw))
                except ValueError:
                    base_error = base_error or f"period: expected a number, got {per_raw!r}"
            if row_period is None and not base_error:
                base_error = "period: no period column and no --period given"
            elif row_period not in periods and not base_error:
                base_error = f"period: {row_period} is not an operational period of this incident"
            at = None
            if time_col and cells.get(time_col):
                try:
                    at = normalise("reported_at", cells[time_col])
                except ValidationError as exc:
                    base_error = base_error or f"reported_at: {exc.message}"
            pairs = (
                [(cells.get(el_col, ""), cells.get(val_col, ""))] if layout == "long"
                else [(h, cells.get(h, "")) for h in wide_cols if cells.get(h, "") != ""]
            )  # fmt: skip
            for el_text, raw in pairs:
                el = elements.get(_norm(el_text))
                error = base_error
                value: Any = raw
                if error is None and el is None:
                    error = f"element: unknown EEI element {el_text!r}"
                if error is None and el is not None:
                    try:
                        value = el.coerce(raw)
                        if el.reported_by and org.member_type not in el.reported_by:
                            error = (
                                f"element: {el.code} is not reported by {org.member_type} members"
                            )
                    except ValidationError as exc:
                        error = f"{exc.field}: {exc.message}"
                rows.append(
                    EEIRow(
                        line,
                        org.id if org else None,
                        fac_text,
                        el.code if el else el_text,
                        row_period,
                        value,
                        at,
                        cells.get(note_col) if note_col else None,
                        error,
                    )
                )
    _check_rules(store, inc.id, rows)
    return EEIPreview(table.file, layout, inc.id, rows)


def _check_rules(store: Store, incident_id: str, rows: list[EEIRow]) -> None:
    """Cross-field rules over what each facility will show: both rows of a broken
    rule are refused, with the rule's message."""
    cat = load_catalog()
    groups: dict[tuple[str, int], list[EEIRow]] = defaultdict(list)
    for r in rows:
        if r.accepted and r.organization_id and r.period is not None:
            groups[(r.organization_id, r.period)].append(r)
    for (org_id, per), group in groups.items():
        current = {
            code: rep.value
            for code, rep in eei.grid(store, incident_id=incident_id, period=per)
            .get(org_id, {})
            .items()
        }
        values = {**current, **{r.element: r.value for r in group}}
        for rule in cat.rules:
            broken = (
                rule.left in values
                and rule.right in values
                and not rule.holds(values[rule.left], values[rule.right])
            )
            for r in group if broken else ():
                if r.element in (rule.left, rule.right):
                    r.error = (
                        f"value of {r.element}: {rule.message} "
                        f"({values[rule.left]} vs {values[rule.right]})"
                    )


#: Reports per write inside the import's one transaction: progress between them, and
#: one batch's objects freed before the next.
BATCH = 200


def commit_eei(
    store: Store,
    preview: EEIPreview,
    *,
    actor: Actor,
    source: str,
    lines: set[int] | None = None,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> int:
    """Record the accepted rows (only `lines`, when given): all of them or none, in
    one transaction however many batches it takes. `progress(rows done, rows)`."""
    chosen = [r for r in preview.accepted if lines is None or r.line in lines]
    if not chosen:
        raise ValidationError("rows", "no accepted rows to import")
    grouped: dict[tuple[str, int, str | None, str | None], dict[str, Any]] = defaultdict(dict)
    for r in chosen:
        grouped[(r.organization_id or "", r.period or 0, r.reported_at, r.comment)][r.element] = (
            r.value
        )
    reports = [
        eei.FacilityReport(org, per, values, comment=comment, reported_at=at, source=source)
        for (org, per, at, comment), values in grouped.items()
    ]
    done = 0
    with store.atomic():
        for start in range(0, len(reports), batch):
            part = reports[start : start + batch]
            eei.submit_reports(store, actor=actor, incident_id=preview.incident_id, reports=part)
            done += sum(len(r.values) for r in part)
            if progress is not None:
                progress(done, len(chosen))
    return len(chosen)
