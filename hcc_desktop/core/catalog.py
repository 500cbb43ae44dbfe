"""The EEI catalog (resources/eei_catalog.json): what each element means and which
values it accepts.

The catalog is data, not code, so a coalition can add an element without a release.
Values are checked here for local input; values that arrive by sync are kept as sent
(the sender checked them against its catalog, which may be newer).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import sha256_hex
from hcc_desktop.core.timeutil import normalise
from hcc_desktop.paths import resource

if TYPE_CHECKING:
    from hcc_desktop.core.store import Store

MAX_TEXT = 2000
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class Element:
    code: str
    label: str
    category: str
    value_type: str
    unit: str | None
    min: float | None
    max: float | None
    choices: tuple[str, ...]
    reported_by: tuple[str, ...]
    sensitive: bool
    have: str | None
    description: str
    #: Our choice value → the EDXL-HAVE code (None: HAVE has no such value).
    have_values: dict[str, str | None] = field(default_factory=dict, hash=False, compare=False)

    def describe_expected(self) -> str:
        if self.value_type == "choice":
            return "one of " + ", ".join(self.choices)
        if self.value_type == "yesno":
            return "yes or no"
        if self.value_type in ("integer", "number", "percent"):
            kind = "a whole number" if self.value_type == "integer" else "a number"
            lo = 0 if self.value_type == "percent" and self.min is None else self.min
            hi = 100 if self.value_type == "percent" and self.max is None else self.max
            if lo is not None and hi is not None:
                return f"{kind} from {_num(lo)} to {_num(hi)}"
            if lo is not None:
                return f"{kind} of at least {_num(lo)}"
            if hi is not None:
                return f"{kind} of at most {_num(hi)}"
            return kind
        if self.value_type == "datetime":
            return "a date and time like 2026-11-23T18:00Z"
        return f"text of at most {MAX_TEXT} characters"

    def coerce(self, raw: Any) -> Any:
        """Return the stored form of `raw`, or raise ValidationError naming the element."""
        field = f"value of {self.code}"
        bad = ValidationError(field, f"expected {self.describe_expected()}, got {raw!r}")
        if raw is None or raw == "":
            raise ValidationError(field, f"expected {self.describe_expected()}, got nothing")
        vt = self.value_type
        if vt == "choice":
            text = str(raw).strip().lower()
            for choice in self.choices:
                if choice.lower() == text:
                    return choice
            raise bad
        if vt == "yesno":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in YES:
                return True
            if text in NO:
                return False
            raise bad
        if vt == "text":
            text = str(raw)
            if len(text) > MAX_TEXT:
                raise bad
            return text
        if vt == "datetime":
            return normalise(field, str(raw))
        value: float
        if isinstance(raw, bool):
            raise bad
        try:
            value = float(raw) if not isinstance(raw, int) else raw
        except (TypeError, ValueError):
            raise bad from None
        if isinstance(value, float) and not math.isfinite(value):
            raise bad
        if vt == "integer" and isinstance(value, float):
            if not value.is_integer():
                raise bad
            value = int(value)
        lo = self.min if self.min is not None else (0 if vt == "percent" else None)
        hi = self.max if self.max is not None else (100 if vt == "percent" else None)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise bad
        return value


_NEGATED = {"<=": ">", "<": ">=", ">=": "<"}


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class Rule:
    code: str
    left: str
    op: str
    right: str
    message: str

    def holds(self, left: Any, right: Any) -> bool:
        if not isinstance(left, (int, float)) or not isinstance(right, (int, float)):
            return True
        return {"<=": left <= right, "<": left < right, ">=": left >= right}.get(self.op, True)


@dataclass(frozen=True)
class Catalog:
    version: int
    digest: str
    categories: dict[str, str]
    elements: dict[str, Element]
    rules: tuple[Rule, ...]

    def element(self, code: str) -> Element:
        try:
            return self.elements[code]
        except KeyError:
            raise ValidationError(
                "element", f"unknown EEI element {code!r}; see `hcc-desktop eei elements`"
            ) from None

    def check_rules(self, values: dict[str, Any]) -> None:
        """Cross-field rules over one facility's values for one period."""
        for rule in self.rules:
            if (
                rule.left in values
                and rule.right in values
                and not rule.holds(values[rule.left], values[rule.right])
            ):
                left, right = values[rule.left], values[rule.right]
                raise ValidationError(
                    f"value of {rule.left}",
                    f"{rule.message} ({left} {_NEGATED[rule.op]} {right})",
                )


def parse_catalog(text: str, *, source: str) -> Catalog:
    data = json.loads(text)
    elements = {}
    for raw in data["elements"]:
        elements[raw["code"]] = Element(
            code=raw["code"],
            label=raw["label"],
            category=raw["category"],
            value_type=raw["value_type"],
            unit=raw.get("unit"),
            min=raw.get("min"),
            max=raw.get("max"),
            choices=tuple(raw.get("choices") or ()),
            reported_by=tuple(raw.get("reported_by") or ()),
            sensitive=bool(raw.get("sensitive")),
            have=raw.get("have"),
            description=raw.get("description") or "",
            have_values=dict(raw.get("have_values") or {}),
        )
    rules = tuple(
        Rule(r["code"], r["left"], r.get("op", "<="), r["right"], r["message"])
        for r in data.get("rules", [])
    )
    categories = {c["code"]: c["label"] for c in data.get("categories", [])}
    return Catalog(
        int(data.get("catalog_version", 1)), sha256_hex(text), categories, elements, rules
    )


@lru_cache(maxsize=4)
def load_catalog(path: Path | None = None) -> Catalog:
    path = path or resource("eei_catalog.json")
    return parse_catalog(path.read_text(encoding="utf-8"), source=str(path))


def sync_into_store(store: Store) -> None:
    """Mirror the catalog file into the store's eei_elements table when it changed, so
    SQL reports and other tools can join on it."""
    cat = load_catalog()
    if store.get_setting("catalog_digest") == cat.digest:
        return
    # The table and the digest that says it is current change together.
    with store.atomic(), store.local_session() as s, s.begin():
        s.execute(delete(m.EEIElement))
        for pos, el in enumerate(cat.elements.values()):
            s.add(
                m.EEIElement(
                    code=el.code,
                    label=el.label,
                    category=el.category,
                    value_type=el.value_type,
                    unit=el.unit,
                    min_value=el.min,
                    max_value=el.max,
                    choices=list(el.choices) or None,
                    reported_by=list(el.reported_by),
                    sensitive=el.sensitive,
                    have=el.have,
                    description=el.description,
                    position=pos,
                )
            )
        store.set_setting("catalog_digest", cat.digest)
