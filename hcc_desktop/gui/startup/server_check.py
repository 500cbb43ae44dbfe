"""Joining an EOC server, before anything is opened: the connection string with the
password put in (or left out, for the settings), and a test of the connection that
says in the operator's words what is wrong: the server cannot be reached, the password
is refused, the database does not exist, or it holds something other than an
hcc-desktop store.

Qt-free, like first_start.py: the welcome dialog, Preferences and the start-up loop use
it, and the tests call it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from hcc_desktop.core import migrations
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.pgurl import is_server_location, redact

#: Seconds the test waits for the server to answer (a seat on the EOC's LAN answers at
#: once; an address that does not answer at all should not hold the dialog long).
TEST_TIMEOUT = 5

EXAMPLE = "postgresql://hcc@eoc-server/hcc_eoc"


class Trouble(StrEnum):
    NOT_URL = "not-url"
    UNREACHABLE = "unreachable"
    PASSWORD = "password"
    NO_DATABASE = "no-database"
    NOT_STORE = "not-store"
    NEWER = "newer"
    NO_RIGHTS = "no-rights"
    OTHER = "other"


class ServerProblem(StoreError):
    """Why the server cannot be used as given; `str()` is the sentence to show."""

    def __init__(self, trouble: Trouble, message: str) -> None:
        super().__init__(message)
        self.trouble = trouble


@dataclass(frozen=True)
class ServerInfo:
    """What the test found: the server's station (None: a new, empty database that
    the first seat to join sets up)."""

    url: str
    station: str | None

    @property
    def is_new(self) -> bool:
        return self.station is None

    def describe(self) -> str:
        where = redact(self.url)
        if self.station is None:
            return (
                f"Connected to {where}. The database is empty: joining sets it up as a new "
                "EOC server station."
            )
        return f"Connected to {where}: the EOC server station {self.station!r}."


def with_password(location: str, password: str) -> str:
    """The connection string with `password` put in (a password typed in the URL
    itself stays when the field is empty)."""
    location = location.strip()
    if not password or not is_server_location(location):
        return location
    url = make_url(location).set(password=password)
    return url.render_as_string(hide_password=False)


def without_password(location: str) -> str:
    """The connection string to keep in the settings when the password is not to be
    remembered."""
    if not is_server_location(location):
        return location
    url = make_url(location)
    if url.password is None:
        return location
    # URL.set() leaves a field given as None unchanged: replace it outright.
    return url._replace(password=None).render_as_string(hide_password=False)


def has_password(location: str) -> bool:
    return is_server_location(location) and make_url(location).password is not None


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    first = lines[0] if lines else str(orig)
    # psycopg: "connection failed: connection to server at "h", port p failed: FATAL: ..."
    return first.split("failed: ")[-1].replace("FATAL:  ", "").strip()


def explain(exc: BaseException, location: str) -> ServerProblem:
    """A failure to connect as the operator reads it."""
    where = redact(location)
    raw = str(getattr(exc, "orig", None) or exc)
    low = raw.lower()
    url = make_url(location)
    if "password authentication failed" in low or "no password supplied" in low:
        if url.password is None and "no password supplied" in low:
            msg = f"{where}: the server asks for a password. Type it in the password field."
        else:
            msg = (
                f"{where}: the server refused the password for user {url.username!r}. Check "
                "the password (ask whoever set up the server)."
            )
        return ServerProblem(Trouble.PASSWORD, msg)
    if "does not exist" in low and "database" in low:
        return ServerProblem(
            Trouble.NO_DATABASE,
            f"{where}: the server has no database {url.database!r}. It must be created "
            'first (see the README, "EOC server": one command on the server), or check '
            "its name.",
        )
    if "role" in low and "does not exist" in low:
        return ServerProblem(
            Trouble.PASSWORD,
            f"{where}: the server knows no user {url.username!r}. Check the user name.",
        )
    if "no pg_hba.conf entry" in low:
        return ServerProblem(
            Trouble.PASSWORD,
            f"{where}: the server does not accept connections from this computer for "
            f"{url.username!r} (its pg_hba.conf needs a line for the EOC's network).",
        )
    if "ssl negotiation" in low or "invalid response" in low:
        return ServerProblem(
            Trouble.UNREACHABLE,
            f"{where}: something answered at that address, but not a PostgreSQL server "
            f"({_reason(exc)}). Check the host name and port (PostgreSQL's is 5432).",
        )
    unreachable = (
        "connection refused",
        "could not translate host name",
        "failed to resolve host",
        "name or service not known",
        "timeout expired",
        "timed out",
        "no route to host",
        "network is unreachable",
        "could not connect",
        "server closed the connection",
        "is the server running",
    )
    if any(s in low for s in unreachable):
        return ServerProblem(
            Trouble.UNREACHABLE,
            f"{where}: the server cannot be reached ({_reason(exc)}). Check the host name "
            "and that this computer is on the EOC's network.",
        )
    return ServerProblem(Trouble.OTHER, f"{where}: {_reason(exc)}")


def check_server(location: str, *, timeout: int = TEST_TIMEOUT) -> ServerInfo:
    """Connect to the server and look at the database, changing nothing. Raises
    ServerProblem with the sentence to show."""
    location = location.strip()
    if not is_server_location(location):
        raise ServerProblem(
            Trouble.NOT_URL,
            f"{location or 'Nothing given'}: not a connection string; it looks like {EXAMPLE}",
        )
    try:
        url = make_url(location).set(drivername="postgresql+psycopg")
    except Exception as exc:
        raise ServerProblem(
            Trouble.NOT_URL, f"{redact(location)}: not a connection string ({exc})"
        ) from exc
    if not url.database:
        raise ServerProblem(
            Trouble.NOT_URL,
            f"{redact(location)}: name the database after the host, as in {EXAMPLE}",
        )
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": timeout, "application_name": "hcc-desktop"},
    )
    try:
        with engine.connect() as conn:
            tables = set(
                conn.execute(
                    text(
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = current_schema()"
                    )
                ).scalars()
            )
            if not tables - {"hcc_server_key"}:
                may_create = conn.execute(
                    text("SELECT has_schema_privilege(current_schema(), 'CREATE')")
                ).scalar()
                if not may_create:
                    raise ServerProblem(
                        Trouble.NO_RIGHTS,
                        f"{redact(location)}: the database is empty and user "
                        f"{url.username!r} may not create its tables. Make the user the "
                        f"database's owner (ALTER DATABASE {url.database} OWNER TO "
                        f"{url.username}).",
                    )
                return ServerInfo(location, None)
            if "alembic_version" not in tables or "stations" not in tables:
                raise ServerProblem(
                    Trouble.NOT_STORE,
                    f"{redact(location)}: the database holds other tables, not an "
                    "hcc-desktop store. Use a database made for hcc-desktop (see the "
                    'README, "EOC server").',
                )
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision and revision not in migrations.known_revisions():
                raise ServerProblem(
                    Trouble.NEWER,
                    f"{redact(location)}: the server was set up by a newer hcc-desktop "
                    f"(schema revision {revision}); install that version on this computer.",
                )
            station = conn.execute(text("SELECT name FROM stations WHERE is_self")).scalar()
            return ServerInfo(location, str(station) if station is not None else None)
    except DBAPIError as exc:
        raise explain(exc, location) from exc
    finally:
        engine.dispose()
