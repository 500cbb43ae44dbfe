"""Why a package was refused: each check has its own class so callers and tests can
tell them apart, and every message says which check failed."""

from __future__ import annotations

from hcc_desktop.core.errors import HccError


class PackageRefused(HccError):
    """The package was refused; the store was not touched."""

    check = "package"

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {self.check}: {message}")
        self.file = file
        self.message = message


class TooLarge(PackageRefused):
    check = "size"


class BadContainer(PackageRefused):
    check = "container"


class BadSignature(PackageRefused):
    check = "signature"


class Untrusted(PackageRefused):
    check = "trust"


class BadHash(PackageRefused):
    check = "integrity"


class NewerFormat(PackageRefused):
    check = "format"


class Malformed(PackageRefused):
    check = "content"


class Replay(PackageRefused):
    check = "replay"


class KeyFileError(HccError):
    """A station key file that cannot be trusted as given."""
