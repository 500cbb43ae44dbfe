"""What the CLI's command handlers share: the operator and the lazily opened store,
the two exits that are not refusals (usage, a missing part of the build), and the
look-ups that turn what an operator types into records."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from hcc_desktop.cli.fmt import tail
from hcc_desktop.core import models as m
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.files import check_out_folder
from hcc_desktop.core.services import incidents, organizations, requests
from hcc_desktop.core.services.common import Actor, require_choice
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms


class UsageError(Exception):
    """Arguments that parse but do not fit together: exit 2, like argparse's own."""


class Unavailable(Exception):
    """A part of the program this build does not have (the GUI, the demo): exit 2."""


class Context:
    """What every handler needs: the operator, and the store, opened on first use so
    that a command refused before it touches the store does not create one."""

    def __init__(self, actor: Actor, opener: Callable[[], Store]) -> None:
        self.actor = actor
        self._opener = opener
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self._opener()
        return self._store

    def now(self) -> str:
        return from_ms(self.store.wall())

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


Handler = Callable[[Context, argparse.Namespace], int]


def emit(text: str) -> None:
    print(text)


def out_file(value: str, field: str = "out") -> Path:
    """The file an operator named for a command to write, its folder checked first
    (`core.files.check_out_folder`): refused as `<field>: <folder>: no such folder`
    before the store is opened for the work, the same for every command that writes
    a file, instead of an OS error on an internal temporary file."""
    return check_out_folder(Path(value), field)


# ------------------------------------------------------------------ lookups


def resolve_ref(store: Store, model: type[Any], ref: str, field: str) -> Any:
    """A record by its full id, or by the first or the last characters of it (at least
    6): tables show the last eight (`fmt.tail`), other tools the first."""
    ref = ref.strip()
    table: Any = model
    with store.read() as s:
        row = s.get(model, ref)
        if row is not None and not row.deleted:
            return row
        if len(ref) >= 6:
            ends = or_(
                table.id.startswith(ref, autoescape=True), table.id.endswith(ref, autoescape=True)
            )
            found = list(s.scalars(select(model).where(ends, table.deleted.is_(False)).limit(2)))
            if len(found) == 1:
                return found[0]
            if found:
                raise ValidationError(
                    field, f"{ref!r} matches more than one record; give the whole id"
                )
    kind = model.__tablename__.rstrip("s").replace("_", " ")
    raise NotFoundError(field, f"unknown {kind} {ref!r}")


def resolve_org(store: Store, ref: str, field: str) -> m.Organization:
    """A member by id (or either end of it), short name, key or exact name, because
    operators type what they see ("YNHH", "ct-dph") rather than UUIDs."""
    try:
        return resolve_ref(store, m.Organization, ref, field)
    except NotFoundError:
        pass
    key = ref.strip().lower()
    o = m.Organization
    with store.read() as s:
        rows = list(
            s.scalars(
                select(o)
                .where(
                    o.deleted.is_(False),
                    or_(
                        func.lower(o.short_name) == key,
                        func.lower(o.external_key) == key,
                        func.lower(o.name) == key,
                    ),
                )
                .limit(2)
            )
        )
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise ValidationError(field, f"{ref!r} names more than one member; give its id")
    raise NotFoundError(field, f"unknown member {ref!r}; see `hcc-desktop members list`")


def resolve_request(store: Store, ref: str) -> m.ResourceRequest:
    """By request number, id, or either end of the id."""
    with store.read() as s:
        try:
            return requests.find_request(s, ref.strip())
        except NotFoundError:
            pass
    return resolve_ref(store, m.ResourceRequest, ref, "request")


def optional_choice(field: str, value: str | None, choices: Iterable[str]) -> str | None:
    """A filter option: absent means no filter; present must be a known value."""
    return require_choice(field, value, choices) if value else None


def org_names(store: Store) -> dict[str, str]:
    return {o.id: o.name or "" for o in organizations.list_organizations(store)}


def incident_of(ctx: Context, args: argparse.Namespace) -> m.Incident:
    ref = getattr(args, "incident", None)
    if ref:
        return resolve_ref(ctx.store, m.Incident, ref, "incident")
    return incidents.resolve_incident(ctx.store, None)


def incident_label(inc: m.Incident) -> str:
    """How a command's output names the incident it acted on ("Hurricane Delta
    (a1b2c3d4)"): most commands default to the current incident, and an operator who
    switched incidents in the GUI must see where the data went."""
    return f"{inc.name} ({tail(inc.id)})"


def incident_label_for(store: Store, incident_id: str) -> str:
    """`incident_label` for an id an interop result carries."""
    with store.read() as s:
        inc = s.get(m.Incident, incident_id)
    return incident_label(inc) if inc is not None else incident_id


def period_number(ctx: Context, inc: m.Incident, given: int | None) -> int:
    """The period asked for, else the one running now, else the latest that has begun."""
    if given is not None:
        with ctx.store.read() as s:
            incidents.get_period(s, inc.id, given)
        return given
    now = ctx.now()
    found = incidents.period_at(ctx.store, incident_id=inc.id, moment=now)
    if found is not None and found.number is not None:
        return found.number
    periods = incidents.list_periods(ctx.store, incident_id=inc.id)
    if not periods:
        raise ValidationError(
            "period",
            f"incident {inc.name!r} has no operational periods; add one with "
            "`hcc-desktop periods add`",
        )
    begun = [p for p in periods if (p.starts_at or "") <= now]
    return int((begun[-1] if begun else periods[0]).number or 1)
