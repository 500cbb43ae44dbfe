"""Writing from the EEI grid: a typed value, and a validation verdict on a selection.

A typed value is coerced by the catalog first, so a refusal names what was expected
before any write is tried; the service then checks again, with the cross-field rules
(available beds cannot exceed staffed ones). Either refusal leaves the store as it was.
Questioning or rejecting asks why, because the note goes back to the reporter.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QTableView, QWidget

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.models.eei_data import GridData
from hcc_desktop.gui.models.eei_model import EEIGridModel
from hcc_desktop.gui.operations import CollectionOp
from hcc_desktop.gui.panels.eei_selection import selected_report_ids, selected_seen


def commit_value(
    ctx: AppContext, grid: GridData, org_id: str, code: str, text: str, seen: str | None
) -> ValidationError | None:
    """Store one typed value for the grid's incident and period; the refusal, if any.
    `seen` is the values version the cell showed (None: empty): on an EOC server a value
    another seat saved meanwhile then becomes a conflict, as between two stations."""
    try:
        value = load_catalog().element(code).coerce(text)
    except ValidationError as exc:
        return exc
    refused: list[ValidationError] = []
    CollectionOp(
        None,
        lambda _p: eei.set_values(
            ctx.store,
            actor=ctx.actor,
            incident_id=grid.incident_id,
            organization_id=org_id,
            period=grid.period,
            values={code: value},
            seen={code: seen},
        ),
        title="EEI value refused",
    ).failure(refused.append, only=ValidationError).run_now()
    return refused[0] if refused else None


def validate_selection(
    parent: QWidget, ctx: AppContext, view: QTableView, model: EEIGridModel, state: str
) -> int | None:
    """Mark the selected reports; how many changed, or None when nothing was done."""
    ids = selected_report_ids(view, model)
    seen = selected_seen(view, model)
    if not ids:
        ctx.message.emit("Select reported EEI values (cells or whole rows) first")
        return None
    note = ""
    if state in ("questioned", "rejected"):
        verb = "question" if state == "questioned" else "reject"
        note, ok = QInputDialog.getText(
            parent,
            f"{verb.capitalize()} EEI values",
            f"Why do you {verb} these {len(ids)} value(s)? (sent to the reporter)",
        )
        if not ok:
            return None
    return CollectionOp(
        parent,
        lambda _p: eei.validate(
            ctx.store, actor=ctx.actor, report_ids=ids, state=state, note=note, seen=seen
        ),
        title="EEI validation",
    ).run_now()
