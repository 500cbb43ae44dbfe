"""EEI reports: values per facility, element and operational period, and their
validation by the coalition.

A report's id is UUIDv5(incident, facility, element, period), so the same fact entered
at two stations is one record. Values and validation are separate merge units, and a
validation names the values version it looked at: when the values change afterwards,
the validation shows as stale instead of vouching for numbers nobody checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog, load_catalog
from hcc_desktop.core.enums import VALIDATION_STATES
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.pgsql import json_text
from hcc_desktop.core.services.common import Actor, get_live, optional_text, require_choice
from hcc_desktop.core.services.incidents import get_period
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise


def report_id(incident_id: str, organization_id: str, element: str, period: int) -> str:
    return natural_id("eei", incident_id, organization_id, element, period)


@dataclass(frozen=True)
class FacilityReport:
    """One facility's values for one period, as a reporter hands them in."""

    organization_id: str
    period: int
    values: Mapping[str, Any]
    comment: str | None = None
    reported_at: str | None = None
    reporter: str | None = None
    source: str | None = None
    #: Element code → the values version the person entering saw for it (None: the
    #: cell was empty). An entry made from a view another seat has since changed is
    #: recorded as a concurrent edit, a conflict like one between two stations.
    #: Elements not named are written over whatever is current.
    seen: Mapping[str, str | None] | None = None


def set_values(
    store: Store,
    *,
    actor: Actor,
    incident_id: str,
    organization_id: str,
    period: int,
    values: Mapping[str, Any],
    comment: str | None = None,
    reported_at: str | None = None,
    source: str | None = None,
    seen: Mapping[str, str | None] | None = None,
) -> list[str]:
    """One facility's values; `seen` as in `FacilityReport`."""
    report = FacilityReport(
        organization_id, period, values, comment, reported_at, None, source, seen
    )
    return submit_reports(store, actor=actor, incident_id=incident_id, reports=[report])


def submit_reports(
    store: Store, *, actor: Actor, incident_id: str, reports: Iterable[FacilityReport]
) -> list[str]:
    """Record many facilities' values in one transaction; every value is checked
    against the catalog and the cross-field rules before anything is written."""
    cat = load_catalog()
    batch = list(reports)
    ids: list[str] = []
    now = from_ms(store.wall())
    with store.writing(operator=actor.label, summary=f"EEI values ({len(batch)} reports)") as w:
        inc = get_live(w.session, m.Incident, incident_id, "incident")
        orgs: dict[str, m.Organization] = {}
        periods: set[int] = set()
        pending: list[tuple[str, dict[str, Any]]] = []
        shown: dict[str, str | None] = {}  # report id → values version seen
        # Rules hold over what the facility will show after this batch, so earlier
        # reports in the same batch count as much as stored ones.
        batch_values: dict[tuple[str, int], dict[str, Any]] = {}
        for r in batch:
            org = orgs.get(r.organization_id)
            if org is None:
                org = get_live(w.session, m.Organization, r.organization_id, "facility")
                orgs[org.id] = org
            if r.period not in periods:
                get_period(w.session, inc.id, r.period)
                periods.add(r.period)
            if not r.values:
                raise ValidationError("values", "no EEI values given")
            coerced = {}
            for code, raw in r.values.items():
                el = cat.element(code)
                if el.reported_by and org.member_type not in el.reported_by:
                    raise ValidationError(
                        "element",
                        f"{code} is not reported by {org.member_type} members ({org.name})",
                    )
                coerced[code] = el.coerce(raw)
            slot = (org.id, r.period)
            if slot not in batch_values:
                batch_values[slot] = _current_values(w.session, inc.id, org.id, r.period)
            batch_values[slot].update(coerced)
            cat.check_rules(batch_values[slot])
            reported_at = normalise("reported_at", r.reported_at) or now
            for code, value in coerced.items():
                rid = report_id(inc.id, org.id, code, r.period)
                body = {
                    "value": value,
                    "comment": optional_text("comment", r.comment, max_len=2000),
                    "reporter": r.reporter or actor.label,
                    "reported_at": reported_at,
                    "source": optional_text("source", r.source),
                }
                pending.append((rid, body))
                ids.append(rid)
                if r.seen is not None and code in r.seen:
                    shown[rid] = r.seen[code]
                keys = {
                    "incident_id": inc.id,
                    "organization_id": org.id,
                    "element_code": code,
                    "period": r.period,
                }
                pending.append((rid, {"__key__": keys}))
        rids = [rid for rid, _ in pending]
        w.prefetch("eei_report", rids)
        current = _current_rows(w.session, rids)
        revived: set[str] = set()
        for rid, body in pending:
            row = current.get(rid)
            if "__key__" in body:
                if w.winner("eei_report", rid, "key") is None:
                    w.put("eei_report", rid, {"key": body["__key__"], "deleted": False})
                elif row is not None and row.deleted and rid not in revived:
                    if shown.get(rid) is not None:
                        # The operator was shown this report live; another seat has
                        # retracted it since. Saving over it would quietly undo that
                        # retraction (two stations' edits would leave it retracted).
                        raise ValidationError(
                            f"value of {body['__key__']['element_code']}",
                            "the report was retracted at another seat after your view "
                            "was read; enter the value again to report it anew",
                        )
                    # The report was retracted (or its first entry undone): new values
                    # bring it back, or they would be stored where no grid shows them.
                    w.put("eei_report", rid, {"deleted": False})
                    revived.add(rid)
                continue
            if row is not None and not row.deleted and _same_values(row, body):
                continue  # the same report again (a re-import): nothing new to record
            based_on = None
            if rid in shown and not (shown[rid] is None and row is not None and row.deleted):
                # (An empty cell over a retracted report saw that retraction, not "no
                # value ever": the retracted values are not a concurrent edit.)
                based_on = {"values": shown[rid]}
            w.put("eei_report", rid, {"values": body}, based_on=based_on)
    return ids


