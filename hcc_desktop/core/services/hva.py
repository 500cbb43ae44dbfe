"""Hazard vulnerability analysis in the Kaiser Permanente shape (docs: DOMAIN.md 1).

An assessment is a scope (the coalition or one region) and a year, draft or final; its
rows are hazards in four categories, each scored 0-3 for probability, human, property
and business impact, and preparedness, internal and external response (the last three
inverted: 1 = high, 3 = low or none). The relative risk is what the tool's spreadsheet
computes, (P/3) * (sum of the six others / 18), as a whole percentage, and is derived on
every read rather than stored, so a synced score change can never leave a stale risk.

Ids are natural keys (scope and year; assessment and hazard name), so two stations that
start the same year's analysis, or add the same hazard, make one record. A final
assessment is not edited: set it back to draft first, which the history records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import HVA_CATEGORIES, HVA_SCORES, HVA_STATUSES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise

MIN_YEAR, MAX_YEAR = 2000, 2100


# ------------------------------------------------------------------ the arithmetic


def relative_risk(scores: Mapping[str, int | None]) -> int:
    """The tool's RISK column in whole percent: (P/3) * (H+Pr+B+Prep+Int+Ext)/18,
    rounded half up as a spreadsheet does. P = 0 gives 0 whatever the rest."""
    p = int(scores.get("probability") or 0)
    severity = sum(int(scores.get(k) or 0) for k in HVA_SCORES[1:])
    numerator, denominator = 100 * p * severity, 3 * 18
    return (2 * numerator + denominator) // (2 * denominator)


def check_score(field: str, raw: Any) -> int:
    """A 0-3 score, or a refusal naming the column."""
    if isinstance(raw, bool):
        raise ValidationError(field, f"expected 0 to 3, got {raw!r}")
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        raise ValidationError(field, f"expected a whole number 0 to 3, got {raw!r}") from None
    if not 0 <= value <= 3:
        raise ValidationError(field, f"expected 0 (N/A) to 3, got {raw!r}")
    return value


# ------------------------------------------------------------------ ids


def assessment_id_for(region_id: str, year: int) -> str:
    return natural_id("hva", region_id, year)


def hazard_key(name: str) -> str:
    """What makes two hazard names the same hazard: case and spacing do not."""
    return " ".join(name.split()).casefold()


def hazard_id_for(assessment_id: str, name: str) -> str:
    return natural_id("hva-hazard", assessment_id, hazard_key(name))


def _year(raw: Any) -> int:
    try:
        year = int(str(raw).strip())
    except ValueError:
        raise ValidationError("year", f"expected a year like 2026, got {raw!r}") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError("year", f"expected {MIN_YEAR} to {MAX_YEAR}, got {raw!r}")
    return year


# ------------------------------------------------------------------ assessments


def create_assessment(
    store: Store,
    *,
    actor: Actor,
    region_id: str,
    year: int | str,
    title: str | None = None,
    notes: str | None = None,
    copy_from: str | None = None,
) -> str:
    """A draft analysis of a scope for a year; with `copy_from`, its hazards and scores
    are last year's as the starting point (scores are reviewed, not retyped)."""
    y = _year(year)
    with store.writing(operator=actor.label, summary=f"New HVA {y}") as w:
        region = get_live(w.session, m.Region, region_id, "scope")
        aid = assessment_id_for(region.id, y)
        existing = w.session.get(m.HvaAssessment, aid)
        if existing is not None and not existing.deleted:
            raise ValidationError("year", f"{region.name} has an HVA for {y} already")
        source = get_live(w.session, m.HvaAssessment, copy_from, "copy_from") if copy_from else None
        w.put(
            "hva_assessment",
            aid,
            {
                "scope": {"region_id": region.id, "year": y},
                "title": require_text("title", title or f"{region.name} HVA {y}", max_len=200),
                "notes": optional_text("notes", notes, max_len=10_000),
                "status": {"status": "draft", "status_by": actor.label,
                           "status_at": from_ms(store.wall())},
                "deleted": False,
            },
        )  # fmt: skip
        if source is not None:
            rows = w.session.scalars(
                select(m.HvaHazard).where(
                    m.HvaHazard.assessment_id == source.id, m.HvaHazard.deleted.is_(False)
                )
            )
            for h in rows:
                w.put("hva_hazard", hazard_id_for(aid, h.name or ""), _copy(aid, h))
    return aid


