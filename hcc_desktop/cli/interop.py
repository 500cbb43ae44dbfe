"""CLI commands for standards in and out: CAP alerts (`import-cap`, `export-cap`,
`alerts list`), EDXL-HAVE, EDXL-RM resource messages (`import-rm`, `export-rm`) and
spreadsheets."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hcc_desktop.cli.context import (
    Context,
    emit,
    incident_label,
    incident_label_for,
    incident_of,
    out_file,
    resolve_request,
)
from hcc_desktop.cli.fmt import short, show_time, table, tail, to_json
from hcc_desktop.cli.registry import Commands
from hcc_desktop.core.services import alerts
from hcc_desktop.interop.cap_export import Advisory, export_cap
from hcc_desktop.interop.cap_import import import_cap
from hcc_desktop.interop.eei_import import commit_eei, preview_eei
from hcc_desktop.interop.have_export import export_have
from hcc_desktop.interop.have_import import commit_have, preview_have
from hcc_desktop.interop.have_match import HOW_MAPPED, HOW_NEW, NEW, HavePreview, find_hospital
from hcc_desktop.interop.members_import import commit_members, preview_members, read_mapping_file
from hcc_desktop.interop.rm_export import export_rm
from hcc_desktop.interop.rm_import import RmPreview, commit_rm, preview_rm
from hcc_desktop.interop.table_export import KINDS, export_table


def cmd_import_cap(ctx: Context, args: argparse.Namespace) -> int:
    result = import_cap(
        ctx.store,
        Path(args.file),
        actor=ctx.actor,
        incident_id=args.incident,
        new_incident=args.new_incident,
    )
    where = incident_label_for(ctx.store, result.incident_id)
    if result.created_incident:
        emit(f"Opened incident {where} from the alert (now the current incident)")
        fp = result.first_period
        if fp is not None:
            emit(
                f"  operational period {fp.number}: {show_time(fp.starts_at)} to "
                f"{show_time(fp.ends_at)} ({fp.basis})"
            )
    for item in result.alerts:
        a, o = item.alert, item.outcome
        head = a.infos[0].headline or a.infos[0].event if a.infos else a.identifier
        state = "already imported" if o.duplicate else "imported"
        emit(f"{state}: {a.msg_type} {a.status} — {head} ({a.sender}, {a.sent})")
        for ref in o.references_unknown:
            emit(f"  references an alert not received here: {ref}")
        if item.members_inside:
            emit(f"  members in the area: {', '.join(item.members_inside)}")
    for warning in result.warnings:
        emit(f"note: {warning}")
    emit(f"{result.new} new, {result.duplicates} already known, from {args.file}, in {where}")
    return 0


def cmd_export_cap(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    circles = []
    for raw in args.circle or ():
        try:
            centre, km = raw.split()
            lat, lon = centre.split(",")
            circles.append((float(lat), float(lon), float(km)))
        except ValueError:
            from hcc_desktop.core.errors import ValidationError

            raise ValidationError("circle", f"expected 'lat,lon km', got {raw!r}") from None
    adv = Advisory(
        headline=args.headline,
        description=args.description,
        event=args.event,
        instruction=args.instruction or "",
        area=args.area,
        urgency=args.urgency,
        severity=args.severity,
        certainty=args.certainty,
        category=args.category,
        status=args.status,
        msg_type=args.msg_type,
        scope=args.scope,
        restriction=args.restriction or "",
        expires=args.expires,
        references=args.references or [],
        circles=circles,
        contact=args.contact or "",
    )
    ident = export_cap(ctx.store, out, adv, actor=ctx.actor, incident_id=args.incident)
    emit(f"Wrote CAP 1.2 {adv.msg_type.lower()} {ident} to {args.out}")
    return 0


def cmd_alerts_list(ctx: Context, args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = []
    for a in alerts.list_alerts(ctx.store, incident_id=args.incident):
        info = (a.infos or [{}])[0]
        rows.append(
            {
                "id": a.id,
                "direction": a.direction,
                "identifier": a.identifier,
                "sender": a.sender,
                "sent": a.sent,
                "status": a.status,
                "msg_type": a.msg_type,
                "event": info.get("event"),
                "headline": info.get("headline"),
                "received_at": a.received_at,
                "incident_id": a.incident_id,
            }
        )
    if args.json:
        emit(to_json(rows))
        return 0
    emit(
        table(
            ("Id", "In/out", "Received", "Type", "Status", "Event", "Headline"),
            [
                (
                    short(r["id"]),
                    r["direction"],
                    show_time(r["received_at"]),
                    r["msg_type"],
                    r["status"],
                    r["event"] or "",
                    (r["headline"] or "")[:60],
                )
                for r in rows
            ],
        )
    )
    return 0


def cmd_export_have(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    inc = incident_of(ctx, args)
    result = export_have(
        ctx.store, out, incident_id=inc.id, period=args.period,
        envelope=args.envelope,
    )  # fmt: skip
    kind = "EDXL-DE envelope with HAVE" if args.envelope else "EDXL-HAVE HospitalStatus"
    emit(
        f"Wrote {kind} for {result.hospitals} facilities ({result.values} values) of "
        f"{incident_label(inc)} to {args.out}"
    )
    if result.skipped_unvalidated:
        emit(f"  {result.skipped_unvalidated} reports not sent: not validated (or changed since)")
    for line in result.not_carried:
        emit(f"  not carried by HAVE: {line}")
    return 0


def _have_choices(ctx: Context, args: argparse.Namespace, preview: HavePreview) -> dict[int, str]:
    """--map NAME=MEMBER and --add-unmatched as choices for `commit_have`; a bad --map
    is refused (naming the option and the value) before anything is written."""
    from hcc_desktop.cli.context import resolve_org
    from hcc_desktop.core.errors import ValidationError

    choices: dict[int, str] = {}
    for raw in args.map or ():
        hospital, sep, member = raw.rpartition("=")
        if not sep or not hospital.strip() or not member.strip():
            raise ValidationError(
                "--map",
                f"{raw!r}: expected NAME=MEMBER (the hospital's name or id in the file = "
                "a member's id, short id or exact name)",
            )
        try:
            index = find_hospital(preview, hospital)
            org = resolve_org(ctx.store, member.strip(), "member")
        except ValidationError as exc:
            raise ValidationError("--map", f"{raw!r}: {exc.message}") from None
        if index in choices:
            name = preview.matches[index].hospital.name
            raise ValidationError("--map", f"{raw!r}: {name} is mapped twice")
        choices[index] = org.id
    if args.add_unmatched:
        for i, mt in enumerate(preview.matches):
            if mt.organization_id is None and i not in choices:
                choices[i] = NEW
    return choices


def cmd_import_have(ctx: Context, args: argparse.Namespace) -> int:
    preview = preview_have(
        ctx.store, Path(args.file), incident_id=args.incident, period=args.period
    )
    choices = _have_choices(ctx, args, preview)
    result = commit_have(ctx.store, preview, actor=ctx.actor, choices=choices)
    for mt in result.matches:
        h = mt.hospital
        if mt.how == HOW_NEW:
            emit(f"added as a new facility: {h.name} ({tail(mt.organization_id)})")
        elif mt.how == HOW_MAPPED:
            emit(f"mapped: {h.name} → {mt.organization_name} (remembered for later imports)")
        elif mt.organization_id:
            emit(f"matched ({mt.how}): {h.name} → {mt.organization_name}")
        else:
            where = f" in {h.town}" if h.town else ""
            emit(
                f"NOT matched: {h.name}{where} — its values were not recorded "
                f'(--map "{h.name}=MEMBER" or --add-unmatched)'
            )
    added = f"; {len(result.added)} added as new facilities" if result.added else ""
    emit(
        f"{result.values} values recorded for period {result.period} of "
        f"{incident_label_for(ctx.store, result.incident_id)}, awaiting validation; "
        f"{len(result.unmatched)} hospitals not matched{added}"
    )
    return 0


def _report_rows(file: str, refused: list[tuple[int, str]], accepted: int) -> None:
    for line, reason in refused:
        emit(f"{file}: line {line}: {reason}")
    emit(f"{accepted} rows accepted, {len(refused)} refused")


def _gate(args: argparse.Namespace, refused: int) -> int | None:
    """Dry runs stop here; refused rows stop the import unless --skip-bad."""
    if args.dry_run:
        emit("Dry run: nothing imported.")
        return 0
    if refused and not args.skip_bad:
        from hcc_desktop.core.errors import ValidationError

        raise ValidationError(
            "rows", f"{refused} rows refused; nothing imported (--skip-bad imports the rest)"
        )
    return None


def cmd_import_members(ctx: Context, args: argparse.Namespace) -> int:
    mapping = read_mapping_file(Path(args.map)) if args.map else None
    preview = preview_members(ctx.store, Path(args.file), mapping=mapping)
    emit("Columns: " + ", ".join(f"{k} ← {v!r}" for k, v in preview.mapping.items()))
    _report_rows(
        args.file, [(r.line, r.error or "") for r in preview.refused], len(preview.accepted)
    )
    stop = _gate(args, len(preview.refused))
    if stop is not None:
        return stop
    result = commit_members(ctx.store, preview, actor=ctx.actor)
    emit(
        f"Imported: {len(result.created)} new, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged"
    )
    return 0


def cmd_import_eei(ctx: Context, args: argparse.Namespace) -> int:
    preview = preview_eei(ctx.store, Path(args.file), incident_id=args.incident, period=args.period)
    per = "value" if preview.layout == "long" else "facility"
    emit(f"Layout: {preview.layout} (one row per {per})")
    _report_rows(
        args.file,
        [(r.line, f"{r.facility} {r.element}: {r.error}") for r in preview.refused],
        len(preview.accepted),
    )
    stop = _gate(args, len(preview.refused))
    if stop is not None:
        return stop
    count = commit_eei(
        ctx.store, preview, actor=ctx.actor, source=f"spreadsheet {Path(args.file).name}"
    )
    emit(
        f"Recorded {count} EEI values in {incident_label_for(ctx.store, preview.incident_id)}, "
        "awaiting validation"
    )
    return 0


def cmd_export_table(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    inc = incident_of(ctx, args) if args.kind != "members" else None
    count = export_table(
        ctx.store, args.kind, out, incident_id=inc.id if inc else None,
        period=args.period, public=args.public,
    )  # fmt: skip
    of = f" of {incident_label(inc)}" if inc else ""
    emit(f"Wrote {count} rows of {args.kind}{of} to {args.out}")
    return 0


def cmd_import_rm(ctx: Context, args: argparse.Namespace) -> int:
    preview = preview_rm(ctx.store, Path(args.file), incident_id=args.incident)
    msg = preview.message
    who = msg.sender() or "no sender named"
    emit(f"{msg.kind} {msg.message_id} from {who}, sent {msg.sent or '(no time)'}")
    for line in preview.plan():
        emit(f"  {line}")
    for note in preview.notes:
        emit(f"note: {note}")
    if args.dry_run:
        emit("Dry run: nothing imported.")
        return 0
    result = commit_rm(ctx.store, preview, actor=ctx.actor)
    if preview.duplicate:
        emit(f"Already imported: {msg.message_id}; nothing changed")
        return 0
    for rid, number in result.created:
        emit(f"Request {number} ({tail(rid)}) submitted")
    where = preview.incident_id or (
        _request_incident(ctx, result.created[0][0] if result.created else None, preview)
    )
    label = incident_label_for(ctx.store, where) if where else "no incident"
    emit(
        f"{len(result.created)} requests created, {len(result.moved)} moved, in {label}; "
        "the message is in the communications log"
    )
    return 0


def _request_incident(ctx: Context, rid: str | None, preview: RmPreview) -> str | None:
    """The incident of the first request a reply concerned (for the closing line)."""
    ref = rid or (preview.moves[0].request_id if preview.moves else None)
    if ref is None:
        return None
    return resolve_request(ctx.store, ref).incident_id


def cmd_export_rm(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    result = export_rm(ctx.store, args.request, out, actor=ctx.actor, envelope=args.envelope)
    what = f"{result.kind} ({result.response})" if result.response else result.kind
    wrapped = " in an EDXL-DE envelope" if args.envelope else ""
    emit(
        f"Wrote EDXL-RM {what}{wrapped} for request {result.request_number} to {args.out}; "
        f"MessageID {result.message_id} (kept in the communications log)"
    )
    return 0


def register(cmds: Commands) -> None:
    """CAP, EDXL-HAVE and spreadsheets in and out; the alerts list."""
    p = cmds.command(
        "import-cap", cmd_import_cap, "import a CAP alert file or an Atom/RSS feed of alerts"
    )
    p.add_argument("file", metavar="FILE")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--incident", metavar="ID", help="log it in this incident (default: current)")
    g.add_argument("--new-incident", action="store_true", help="open a new incident from it")

    p = cmds.command(
        "export-cap", cmd_export_cap, "issue a coalition advisory as a CAP 1.2 alert file"
    )
    p.add_argument("out", metavar="OUT.xml")
    p.add_argument("--headline", required=True)
    p.add_argument("--description", required=True)
    p.add_argument("--event", default="Health care coalition advisory")
    p.add_argument("--instruction")
    p.add_argument("--area", default="Coalition area", help="area description")
    p.add_argument("--circle", action="append", metavar="'LAT,LON KM'")
    p.add_argument("--urgency", default="Expected")
    p.add_argument("--severity", default="Moderate")
    p.add_argument("--certainty", default="Observed")
    p.add_argument("--category", default="Health")
    p.add_argument("--status", default="Actual", help="Exercise is forced during exercises")
    p.add_argument("--msg-type", default="Alert", choices=("Alert", "Update", "Cancel"))
    p.add_argument("--references", action="append", metavar="SENDER,ID,SENT")
    p.add_argument("--scope", default="Public", choices=("Public", "Restricted", "Private"))
    p.add_argument("--restriction")
    p.add_argument("--expires", metavar="TIME")
    p.add_argument("--contact")
    p.add_argument("--incident", metavar="ID")

    p = cmds.command(
        "export-have", cmd_export_have, "write facilities' validated EEIs as EDXL-HAVE 1.0"
    )
    p.add_argument("out", metavar="OUT.xml")
    p.add_argument("--incident", metavar="ID")
    p.add_argument("--period", type=int, metavar="N", help="latest values up to this period")
    p.add_argument("--envelope", action="store_true", help="wrap in an EDXL-DE 1.0 envelope")

    p = cmds.command(
        "import-have", cmd_import_have, "read EDXL-HAVE hospital status as EEI reports"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--incident", metavar="ID")
    p.add_argument("--period", type=int, metavar="N", help="default: the current period")
    p.add_argument(
        "--map",
        action="append",
        metavar="NAME=MEMBER",
        help="record the hospital NAME (or id) of the file as this member, and remember it",
    )
    p.add_argument(
        "--add-unmatched",
        action="store_true",
        help="add every hospital still unmatched as a new facility",
    )

    for name, handler, what in (
        ("import-members", cmd_import_members, "members and facilities"),
        ("import-eei", cmd_import_eei, "EEI reports"),
    ):
        p = cmds.command(name, handler, f"import {what} from CSV or XLSX (preview, then import)")
        p.add_argument("file", metavar="FILE")
        if name == "import-members":
            p.add_argument("--map", metavar="MAP", help="JSON or field=Column lines")
        else:
            p.add_argument("--incident", metavar="ID")
            p.add_argument("--period", type=int, metavar="N", help="when the file has no period")
        p.add_argument("--dry-run", action="store_true", help="show the preview only")
        p.add_argument("--skip-bad", action="store_true", help="import the accepted rows only")

    p = cmds.command(
        "export-table", cmd_export_table, "write a table (members, eei, log, requests) as CSV/XLSX"
    )
    p.add_argument("kind", choices=KINDS)
    p.add_argument("out", metavar="OUT.csv|OUT.xlsx")
    p.add_argument("--incident", metavar="ID")
    p.add_argument("--period", type=int, metavar="N")
    p.add_argument("--public", action="store_true", help="leave sensitive EEIs out")

    p = cmds.command(
        "import-rm",
        cmd_import_rm,
        "read an EDXL-RM 1.0 resource message (request, response, commitment, release)",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--incident", metavar="ID", help="for a new request (default: current)")
    p.add_argument("--dry-run", action="store_true", help="show what it would do only")

    p = cmds.command(
        "export-rm", cmd_export_rm, "write a request (or our answer to one) as EDXL-RM 1.0"
    )
    p.add_argument("request", metavar="REQUEST", help="request number or id")
    p.add_argument("out", metavar="OUT.xml")
    p.add_argument("--envelope", action="store_true", help="wrap in an EDXL-DE 1.0 envelope")

    a = cmds.group("alerts", "CAP alerts received and issued")
    p = a.command("list", cmd_alerts_list, "alerts, oldest first", json=True)
    p.add_argument("--incident", metavar="ID")