_VALUE_FIELDS = ("value", "comment", "reporter", "reported_at", "source")


def _same_values(row: m.EEIReport, body: Mapping[str, Any]) -> bool:
    return all(getattr(row, f) == body.get(f) for f in _VALUE_FIELDS)


def _current_rows(session: Any, rids: list[str]) -> dict[str, m.EEIReport]:
    found: dict[str, m.EEIReport] = {}
    unique = list(dict.fromkeys(rids))
    for i in range(0, len(unique), 400):
        stmt = select(m.EEIReport).where(m.EEIReport.id.in_(unique[i : i + 400]))
        found.update({r.id: r for r in session.scalars(stmt)})
    return found


def _current_values(session: Any, incident_id: str, org_id: str, period: int) -> dict[str, Any]:
    rows = session.execute(
        select(m.EEIReport.element_code, m.EEIReport.value).where(
            m.EEIReport.incident_id == incident_id,
            m.EEIReport.organization_id == org_id,
            m.EEIReport.period == period,
            m.EEIReport.deleted.is_(False),
        )
    )
    return {code: value for code, value in rows}


def validate(
    store: Store,
    *,
    actor: Actor,
    report_ids: Iterable[str],
    state: str,
    note: str = "",
    at: str | None = None,
    seen: Mapping[str, str | None] | None = None,
) -> int:
    """Mark reports validated, questioned or rejected (or back to reported). The
    validation names the values version it saw: `seen` (report id → the values version
    the operator was shown, as the grid loaded it), else the current one. On an EOC
    server another seat may have changed the values since the grid read them; the
    validation then stands for what was seen, and the report shows as "stale" (the new
    values are not validated by it). Returns how many changed."""
    new_state = require_choice("state", state, VALIDATION_STATES)
    ids = list(dict.fromkeys(report_ids))
    if not ids:
        raise ValidationError("report", "no EEI report given")
    if new_state in ("questioned", "rejected") and not note.strip():
        raise ValidationError("note", f"say why the value is {new_state}")
    changed = 0
    when = normalise("at", at) or from_ms(store.wall())
    with store.writing(operator=actor.label, summary=f"EEI {new_state}") as w:
        rows = _current_rows(w.session, ids)
        w.prefetch("eei_report", ids)
        shown = _seen_values(w.session, ids, seen or {})
        for rid in ids:
            rep = rows.get(rid)
            if rep is None or rep.deleted:
                raise NotFoundError("report", f"unknown EEI report {rid!r}")
            version = shown.get(rid, rep.values_version)
            if rep.validation_state == new_state and rep.validated_version == version:
                continue
            w.put(
                "eei_report",
                rep.id,
                {
                    "validation": {
                        "validation_state": new_state,
                        "validated_by": actor.label,
                        "validated_at": when,
                        "validation_note": optional_text("note", note, max_len=2000),
                        "validated_version": version,
                    }
                },
            )
            changed += 1
    return changed


