"""Which paper a document is printed on when nobody said: US Letter where the locale's
territory uses it (the United States, Canada, Mexico, the Philippines and a few others
in the Americas), A4 everywhere else.

A US coalition's briefing must fit the paper in its printers, and the same program run
by a partner abroad must not print Letter on A4. The choice is made once, here, from
the locale (no Qt), so the command line, the report builders and the GUI agree; an
explicit choice (`--a4`, `--letter`, the GUI's paper box) always wins over it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

LETTER = "letter"
A4 = "a4"
PAPERS = (LETTER, A4)

#: ISO 3166 territories whose locales print on US Letter (as glibc's LC_PAPER does).
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "PR", "CL", "CO", "VE", "CR", "GT", "NI", "PA", "SV", "DO"}
)

#: Windows names territories in full ("English_United States.1252").
_LETTER_NAMES = frozenset(
    {
        "united states", "canada", "mexico", "philippines", "puerto rico", "chile",
        "colombia", "venezuela", "costa rica", "guatemala", "nicaragua", "panama",
        "el salvador", "dominican republic",
    }
)  # fmt: skip

#: Without any territory (the C or POSIX locale, nothing set: a service account, a
#: container) the program's own users decide: coalitions in the United States.
UNKNOWN_TERRITORY_PAPER = LETTER

_ENV_ORDER = ("LC_ALL", "LC_PAPER", "LANG")  # POSIX precedence for the paper category


def paper_for_locale(name: str | None) -> str | None:
    """'letter' or 'a4' for a locale name such as 'en_US.UTF-8', 'fr_CA@euro', 'en-GB'
    or 'English_United States.1252'; None when the name carries no territory ('C',
    'POSIX', 'C.UTF-8', 'en', '')."""
    if not name:
        return None
    base = re.split(r"[.@]", name.strip(), maxsplit=1)[0]
    _, sep, territory = base.replace("-", "_").partition("_")
    territory = territory.strip()
    if not sep or not territory:
        return None
    if len(territory) == 2 and territory.isalpha():
        return LETTER if territory.upper() in LETTER_TERRITORIES else A4
    if len(territory) > 3:  # a Windows full name
        return LETTER if territory.lower() in _LETTER_NAMES else A4
    return None


def _platform_locale() -> str | None:
    """The user's locale where it is not in the environment (Windows, a macOS app
    started from the Finder). Not used on Linux: there Python maps C.UTF-8 to en_US."""
    if sys.platform == "win32":
        try:
            import ctypes

            buf = ctypes.create_unicode_buffer(85)
            if ctypes.windll.kernel32.GetUserDefaultLocaleName(buf, len(buf)):  # type: ignore[attr-defined]
                return buf.value
        except (AttributeError, OSError):
            pass
    if sys.platform in ("win32", "darwin"):
        import locale

        try:
            return locale.getlocale()[0]
        except ValueError:
            return None
    return None


def default_paper(environ: Mapping[str, str] | None = None) -> str:
    """The paper to use when no one chose: 'letter' or 'a4' from the locale's territory
    (LC_ALL, then LC_PAPER, then LANG, the first one set, as POSIX reads them; the
    platform's locale when none is set). A locale without a territory gives
    `UNKNOWN_TERRITORY_PAPER` (Letter). `environ` is for tests; default os.environ."""
    env = os.environ if environ is None else environ
    for var in _ENV_ORDER:
        value = env.get(var, "").strip()
        if value:
            return paper_for_locale(value) or UNKNOWN_TERRITORY_PAPER
    if environ is None:
        found = paper_for_locale(_platform_locale())
        if found:
            return found
    return UNKNOWN_TERRITORY_PAPER


def resolve_paper(paper: str | None) -> str:
    """An explicit choice as given (checked later by the report), else the locale's."""
    return paper if paper else default_paper()
