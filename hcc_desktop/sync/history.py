"""What the Sync dock shows: per station, the last package received and sent and its
clock warnings; the import history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.store import Store

LAST_EXPORT = "last_export_at"


def export_key(site_id: str | None) -> str:
    return f"{LAST_EXPORT}:{site_id or 'all'}"


def record_export(store: Store, *, for_site: str | None, at: str) -> None:
    keys = [export_key(None), *([export_key(for_site)] if for_site else [])]
    store.set_settings(dict.fromkeys(keys, at))


@dataclass(frozen=True)
class StationSummary:
    site_id: str
    name: str
    fingerprint: str
    is_self: bool
    trusted: bool
    revoked: bool
    last_received: str | None
    #: A peer's row: the last package made for that station (File → Export package,
    #: "only what one station lacks"). This station's row: the last package written,
    #: for anyone (a full package names no station, so it belongs to no peer's row).
    last_sent: str | None
    packages: int
    clock_warnings: int


def station_summaries(store: Store) -> list[StationSummary]:
    with store.read() as s:
        stats = {
            site: (last, count, warnings or 0)
            for site, last, count, warnings in s.execute(
                select(
                    m.ImportRecord.origin_site,
                    func.max(m.ImportRecord.imported_at),
                    func.count(),
                    func.sum(m.ImportRecord.clock_warnings),
                ).group_by(m.ImportRecord.origin_site)
            )
        }
        stations = list(
            s.scalars(select(m.Station).order_by(m.Station.is_self.desc(), m.Station.name))
        )
        sent_any = s.get(m.Setting, export_key(None))
        sent = {
            row.key.split(":", 1)[1]: row.value
            for row in s.scalars(select(m.Setting).where(m.Setting.key.like(f"{LAST_EXPORT}:%")))
        }
    out = []
    for st in stations:
        last, count, warnings = stats.get(st.site_id, (None, 0, 0))
        out.append(
            StationSummary(
                st.site_id,
                st.name,
                st.fingerprint or "",
                st.is_self,
                st.trusted,
                st.revoked,
                last,
                (sent_any.value if sent_any else None) if st.is_self else sent.get(st.site_id),
                count,
                warnings,
            )
        )
    return out


def import_history(store: Store, *, limit: int = 200) -> list[tuple[m.ImportRecord, str]]:
    """Newest first, with the sender's name."""
    with store.read() as s:
        names = {st.site_id: st.name for st in s.scalars(select(m.Station))}
        rows = s.scalars(
            select(m.ImportRecord).order_by(m.ImportRecord.imported_at.desc()).limit(limit)
        )
        return [(r, names.get(r.origin_site, r.origin_site)) for r in rows]


def last_import_at(store: Store) -> dict[str, str]:
    """Per station name, the time its last package was imported here (the overview
    shows how current each station's picture is)."""
    return {
        s.name: s.last_received
        for s in station_summaries(store)
        if s.last_received and not s.is_self
    }