def _seen_values(
    session: Session, ids: list[str], seen: Mapping[str, str | None]
) -> dict[str, str | None]:
    """The values versions the operator saw, each checked to be a version of that
    report's values (a stray id would validate nothing that ever existed)."""
    given = set(ids)
    wanted = {rid: v for rid, v in seen.items() if rid in given and v is not None}
    if not wanted:
        return {}
    versions = sorted(set(wanted.values()))
    found: set[tuple[str, str]] = set()
    for i in range(0, len(versions), 400):  # SQLite caps the parameters of one query
        found.update(
            (r[0], r[1])
            for r in session.execute(
                select(m.Version.record_id, m.Version.id).where(
                    m.Version.entity == "eei_report",
                    m.Version.unit == "values",
                    m.Version.id.in_(versions[i : i + 400]),
                )
            )
        )
    for rid, version in wanted.items():
        if (rid, version) not in found:
            raise ValidationError("seen", f"{version!r} is not a values version of report {rid}")
    return dict(wanted)


def find_report(
    store: Store, *, incident_id: str, organization_id: str, element: str, period: int
) -> m.EEIReport:
    with store.read() as s:
        rid = report_id(incident_id, organization_id, element, period)
        return get_live(s, m.EEIReport, rid, "report")


def effective_state(rep: m.EEIReport) -> str:
    """What the grid shows: a validation of older values does not count."""
    state = rep.validation_state or "reported"
    if state != "reported" and rep.validated_version != rep.values_version:
        return "stale"
    return state


# --------------------------------------------------------------------- reading


def reporting_types(cat: Catalog | None = None) -> tuple[str, ...]:
    """Member types expected to report: those that report facility status."""
    cat = cat or load_catalog()
    el = cat.elements.get("FACILITY_STATUS")
    return el.reported_by if el else ("hospital",)


#: Membership statuses of organizations that are not (or no longer) members.
NOT_MEMBERS = ("prospective", "lapsed")


def expected_facilities(store: Store, *, incident_id: str) -> list[m.Organization]:
    """Members that owe EEIs for this incident (its regions, reporting member types).
    A prospective member has not joined yet and a lapsed one has left: neither owes
    reports, so neither counts as missing."""
    with store.read() as s:
        return list(s.scalars(_expected(s, incident_id, m.Organization)))


def expected_facility_rows(store: Store, *, incident_id: str) -> list[Any]:
    """`expected_facilities` as (id, name, member_type, town) rows, in the same order:
    the EEI grid lists a thousand members and needs no ORM object for any of them."""
    columns = (
        m.Organization.id,
        m.Organization.name,
        m.Organization.member_type,
        m.Organization.town,
    )
    with store.read() as s:
        return list(s.connection().execute(_expected(s, incident_id, *columns)).all())


def _expected(session: Session, incident_id: str, *columns: Any) -> Select[Any]:
    inc = get_live(session, m.Incident, incident_id, "incident")
    stmt = select(*columns).where(
        m.Organization.deleted.is_(False),
        m.Organization.member_type.in_(reporting_types()),
        m.Organization.membership.is_(None) | m.Organization.membership.not_in(NOT_MEMBERS),
    )
    if inc.region_ids:
        stmt = stmt.where(m.Organization.region_id.in_(inc.region_ids))
    return stmt.order_by(m.Organization.name)


def reports_for_period(store: Store, *, incident_id: str, period: int) -> list[m.EEIReport]:
    with store.read() as s:
        stmt = select(m.EEIReport).where(
            m.EEIReport.incident_id == incident_id,
            m.EEIReport.period == period,
            m.EEIReport.deleted.is_(False),
        )
        return list(s.scalars(stmt))


