"""Spreadsheets out: every CSV/XLSX the program writes goes through `write_table`,
which makes every text cell inert for spreadsheet programs (`safe_cell`): a log entry
or member name that arrived by sync from any station must not become a live formula on
the workstation of whoever opens the export. Reading is table_read.py."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

#: `progress(done, total)`: done/total is the fraction finished (total 0: unknown).
Progress = Callable[[int, int], None]

XLSX_MAX_CELL = 32_767  # Excel's own limit on the characters in one cell
PROGRESS_EVERY = 2_000  # rows between progress reports

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a
#: formula (or a DDE call): OWASP's CSV-injection list, plus a line feed.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


# ---------------------------------------------------------------------- write


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet cell that no spreadsheet program will run.

    Numbers, booleans and dates stay typed values (a negative number is a number).
    Everything else becomes text, and text that begins like a formula (`=`, `+`,
    `-`, `@`, tab, CR, LF) gets a leading `'`, as OWASP's CSV-injection guidance
    says; text that is only a number ("-2", "+1.5") cannot be a formula and is left
    alone."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.isoformat()  # XLSX has no time zones; keep the offset as text
    if isinstance(value, (bool, int, float, Decimal, date, time)):
        return value
    text = value if isinstance(value, str) else str(value)
    if text[:1] in FORMULA_START and text[:1] and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_table(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    progress: Progress | None = None,
) -> int:
    """CSV (UTF-8 with BOM, so spreadsheet programs read accents) or XLSX by suffix,
    every cell through `safe_cell`; written beside the target and renamed over it,
    so a failed export never leaves half a file under the name asked for."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet()
            try:
                ws.append([_xlsx_cell(ws, h) for h in headers])
                for row in rows:
                    ws.append([_xlsx_cell(ws, v) for v in row])
                    count += 1
                    if progress is not None and count % PROGRESS_EVERY == 0:
                        progress(count, 0)
            except BaseException:
                ws.close()  # ends openpyxl's sheet writer instead of leaving it to the GC
                raise
            wb.save(tmp)
        else:
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([safe_cell(h) for h in headers])
                for row in rows:
                    writer.writerow([safe_cell(v) for v in row])
                    count += 1
                    if progress is not None and count % PROGRESS_EVERY == 0:
                        progress(count, 0)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _xlsx_cell(ws: Any, value: Any) -> Any:
    """Numbers and dates as typed cells; text as an explicit string cell (data type
    "s"), so openpyxl never stores it as a formula, without the control characters
    XLSX cannot hold and within Excel's cell limit."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = safe_cell(value)
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if len(text) > XLSX_MAX_CELL:
        text = text[: XLSX_MAX_CELL - 1] + "…"
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell
