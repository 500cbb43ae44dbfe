"""CLI commands for essential elements of information: record values, validate them,
and show the facility-by-element grid with the timeliness a coalition is judged by."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from hcc_desktop.cli.context import (
    Context,
    UsageError,
    emit,
    incident_label,
    incident_of,
    org_names,
    period_number,
    resolve_org,
    resolve_ref,
)
from hcc_desktop.cli.fmt import (
    STATE_LEGEND,
    eei_cell_dict,
    element_dict,
    grid_cell,
    grid_header,
    one_line,
    show_time,
    table,
    tail,
    to_json,
    user_time,
)
from hcc_desktop.cli.registry import Commands, incident_option, positive
from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog, load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, incidents, organizations

#: What a coalition looks at first, as on the state's hospital status board.
GRID_DEFAULT = (
    "FACILITY_STATUS",
    "EMS_TRAFFIC_STATUS",
    "BEDS_ADULT_ICU_AVAILABLE",
    "BEDS_MEDICAL_SURGICAL_AVAILABLE",
    "BEDS_TOTAL_AVAILABLE",
    "POWER_SOURCE",
    "GENERATOR_FUEL_HOURS",
    "STAFFING_STATUS",
)


def parse_pairs(items: Iterable[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep or not code.strip():
            raise ValidationError("values", f"expected CODE=VALUE, got {item!r}")
        values[code.strip().upper()] = value.strip()
    return values


def grid_codes(cat: Catalog, spec: str | None, reported: Iterable[str]) -> list[str]:
    if not spec:
        return list(GRID_DEFAULT)
    if spec.strip().lower() == "all":
        seen = set(reported)
        return [code for code in cat.elements if code in seen]
    return [cat.element(c.strip().upper()).code for c in spec.split(",") if c.strip()]


def cmd_eei_set(ctx: Context, args: argparse.Namespace) -> int:
    values = parse_pairs(args.values)
    inc = incident_of(ctx, args)
    org = resolve_org(ctx.store, args.org, "org")
    ids = eei.set_values(
        ctx.store,
        actor=ctx.actor,
        incident_id=inc.id,
        organization_id=org.id,
        period=args.period,
        values=values,
        comment=args.comment,
        reported_at=user_time(args.at),
    )
    emit(
        f"Recorded {len(ids)} EEI values for {org.name} in {incident_label(inc)}, "
        f"period {args.period}"
    )
    return 0


def cmd_eei_validate(ctx: Context, args: argparse.Namespace) -> int:
    if bool(args.report) == bool(args.org):
        raise UsageError("give --report ID, or --org ORG with --period N")
    if args.org and args.period is None:
        raise UsageError("--org needs --period N")
    if args.report and (args.period is not None or args.element):
        raise UsageError("--period and --element go with --org, not with --report")
    where = ""
    if args.report:
        ids = [resolve_ref(ctx.store, m.EEIReport, ref, "report").id for ref in args.report]
    else:
        inc = incident_of(ctx, args)
        where = f" in {incident_label(inc)}"
        org = resolve_org(ctx.store, args.org, "org")
        code = load_catalog().element(args.element.strip().upper()).code if args.element else None
        reps = eei.reports_for_period(ctx.store, incident_id=inc.id, period=args.period)
        ids = [
            r.id
            for r in reps
            if r.organization_id == org.id and (code is None or r.element_code == code)
        ]
        if not ids:
            what = f" for {code}" if code else ""
            raise ValidationError(
                "report", f"no EEI reports from {org.name} in period {args.period}{what}"
            )
    changed = eei.validate(
        ctx.store, actor=ctx.actor, report_ids=ids, state=args.state, note=args.note or ""
    )
    emit(f"{changed} of {len(ids)} EEI reports{where} marked {args.state.strip().lower()}")
    return 0


def cmd_eei_grid(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    inc = incident_of(ctx, args)
    n = period_number(ctx, inc, args.period)
    cat = load_catalog()
    cells = eei.grid(store, incident_id=inc.id, period=n)
    codes = grid_codes(cat, args.elements, {c for row in cells.values() for c in row})
    tl = eei.timeliness(store, incident_id=inc.id, period=n)
    status = {i: "on time" for i in tl.on_time} | {i: "late" for i in tl.late}
    status |= {i: "missing" for i in tl.missing}
    all_orgs = {o.id: o for o in organizations.list_organizations(store)}
    facilities = [o.id for o in eei.expected_facilities(store, incident_id=inc.id)]
    extra = sorted(
        (i for i in cells if i not in status),
        key=lambda i: all_orgs[i].name or "" if i in all_orgs else i,
    )
    facilities += extra
    if args.json:
        emit(
            to_json(
                [
                    eei_cell_dict(
                        rep, all_orgs.get(fid), n, eei.effective_state(rep), status.get(fid)
                    )
                    for fid in facilities
                    for code in codes
                    if (rep := cells.get(fid, {}).get(code)) is not None
                ]
            )
        )
        return 0
    rows = []
    for fid in facilities:
        org = all_orgs.get(fid)
        row: list[Any] = [tail(fid), one_line(org.name if org else fid, 40)]
        for code in codes:
            rep = cells.get(fid, {}).get(code)
            vt = cat.elements[code].value_type if code in cat.elements else None
            row.append(grid_cell(rep.value, vt, eei.effective_state(rep)) if rep else "-")
        row.append(status.get(fid, ""))
        rows.append(row)
    with store.read() as s:
        p = incidents.get_period(s, inc.id, n)
    emit(
        f"{inc.name}: period {n}, {show_time(p.starts_at)} to {show_time(p.ends_at)}; "
        f"EEIs due {show_time(p.eei_due_at)}"
    )
    emit(table(("ID", "FACILITY", *(grid_header(c) for c in codes), "REPORTED"), rows))
    emit(STATE_LEGEND)
    emit(timeliness_line(tl))
    return 0


def timeliness_line(tl: eei.Timeliness) -> str:
    return (
        f"Timeliness, period {tl.period}: {len(tl.on_time)} on time, {len(tl.late)} late, "
        f"{len(tl.missing)} missing of {tl.expected} expected; "
        f"{tl.share_on_time:.0%} reported on time"
    )


def cmd_eei_elements(ctx: Context, args: argparse.Namespace) -> int:
    cat = load_catalog()
    if args.json:
        emit(to_json([element_dict(el) for el in cat.elements.values()]))
        return 0
    rows = [
        (el.code, el.value_type, el.unit or "", el.describe_expected(), el.label)
        for el in cat.elements.values()
    ]
    emit(table(("CODE", "TYPE", "UNIT", "EXPECTED", "LABEL"), rows))
    emit(f"{len(rows)} elements (catalog version {cat.version})")
    return 0


def cmd_eei_timeliness(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    inc = incident_of(ctx, args)
    n = period_number(ctx, inc, args.period)
    tl = eei.timeliness(store, incident_id=inc.id, period=n)
    names = org_names(store)
    per = (
        [(i, "on time") for i in tl.on_time]
        + [(i, "late") for i in tl.late]
        + [(i, "missing") for i in tl.missing]
    )
    per.sort(key=lambda x: names.get(x[0], ""))
    if args.json:
        emit(
            to_json(
                {
                    "incident_id": inc.id,
                    "period": n,
                    "due_at": tl.due_at,
                    "expected": tl.expected,
                    "on_time": len(tl.on_time),
                    "late": len(tl.late),
                    "missing": len(tl.missing),
                    "share_on_time": round(tl.share_on_time, 4),
                    "facilities": [
                        {"id": i, "name": names.get(i), "timeliness": st} for i, st in per
                    ],
                }
            )
        )
        return 0
    emit(f"{inc.name}: period {n}, EEIs due {show_time(tl.due_at)}")
    emit(table(("ID", "FACILITY", "REPORTED"), [(tail(i), names.get(i, ""), st) for i, st in per]))
    emit(timeliness_line(tl))
    return 0


def register(cmds: Commands) -> None:
    """`eei ...`."""
    ee = cmds.group("eei", "essential elements of information")
    p = ee.command("set", cmd_eei_set, "record a facility's EEI values for a period")
    p.add_argument("--org", metavar="ORG", required=True, help="the facility")
    p.add_argument("--period", metavar="N", type=positive, required=True)
    p.add_argument("values", metavar="CODE=VALUE", nargs="+")
    incident_option(p)
    p.add_argument("--comment", metavar="TEXT")
    p.add_argument("--at", metavar="TIME", help="when reported (default: now)")
    p = ee.command("validate", cmd_eei_validate, "validate, question or reject reports")
    p.add_argument("--report", metavar="ID", nargs="+", action="extend", help="report ids")
    p.add_argument("--org", metavar="ORG", help="all of this facility's reports in --period")
    p.add_argument("--period", metavar="N", type=positive)
    p.add_argument("--element", metavar="CODE", help="only this element (with --org)")
    p.add_argument(
        "--state",
        metavar="S",
        default="validated",
        help="validated, questioned, rejected, reported",
    )
    p.add_argument("--note", metavar="TEXT", help="required when questioning or rejecting")
    incident_option(p)
    p = ee.command("grid", cmd_eei_grid, "facilities x elements for a period", json=True)
    incident_option(p)
    p.add_argument("--period", metavar="N", type=positive, help="default: the current one")
    p.add_argument(
        "--elements",
        metavar="CODE,...",
        help="columns (default: headline elements; 'all': every reported one)",
    )
    ee.command("elements", cmd_eei_elements, "the EEI catalog", json=True)
    p = ee.command("timeliness", cmd_eei_timeliness, "on time, late, missing", json=True)
    incident_option(p)
    p.add_argument("--period", metavar="N", type=positive, help="default: the current one")
