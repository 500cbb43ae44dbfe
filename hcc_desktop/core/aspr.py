"""ASPR health care preparedness and response capabilities as reference data
(resources/aspr_capabilities.json), not as code.

Exercise objectives, AAR ratings, corrective actions and the capability dashboard name
a capability ('2') or one of its objectives ('2.2'). The wording is the document's and
partly unverified, and ASPR has drafted a successor with eight capabilities, so the
list is a versioned file a coalition can replace; only the ids are stored in records.
Local input is checked against the file; values that arrive by sync are kept as sent
(the sender may hold a newer edition).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.paths import resource

FILE = "aspr_capabilities.json"


@dataclass(frozen=True)
class Objective:
    id: str
    name: str
    #: False: the wording is recalled, not confirmed by a retrieved source.
    verified: bool


@dataclass(frozen=True)
class Capability:
    id: str
    name: str
    goal: str
    objectives: tuple[Objective, ...]


@dataclass(frozen=True)
class Reference:
    version: str
    title: str
    sources: tuple[str, ...]
    capabilities: tuple[Capability, ...]

    def capability(self, ref: str) -> Capability:
        """The capability a ref names or belongs to ('2.2' → capability 2)."""
        key = ref.split(".", 1)[0]
        for c in self.capabilities:
            if c.id == key:
                return c
        raise KeyError(ref)

    def label(self, ref: str) -> str:
        """'2.2 Utilise information-sharing ...' or '2 Health Care and Medical ...';
        a ref this edition does not know is shown as it is."""
        try:
            cap = self.capability(ref)
        except KeyError:
            return ref
        if ref == cap.id:
            return f"{cap.id} {cap.name}"
        for o in cap.objectives:
            if o.id == ref:
                return f"{o.id} {o.name}"
        return ref

    @property
    def refs(self) -> tuple[str, ...]:
        out: list[str] = []
        for c in self.capabilities:
            out.append(c.id)
            out.extend(o.id for o in c.objectives)
        return tuple(out)


def _parse(data: dict[str, Any]) -> Reference:
    caps = tuple(
        Capability(
            str(c["id"]),
            str(c["name"]),
            str(c.get("goal", "")),
            tuple(
                Objective(str(o["id"]), str(o["name"]), bool(o.get("verified", False)))
                for o in c.get("objectives", ())
            ),
        )
        for c in data["capabilities"]
    )
    return Reference(
        str(data["version"]), str(data.get("title", "")), tuple(data.get("sources", ())), caps
    )


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Reference:
    """The reference file (cached: it is read on every validation)."""
    src = path or resource(FILE)
    try:
        return _parse(json.loads(src.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError("capabilities", f"{src}: cannot read ({exc})") from None


def capability_of(ref: str) -> str:
    """The capability id of a ref: '2.2' → '2', '2' → '2'."""
    return ref.split(".", 1)[0]


def check_refs(field: str, raw: Any, *, required: bool = False) -> list[str]:
    """Capability or objective refs ('2', '2.2'), from a list or 'a,b' text, sorted and
    without repeats; an unknown one is refused naming `field`."""
    items: Iterable[Any] = raw.split(",") if isinstance(raw, str) else (raw or ())
    if isinstance(raw, (bool, int, float, dict)):
        raise ValidationError(field, f"expected capability ids like 2 or 2.2, got {raw!r}")
    out = sorted({str(x).strip() for x in items if str(x).strip()}, key=_order)
    known = set(load().refs)
    for ref in out:
        if ref not in known:
            raise ValidationError(
                field, f"expected ASPR capabilities or objectives like 2 or 2.2, got {ref!r}"
            )
    if required and not out:
        raise ValidationError(field, "name at least one ASPR capability or objective")
    return out


def check_ref(field: str, raw: Any) -> str:
    """Exactly one capability or objective ref."""
    refs = check_refs(field, raw, required=True)
    if len(refs) != 1:
        raise ValidationError(field, f"expected one capability or objective, got {raw!r}")
    return refs[0]


def _order(ref: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in ref.split("."))
    except ValueError:
        return (999,)
