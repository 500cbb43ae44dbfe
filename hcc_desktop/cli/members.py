"""CLI commands about the coalition's members and the people to call there: the member
list (filtered by type, region and membership status), the membership report, a
member's status and dates, and contacts. Each calls one core service."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.context import (
    Context,
    emit,
    optional_choice,
    out_file,
    resolve_org,
    resolve_ref,
)
from hcc_desktop.cli.fmt import local_zone, member_dict, one_line, table, tail, to_json
from hcc_desktop.cli.registry import Commands
from hcc_desktop.cli.reports import _pages, _paper, _paper_options
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import contacts, membership, organizations
from hcc_desktop.core.store import Store
from hcc_desktop.reports.membership_report import build_membership_report


def region_by_key(store: Store, key: str, field: str = "region") -> m.Region:
    """A region (or the coalition) by the key operators know (ct, ma-1)."""
    by_key = {(r.key or "").lower(): r for r in organizations.list_regions(store)}
    region = by_key.get(key.strip().lower())
    if region is None:
        known = ", ".join(sorted(k for k in by_key if k)) or "none yet"
        raise ValidationError(field, f"expected one of {known}; got {key!r}")
    return region


# ------------------------------------------------------------------ members


def cmd_members_list(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    orgs = organizations.list_organizations(store)
    keys = {r.id: r.key or "" for r in organizations.list_regions(store)}
    wanted = optional_choice("type", args.type, MEMBER_TYPES)
    if wanted:
        orgs = [o for o in orgs if o.member_type == wanted]
    status = optional_choice("membership", args.membership, MEMBERSHIPS)
    if status:
        orgs = [o for o in orgs if o.membership == status]
    if args.region:
        region = region_by_key(store, args.region)
        orgs = [o for o in orgs if o.region_id == region.id]
    if args.json:
        emit(to_json([member_dict(o, keys) for o in orgs]))
        return 0
    rows = [
        (
            tail(o.id),
            one_line(o.name, 60),
            o.member_type,
            o.membership,
            keys.get(o.region_id or "", ""),
            o.town,
            o.state,
            o.beds,
        )
        for o in orgs
    ]
    emit(table(("ID", "NAME", "TYPE", "MEMBERSHIP", "REGION", "TOWN", "ST", "BEDS"), rows))
    emit(f"{len(orgs)} members")
    return 0


def cmd_members_report(ctx: Context, args: argparse.Namespace) -> int:
    region = region_by_key(ctx.store, args.region) if args.region else None
    rep = membership.membership_report(ctx.store, region_id=region.id if region else None)
    if args.json:
        emit(to_json(rep.as_dict()))
        return 0
    scope = f" in {region.name}" if region else ""
    emit(f"{rep.total} members{scope}, {rep.active} active (core, non-core or guest)")
    emit("")
    emit(table(("STATUS", "MEMBERS"), [(c.label, c.count) for c in rep.by_status], right={1}))
    emit("")
    types = [(c.label, c.count) for c in rep.by_type if c.count]
    emit(table(("MEMBER TYPE", "MEMBERS"), types, right={1}))
    emit("")
    statuses = list(MEMBERSHIPS)
    rows = [
        (r.key, one_line(r.name, 45), r.total, *(r.by_status[k] for k in statuses),
         ", ".join(r.core_types_missing) or "-")
        for r in rep.by_region
    ]  # fmt: skip
    headers = ("REGION", "NAME", "TOTAL", *(k.upper() for k in statuses), "NO CORE MEMBER OF TYPE")
    emit(table(headers, rows, right=set(range(2, 3 + len(statuses)))))
    return 0


def cmd_members_print(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    region = region_by_key(ctx.store, args.region) if args.region else None
    result = build_membership_report(
        ctx.store, out, paper=_paper(args), region_id=region.id if region else None,
        prepared_by=ctx.actor, zone=local_zone(),
    )  # fmt: skip
    scope = f" of {region.name}" if region else ""
    emit(f"Wrote {result.path}: membership report{scope}, {_pages(result.pages)}")
    return 0


def cmd_members_set(ctx: Context, args: argparse.Namespace) -> int:
    org = resolve_org(ctx.store, args.member, "member")
    fields = {
        name: value
        for name, value in (
            ("membership", args.membership),
            ("joined_on", args.joined),
            ("left_on", args.left),
            ("member_type", args.type),
        )
        if value is not None
    }
    changed = organizations.update_organization(ctx.store, actor=ctx.actor, org_id=org.id, **fields)
    emit(f"{org.name}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
    return 0


# ------------------------------------------------------------------ contacts


def contact_dict(c: m.Contact, names: dict[str, str]) -> dict[str, object]:
    return {
        "id": c.id,
        "member_id": c.organization_id,
        "member": names.get(c.organization_id or ""),
        "name": c.name,
        "role": c.role,
        "phone": c.phone,
        "phone_24_7": c.phone_24_7,
        "email": c.email,
        "is_24_7": bool(c.is_24_7),
    }


def cmd_contacts_list(ctx: Context, args: argparse.Namespace) -> int:
    org = resolve_org(ctx.store, args.member, "member") if args.member else None
    found = contacts.list_contacts(ctx.store, organization_id=org.id if org else None)
    names = {o.id: o.name or "" for o in organizations.list_organizations(ctx.store)}
    if args.json:
        emit(to_json([contact_dict(c, names) for c in found]))
        return 0
    rows = [
        (tail(c.id), one_line(names.get(c.organization_id or "", ""), 40), c.name, c.role,
         c.phone, c.phone_24_7, c.email, "yes" if c.is_24_7 else "")
        for c in found
    ]  # fmt: skip
    emit(table(("ID", "MEMBER", "NAME", "ROLE", "PHONE", "24/7 PHONE", "EMAIL", "24/7"), rows))
    emit(f"{len(found)} contacts")
    return 0


def _contact_fields(args: argparse.Namespace) -> dict[str, object]:
    given = {
        "role": args.role,
        "phone": args.phone,
        "phone_24_7": args.phone_24_7,
        "email": args.email,
        "is_24_7": args.is_24_7,
    }
    return {k: v for k, v in given.items() if v is not None}


def cmd_contacts_add(ctx: Context, args: argparse.Namespace) -> int:
    org = resolve_org(ctx.store, args.member, "member")
    cid = contacts.add_contact(
        ctx.store, actor=ctx.actor, organization_id=org.id, name=args.name,
        **_contact_fields(args),  # type: ignore[arg-type]
    )  # fmt: skip
    emit(f"Contact {tail(cid)} added to {org.name}")
    return 0


def cmd_contacts_update(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.Contact, args.contact, "contact")
    fields = _contact_fields(args)
    if args.name is not None:
        fields["name"] = args.name
    changed = contacts.update_contact(ctx.store, actor=ctx.actor, contact_id=row.id, **fields)
    emit(f"{row.name}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
    return 0


def cmd_contacts_remove(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.Contact, args.contact, "contact")
    contacts.delete_contact(ctx.store, actor=ctx.actor, contact_id=row.id)
    emit(f"Contact {row.name} removed (undo brings it back)")
    return 0


def _contact_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--role", metavar="ROLE", help="e.g. Emergency Manager")
    p.add_argument("--phone", metavar="PHONE", help="office phone")
    p.add_argument("--phone-24-7", metavar="PHONE", help="phone that reaches them 24/7")
    p.add_argument("--email", metavar="ADDRESS")
    p.add_argument(
        "--24-7", dest="is_24_7", metavar="YES|NO", help="a 24/7 contact (yes with --phone-24-7)"
    )


def register(cmds: Commands) -> None:
    """`members list|report|print|set` and `contacts list|add|update|remove`."""
    members = cmds.group("members", "coalition members and facilities")
    p = members.command("list", cmd_members_list, "list members", json=True)
    p.add_argument("--type", metavar="T", help="member type, e.g. hospital")
    p.add_argument("--region", metavar="KEY", help="region key, e.g. ct or ma-1")
    p.add_argument("--membership", metavar="S", help=f"membership status: {', '.join(MEMBERSHIPS)}")
    p = members.command(
        "report", cmd_members_report, "members by type, status and region", json=True
    )
    p.add_argument("--region", metavar="KEY", help="one region only")
    p = members.command(
        "print", cmd_members_print, "the membership report by type and region as a PDF"
    )
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--region", metavar="KEY", help="one region only")
    _paper_options(p)
    p = members.command("set", cmd_members_set, "a member's membership status, dates or type")
    p.add_argument("member", metavar="MEMBER", help="id, short name, key or name")
    p.add_argument("--membership", metavar="S", help=", ".join(MEMBERSHIPS))
    p.add_argument("--joined", metavar="DATE", help="joined on, e.g. 2019-07-01 ('' clears)")
    p.add_argument("--left", metavar="DATE", help="left on (lapsed members; '' clears)")
    p.add_argument("--type", metavar="T", help="member type")

    group = cmds.group("contacts", "the people to call at members")
    p = group.command("list", cmd_contacts_list, "list contacts", json=True)
    p.add_argument("--member", metavar="MEMBER", help="one member's contacts")
    p = group.command("add", cmd_contacts_add, "add a contact to a member")
    p.add_argument("member", metavar="MEMBER")
    p.add_argument("name", metavar="NAME")
    _contact_options(p)
    p = group.command("update", cmd_contacts_update, "change a contact")
    p.add_argument("contact", metavar="CONTACT", help="contact id (or its end)")
    p.add_argument("--name", metavar="NAME")
    _contact_options(p)
    p = group.command("remove", cmd_contacts_remove, "remove a contact")
    p.add_argument("contact", metavar="CONTACT")
