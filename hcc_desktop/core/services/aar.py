"""After-action reports in the HSEEP AAR shape (DOMAIN.md 2.3): a summary, a rating
P/S/M/U per objective and capability, and strengths and areas for improvement (each
with its reference and analysis), for an exercise or an incident.

One report per exercise or incident: the id is derived from what it reviews, so two
stations that start the review make one record. A final report is not edited (set it
back to draft first, which the history records); its improvement plan
(`improvement.py`) is tracked after it is final. The evidence a review starts from is
read from the incident's own data by `evidence` (aar_evidence.py), re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import AAR_STATUSES, FINDING_KINDS, RATINGS
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id, uuid7
from hcc_desktop.core.services.aar_evidence import Evidence, evidence
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
)
from hcc_desktop.core.services.exercises import objective_id_for
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise

__all__ = ["Evidence", "evidence"]


def aar_id_for(*, exercise_id: str | None = None, incident_id: str | None = None) -> str:
    if exercise_id:
        return natural_id("aar", "exercise", exercise_id)
    return natural_id("aar", "incident", incident_id or "")


def rating_id_for(aar_id: str, objective_number: int | None, capability: str) -> str:
    return natural_id("aar-rating", aar_id, objective_number or 0, capability)


# ------------------------------------------------------------------ the report


def create_aar(
    store: Store,
    *,
    actor: Actor,
    exercise_id: str | None = None,
    incident_id: str | None = None,
    title: str | None = None,
    summary: str | None = None,
) -> str:
    """A draft report of an exercise (and the incident it ran as, if any) or of an
    incident (and the exercise it played, if any)."""
    if bool(exercise_id) == bool(incident_id):
        raise ValidationError("exercise", "name either an exercise or an incident")
    with store.writing(operator=actor.label, summary="New after-action report") as w:
        s = w.session
        if exercise_id:
            ex: m.Exercise | None = get_live(s, m.Exercise, exercise_id, "exercise")
            assert ex is not None
            inc = s.get(m.Incident, ex.incident_id) if ex.incident_id else None
            field, name = "exercise", ex.name
        else:
            inc = get_live(s, m.Incident, incident_id, "incident")
            ex = s.scalars(
                select(m.Exercise)
                .where(m.Exercise.incident_id == inc.id, m.Exercise.deleted.is_(False))
                .order_by(m.Exercise.id)
            ).first()
            field, name = "incident", inc.name
        live = inc.id if inc is not None and not inc.deleted else None
        subject = {"exercise_id": ex.id if ex else None, "incident_id": live}
        aid = aar_id_for(exercise_id=subject["exercise_id"], incident_id=subject["incident_id"])
        existing = s.get(m.Aar, aid)
        if existing is not None and not existing.deleted:
            raise ValidationError(field, f"{name} has an after-action report already")
        w.put("aar", aid, {
            "subject": subject,
            "title": require_text("title", title or f"{name} After-Action Report", max_len=200),
            "summary": optional_text("summary", summary, max_len=20_000),
            "status": {"status": "draft", "status_by": actor.label,
                       "status_at": from_ms(store.wall())},
            "deleted": False,
        })  # fmt: skip
    return aid


def update_aar(
    store: Store, *, actor: Actor, aar_id: str, title: str | None = None,
    summary: str | None = None,
) -> list[str]:  # fmt: skip
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = require_text("title", title, max_len=200)
    if summary is not None:
        values["summary"] = optional_text("summary", summary, max_len=20_000)
    with store.writing(operator=actor.label, summary="Edit after-action report") as w:
        row = _editable(w.session, aar_id)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changed:
            w.put("aar", row.id, changed)
    return sorted(changed)


def set_status(
    store: Store, *, actor: Actor, aar_id: str, status: str, at: str | None = None
) -> None:
    """Draft or final; who and when go with it."""
    new = require_choice("status", status, AAR_STATUSES)
    with store.writing(operator=actor.label, summary=f"AAR → {new}") as w:
        row = get_live(w.session, m.Aar, aar_id, "aar")
        if row.status != new:
            at_text = normalise("at", at) or from_ms(store.wall())
            value = {"status": new, "status_by": actor.label, "status_at": at_text}
            w.put("aar", row.id, {"status": value})


def delete_aar(store: Store, *, actor: Actor, aar_id: str) -> None:
    with store.writing(operator=actor.label, summary="Delete after-action report") as w:
        w.put("aar", _editable(w.session, aar_id).id, {"deleted": True})


def _editable(session: Session, aar_id: str) -> m.Aar:
    row = get_live(session, m.Aar, aar_id, "aar")
    if row.status == "final":
        raise ValidationError("aar", f"{row.title} is final; set it back to draft to change it")
    return row


def _placement(
    session: Session, row: m.Aar, capability: Any, objective: Any
) -> tuple[str, int | None]:
    """A capability ref and, for an exercise's report, optionally one of its objective
    numbers, whose mapping must cover it: the ref itself, the capability of a mapped
    ASPR objective, or an ASPR objective of a mapped capability."""
    ref = aspr.check_ref("capability", capability)
    if objective is None or str(objective).strip() in ("", "0"):
        return ref, None
    try:
        number = int(str(objective).strip())
    except ValueError:
        raise ValidationError(
            "objective", f"expected an objective number, got {objective!r}"
        ) from None
    o = session.get(m.ExerciseObjective, objective_id_for(row.exercise_id or "", number))
    if not row.exercise_id or o is None or o.deleted:
        raise ValidationError("objective", f"the exercise has no objective {number}")
    mapped = list(o.capabilities or [])
    fits = {*mapped, *(aspr.capability_of(c) for c in mapped)}
    if ref not in fits and aspr.capability_of(ref) not in mapped:
        raise ValidationError(
            "capability", f"objective {number} maps to {', '.join(mapped)}, not {ref}"
        )
    return ref, number


def rate(
    store: Store,
    *,
    actor: Actor,
    aar_id: str,
    capability: str,
    rating: str,
    objective: int | str | None = None,
    at: str | None = None,
) -> str:
    """Rate a capability (under an objective of the exercise, or alone); rating it again
    replaces the mark. Returns the rating's id."""
    mark = (rating or "").strip().upper()
    if mark not in RATINGS:
        raise ValidationError("rating", f"expected one of {', '.join(RATINGS)}; got {rating!r}")
    with store.writing(operator=actor.label, summary=f"AAR rating {capability} {mark}") as w:
        row = _editable(w.session, aar_id)
        ref, number = _placement(w.session, row, capability, objective)
        rid = rating_id_for(row.id, number, ref)
        current = w.session.get(m.AarRating, rid)
        value = {"rating": mark, "rated_by": actor.label,
                 "rated_at": normalise("at", at) or from_ms(store.wall())}  # fmt: skip
        if current is None or current.deleted:
            w.put("aar_rating", rid, {
                "key": {"aar_id": row.id, "objective_number": number, "capability": ref},
                "rating": value, "deleted": False,
            })  # fmt: skip
        elif current.rating != mark:
            w.put("aar_rating", rid, {"rating": value})
    return rid


