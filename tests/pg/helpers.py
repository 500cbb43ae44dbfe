"""Small helpers shared by the server tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()
