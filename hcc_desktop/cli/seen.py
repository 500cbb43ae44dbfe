"""`--seen`: the versions a script read (`requests show --json`) passed back with a
change, so a change made from an out-of-date view is recorded as a concurrent one (a
conflict when the values disagree), as the GUI's forms do, instead of silently
overwriting another seat's change (see `services.requests.set_status` and
`services.escalation._as_shown`).

Everything given is checked here, before the command writes anything: a bad `--seen`
is exit 1 with one line naming the option and the unit, and the store unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from hcc_desktop.cli.fmt import short
from hcc_desktop.cli.registry import PROG
from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.store import Store

OPTION = "--seen"
#: The units of a request a command can say it saw, in the order `show` prints them.
UNITS = ("status", "escalation")
#: How `UNIT=VERSION` spells "that unit had no version yet" (`show` prints `none`).
NO_VERSION = ("", "none", "null")

Versions = dict[str, str | None]


def add_option(p: argparse.ArgumentParser, unit: str) -> None:
    """`--seen` on a command that changes `unit` of a request."""
    p.add_argument(
        OPTION,
        metavar="SEEN",
        action="append",
        help=(
            f"the versions your view showed, as `requests show REF --json` printed them: "
            f"@FILE (that output saved to a file; @- reads stdin), the JSON text itself, "
            f"or UNIT=VERSION (repeatable; `none` for no version yet). It must name "
            f"{unit}. If another seat changed the {unit} since, this change is recorded "
            f"as concurrent with theirs: a conflict (see `conflicts list`) when the two "
            f"disagree, and a note on stderr says so"
        ),
    )


def _refuse(message: str) -> ValidationError:
    return ValidationError(OPTION, message)


def _text_of(value: str) -> str:
    """The JSON an `@FILE` (or `@-`) names."""
    name = value[1:]
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise _refuse(f"{name}: cannot be read ({why})") from None


def _from_json(text: str, where: str) -> tuple[Versions, str | None]:
    """Units and versions from a JSON object: the `seen` object of `requests show
    --json`, or that whole output (then also the id of the request it shows). `where`
    prefixes the message about a file's text ("" for the option's own text)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(
            f"{where}not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise _refuse(f"{where}expected a JSON object of unit: version id")
    view_id = None
    if "seen" in data:  # the whole `show --json` output
        view_id = data.get("id") if isinstance(data.get("id"), str) else None
        data = data["seen"]
        if not isinstance(data, dict):
            raise _refuse(f"{where}seen: expected an object of unit: version id")
    out: Versions = {}
    for unit, version in data.items():
        if version is not None and not isinstance(version, str):
            raise _refuse(f"{unit}: expected a version id or null, got {version!r}")
        out[str(unit)] = version
    return out, view_id


def _one(value: str) -> tuple[Versions, str | None]:
    text = value.strip()
    if text.startswith("@"):
        return _from_json(_text_of(text), f"{text[1:]}: ")
    if text.startswith(("{", "[", '"')):
        return _from_json(text, "")
    unit, eq, version = text.partition("=")
    if not eq or not unit.strip():
        raise _refuse(
            f"expected UNIT=VERSION, a JSON object or @FILE (what `requests show --json` "
            f"printed), got {value!r}"
        )
    version = version.strip()
    return {unit.strip(): None if version.lower() in NO_VERSION else version}, None


def parse(values: list[str]) -> tuple[Versions, str | None]:
    """All the `--seen` options of a command line merged: unit → version id (None: no
    version yet), and the id of the request the view showed when the whole `show`
    output was given. Syntax only; `check` compares them with the store."""
    out: Versions = {}
    view_id = None
    for value in values:
        given, shown = _one(value)
        view_id = shown or view_id
        for unit, version in given.items():
            if unit in out and out[unit] != version:
                first, then = out[unit] or "none", version or "none"
                raise _refuse(f"{unit}: given twice, as {first} and as {then}")
            out[unit] = version
    return out, view_id


@dataclass(frozen=True)
class Seen:
    """A checked `--seen` for a change of `unit`, with what the store held before the
    change: enough to tell afterwards whether it was made from a stale view and what
    became of it."""

    request_id: str
    number: str
    unit: str
    versions: Versions
    current: str | None
    current_by: str | None
    #: The last of the unit's versions before the change (`Version.seq`, 0: none).
    last_seq: int

    @property
    def version(self) -> str | None:
        """The version of `unit` the view showed."""
        return self.versions[self.unit]

    @property
    def stale(self) -> bool:
        return self.version != self.current


def check(store: Store, req: m.ResourceRequest, values: list[str] | None, unit: str) -> Seen | None:
    """`--seen` of a command that changes `unit` of `req`, checked against the store:
    only known units, each version one of that unit's versions of this request, and
    `unit` named. None when no `--seen` was given (the change is made on what the
    store holds now, as before)."""
    if not values:
        return None
    given, view_id = parse(values)
    if view_id is not None and view_id != req.id:
        raise _refuse(f"id: the view given is of request {view_id}, not of {req.number}")
    unknown = sorted(set(given) - set(UNITS))
    if unknown:
        raise _refuse(
            f"{unknown[0]}: not a unit of a request a command can say it saw "
            f"(expected {' or '.join(UNITS)})"
        )
    if unit not in given:
        raise _refuse(f"{unit}: missing; give the version `requests show {req.number}` printed")
    if "status" in given and given["status"] is None:
        raise _refuse("status: a request always has a status version; `none` is not one")
    named = {v for v in given.values() if v is not None}
    with store.read() as s:
        found = dict(
            s.execute(
                select(m.Version.id, m.Version.unit).where(
                    m.Version.entity == "request",
                    m.Version.record_id == req.id,
                    m.Version.id.in_(named),
                )
            ).all()
        )
        for u, version in given.items():
            if version is not None and found.get(version) != u:
                raise _refuse(f"{u}: {version!r} is not a version of {req.number}'s {u}")
        w = m.Winner
        current = s.execute(
            select(w.version_id, m.Version.operator)
            .join(m.Version, m.Version.id == w.version_id)
            .where(w.entity == "request", w.record_id == req.id, w.unit == unit)
        ).one_or_none()
        last = _last_seq(s, req.id, unit)
    return Seen(
        req.id, req.number or req.id, unit, given,
        current[0] if current else None, current[1] if current else None, last,
    )  # fmt: skip


def _last_seq(s: Any, request_id: str, unit: str) -> int:
    """Where the versions of `unit` of the request end now (0: none yet)."""
    last = s.scalar(
        select(func.max(m.Version.seq)).where(
            m.Version.entity == "request",
            m.Version.record_id == request_id,
            m.Version.unit == unit,
        )
    )
    return int(last or 0)


def report(store: Store, seen: Seen | None) -> None:
    """One line on stderr when the change was made from a stale view: what the service
    did with it (a version now in an open conflict, a concurrent version that agrees
    with the other seat's, or nothing to write). Silent for a view that was up to date:
    that is an ordinary change."""
    if seen is None or not seen.stale:
        return
    with store.read() as s:
        written = set(
            s.scalars(
                select(m.Version.id).where(
                    m.Version.entity == "request",
                    m.Version.record_id == seen.request_id,
                    m.Version.unit == seen.unit,
                    m.Version.seq > seen.last_seq,
                )
            )
        )
        open_ = s.execute(
            select(m.Conflict.id, m.Conflict.version_ids).where(
                m.Conflict.entity == "request",
                m.Conflict.record_id == seen.request_id,
                m.Conflict.unit == seen.unit,
            )
        ).all()
    hit = sorted(cid for cid, ids in open_ if written & set(ids or ()))
    by = f" by {seen.current_by}" if seen.current_by else ""
    head = f"{PROG}: {OPTION}: {seen.number}'s {seen.unit} was changed{by} after your view"
    if hit:
        what = (
            f"recorded as a concurrent change: conflict {short(hit[0])} is open "
            f"(see `{PROG} conflicts list`)"
        )
    elif written:
        what = "recorded as a concurrent change; it agrees with theirs, no conflict"
    else:
        what = "nothing recorded: your change is what your view showed"
    print(f"{head}; {what}", file=sys.stderr)


def read_view(store: Store, request_id: str) -> tuple[m.ResourceRequest, Versions]:
    """The request and the versions of its units as they are now, read in one
    statement (a seat on an EOC server reads committed data statement by statement:
    two reads could pair the row with a later version, and a change made from that
    view would overwrite what the script never saw)."""
    found: dict[str, Any] = {}
    for unit in UNITS:
        found[unit] = aliased(m.Winner, name=f"w_{unit}")
    stmt = select(m.ResourceRequest, *(w.version_id for w in found.values())).where(
        m.ResourceRequest.id == request_id
    )
    for unit, w in found.items():
        stmt = stmt.outerjoin(
            w,
            and_(
                w.entity == "request",
                w.record_id == m.ResourceRequest.id,
                w.unit == unit,
            ),
        )
    with store.read() as s:
        row = s.execute(stmt).one()
    return row[0], dict(zip(UNITS, row[1:], strict=True))
