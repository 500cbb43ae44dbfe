"""Helpers every service shares: who is acting, and checks that name the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.actor import SYSTEM as SYSTEM  # re-exported for the services
from hcc_desktop.core.actor import Actor as Actor
from hcc_desktop.core.errors import NotFoundError, ValidationError

T = TypeVar("T", bound=m.Base)

MAX_TEXT = 64 * 1024


def require_text(field: str, value: object, *, max_len: int = 300) -> str:
    if isinstance(value, (bool, dict, list)):
        raise ValidationError(field, f"expected text, got {value!r}")
    text = ("" if value is None else str(value)).strip()
    if not text:
        raise ValidationError(field, "must not be empty")
    if len(text) > max_len:
        raise ValidationError(field, f"at most {max_len} characters (got {len(text)})")
    return text


def optional_text(field: str, value: object, *, max_len: int = 300) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, dict, list)):
        raise ValidationError(field, f"expected text, got {value!r}")
    text = str(value).strip()
    if len(text) > max_len:
        raise ValidationError(field, f"at most {max_len} characters (got {len(text)})")
    return text or None


def require_choice(field: str, value: str | None, choices: Iterable[str]) -> str:
    options = list(choices)
    text = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if text not in options:
        raise ValidationError(field, f"expected one of {', '.join(options)}; got {value!r}")
    return text


def get_live(session: Session, model: type[T], record_id: str | None, field: str) -> T:
    """The record, or a refusal naming the field when it is unknown or deleted."""
    row = session.get(model, record_id) if record_id else None
    if row is None or getattr(row, "deleted", False):
        kind = model.__tablename__.rstrip("s").replace("_", " ")
        raise NotFoundError(field, f"unknown {kind} {record_id!r}")
    return row


def resolve_prefix(session: Session, model: type[T], ref: str, field: str) -> T:
    """Accept a full id or a unique start or end of one (at least 6 characters), as
    operators copy short ids from listings. Listings show an id's end: the start of a
    UUIDv7 is its timestamp, shared by records made in the same minute."""
    row = session.get(model, ref)
    if row is not None and not getattr(row, "deleted", False):
        return row
    if len(ref) >= 6:
        id_col: Any = model.id  # type: ignore[attr-defined]
        rows = (
            session.query(model)
            .filter(id_col.startswith(ref, autoescape=True) | id_col.endswith(ref, autoescape=True))
            .limit(3)
            .all()
        )
        live = [r for r in rows if not getattr(r, "deleted", False)]
        if len(live) == 1:
            return live[0]
        if len(live) > 1:
            raise ValidationError(
                field, f"{ref!r} matches more than one record; give more of the id"
            )
    kind = model.__tablename__.rstrip("s").replace("_", " ")
    raise NotFoundError(field, f"unknown {kind} {ref!r}")