def _copy(assessment_id: str, h: m.HvaHazard) -> dict[str, Any]:
    return {
        "hazard": {"assessment_id": assessment_id, "name": h.name},
        "category": h.category,
        "scores": {k: getattr(h, k) for k in HVA_SCORES},
        "occurred": h.occurred,
        "notes": h.notes,
        "deleted": False,
    }


def set_status(
    store: Store, *, actor: Actor, assessment_id: str, status: str, at: str | None = None
) -> None:
    """Draft or final; who and when go with it."""
    new = require_choice("status", status, HVA_STATUSES)
    with store.writing(operator=actor.label, summary=f"HVA → {new}") as w:
        row = get_live(w.session, m.HvaAssessment, assessment_id, "assessment")
        if row.status != new:
            at_text = normalise("at", at) or from_ms(store.wall())
            w.put(
                "hva_assessment",
                row.id,
                {"status": {"status": new, "status_by": actor.label, "status_at": at_text}},
            )


def update_assessment(
    store: Store, *, actor: Actor, assessment_id: str, title: str | None = None,
    notes: str | None = None,
) -> None:  # fmt: skip
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = require_text("title", title, max_len=200)
    if notes is not None:
        values["notes"] = optional_text("notes", notes, max_len=10_000)
    with store.writing(operator=actor.label, summary="Edit HVA") as w:
        row = get_live(w.session, m.HvaAssessment, assessment_id, "assessment")
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changed:
            w.put("hva_assessment", row.id, changed)


def delete_assessment(store: Store, *, actor: Actor, assessment_id: str) -> None:
    with store.writing(operator=actor.label, summary="Delete HVA") as w:
        row = get_live(w.session, m.HvaAssessment, assessment_id, "assessment")
        w.put("hva_assessment", row.id, {"deleted": True})


def list_assessments(
    store: Store, *, region_id: str | None = None, year: int | None = None
) -> list[m.HvaAssessment]:
    """Newest year first, the coalition's before the regions' of the same year."""
    with store.read() as s:
        stmt = select(m.HvaAssessment).where(m.HvaAssessment.deleted.is_(False))
        if region_id:
            stmt = stmt.where(m.HvaAssessment.region_id == region_id)
        if year is not None:
            stmt = stmt.where(m.HvaAssessment.year == year)
        rows = list(s.scalars(stmt))
        kinds = {r.id: r.kind for r in s.scalars(select(m.Region))}
    return sorted(
        rows,
        key=lambda a: (-(a.year or 0), kinds.get(a.region_id or "") != "coalition", a.title or ""),
    )


# ------------------------------------------------------------------ hazards


def _editable(session: Any, assessment_id: str) -> m.HvaAssessment:
    row = get_live(session, m.HvaAssessment, assessment_id, "assessment")
    if row.status == "final":
        raise ValidationError(
            "assessment", f"{row.title} is final; set it back to draft to change it"
        )
    return row


