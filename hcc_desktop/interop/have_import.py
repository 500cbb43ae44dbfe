"""EDXL-HAVE 1.0 in: a bare `HospitalStatus` or one inside an EDXL-DE envelope.

Hospitals are matched to facilities by the id this program writes, else by a mapping
the operator made before (see `ALIASES_SETTING`), else by the id a facility has in the
other system (`external_key`), else by name, else by name words and location; the
operator is shown what matched and what did not, and may map each unmatched hospital
to a member, add it as a new facility or skip it (`commit_have`'s `choices`).
Values are recorded as EEI reports marked with their source and left unvalidated, so
the coalition still checks them. The whole file is checked first: one bad value
refuses the file and names the hospital and element, and the store stays unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping as AnyMapping
from dataclasses import dataclass, replace
from pathlib import Path

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.organizations import list_organizations
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise
from hcc_desktop.interop.have_match import (
    HOW_MAPPED,
    HOW_NEW,
    NEW,
    HavePreview,
    Match,
    Member,
    find_hospital,
    load_aliases,
    match_hospitals,
    new_facility_fields,
    plan_matches,
    remember_choices,
)
from hcc_desktop.interop.have_parse import HaveHospital, parse_have
from hcc_desktop.interop.xmlsafe import read_capped


@dataclass(frozen=True)
class HaveImportResult:
    file: str
    incident_id: str
    period: int
    matches: list[Match]
    values: int

    @property
    def unmatched(self) -> list[Match]:
        return [mt for mt in self.matches if mt.organization_id is None]

    @property
    def added(self) -> list[Match]:
        return [mt for mt in self.matches if mt.how == HOW_NEW]


def _facility_report(
    h: HaveHospital, organization_id: str, period: int, label: str, name: str
) -> eei.FacilityReport | None:
    """The hospital's values as one facility report, each checked against the catalog
    (a refusal names the file, hospital and element); None when it carries none."""
    if not h.values:
        return None
    cat = load_catalog()
    for code, raw in h.values.items():
        try:
            cat.element(code).coerce(raw)
        except ValidationError as exc:
            raise ValidationError(f"{label}: {h.name}: {exc.field}", exc.message) from None
    at = normalise(f"{h.name}: LastUpdateTime", h.updated) if h.updated else None
    return eei.FacilityReport(
        organization_id=organization_id,
        period=period,
        values=h.values,
        reported_at=at,
        reporter=f"EDXL-HAVE {name}",
        source=f"EDXL-HAVE {name}"[:300],
    )


def preview_have(
    store: Store,
    path: Path,
    *,
    incident_id: str | None = None,
    period: int | None = None,
) -> HavePreview:
    """Read, match and check the whole file; reads the store, writes nothing."""
    label = str(path)
    hospitals = parse_have(read_capped(Path(path)), label=label)
    inc = incidents.resolve_incident(store, incident_id)
    if period is None:
        current = incidents.period_at(store, incident_id=inc.id, moment=from_ms(store.wall()))
        periods = incidents.list_periods(store, incident_id=inc.id)
        chosen = current or (periods[-1] if periods else None)
        if chosen is None:
            raise ValidationError("period", "the incident has no operational period; add one first")
        period = int(chosen.number or 1)
    orgs = list(list_organizations(store))
    matches = match_hospitals(hospitals, orgs, load_aliases(store))
    reports = []
    for mt in matches:
        if mt.organization_id is None:
            continue
        rep = _facility_report(mt.hospital, mt.organization_id, period, label, Path(path).name)
        if rep is not None:
            reports.append(rep)
    members = tuple(Member(o.id, o.name or o.id, o.town, o.member_type, o.lat, o.lon) for o in orgs)
    return HavePreview(label, Path(path).name, inc.id, period, matches, reports, members)


def _reports(preview: HavePreview, matches: list[Match]) -> list[eei.FacilityReport]:
    out = []
    for mt in matches:
        if mt.organization_id is None:
            continue
        rep = _facility_report(
            mt.hospital, mt.organization_id, preview.period, preview.file, preview.source
        )
        if rep is not None:
            out.append(rep)
    return out


def commit_have(
    store: Store,
    preview: HavePreview,
    *,
    actor: Actor,
    choices: AnyMapping[int, str] | None = None,
) -> HaveImportResult:
    """Record the hospitals' values as EEI reports awaiting validation.

    `choices` decides hospitals by their index in `preview.matches`: an organization
    id (map it there, overriding any automatic match), `NEW` (add it as a new
    facility) or `SKIP`. Mapped and added hospitals are remembered (`ALIASES_SETTING`)
    so the next file from the same system matches without asking. New members,
    remembered mappings and values are one transaction: all of it or none of it."""
    choices = dict(choices or {})
    with store.atomic():
        live = {o.id: o.name or o.id for o in list_organizations(store)}
        final = plan_matches(preview, choices, live)
        adding = [i for i, mt in enumerate(final) if mt.how == HOW_NEW]
        # Every value is checked before the first write.
        for i in adding:
            _facility_report(final[i].hospital, "", preview.period, preview.file, preview.source)
        reports = _reports(preview, final)  # the hospitals to add have no id yet
        if adding:
            made = organizations.add_organizations(
                store,
                actor=actor,
                members=[
                    (None, new_facility_fields(final[i].hospital, f"EDXL-HAVE {preview.source}"))
                    for i in adding
                ],
            )
            for i, org_id in zip(adding, made, strict=True):
                final[i] = replace(final[i], organization_id=org_id)
            reports += _reports(preview, [final[i] for i in adding])
        remember_choices(store, [mt for mt in final if mt.how in (HOW_MAPPED, HOW_NEW)])
        if reports:
            try:
                eei.submit_reports(
                    store, actor=actor, incident_id=preview.incident_id, reports=reports
                )
            except ValidationError as exc:
                raise ValidationError(f"{preview.file}: {exc.field}", exc.message) from None
    return HaveImportResult(
        preview.file,
        preview.incident_id,
        preview.period,
        final,
        sum(len(r.values) for r in reports),
    )


def import_have(
    store: Store,
    path: Path,
    *,
    actor: Actor,
    incident_id: str | None = None,
    period: int | None = None,
    mapping: AnyMapping[str, str] | None = None,
    add_unmatched: bool = False,
) -> HaveImportResult:
    """Preview and commit in one call. `mapping` maps hospitals (name or id in the
    file) to organization ids; `add_unmatched` adds every hospital still unmatched as a
    new facility."""
    preview = preview_have(store, path, incident_id=incident_id, period=period)
    choices = {find_hospital(preview, ref): org_id for ref, org_id in (mapping or {}).items()}
    if add_unmatched:
        for i, mt in enumerate(preview.matches):
            if mt.organization_id is None and i not in choices:
                choices[i] = NEW
    return commit_have(store, preview, actor=actor, choices=choices)
