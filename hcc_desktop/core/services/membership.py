"""The membership report: how many members of each type, in each region and with each
status, as plain data for the CLI, the members panel and a PDF page.

HPP performance measure 4 asks for the representation of core and additional member
types; a coalition also watches who is prospective or has lapsed. Counting is done
here once, so every surface shows the same figures. Deleted and merged members are not
members; an organization without a status or type is counted under "" so that the
totals still add up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import CORE_MEMBER_TYPES, MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.store import Store

#: Statuses of a member in good standing (counted as "active" in the totals).
ACTIVE = ("core", "non_core", "guest")


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class RegionRow:
    """One region's members by status, and which HPP core types it has as core."""

    key: str
    name: str
    total: int
    by_status: dict[str, int]
    core_types_present: tuple[str, ...]
    core_types_missing: tuple[str, ...]


@dataclass(frozen=True)
class MembershipReport:
    total: int
    active: int
    by_type: list[Count]
    by_status: list[Count]
    by_region: list[RegionRow]
    #: member type → status → count, for a type × status table.
    type_status: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "active": self.active,
            "by_type": [c.__dict__ for c in self.by_type],
            "by_status": [c.__dict__ for c in self.by_status],
            "by_region": [r.__dict__ for r in self.by_region],
            "type_status": self.type_status,
        }


def _ordered(counter: Counter[str], labels: dict[str, str]) -> list[Count]:
    """Known keys in vocabulary order (zeros included: a table with a fixed shape),
    then values from newer stations, then the blank."""
    out = [Count(k, label, counter.get(k, 0)) for k, label in labels.items()]
    extra = sorted(k for k in counter if k not in labels and k)
    out += [Count(k, k, counter[k]) for k in extra]
    if counter.get(""):
        out.append(Count("", "(not set)", counter[""]))
    return out


def membership_report(store: Store, *, region_id: str | None = None) -> MembershipReport:
    """Counts of live members by type, status and region (one region with
    `region_id`)."""
    o = m.Organization
    with store.read() as s:
        stmt = select(o.member_type, o.membership, o.region_id).where(
            o.deleted.is_not(True), o.merged_into.is_(None)
        )
        if region_id:
            stmt = stmt.where(o.region_id == region_id)
        rows = [(t or "", st or "", r or "") for t, st, r in s.execute(stmt)]
        regions = list(s.scalars(select(m.Region).where(m.Region.deleted.is_not(True))))
    types: Counter[str] = Counter(t for t, _, _ in rows)
    statuses: Counter[str] = Counter(st for _, st, _ in rows)
    type_status: dict[str, dict[str, int]] = {}
    for t, st, _ in rows:
        type_status.setdefault(t, {}).setdefault(st, 0)
        type_status[t][st] += 1
    by_region = []
    ordered = sorted(regions, key=lambda r: (r.kind != "coalition", r.key or "", r.id))
    for region in ordered:
        if region_id and region.id != region_id:
            continue
        mine = [(t, st) for t, st, r in rows if r == region.id]
        core = {t for t, st in mine if st == "core"}
        by_region.append(
            RegionRow(
                key=region.key or "",
                name=region.name or "",
                total=len(mine),
                by_status={k: sum(1 for _, st in mine if st == k) for k in MEMBERSHIPS},
                core_types_present=tuple(t for t in CORE_MEMBER_TYPES if t in core),
                core_types_missing=tuple(t for t in CORE_MEMBER_TYPES if t not in core),
            )
        )
    return MembershipReport(
        total=len(rows),
        active=sum(statuses.get(k, 0) for k in ACTIVE),
        by_type=_ordered(types, MEMBER_TYPES),
        by_status=_ordered(statuses, MEMBERSHIPS),
        by_region=by_region,
        type_status=type_status,
    )
