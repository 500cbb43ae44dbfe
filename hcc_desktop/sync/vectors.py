"""Knowledge vectors: the highest HLC held per origin site.

A station's own versions, and every package built against an accurate vector, keep
each origin's versions prefix-closed, so "everything above the peer's vector" is
exactly what the peer lacks.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m

Vector = dict[str, int]


def own_vector(session: Session) -> Vector:
    rows = session.execute(
        select(m.Version.site_id, func.max(m.Version.hlc)).group_by(m.Version.site_id)
    )
    return {site: int(hlc) for site, hlc in rows}


def peer_vector(session: Session, peer_site: str) -> Vector:
    rows = session.execute(
        select(m.PeerVector.origin_site, m.PeerVector.hlc).where(
            m.PeerVector.peer_site == peer_site
        )
    )
    return {site: int(hlc) for site, hlc in rows}


def raise_peer_vector(session: Session, peer_site: str, vector: Vector) -> None:
    """What a peer is known to hold only grows."""
    known = peer_vector(session, peer_site)
    for origin, hlc in vector.items():
        if origin not in known:
            session.add(m.PeerVector(peer_site=peer_site, origin_site=origin, hlc=hlc))
        elif hlc > known[origin]:
            session.get_one(m.PeerVector, (peer_site, origin)).hlc = hlc


def lacks(vector: Vector | None, site: str, hlc: int) -> bool:
    return vector is None or hlc > vector.get(site, -1)
