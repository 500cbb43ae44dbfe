"""Bring a store's schema up to date with Alembic, or refuse one from a newer program.

Opening a store that is already current must be cheap (every CLI call does it), so the
revision is read with plain SQL and compared with the revisions found in db/versions;
Alembic itself is imported only when there is something to apply. Before anything is
applied to a store that already has data, the opener's `before` hook runs (it makes a
backup, see core/opening.py): a schema rewritten in place is the one change an operator
cannot undo otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from hcc_desktop import __version__
from hcc_desktop.core.errors import StoreError
from hcc_desktop.paths import migrations_dir

_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(None|['\"]([^'\"]+)['\"])", re.M)


class NewerStoreError(StoreError):
    """The store was written by a newer program: its schema is unknown here. Its own
    class so the GUI can say "install the newer program" rather than "damaged"."""

    def __init__(self, message: str, revision: str) -> None:
        super().__init__(message)
        self.revision = revision


@lru_cache(maxsize=1)
def _graph() -> dict[str, str | None]:
    """revision → down_revision, read from the migration files' text."""
    graph: dict[str, str | None] = {}
    for path in sorted((migrations_dir() / "versions").glob("*.py")):
        body = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(body), _DOWN.search(body)
        if rev and down:
            graph[rev.group(1)] = down.group(2)
    return graph


def known_revisions() -> set[str]:
    """Every schema revision this program can read (packages name theirs)."""
    return set(_graph())


def head_revision() -> str:
    graph = _graph()
    parents = {d for d in graph.values() if d}
    heads = [r for r in graph if r not in parents]
    if len(heads) != 1:
        raise StoreError(f"the migrations in {migrations_dir()} have {len(heads)} heads")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, *, label: str, before: Callable[[], object] | None = None) -> bool:
    """Apply pending migrations; returns True when something was applied. `before` runs
    first when a store that already has a schema is about to change (the opener makes
    its backup there)."""
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        raise NewerStoreError(
            f"{label}: this store has schema revision {current!r}, made by a newer "
            f"hcc-desktop than this one ({__version__}); upgrade the program to open it",
            current,
        )
    if current == head_revision():
        return False
    if current is not None and before is not None and _file_of(engine) is not None:
        before()
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def _file_of(engine: Engine) -> Path | None:
    """The database file behind `engine`, or None for an in-memory database."""
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        return None
    return Path(name)
