"""The EEI grid's data for one incident and period, built once per reload (Qt-free, so
it runs in a worker thread).

Everything the grid paints is computed here into plain 2-D lists (display text, alarm
level, the report behind each cell), so `data()` is an index into a list and never a
query: 1,000 facilities × 50 elements stay smooth to scroll. Reports are read as
column tuples, not ORM objects, because building 50,000 ORM objects costs seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Element, load_catalog
from hcc_desktop.core.pgsql import stored_json
from hcc_desktop.core.services import eei, status
from hcc_desktop.core.services.incidents import get_period
from hcc_desktop.core.store import Store
from hcc_desktop.gui import fmt
from hcc_desktop.gui.models.eei_style import Level, level

Step = Callable[[int, int], None]

#: Where a report sits in the grid, then the report as a Cell takes it (same order).
_KEY_COLUMNS = (
    m.EEIReport.organization_id,
    m.EEIReport.element_code,
    m.EEIReport.incident_id,
    m.EEIReport.period,
    m.EEIReport.deleted,
)
_CELL_COLUMNS = (
    m.EEIReport.id,
    # Read as the stored JSON text and decoded here (`_value`): the JSON type's result
    # processor costs a Python call per value, a third of the grid's load.
    stored_json(m.EEIReport.value).label("value"),
    m.EEIReport.reporter,
    m.EEIReport.reported_at,
    m.EEIReport.comment,
    m.EEIReport.validation_state,
    m.EEIReport.validated_by,
    m.EEIReport.validated_at,
    m.EEIReport.validation_note,
    m.EEIReport.values_version,
    m.EEIReport.validated_version,
)
_COLUMNS = (*_KEY_COLUMNS, *_CELL_COLUMNS)
_FIRST_CELL = len(_KEY_COLUMNS)


def _value(raw: Any) -> Any:
    """A stored EEI value: SQLite keeps a JSON number as a number (the column has
    numeric affinity), anything else as JSON text."""
    return json.loads(raw) if isinstance(raw, str) else raw


class Cell(NamedTuple):
    """The report behind one cell, as the grid needs it for tooltips and validation.
    A tuple made straight from the row: 40,000 of them are built per grid load, and a
    dataclass with a computed field cost a quarter of it."""

    report_id: str
    value: Any
    reporter: str | None
    reported_at: str | None
    comment: str | None
    validation_state: str | None
    validated_by: str | None
    validated_at: str | None
    note: str | None
    values_version: str | None
    validated_version: str | None

    @property
    def state(self) -> str:
        """What the grid shows (eei.effective_state's rule): a validation of older
        values does not count."""
        state = self.validation_state or "reported"
        if state != "reported" and self.validated_version != self.values_version:
            return "stale"
        return state

    @classmethod
    def from_row(cls, row: Any) -> Cell:
        """From a row read with `_COLUMNS`."""
        report_id, raw, *rest = row[_FIRST_CELL:]
        return cls(report_id, _value(raw), *rest)


def read_reports(session: Any, *where: Any) -> list[Any]:
    """Report rows for the grid, through Core rather than the ORM session's result
    machinery (which builds ORM loading state for plain column tuples too)."""
    return list(session.connection().execute(select(*_COLUMNS).where(*where)).all())


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    member_type: str
    town: str


@dataclass
class GridData:
    incident_id: str
    period: int
    facilities: list[Facility]
    elements: list[Element]
    categories: dict[str, str]
    timeliness: eei.Timeliness
    statuses: dict[str, status.FacilityStatus]
    display: list[list[str]] = field(default_factory=list)
    levels: list[list[Level]] = field(default_factory=list)
    cells: list[list[Cell | None]] = field(default_factory=list)
    row_state: list[str] = field(default_factory=list)
    first_report: list[str | None] = field(default_factory=list)

    def row_of(self, org_id: str) -> int:
        for i, f in enumerate(self.facilities):
            if f.id == org_id:
                return i
        return -1


def display(el: Element, value: Any) -> str:
    if value is None:
        return ""
    if el.value_type == "yesno":
        return "Yes" if value else "No"
    if el.value_type == "datetime":
        return fmt.local(str(value), short=True)
    if el.value_type == "text":
        text = str(value).replace("\n", " ")
        return text if len(text) <= 60 else text[:57] + "…"
    return fmt.number(value)


def grid_elements(facilities: Iterable[Facility]) -> list[Element]:
    """Elements any of these facilities reports, grouped by catalog category."""
    cat = load_catalog()
    types = {f.member_type for f in facilities}
    order = {code: i for i, code in enumerate(cat.categories)}
    chosen = [e for e in cat.elements.values() if not e.reported_by or types & set(e.reported_by)]
    return sorted(chosen, key=lambda e: order.get(e.category, len(order)))


def load_grid(store: Store, *, incident_id: str, period: int, step: Step | None = None) -> GridData:
    step = step or (lambda done, total: None)
    step(0, 4)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="eei-grid") as pool:
        # The first-report times aggregate the report history inside SQLite, which
        # lets go of the GIL: read them, and the facilities' statuses, on connections
        # of their own while this thread reads and arranges the reports (the history
        # is the larger half of the load).
        first = pool.submit(eei.first_reports, store, incident_id=incident_id, period=period)
        statuses = pool.submit(
            status.facility_statuses, store, incident_id=incident_id, period=period
        )
        return _arrange(store, incident_id, period, first.result, statuses.result, step)


def _arrange(
    store: Store,
    incident_id: str,
    period: int,
    first_reports: Callable[[], dict[str, str]],
    statuses: Callable[[], dict[str, status.FacilityStatus]],
    step: Step,
) -> GridData:
    facilities = [
        Facility(o.id, o.name or "", o.member_type or "", o.town or "")
        for o in eei.expected_facilities(store, incident_id=incident_id)
    ]
    elements = grid_elements(facilities)
    step(1, 4)
    data = GridData(
        incident_id,
        period,
        facilities,
        elements,
        dict(load_catalog().categories),
        eei.Timeliness(period, None, len(facilities)),
        {},  # placed last: read on another connection meanwhile
    )
    step(2, 4)
    with store.read() as s:
        rows = read_reports(
            s,
            m.EEIReport.incident_id == incident_id,
            m.EEIReport.period == period,
            m.EEIReport.deleted.is_(False),
        )
    step(3, 4)
    row_index = {f.id: i for i, f in enumerate(facilities)}
    col_index = {e.code: j for j, e in enumerate(elements)}
    n, k = len(facilities), len(elements)
    data.display = [[""] * k for _ in range(n)]
    data.levels = [
        [
            Level.NONE
            if (not e.reported_by or f.member_type in e.reported_by)
            else Level.NOT_APPLICABLE
            for e in elements
        ]
        for f in facilities
    ]
    data.cells = [[None] * k for _ in range(n)]
    # The first report counts for timeliness, not the latest update (from the history).
    first = first_reports()
    data.first_report = [first.get(f.id) for f in facilities]
    data.timeliness = timeliness_from(store, incident_id, period, facilities, first)
    for r in rows:
        i, j = row_index.get(r.organization_id), col_index.get(r.element_code)
        if i is not None and j is not None:
            put_cell(data, i, j, Cell.from_row(r))
    for i in range(n):
        decorate_row(data, i)
    data.statuses = statuses()
    late, missing = set(data.timeliness.late), set(data.timeliness.missing)
    data.row_state = [
        "missing" if f.id in missing else "late" if f.id in late else "on_time" for f in facilities
    ]
    step(4, 4)
    return data


def timeliness_from(
    store: Store, incident_id: str, period: int, facilities: list[Facility], first: dict[str, str]
) -> eei.Timeliness:
    """eei.timeliness's verdict, from first-report times the grid needs anyway: reading
    the history twice cost a second per thousand facilities. Same rule: on time when the
    first report came by the period's due time."""
    with store.read() as s:
        due = get_period(s, incident_id, period).eei_due_at
    result = eei.Timeliness(period, due, len(facilities))
    for f in facilities:
        at = first.get(f.id)
        if at is None:
            result.missing.append(f.id)
        elif due is None or at <= due:
            result.on_time.append(f.id)
        else:
            result.late.append(f.id)
    return result


def put_cell(data: GridData, i: int, j: int, cell: Cell | None) -> None:
    el = data.elements[j]
    data.cells[i][j] = cell
    data.display[i][j] = display(el, cell.value) if cell else ""
    if data.levels[i][j] != Level.NOT_APPLICABLE:
        data.levels[i][j] = level(el.code, cell.value) if cell else Level.NONE


def decorate_row(data: GridData, i: int) -> None:
    """Cross-cell text: a diversion shows its expected end in the EMS traffic cell."""
    codes = {e.code: j for j, e in enumerate(data.elements)}
    j, k = codes.get("EMS_TRAFFIC_STATUS"), codes.get("EMS_TRAFFIC_EXPIRES")
    if j is None or k is None:
        return
    traffic, until = data.cells[i][j], data.cells[i][k]
    if traffic and traffic.value == "Closed" and until and until.value:
        data.display[i][j] = f"Closed until {fmt.local_time(str(until.value))}"


def load_cells(store: Store, report_ids: Iterable[str]) -> list[Any]:
    """Fresh rows of the given reports (after an edit or an import touched them)."""
    ids = list(report_ids)
    out: list[Any] = []
    with store.read() as s:
        for start in range(0, len(ids), 400):
            chunk = ids[start : start + 400]
            out.extend(read_reports(s, m.EEIReport.id.in_(chunk)))
    return out


def cell_history(
    store: Store, *, incident_id: str, organization_id: str, element: str
) -> list[tuple[int, Any, str]]:
    """(period, value, validation state) of one facility's element over all periods."""
    with store.read() as s:
        rows = read_reports(
            s,
            m.EEIReport.incident_id == incident_id,
            m.EEIReport.organization_id == organization_id,
            m.EEIReport.element_code == element,
            m.EEIReport.deleted.is_(False),
        )
    cells = sorted(((r.period, Cell.from_row(r)) for r in rows), key=lambda pc: pc[0])
    return [(period, c.value, c.state) for period, c in cells]
