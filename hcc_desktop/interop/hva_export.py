"""A hazard vulnerability analysis as a spreadsheet (XLSX, or CSV by suffix): the ranked
table in the columns of the Kaiser Permanente tool, then its average line per category,
for planners who keep working in the tool's own workbook. Hazard names and notes may have
arrived by sync from any station, so every cell goes through `write_table`, which never
writes a live formula."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hcc_desktop.core.enums import HVA_CATEGORIES, HVA_SCORES
from hcc_desktop.core.services import hva
from hcc_desktop.interop.tabular import write_table

HEADERS = (
    "Rank", "Event", "Category", "Probability", "Human impact", "Property impact",
    "Business impact", "Preparedness", "Internal response", "External response",
    "Relative risk (%)", "Happened before", "Notes",
)  # fmt: skip


def hva_rows(store: Any, assessment_id: str) -> list[list[Any]]:
    """The ranked hazards, a blank line, then the average score line of each category
    and of all hazards (what the tool's sheets end with)."""
    ranked = hva.ranked(store, assessment_id=assessment_id)
    rows: list[list[Any]] = [
        [r.rank, r.name, HVA_CATEGORIES.get(r.category, r.category),
         *(r.scores[k] for k in HVA_SCORES), r.risk, "yes" if r.occurred else "", r.notes]
        for r in ranked
    ]  # fmt: skip
    summary = hva.summarise(ranked)
    if summary:
        rows.append([None] * len(HEADERS))
    for line in summary:
        label = "All hazards" if line.category == "all" else HVA_CATEGORIES[line.category]
        rows.append(
            [None, f"Average score: {label}", f"{line.hazards} hazards",
             *(round(line.averages[k], 2) for k in HVA_SCORES), line.risk, None, None]
        )  # fmt: skip
    return rows


def export_hva(store: Any, assessment_id: str, out: Path) -> int:
    """Write the analysis to `out`; returns the number of lines written below the
    header."""
    return write_table(Path(out), HEADERS, hva_rows(store, assessment_id))
