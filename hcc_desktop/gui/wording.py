"""Refusals in the operator's words.

The core and the sync layer name what failed for a developer and a log file: an EEI
refusal names the element's code ("value of BEDS_ADULT_ICU_AVAILABLE"), a refused
package the internal check ("a.hccsync: container: ..."). An operator at 03:00 reads
neither, so the GUI says the same thing with the catalog's label ("Adult ICU beds
available") and a plain reason ("the file is damaged or is not a package"). The
texts of the lower layers stay as they are: the command line and the tests rely on
them, and the details still follow the plain reason.
"""

from __future__ import annotations

import re

from hcc_desktop.core.catalog import Catalog, load_catalog
from hcc_desktop.core.errors import HccError, ValidationError
from hcc_desktop.sync.errors import PackageRefused

#: A refused package's check, as the user guide words it (section 6).
PACKAGE_CHECKS = {
    "size": "the file is too large to be a package",
    "container": "the file is damaged or is not a package",
    "signature": "the signature does not match (the file was changed or damaged on the way)",
    "trust": "it is not signed by a trusted station",
    "integrity": "the file was changed or damaged on the way",
    "format": "it was made by a newer version of hcc-desktop",
    "content": "its contents are damaged or not understood",
    "replay": "it was imported before",
    "package": "the package could not be read",
}

_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def element_label(code: str, catalog: Catalog | None = None) -> str:
    """The catalog's label of an element code; the code itself if it is unknown."""
    cat = catalog or load_catalog()
    el = cat.elements.get(code)
    return el.label if el is not None else code


def with_labels(text: str, catalog: Catalog | None = None) -> str:
    """`text` with every known element code replaced by its label."""
    cat = catalog or load_catalog()
    return _CODE.sub(lambda m: element_label(m.group(0), cat) if m.group(0) in cat.elements
                     else m.group(0), text)  # fmt: skip


def eei_refusal(exc: ValidationError, catalog: Catalog | None = None) -> str:
    """One line for a refused EEI value: the field as the grid's column names it, why,
    and that nothing was saved."""
    cat = catalog or load_catalog()
    field = exc.field
    if field.startswith("value of "):
        field = element_label(field.removeprefix("value of "), cat)
    else:
        field = field.replace("_", " ")
    message = with_labels(exc.message, cat)
    if message.lower().startswith(field.lower()):  # a rule's message names it already
        return f"Not saved — {message}."
    return f"Not saved — {field}: {message}."


def package_refusal(exc: HccError) -> str:
    """Why a package was refused, plain reason first, the importer's detail after."""
    if not isinstance(exc, PackageRefused):
        return str(exc)
    reason = PACKAGE_CHECKS.get(exc.check, PACKAGE_CHECKS["package"])
    return f"Refused: {reason} ({exc.message})"