def set_hazard(
    store: Store,
    *,
    actor: Actor,
    assessment_id: str,
    name: str,
    category: str | None = None,
    notes: str | None = None,
    occurred: bool | None = None,
    **scores: Any,
) -> str:
    """Add a hazard (its category is then required; unscored columns are 0 = N/A) or
    change what is given of an existing one. Returns the hazard's id."""
    unknown = set(scores) - set(HVA_SCORES)
    if unknown:
        raise ValidationError(sorted(unknown)[0], "not an HVA column")
    label = require_text("hazard", name, max_len=200)
    given = {k: check_score(k, v) for k, v in scores.items() if v is not None}
    cat = require_choice("category", category, HVA_CATEGORIES) if category is not None else None
    with store.writing(operator=actor.label, summary=f"HVA hazard {label}") as w:
        a = _editable(w.session, assessment_id)
        hid = hazard_id_for(a.id, label)
        row = w.session.get(m.HvaHazard, hid)
        values: dict[str, Any] = {}
        if row is None or row.deleted:
            if cat is None:
                raise ValidationError("category", "required for a new hazard")
            values["hazard"] = {"assessment_id": a.id, "name": label}
            values["scores"] = {k: given.get(k, 0) for k in HVA_SCORES}
            values["deleted"] = False
        else:
            merged = {k: given.get(k, getattr(row, k) or 0) for k in HVA_SCORES}
            if merged != {k: getattr(row, k) for k in HVA_SCORES}:
                values["scores"] = merged
        if cat is not None:
            values["category"] = cat
        if notes is not None:
            values["notes"] = optional_text("notes", notes, max_len=10_000)
        if occurred is not None:
            values["occurred"] = bool(occurred)
        if row is not None and not row.deleted:
            values = {k: v for k, v in values.items() if k == "scores" or getattr(row, k) != v}
        if values:
            w.put("hva_hazard", hid, values)
    return hid


def remove_hazard(store: Store, *, actor: Actor, assessment_id: str, name: str) -> None:
    with store.writing(operator=actor.label, summary=f"Remove HVA hazard {name}") as w:
        a = _editable(w.session, assessment_id)
        row = get_live(w.session, m.HvaHazard, hazard_id_for(a.id, name), "hazard")
        w.put("hva_hazard", row.id, {"deleted": True})


# ------------------------------------------------------------------ the ranked table


@dataclass(frozen=True)
class HazardRow:
    rank: int
    id: str
    name: str
    category: str
    scores: dict[str, int]
    risk: int
    occurred: bool
    notes: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "id": self.id, "name": self.name,
                "category": self.category, **self.scores, "risk": self.risk,
                "occurred": self.occurred, "notes": self.notes}  # fmt: skip


@dataclass(frozen=True)
class CategorySummary:
    """The tool's AVERAGE SCORE line of one sheet: each column's mean, and the relative
    threat those means give."""

    category: str
    hazards: int
    averages: dict[str, float]
    risk: int


def ranked(store: Store, *, assessment_id: str) -> list[HazardRow]:
    """The hazards, highest relative risk first (then probability, then name)."""
    with store.read() as s:
        get_live(s, m.HvaAssessment, assessment_id, "assessment")
        rows = list(
            s.scalars(
                select(m.HvaHazard).where(
                    m.HvaHazard.assessment_id == assessment_id, m.HvaHazard.deleted.is_(False)
                )
            )
        )
    scored = []
    for h in rows:
        scores = {k: int(getattr(h, k) or 0) for k in HVA_SCORES}
        scored.append((h, scores, relative_risk(scores)))
    scored.sort(key=lambda t: (-t[2], -t[1]["probability"], hazard_key(t[0].name or ""), t[0].id))
    return [
        HazardRow(i, h.id, h.name or "", h.category or "", scores, risk, bool(h.occurred), h.notes)
        for i, (h, scores, risk) in enumerate(scored, start=1)
    ]


def summarise(rows: list[HazardRow]) -> list[CategorySummary]:
    """One line per category that has hazards, in the tool's sheet order, then "all"."""
    out = []
    groups = [(c, [r for r in rows if r.category == c]) for c in HVA_CATEGORIES]
    groups.append(("all", rows))
    for category, mine in groups:
        if not mine:
            continue
        averages = {k: sum(r.scores[k] for r in mine) / len(mine) for k in HVA_SCORES}
        p = averages["probability"]
        severity = sum(averages[k] for k in HVA_SCORES[1:])
        risk = int((p / 3) * (severity / 18) * 100 + 0.5)
        out.append(CategorySummary(category, len(mine), averages, risk))
    return out
