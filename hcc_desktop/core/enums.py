"""Controlled vocabularies shared by the store, the services, the CLI and the resources.

They are plain string constants (not database enums) so that a package from a newer
station carrying a value this station does not know still imports; validation of
*local* input is where unknown values are refused.
"""

from __future__ import annotations

MEMBER_TYPES: dict[str, str] = {
    "hospital": "Hospital",
    "health_system": "Health system",
    "community_health_center": "Community health centre",
    "local_public_health": "Local public health",
    "ems": "EMS",
    "long_term_care": "Long-term care",
    "behavioral_health": "Behavioural health",
    "dialysis": "Dialysis",
    "home_health": "Home health",
    "emergency_management": "Emergency management",
    "state_agency": "State agency",
    "vendor": "Vendor",
    "association": "Professional association",
    "education": "Educational body",
    "coalition_partner": "Coalition partner group",
    # Added with the membership register (issue 14): the other disciplines coalitions
    # list as members. New keys only: stores and packages keep the ones above.
    "esf8_partner": "ESF-8 partner",
    "hospice": "Hospice",
    "ambulatory_surgery": "Ambulatory surgery centre",
    "fire_rescue": "Fire and rescue",
    "law_enforcement": "Law enforcement",
    "medical_examiner": "Medical examiner / coroner",
    "volunteer_organization": "Volunteer or faith-based organisation",
}

#: The member types HPP counts as core coalition members (performance measure 4):
#: acute care hospitals, EMS, emergency management and public health.
CORE_MEMBER_TYPES: tuple[str, ...] = (
    "hospital",
    "ems",
    "emergency_management",
    "local_public_health",
)

MEMBERSHIPS: dict[str, str] = {
    "core": "Core",
    "non_core": "Non-core",
    "guest": "Guest",
    # Issue 14: before joining and after leaving. `lapsed` is the one status that
    # carries a left date.
    "prospective": "Prospective",
    "lapsed": "Lapsed",
}

INCIDENT_TYPES: dict[str, str] = {
    "hurricane": "Hurricane / tropical storm",
    "winter_storm": "Winter storm",
    "flood": "Flood",
    "mass_casualty": "Mass-casualty incident",
    "infectious_disease": "Infectious disease",
    "cyber": "Cyber incident",
    "utility_failure": "Utility failure",
    "planned_event": "Planned event",
    "other": "Other",
}

INCIDENT_STATUSES: tuple[str, ...] = ("active", "monitoring", "closed")

LOG_CATEGORIES: tuple[str, ...] = (
    "general",
    "situation",
    "decision",
    "communication",
    "resource",
    "eei",
    "safety",
    "alert",
)

LOG_PRIORITIES: tuple[str, ...] = ("routine", "important", "urgent")

# ICS-213RR prints Urgent / Routine / Low.
REQUEST_PRIORITIES: tuple[str, ...] = ("urgent", "routine", "low")

SIGNIFICANT_STATES: tuple[str, ...] = ("none", "nominated", "approved", "declined")

VALIDATION_STATES: tuple[str, ...] = ("reported", "validated", "questioned", "rejected")

EEI_VALUE_TYPES: tuple[str, ...] = (
    "integer",
    "number",
    "percent",
    "yesno",
    "choice",
    "text",
    "datetime",
)

# Hazard vulnerability analysis (Kaiser Permanente shape): one sheet per category.
HVA_CATEGORIES: dict[str, str] = {
    "natural": "Naturally occurring events",
    "technological": "Technological events",
    "human": "Human related events",
    "hazmat": "Hazardous materials events",
}

HVA_STATUSES: tuple[str, ...] = ("draft", "final")

#: The seven scored columns, in the tool's order: probability, the three impacts
#: (magnitude) and the three mitigation columns, which are scored inversely (1 = high
#: preparedness or response, 3 = low or none). Every one is 0 (N/A) to 3.
HVA_SCORES: tuple[str, ...] = (
    "probability",
    "human",
    "property",
    "business",
    "preparedness",
    "internal",
    "external",
)

#: Kinds of plan in a coalition's plans register (ASPR capabilities 1-4 name them).
PLAN_TYPES: dict[str, str] = {
    "coalition_response": "Coalition response plan",
    "preparedness": "Coalition preparedness plan",
    "surge_annex": "Medical surge annex",
    "specialty_annex": "Specialty surge annex",
    "coop": "Continuity of operations plan (COOP)",
    "evacuation": "Evacuation plan",
    "communications": "Communications plan",
    "recovery": "Recovery plan",
    "other": "Other plan",
}

#: ASPR health care preparedness and response capabilities (2017-2022), by number. A
#: plan names those it serves; the wording is reference text, the numbers are the key.
CAPABILITIES: dict[str, str] = {
    "1": "Foundation for health care and medical readiness",
    "2": "Health care and medical response coordination",
    "3": "Continuity of health care service delivery",
    "4": "Medical surge",
}

#: HSEEP exercise types (DOMAIN.md 2.1): discussion-based first, then operations-based.
EXERCISE_TYPES: dict[str, str] = {
    "seminar": "Seminar",
    "workshop": "Workshop",
    "tabletop": "Tabletop exercise (TTX)",
    "game": "Game",
    "drill": "Drill",
    "functional": "Functional exercise (FE)",
    "full_scale": "Full-scale exercise (FSE)",
}

#: The operations-based types: they run as an incident flagged as an exercise, so the
#: log, EEI reports and requests of the exercise are the real tools.
OPERATIONS_BASED: tuple[str, ...] = ("drill", "functional", "full_scale")

AAR_STATUSES: tuple[str, ...] = ("draft", "final")

#: HSEEP performance ratings of an objective or capability.
RATINGS: dict[str, str] = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}

#: What an AAR finding is: a strength, or an area for improvement (which a corrective
#: action answers).
FINDING_KINDS: tuple[str, ...] = ("strength", "improvement")

#: Capability elements of a corrective action (the improvement plan matrix's POETE).
CAPABILITY_ELEMENTS: dict[str, str] = {
    "planning": "Planning",
    "organization": "Organization",
    "equipment": "Equipment",
    "training": "Training",
    "exercise": "Exercise",
}

ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "complete", "cancelled")
#: Statuses of an action still to be done (open counts; overdue can apply).
ACTION_OPEN: tuple[str, ...] = ("open", "in_progress")
