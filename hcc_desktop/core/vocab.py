"""Which domain columns hold a word from a controlled vocabulary, and which words.

The services refuse an unknown word when an operator types one (`require_choice`), each
for its own fields. Work that writes a field without going through its service, such as
a conflict resolved with a value typed in, needs the same list in one place; without it
a request could be resolved to a status "bogus" that no step leads out of.

An import does not use this: a package from a newer station may carry a word this one
does not know yet, and it must still import (see `enums`).
"""

from __future__ import annotations

from collections.abc import Collection

from hcc_desktop.core import enums, lifecycle
from hcc_desktop.core.services import duty, eei_requests, messages, roster

#: CAP 1.2 (OASIS), `status` and `msgType` of an alert.
CAP_STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
CAP_MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")

#: (entity, column) -> the words the column may hold (null is always allowed).
CHOICES: dict[tuple[str, str], Collection[str]] = {
    ("region", "kind"): ("coalition", "region"),
    ("organization", "member_type"): tuple(enums.MEMBER_TYPES),
    ("organization", "membership"): tuple(enums.MEMBERSHIPS),
    ("incident", "incident_type"): tuple(enums.INCIDENT_TYPES),
    ("incident", "status"): enums.INCIDENT_STATUSES,
    ("log_entry", "category"): enums.LOG_CATEGORIES,
    ("log_entry", "priority"): enums.LOG_PRIORITIES,
    ("request", "priority"): enums.REQUEST_PRIORITIES,
    ("request", "status"): lifecycle.STATUSES,
    ("eei_report", "validation_state"): enums.VALIDATION_STATES,
    ("alert", "status"): CAP_STATUSES,
    ("alert", "msg_type"): CAP_MSG_TYPES,
    ("alert", "direction"): ("in", "out"),
    ("hva_assessment", "status"): enums.HVA_STATUSES,
    ("hva_hazard", "category"): tuple(enums.HVA_CATEGORIES),
    ("plan", "plan_type"): tuple(enums.PLAN_TYPES),
    ("exercise", "exercise_type"): tuple(enums.EXERCISE_TYPES),
    ("aar", "status"): enums.AAR_STATUSES,
    ("aar_rating", "rating"): tuple(enums.RATINGS),
    ("aar_finding", "kind"): enums.FINDING_KINDS,
    ("corrective_action", "element"): tuple(enums.CAPABILITY_ELEMENTS),
    ("corrective_action", "status"): enums.ACTION_STATUSES,
    ("eei_request", "context"): tuple(eei_requests.CONTEXTS),
    ("eei_request", "repeat"): tuple(eei_requests.REPEATS),
    ("eei_request", "status"): eei_requests.STATUSES,
    ("position_assignment", "position"): tuple(roster.POSITIONS),
    ("duty_shift", "role"): tuple(duty.ROLES),
    ("message", "direction"): tuple(messages.DIRECTIONS),
    ("message", "kind"): tuple(messages.MESSAGE_KINDS),
}

#: Columns whose names look like a vocabulary's but that hold free text (what a
#: facility's licence or a caller says) or a number (a function's priority rank), so
#: a test can tell a forgotten one.
NOT_VOCABULARY: frozenset[tuple[str, str]] = frozenset(
    {
        ("region", "state"),
        ("organization", "state"),
        ("organization", "facility_type"),
        ("organization", "trauma_level"),
        ("contact", "role"),
        ("log_entry", "position"),
        ("request", "resource_kind"),
        ("request", "resource_type"),
        ("message", "ref_kind"),
        ("essential_function", "priority"),
    }
)
