"""The EEI catalog: how each value type accepts what an operator types, and what the
refusal says was expected."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import MAX_TEXT, Element, Rule, load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.store import Store

CAT = load_catalog()


def element(value_type: str, **kw: Any) -> Element:
    base: dict[str, Any] = {
        "code": "TEST_ELEMENT",
        "label": "Test element",
        "category": "status",
        "value_type": value_type,
        "unit": None,
        "min": None,
        "max": None,
        "choices": (),
        "reported_by": ("hospital",),
        "sensitive": False,
        "have": None,
        "description": "",
    }
    base.update(kw)
    return Element(**base)


def refuses(el: Element, raw: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        el.coerce(raw)
    assert info.value.field == f"value of {el.code}"
    assert info.value.message.startswith("expected ")
    return info.value


# ----------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize("raw", ["yes", "Yes", " YES ", "y", "Y", "true", "True", "1", 1, True])
def test_yes_words(raw: Any) -> None:
    assert element("yesno").coerce(raw) is True


@pytest.mark.parametrize("raw", ["no", "No", " NO", "n", "false", "FALSE", "0", 0, False])
def test_no_words(raw: Any) -> None:
    assert element("yesno").coerce(raw) is False


@pytest.mark.parametrize("raw", ["maybe", "yep", "2", "oui", 2])
def test_other_words_are_not_yes_or_no(raw: Any) -> None:
    err = refuses(element("yesno"), raw)
    assert err.message == f"expected yes or no, got {raw!r}"


# ----------------------------------------------------------------------------- choice


def test_choice_is_case_insensitive_and_returns_the_catalog_spelling() -> None:
    el = CAT.element("FACILITY_STATUS")
    for raw in ("normal", "NORMAL", " Normal ", "nOrMaL"):
        assert el.coerce(raw) == "Normal"
    assert CAT.element("EVACUATION_STATUS").coerce("shelter IN place") == "Shelter in place"
    err = refuses(el, "fine")
    assert err.message == "expected one of Normal, Compromised, Evacuating, Closed, got 'fine'"
    refuses(el, "Norm")


# ----------------------------------------------------------------------------- numbers


def test_integer() -> None:
    el = CAT.element("BEDS_ADULT_ICU_STAFFED")
    assert el.coerce("12") == 12 and isinstance(el.coerce("12"), int)
    assert el.coerce(12.0) == 12 and isinstance(el.coerce(12.0), int)
    assert el.coerce(" 7 ") == 7
    assert el.coerce(0) == 0
    for bad in (12.5, "12.5", "twelve", -1, "-1", True, False, [12]):
        refuses(el, bad)


def test_integer_bounds() -> None:
    el = CAT.element("EMS_OFFLOAD_MINUTES")
    assert el.coerce(0) == 0
    assert el.coerce("1440") == 1440
    refuses(el, 1441)
    refuses(el, -1)


def test_number() -> None:
    el = CAT.element("GENERATOR_FUEL_HOURS")
    assert el.coerce("36.5") == 36.5
    assert el.coerce(720) == 720
    refuses(el, 720.01)
    refuses(el, "-0.5")


def test_percent_defaults_to_0_to_100() -> None:
    el = element("percent")
    assert el.coerce("0") == 0
    assert el.coerce(100) == 100
    assert el.coerce("99.5") == 99.5
    for bad in (100.5, -0.1, "101"):
        err = refuses(el, bad)
        assert err.message.startswith("expected a number from 0 to 100")
    narrow = element("percent", min=10, max=90)
    assert narrow.coerce(50) == 50
    refuses(narrow, 95)


@pytest.mark.parametrize("value_type", ["integer", "number", "percent"])
@pytest.mark.parametrize(
    "raw", [math.nan, math.inf, -math.inf, "nan", "NaN", "inf", "-Infinity", float("1e400")]
)
def test_nan_and_infinity_are_refused(value_type: str, raw: Any) -> None:
    refuses(element(value_type), raw)


@pytest.mark.parametrize("value_type", ["integer", "number", "percent", "yesno", "choice", "text"])
@pytest.mark.parametrize("raw", [None, ""])
def test_nothing_is_refused(value_type: str, raw: Any) -> None:
    el = element(value_type, choices=("A", "B"))
    err = refuses(el, raw)
    assert err.message.endswith("got nothing")


# ----------------------------------------------------------------------------- others


def test_datetime_is_normalised_to_utc() -> None:
    el = CAT.element("EMS_TRAFFIC_EXPIRES")
    assert el.coerce("2026-11-23T14:05-05:00") == "2026-11-23T19:05:00Z"
    assert el.coerce("2026-11-23T14:05Z") == "2026-11-23T14:05:00Z"
    assert el.coerce("2026-11-23 14:05") == "2026-11-23T14:05:00Z"  # no zone: UTC
    assert el.coerce(datetime(2026, 11, 23, 14, 5, tzinfo=UTC)) == "2026-11-23T14:05:00Z"
    with pytest.raises(ValidationError) as info:
        el.coerce("next Tuesday")
    assert info.value.field == "value of EMS_TRAFFIC_EXPIRES"


def test_text() -> None:
    el = CAT.element("STAFFING_SHORTAGES")
    assert el.coerce("  night nurses ") == "  night nurses "
    assert el.coerce("x" * MAX_TEXT) == "x" * MAX_TEXT
    err = refuses(el, "x" * (MAX_TEXT + 1))
    assert err.message.startswith(f"expected text of at most {MAX_TEXT} characters")


# ----------------------------------------------------------------------------- describe


def test_describe_expected() -> None:
    assert CAT.element("FACILITY_STATUS").describe_expected() == (
        "one of Normal, Compromised, Evacuating, Closed"
    )
    assert element("yesno").describe_expected() == "yes or no"
    assert CAT.element("EMS_OFFLOAD_MINUTES").describe_expected() == "a whole number from 0 to 1440"
    assert CAT.element("BEDS_TOTAL_STAFFED").describe_expected() == "a whole number of at least 0"
    assert CAT.element("GENERATOR_FUEL_HOURS").describe_expected() == "a number from 0 to 720"
    assert CAT.element("PPE_DAYS_ON_HAND").describe_expected() == "a number of at least 0"
    assert element("percent").describe_expected() == "a number from 0 to 100"
    assert element("number", min=0.5, max=2.5).describe_expected() == "a number from 0.5 to 2.5"
    assert element("number").describe_expected() == "a number"
    assert element("datetime").describe_expected() == "a date and time like 2026-11-23T18:00Z"
    assert element("text").describe_expected() == f"text of at most {MAX_TEXT} characters"


def test_describe_expected_with_only_a_maximum() -> None:
    el = element("number", max=10)
    assert el.describe_expected() == "a number of at most 10"
    assert "10" in refuses(el, 11).message


# ----------------------------------------------------------------------------- catalog


def test_catalog_elements_and_rules() -> None:
    assert CAT.version >= 1
    assert len(CAT.digest) == 64
    assert len(CAT.elements) >= 40
    for el in CAT.elements.values():
        if el.value_type == "choice":
            assert el.choices
        if el.min is not None and el.max is not None:
            assert el.min <= el.max
    for rule in CAT.rules:
        assert rule.left in CAT.elements and rule.right in CAT.elements
    with pytest.raises(ValidationError) as info:
        CAT.element("NOT_AN_ELEMENT")
    assert info.value.field == "element"


def test_cross_field_rules() -> None:
    CAT.check_rules({"BEDS_ADULT_ICU_AVAILABLE": 5, "BEDS_ADULT_ICU_STAFFED": 5})
    CAT.check_rules({"BEDS_ADULT_ICU_AVAILABLE": 50})  # nothing to compare with
    CAT.check_rules({"BEDS_ADULT_ICU_AVAILABLE": 5, "BEDS_ADULT_ICU_STAFFED": "n/a"})
    with pytest.raises(ValidationError) as info:
        CAT.check_rules({"BEDS_ADULT_ICU_AVAILABLE": 6, "BEDS_ADULT_ICU_STAFFED": 5})
    assert info.value.field == "value of BEDS_ADULT_ICU_AVAILABLE"
    assert info.value.message.endswith("(6 > 5)")
    rule = Rule("R", "A", "<", "B", "A below B")
    assert rule.holds(1, 2) and not rule.holds(2, 2)
    assert Rule("R", "A", ">=", "B", "m").holds(2, 2)
    assert not Rule("R", "A", ">=", "B", "m").holds(1, 2)


def test_catalog_is_mirrored_into_the_store(store: Store) -> None:
    with store.read() as s:
        rows = list(s.scalars(select(m.EEIElement).order_by(m.EEIElement.position)))
    assert [r.code for r in rows] == list(CAT.elements)
    assert store.get_setting("catalog_digest") == CAT.digest
    first = rows[0]
    el = CAT.elements[first.code]
    assert (first.label, first.value_type, first.choices, first.reported_by) == (
        el.label,
        el.value_type,
        list(el.choices) or None,
        list(el.reported_by),
    )


def test_element_is_immutable() -> None:
    el = CAT.element("FACILITY_STATUS")
    with pytest.raises(dataclasses.FrozenInstanceError):
        el.code = "X"  # type: ignore[misc]
