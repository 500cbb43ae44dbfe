"""Spreadsheets in and out: CSV (any common delimiter, UTF-8 with or without BOM, else
Windows-1252) and XLSX (openpyxl, read-only), with size caps, as header + rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcc_desktop.core.errors import HccError

MAX_FILE = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL = 10_000


class TableRefused(HccError):
    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


@dataclass(frozen=True)
class Table:
    file: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line or row number in the file, cells)


def read_table(path: Path) -> Table:
    path = Path(path)
    label = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableRefused(label, f"cannot read the file ({exc.strerror})") from None
    if size > MAX_FILE:
        raise TableRefused(label, f"{size} bytes; at most {MAX_FILE // 2**20} MiB are read")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, label)
    return _read_csv(path.read_bytes(), label)


def _decode(data: bytes, label: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableRefused(label, "neither UTF-8 nor Windows-1252 text")


def _read_csv(data: bytes, label: str) -> Table:
    text = _decode(data, label)
    if not text.strip():
        raise TableRefused(label, "the file is empty")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise TableRefused(label, f"no header row ({exc})") from None
    headers = _headers(header, label)
    rows = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise TableRefused(label, f"more than {MAX_ROWS} rows")
            rows.append((reader.line_num, _row(headers, cells, label, reader.line_num)))
    except csv.Error as exc:
        raise TableRefused(label, f"line {reader.line_num}: {exc}") from None
    return Table(label, headers, rows)


def _read_xlsx(path: Path, label: str) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise TableRefused(label, f"not a readable XLSX workbook ({exc})") from None
    except Exception as exc:  # zipfile.BadZipFile and the like from inside openpyxl
        raise TableRefused(label, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            raise TableRefused(label, "the first sheet is empty")
        headers = _headers(["" if h is None else str(h) for h in header], label)
        rows = []
        for n, values in enumerate(it, start=2):
            cells = ["" if v is None else _cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise TableRefused(label, f"more than {MAX_ROWS} rows")
            rows.append((n, _row(headers, cells, label, n)))
        return Table(label, headers, rows)
    finally:
        wb.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _headers(header: Sequence[str], label: str) -> list[str]:
    headers = [h.strip() for h in header]
    if not any(headers):
        raise TableRefused(label, "the header row is empty")
    seen = set()
    for h in headers:
        if h and h.lower() in seen:
            raise TableRefused(label, f"column {h!r} appears twice in the header")
        seen.add(h.lower())
    return headers


def _row(headers: list[str], cells: Sequence[str], label: str, line: int) -> dict[str, str]:
    for c in cells:
        if len(c) > MAX_CELL:
            raise TableRefused(label, f"line {line}: a cell is longer than {MAX_CELL} characters")
    return {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(headers) if h}


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """CSV (UTF-8 with BOM, so spreadsheet programs read accents) or XLSX by suffix."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(list(headers))
        for row in rows:
            ws.append(["" if v is None else v for v in row])
            count += 1
        wb.save(tmp)
    else:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
                count += 1
    tmp.replace(path)
    return count