# ------------------------------------------------------------------ findings


def _texts(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "text" in fields:
        out["text"] = require_text("text", fields["text"], max_len=10_000)
    for key in ("reference", "analysis"):
        if key in fields:
            out[key] = optional_text(key, fields[key], max_len=10_000)
            if out[key] and kind == "strength":
                raise ValidationError(key, "only an area for improvement has one")
    return out


def add_finding(
    store: Store,
    *,
    actor: Actor,
    aar_id: str,
    kind: str,
    text: str,
    capability: str,
    objective: int | str | None = None,
    reference: str | None = None,
    analysis: str | None = None,
    record_id: str | None = None,
) -> str:
    """A strength or an area for improvement (`kind`) under a capability and maybe an
    objective."""
    k = require_choice("kind", kind, FINDING_KINDS)
    values = _texts(k, {"text": text, "reference": reference, "analysis": analysis})
    with store.writing(operator=actor.label, summary=f"AAR {k}") as w:
        row = _editable(w.session, aar_id)
        ref, number = _placement(w.session, row, capability, objective)
        fid = record_id or uuid7(store.wall())
        if record_id and w.session.get(m.AarFinding, record_id) is not None:
            raise ValidationError("id", f"a finding with id {record_id} exists already")
        w.put("aar_finding", fid, {
            "placement": {"aar_id": row.id, "kind": k, "capability": ref,
                          "objective_number": number},
            **values, "deleted": False,
        }, new=record_id is None)  # fmt: skip
    return fid


def update_finding(store: Store, *, actor: Actor, finding_id: str, **fields: Any) -> list[str]:
    """Reword, give the reference or analysis, or move it (`capability`, `objective`)."""
    unknown = set(fields) - {"text", "reference", "analysis", "capability", "objective"}
    if unknown:
        raise ValidationError(sorted(unknown)[0], "not a finding field")
    with store.writing(operator=actor.label, summary="Edit AAR finding") as w:
        f = get_live(w.session, m.AarFinding, finding_id, "finding")
        row = _editable(w.session, f.aar_id or "")
        values = _texts(f.kind or "", fields)
        changed = {k: v for k, v in values.items() if getattr(f, k) != v}
        names = sorted(changed)
        if "capability" in fields or "objective" in fields:
            ref, number = _placement(
                w.session, row, fields.get("capability", f.capability),
                fields.get("objective", f.objective_number),
            )  # fmt: skip
            if (ref, number) != (f.capability, f.objective_number):
                changed["placement"] = {"aar_id": f.aar_id, "kind": f.kind, "capability": ref,
                                        "objective_number": number}  # fmt: skip
                names = sorted({*names, "capability", "objective"})
        if changed:
            w.put("aar_finding", f.id, changed)
    return names


def remove_finding(store: Store, *, actor: Actor, finding_id: str) -> None:
    with store.writing(operator=actor.label, summary="Remove AAR finding") as w:
        f = get_live(w.session, m.AarFinding, finding_id, "finding")
        _editable(w.session, f.aar_id or "")
        w.put("aar_finding", f.id, {"deleted": True})


# ------------------------------------------------------------------ reading


def list_aars(store: Store) -> list[m.Aar]:
    """Newest first (by when their status last changed)."""
    with store.read() as s:
        rows = list(s.scalars(select(m.Aar).where(m.Aar.deleted.is_(False))))
    return sorted(rows, key=lambda a: (a.status_at or "", a.id), reverse=True)


@dataclass(frozen=True)
class AarView:
    aar: m.Aar
    exercise: m.Exercise | None
    ratings: list[m.AarRating]
    findings: list[m.AarFinding]

    def as_dict(self) -> dict[str, Any]:
        a, ref = self.aar, aspr.load()
        return {
            "id": a.id, "title": a.title, "summary": a.summary, "status": a.status,
            "status_by": a.status_by, "status_at": a.status_at,
            "exercise_id": a.exercise_id, "exercise": self.exercise.name if self.exercise else None,
            "incident_id": a.incident_id,
            "ratings": [{"id": r.id, "objective": r.objective_number, "capability": r.capability,
                         "label": ref.label(r.capability or ""), "rating": r.rating,
                         "rated_by": r.rated_by, "rated_at": r.rated_at} for r in self.ratings],
            "findings": [{"id": f.id, "kind": f.kind, "objective": f.objective_number,
                          "capability": f.capability, "text": f.text, "reference": f.reference,
                          "analysis": f.analysis} for f in self.findings],
        }  # fmt: skip


def _order(objective: int | None, capability: str | None) -> tuple[int, tuple[int, ...]]:
    parts = tuple(int(p) for p in (capability or "0").split(".") if p.isdigit())
    return (objective or 999, parts)


def view(store: Store, *, aar_id: str) -> AarView:
    """The report with its rows in the template's order: by objective, then capability
    (capability-only rows last), strengths before areas for improvement."""
    with store.read() as s:
        a = get_live(s, m.Aar, aar_id, "aar")
        ex = s.get(m.Exercise, a.exercise_id) if a.exercise_id else None
        ratings = list(s.scalars(select(m.AarRating).where(
            m.AarRating.aar_id == a.id, m.AarRating.deleted.is_(False))))  # fmt: skip
        findings = list(s.scalars(select(m.AarFinding).where(
            m.AarFinding.aar_id == a.id, m.AarFinding.deleted.is_(False))))  # fmt: skip
    ratings.sort(key=lambda r: _order(r.objective_number, r.capability))
    findings.sort(key=lambda f: (*_order(f.objective_number, f.capability),
                                 f.kind != "strength", f.id))  # fmt: skip
    return AarView(a, ex if ex is not None and not ex.deleted else None, ratings, findings)
