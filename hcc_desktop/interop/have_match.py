"""Which of our facilities a HAVE hospital is: by the id this program writes, else by a
mapping the operator made before (`ALIASES_SETTING`), else by the id a facility has in
the other system (`external_key`), else by name, else by name words and location; and
the operator's choices for the hospitals that matched nothing (a member, a new
facility, or skip)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping as AnyMapping
from dataclasses import dataclass

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei
from hcc_desktop.core.store import Store
from hcc_desktop.interop.areas import distance_km
from hcc_desktop.interop.have_parse import HaveHospital

NEAR_KM = 2.0
_WORDS = re.compile(r"[a-z0-9]+")
_NOISE = {"the", "inc", "of", "and", "hospital", "medical", "center", "centre", "health"}


@dataclass(frozen=True)
class Match:
    hospital: HaveHospital
    organization_id: str | None
    organization_name: str | None
    how: str  # "id", "name", "name and location", or "" when unmatched


def _words(name: str) -> set[str]:
    return {w for w in _WORDS.findall(name.lower()) if w not in _NOISE}


#: Where the operator's mappings are remembered: one local setting holding JSON
#: {"id:<id in the file>" or "name:<name in the file, folded>": organization id}.
#:
#: Why a local setting and not the member's `external_key`: that column is the
#: member's one id in another system, already used by the demo and the members
#: spreadsheet import to find a member again, so writing a HAVE id over it would break
#: those matches; and one member may be known by different names and ids in several
#: partner systems. A setting needs no schema change and lives in the store, so it is
#: backed up with it. It is not synchronised: the station that receives a partner's
#: feed is the one that needs it, and the values it records travel by sync as usual. A
#: facility *added* from a file is different: its id in that system is exactly what
#: `external_key` means, so it gets it (synchronised), and other stations match it too.
ALIASES_SETTING = "have_aliases"

#: Choices for a hospital besides an organization id (see `commit_have`).
NEW = "new"
SKIP = "skip"

HOW_REMEMBERED = "remembered mapping"
HOW_MAPPED = "mapped"
HOW_NEW = "new facility"
HOW_EXTERNAL = "id in the other system"

#: Membership given to a facility added from a file: it reports to the coalition, but
#: nobody has yet confirmed it as a core member.
NEW_MEMBERSHIP = "non_core"


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def alias_keys(hospital: HaveHospital) -> list[str]:
    """The keys a mapping of this hospital is remembered under: its id in the file
    (the partner system's id, stable across renames) and its name (for files that
    carry no id)."""
    keys = [f"id:{hospital.ref_id.strip()}"] if hospital.ref_id and hospital.ref_id.strip() else []
    return [*keys, f"name:{_fold(hospital.name)}"]


def load_aliases(store: Store) -> dict[str, str]:
    """The remembered mappings; an unreadable setting counts as none (it only saves
    the operator choosing again)."""
    raw = store.get_setting(ALIASES_SETTING)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def remember_choices(store: Store, decided: list[Match]) -> None:
    if not decided:
        return
    aliases = load_aliases(store)
    for mt in decided:
        for key in alias_keys(mt.hospital):
            aliases[key] = str(mt.organization_id)
    store.set_setting(ALIASES_SETTING, json.dumps(aliases, sort_keys=True, ensure_ascii=False))


def match_hospitals(
    hospitals: list[HaveHospital],
    orgs: list[m.Organization],
    aliases: AnyMapping[str, str] | None = None,
) -> list[Match]:
    by_id = {o.id: o for o in orgs}
    by_name: dict[str, list[m.Organization]] = {}
    by_key: dict[str, list[m.Organization]] = {}
    for o in orgs:
        by_name.setdefault((o.name or "").strip().lower(), []).append(o)
        if o.external_key:
            by_key.setdefault(o.external_key.strip().lower(), []).append(o)
    aliases = aliases or {}
    out = []
    for h in hospitals:
        if h.ref_id and h.ref_id in by_id:
            o = by_id[h.ref_id]
            out.append(Match(h, o.id, o.name, "id"))
            continue
        remembered = next(
            (by_id[aliases[k]] for k in alias_keys(h) if aliases.get(k) in by_id), None
        )
        if remembered is not None:
            out.append(Match(h, remembered.id, remembered.name, HOW_REMEMBERED))
            continue
        keyed = by_key.get(h.ref_id.strip().lower(), []) if h.ref_id else []
        if len(keyed) == 1:
            out.append(Match(h, keyed[0].id, keyed[0].name, HOW_EXTERNAL))
            continue
        same = by_name.get(h.name.strip().lower(), [])
        if len(same) == 1:
            out.append(Match(h, same[0].id, same[0].name, "name"))
            continue
        best = None
        if h.lat is not None and h.lon is not None:
            want = _words(h.name)
            near = [
                o for o in orgs
                if o.lat is not None and o.lon is not None
                and distance_km(h.lat, h.lon, o.lat, o.lon) <= NEAR_KM
                and want & _words(o.name or "")
            ]  # fmt: skip
            if len(near) == 1:
                best = near[0]
        if best is not None:
            out.append(Match(h, best.id, best.name, "name and location"))
        else:
            out.append(Match(h, None, None, ""))
    return out


@dataclass(frozen=True)
class Member:
    """A member the operator may map a hospital to (read with the preview, off the
    GUI thread)."""

    id: str
    name: str
    town: str | None
    member_type: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class HavePreview:
    """A read and matched HAVE file, not yet recorded: the operator sees what matched
    and what did not before anything is written. Every value was already checked
    against the catalog, so `commit_have` fails only if the store changed meanwhile."""

    file: str
    source: str
    incident_id: str
    period: int
    matches: list[Match]
    reports: list[eei.FacilityReport]
    members: tuple[Member, ...] = ()

    @property
    def values(self) -> int:
        return sum(len(r.values) for r in self.reports)

    @property
    def unmatched(self) -> list[Match]:
        return [mt for mt in self.matches if mt.organization_id is None]


def suggestions(preview: HavePreview, index: int, limit: int = 5) -> list[Member]:
    """Members likely to be hospital `index`: sharing a name word or within 10 km,
    nearest first. Only a shortlist for the operator; never chosen automatically."""
    h = preview.matches[index].hospital
    want = _words(h.name)
    scored = []
    for mb in preview.members:
        shared = len(want & _words(mb.name))
        km = None
        if None not in (h.lat, h.lon, mb.lat, mb.lon):
            km = distance_km(h.lat, h.lon, mb.lat, mb.lon)  # type: ignore[arg-type]
        if shared or (km is not None and km <= 10):
            scored.append((-shared, km if km is not None else 1e9, mb.name, mb))
    return [mb for *_, mb in sorted(scored, key=lambda t: t[:3])][:limit]


def find_hospital(preview: HavePreview, ref: str) -> int:
    """The index of the hospital `ref` names: its id in the file, else its name as in
    the file (case and spacing aside). Refuses an unknown or ambiguous name."""
    want = ref.strip()
    for i, mt in enumerate(preview.matches):
        if mt.hospital.ref_id and mt.hospital.ref_id.strip() == want:
            return i
    named = [i for i, mt in enumerate(preview.matches) if _fold(mt.hospital.name) == _fold(want)]
    if len(named) == 1:
        return named[0]
    if named:
        raise ValidationError(
            "hospital", f"{len(named)} hospitals in {preview.source} are named {ref!r}; give its id"
        )
    names = ", ".join(mt.hospital.name for mt in preview.matches[:8])
    more = ", ..." if len(preview.matches) > 8 else ""
    raise ValidationError(
        "hospital", f"no hospital named {ref!r} in {preview.source} (it has {names}{more})"
    )


def new_facility_fields(h: HaveHospital, source: str) -> dict[str, object]:
    """A member made from what HAVE carries about a hospital. Parts our fields would
    refuse (a state spelt out, a ZIP with text) are left out rather than refusing the
    import: the operator completes the member later."""
    fields: dict[str, object] = {
        "name": h.name,
        "member_type": "hospital",
        "membership": NEW_MEMBERSHIP,
        "facility_type": "hospital",
        "town": h.town,
        "address": h.address,
        "lat": h.lat,
        "lon": h.lon,
        "source": source,
        "notes": f"Added from {source}; membership and details to be confirmed.",
    }
    if h.state and len(h.state) == 2 and h.state.isalpha():
        fields["state"] = h.state
    if h.zip and re.fullmatch(r"\d{5}(-\d{4})?", h.zip):
        fields["zip"] = h.zip
    if h.ref_id and len(h.ref_id.strip()) <= 80:
        fields["external_key"] = h.ref_id.strip()
    return {k: v for k, v in fields.items() if v is not None}


def plan_matches(
    preview: HavePreview, choices: AnyMapping[int, str], members: AnyMapping[str, str]
) -> list[Match]:
    """The matches after the operator's `choices` (see `commit_have`), checked against
    `members` (id → name): an unknown member, or two hospitals that would report for
    the same member, are refused. A hospital to add has how `HOW_NEW` and no id yet.
    The preview dialog calls this to warn before the operator presses Record."""
    final = list(preview.matches)
    for i, choice in sorted(choices.items()):
        if not 0 <= i < len(final):
            raise ValidationError("hospital", f"no hospital {i + 1} in {preview.source}")
        h = final[i].hospital
        if choice == SKIP:
            final[i] = Match(h, None, None, "")
        elif choice == NEW:
            final[i] = Match(h, None, h.name, HOW_NEW)
        elif choice in members:
            final[i] = Match(h, choice, members[choice], HOW_MAPPED)
        else:
            raise ValidationError(f"{preview.file}: {h.name}", f"unknown member {choice!r}")
    seen: dict[str, HaveHospital] = {}
    for mt in final:
        if mt.organization_id is None:
            continue
        first = seen.setdefault(mt.organization_id, mt.hospital)
        if first is not mt.hospital:
            raise ValidationError(
                f"{preview.file}: {mt.hospital.name}",
                f"would report for {mt.organization_name}, as {first.name} does; "
                "map one of them to another member or skip it",
            )
    return final
