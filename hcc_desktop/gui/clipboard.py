"""Text the GUI puts on the clipboard, made safe to paste into a spreadsheet.

Operators paste the EEI grid and log entries into Excel, LibreOffice or Google Sheets.
A spreadsheet reads pasted plain text as a table (a tab starts a cell, a line break a
row) and runs any cell that begins like a formula, so a facility's comment
"=HYPERLINK(...)" copied from the grid would become a live formula on the operator's
machine. Each cell therefore goes through the same guard as every CSV/XLSX export
(`interop.tabular.safe_cell`: a leading `'` before `=`, `+`, `-`, `@` and the like,
numbers left alone).
"""

from __future__ import annotations

from collections.abc import Iterable

from hcc_desktop.interop.tabular import safe_cell


def cell_text(value: object) -> str:
    """One cell of tab-separated text: guarded, and with its own tabs and line
    breaks turned into spaces (they would split it into further cells or rows)."""
    text = str(safe_cell(value))
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def table_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows of cells as tab-separated lines, each line ended by a line break."""
    return "".join("\t".join(cell_text(v) for v in row) + "\n" for row in rows)


def entry_text(text: str) -> str:
    """Free text (a log entry) that keeps its line breaks for pasting into an e-mail.
    In a spreadsheet each line becomes a cell of its own, so each line is guarded."""
    return "\n".join(cell_text(line) for line in text.splitlines())