def grid(store: Store, *, incident_id: str, period: int) -> dict[str, dict[str, m.EEIReport]]:
    """facility id → element code → report, for one period."""
    out: dict[str, dict[str, m.EEIReport]] = defaultdict(dict)
    for rep in reports_for_period(store, incident_id=incident_id, period=period):
        if rep.organization_id and rep.element_code:
            out[rep.organization_id][rep.element_code] = rep
    return out


@dataclass
class Timeliness:
    period: int
    due_at: str | None
    expected: int
    on_time: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def share_on_time(self) -> float:
        return len(self.on_time) / self.expected if self.expected else 0.0


def timeliness(store: Store, *, incident_id: str, period: int) -> Timeliness:
    """Which expected facilities reported by the period's due time (the HPP measure of
    EEI timeliness): a facility is on time when its first report came by the due time."""
    with store.read() as s:
        p = get_period(s, incident_id, period)
    expected = expected_facilities(store, incident_id=incident_id)
    first = first_reports(store, incident_id=incident_id, period=period)
    result = Timeliness(period, p.eei_due_at, len(expected))
    for org in expected:
        at = first.get(org.id)
        if at is None:
            result.missing.append(org.id)
        elif p.eei_due_at is None or at <= p.eei_due_at:
            result.on_time.append(org.id)
        else:
            result.late.append(org.id)
    return result


def first_reports(store: Store, *, incident_id: str, period: int) -> dict[str, str]:
    """facility → time of its first report in the period. Later updates overwrite a
    report's current time, so the first is read from the version history — as one
    aggregate in the database, since a period of a large coalition has tens of
    thousands of report versions and decoding each in Python made the grid crawl.

    Most reports have a single values version, and the report's row then holds that
    version's time already (the row is its winner's projection): only reports with
    more (or no) versions have their history's JSON read. Counting a report's versions
    is a look-up in the covering (entity, record_id, unit) index; reading each
    version's JSON was most of the grid's load."""
    versions, earliest = _history()
    first = case((versions == 1, m.EEIReport.reported_at), else_=earliest)
    stmt = (
        select(m.EEIReport.organization_id, func.min(first))
        .where(
            m.EEIReport.incident_id == incident_id,
            m.EEIReport.period == period,
            m.EEIReport.deleted.is_(False),
            m.EEIReport.organization_id.is_not(None),
        )
        .group_by(m.EEIReport.organization_id)
    )
    with store.read() as s:
        return {org: at for org, at in s.execute(stmt) if at}


def first_reports_of(
    store: Store,
    *,
    incident_id: str,
    period: int,
    current: Iterable[tuple[str, str | None, str | None]],
) -> dict[str, str]:
    """`first_reports`, for a reader that holds the period's live reports already, as
    (report id, facility, reported_at): the same rule, but only the reports with other
    than one values version are read again (their history's earliest time), and the
    aggregate per facility is made here. The EEI grid reads every report anyway; this
    spares it a second pass over them in SQL."""
    versions, earliest = _history()
    stmt = select(m.EEIReport.id, m.EEIReport.organization_id, earliest).where(
        m.EEIReport.incident_id == incident_id,
        m.EEIReport.period == period,
        m.EEIReport.deleted.is_(False),
        m.EEIReport.organization_id.is_not(None),
        versions != 1,
    )
    with store.read() as s:
        changed = {rid: (org, at) for rid, org, at in s.execute(stmt)}
    first: dict[str, str] = {}
    for rid, org, at in current:
        if rid in changed or org is None or at is None:
            continue
        if org not in first or at < first[org]:
            first[org] = at
    for org, at in changed.values():
        if at is not None and (org not in first or at < first[org]):
            first[org] = at
    return {org: at for org, at in first.items() if at}


def _history() -> tuple[Any, Any]:
    """Per report (correlated): how many values versions it has, and the earliest time
    they carry (decoding their JSON)."""
    history = (
        m.Version.entity == "eei_report",
        m.Version.record_id == m.EEIReport.id,
        m.Version.unit == "values",
    )
    versions = select(func.count()).where(*history).scalar_subquery()
    earliest = (
        select(func.min(json_text(m.Version.value, "reported_at")))
        .where(*history)
        .scalar_subquery()
    )
    return versions, earliest
