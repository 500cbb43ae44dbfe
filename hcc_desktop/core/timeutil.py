"""Time as the store keeps it: ISO 8601 UTC text ("2026-11-23T14:05:00Z").

Text sorts chronologically and reads the same in SQLite, PostgreSQL, JSON and NDJSON,
so one representation serves the store, the dump and the packages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hcc_desktop.core.errors import ValidationError


def to_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: attach a time zone before storing")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_ms(ms: int) -> str:
    return to_iso(datetime.fromtimestamp(ms / 1000, tz=UTC))


def parse_iso(text: str) -> datetime:
    """Parse a stored or user-typed time; a time without zone is taken as UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def normalise(field: str, text: str | datetime | None) -> str | None:
    """Accept a time from a user or a caller and return the stored form, or refuse it
    naming the field."""
    if text is None or text == "":
        return None
    if isinstance(text, datetime):
        return to_iso(text if text.tzinfo else text.replace(tzinfo=UTC))
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":
        try:  # already the stored form: check it, keep it
            datetime.fromisoformat(text[:19])
            return text
        except ValueError:
            pass
    try:
        return to_iso(parse_iso(text))
    except ValueError:
        raise ValidationError(
            field, f"expected a date and time like 2026-11-23T14:05Z, got {text!r}"
        ) from None


def parse_date(field: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"expected a date like 2026-11-23, got {text!r}") from None


def add_hours(iso: str, hours: float) -> str:
    return to_iso(parse_iso(iso) + timedelta(hours=hours))
