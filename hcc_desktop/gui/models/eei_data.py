"""The EEI grid's data for one incident and period, built once per reload (Qt-free, so
it runs in a worker thread).

The reports are read as column tuples, not ORM objects (building 50,000 ORM objects
costs seconds), and placed by facility and element. What the grid paints from them
(the `Cell` behind each value, its display text, its alarm level) is made a facility
at a time, the first time anything asks for that facility's row, and kept: a grid
shows about thirty facilities at once, and making all 40,000 cells up front was about
a quarter of the time to the first picture. `data()` is still an index into plain
lists and never a query; a row costs a fraction of a millisecond the first time it
scrolls in. Rows are made on the GUI thread, the only one that touches a GridData once
load_grid has handed it over.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple, overload

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

#: The report as a Cell takes it (same order), first in every report read.
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
_CELL_FIELDS = len(_CELL_COLUMNS)
#: Where a report sits in the grid: what the grid's own read needs after the cell (its
#: query already names the incident and period, and reads live reports only).
_PLACE_COLUMNS = (m.EEIReport.organization_id, m.EEIReport.element_code)
_ORG, _CODE = _CELL_FIELDS, _CELL_FIELDS + 1
_VALUE, _REPORTED_AT = 1, 3  # in the cell's columns
_GRID_COLUMNS = (*_CELL_COLUMNS, *_PLACE_COLUMNS)
_STATUS_CODES = frozenset(status.STATUS_ELEMENTS)
#: A report read by id (after a write or an import): where it belongs, and whether it
#: is still live.
_COLUMNS = (
    *_GRID_COLUMNS,
    m.EEIReport.incident_id,
    m.EEIReport.period,
    m.EEIReport.deleted,
)


def _value(raw: Any) -> Any:
    """A stored EEI value: SQLite keeps a JSON number as a number (the column has
    numeric affinity), anything else as JSON text."""
    return json.loads(raw) if isinstance(raw, str) else raw


class Cell(NamedTuple):
    """The report behind one cell, as the grid needs it for tooltips and validation.
    A tuple made straight from the row: one per report a shown row holds."""

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
        """From a row read with `_COLUMNS` or `_GRID_COLUMNS` (the cell comes first)."""
        report_id, raw, *rest = row[:_CELL_FIELDS]
        return cls(report_id, _value(raw), *rest)


def read_reports(session: Any, *where: Any) -> list[Any]:
    """Report rows for the grid, through Core rather than the ORM session's result
    machinery (which builds ORM loading state for plain column tuples too)."""
    return _read(session, _COLUMNS, where)


def _read(session: Any, columns: Sequence[Any], where: Iterable[Any]) -> list[Any]:
    return list(session.connection().execute(select(*columns).where(*where)).all())


def _read_plain(session: Any, columns: Sequence[Any], where: Iterable[Any]) -> list[Any]:
    """The grid's large read, rows as the driver hands them over (tuples): when no
    column has a result processor (texts, and the value as its stored text, on SQLite
    and on PostgreSQL), SQLAlchemy's Row would carry the very same values, and making
    40,000 of them was a sixth of the read. Otherwise, Rows."""
    conn = session.connection()
    result = conn.execute(select(*columns).where(*where))
    if any(c.type.result_processor(conn.dialect, None) is not None for c in columns):
        return list(result.all())
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    member_type: str
    town: str


class LazyRows(Sequence[list[Any]]):
    """One of the grid's 2-D tables (cells, display text, levels), indexed [i][j] like
    a list of lists, whose row i is made by `make(i)` the first time it is asked for
    (`make` fills the same row of the sibling tables too). A row, once made, is a plain
    list that edits patch in place."""

    __slots__ = ("_make", "_rows")

    def __init__(self, n: int, make: Callable[[int], None]) -> None:
        self._rows: list[list[Any] | None] = [None] * n
        self._make = make

    def made(self, i: int) -> list[Any] | None:
        """Row i if it has been made, else None (without making it)."""
        return self._rows[i]

    def put(self, i: int, row: list[Any]) -> None:
        self._rows[i] = row

    @overload
    def __getitem__(self, i: int) -> list[Any]: ...

    @overload
    def __getitem__(self, i: slice) -> list[list[Any]]: ...

    def __getitem__(self, i: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self._rows)))]
        row = self._rows[i]
        if row is None:
            self._make(i % len(self._rows))
            row = self._rows[i]
            assert row is not None
        return row

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[list[Any]]:
        return (self[i] for i in range(len(self._rows)))


@dataclass
class GridData:
    incident_id: str
    period: int
    facilities: list[Facility]
    elements: list[Element]
    categories: dict[str, str]
    timeliness: eei.Timeliness
    statuses: dict[str, status.FacilityStatus]
    #: [facility][element]; plain lists, or LazyRows as load_grid leaves them.
    display: Sequence[list[str]] = field(default_factory=list)
    levels: Sequence[list[Level]] = field(default_factory=list)
    cells: Sequence[list[Cell | None]] = field(default_factory=list)
    row_state: list[str] = field(default_factory=list)
    first_report: list[str | None] = field(default_factory=list)
    #: What makes the LazyRows above, when load_grid built them.
    _maker: _RowMaker | None = field(default=None, repr=False, compare=False)

    def row_of(self, org_id: str) -> int:
        for i, f in enumerate(self.facilities):
            if f.id == org_id:
                return i
        return -1

    def report_ids(self) -> Iterator[str]:
        """Every report the grid holds, without making the rows nobody has looked at
        (the import marks count them on every reload)."""
        if self._maker is not None and self.cells is self._maker.cells:
            yield from self._maker.report_ids()
            return
        for row in self.cells:
            yield from (c.report_id for c in row if c is not None)


class _RowMaker:
    """Makes a facility's row of cells, display text and levels from the report rows
    placed for it, the first time any of the three is asked for."""

    def __init__(self, data: GridData, placed: list[list[Any] | None]) -> None:
        n = len(data.facilities)
        self.data = data
        self.placed = placed
        self.none: list[Any] = [None] * len(data.elements)
        self.applies: dict[str, list[bool]] = {}
        self.cells = LazyRows(n, self)
        self.display = LazyRows(n, self)
        self.levels = LazyRows(n, self)

    def __call__(self, i: int) -> None:
        data = self.data
        member_type = data.facilities[i].member_type
        applies = self.applies.get(member_type)
        if applies is None:
            applies = self.applies[member_type] = [
                not e.reported_by or member_type in e.reported_by for e in data.elements
            ]
        cells = [None if r is None else Cell.from_row(r) for r in self.placed[i] or self.none]
        texts: list[str] = []
        levels: list[Level] = []
        for el, cell, applicable in zip(data.elements, cells, applies, strict=True):
            if cell is None:
                texts.append("")
                levels.append(Level.NONE if applicable else Level.NOT_APPLICABLE)
            else:
                texts.append(display(el, cell.value))
                levels.append(level(el.code, cell.value) if applicable else Level.NOT_APPLICABLE)
        self.cells.put(i, cells)
        self.display.put(i, texts)
        self.levels.put(i, levels)
        decorate_row(data, i)

    def report_ids(self) -> Iterator[str]:
        for i, placed in enumerate(self.placed):
            row = self.cells.made(i)
            if row is not None:
                yield from (c.report_id for c in row if c is not None)
            elif placed is not None:
                yield from (r[0] for r in placed if r is not None)


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
    """Everything the grid shows for the period, read one query after another on this
    (worker) thread. The first-report aggregate used to run on a thread of its own
    beside the reports' read: measured on two cores, the two SQLite reads together took
    as long as one after the other and a third more CPU, so it has no thread now."""
    step = step or (lambda done, total: None)
    step(0, 4)
    facilities = [
        Facility(org_id, name or "", member_type or "", town or "")
        for org_id, name, member_type, town in eei.expected_facility_rows(
            store, incident_id=incident_id
        )
    ]
    elements = grid_elements(facilities)
    step(1, 4)
    with store.read() as s:
        rows = _read_plain(
            s,
            _GRID_COLUMNS,
            (
                m.EEIReport.incident_id == incident_id,
                m.EEIReport.period == period,
                m.EEIReport.deleted.is_(False),
            ),
        )
    step(2, 4)
    # The statuses take this period's status values from the rows just read, and read
    # only the earlier periods'. The status rows are picked first and their columns cut
    # with itemgetter: a generator making a tuple of each of 40,000 rows took ~7 ms,
    # this ~2 ms.
    statuses = [r for r in rows if r[_CODE] in _STATUS_CODES]
    data = GridData(
        incident_id,
        period,
        facilities,
        elements,
        dict(load_catalog().categories),
        eei.Timeliness(period, None, len(facilities)),
        status.facility_statuses_with(
            store,
            incident_id=incident_id,
            period=period,
            current=map(itemgetter(_ORG, _CODE, _VALUE, _REPORTED_AT), statuses),
        ),
    )
    step(3, 4)
    row_index = {f.id: i for i, f in enumerate(facilities)}
    col_index = {e.code: j for j, e in enumerate(elements)}
    k = len(elements)
    placed: list[list[Any] | None] = [None] * len(facilities)
    for r in rows:
        i, j = row_index.get(r[_ORG]), col_index.get(r[_CODE])
        if i is not None and j is not None:
            line = placed[i]
            if line is None:
                line = placed[i] = [None] * k
            line[j] = r
    data._maker = maker = _RowMaker(data, placed)
    data.cells, data.display, data.levels = maker.cells, maker.display, maker.levels
    # The first report counts for timeliness, not the latest update (from the history).
    first = eei.first_reports_of(
        store,
        incident_id=incident_id,
        period=period,
        current=map(itemgetter(0, _ORG, _REPORTED_AT), rows),
    )
    data.first_report = [first.get(f.id) for f in facilities]
    data.timeliness = timeliness_from(store, incident_id, period, facilities, first)
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
