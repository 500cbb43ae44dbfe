"""Recognising and printing an EOC server's connection URL, without importing the
server machinery (core/pg.py): the command line asks on every start whether `--store`
names a server, and must stay quick to start."""

from __future__ import annotations

SCHEMES = ("postgresql", "postgres")


def is_server_location(location: object) -> bool:
    """True for a `postgresql://` (or `postgres://`) connection URL, False for a path."""
    if not isinstance(location, str) or "://" not in location:
        return False
    scheme = location.split(":", 1)[0].lower()
    return scheme.split("+", 1)[0] in SCHEMES


def redact(location: str) -> str:
    """The URL without its password, for messages and window titles."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(location)
    except Exception:
        return location.split("@")[-1]
    return url.render_as_string(hide_password=True).replace("postgresql+psycopg", "postgresql")
