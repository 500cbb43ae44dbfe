"""Panels declare themselves and the window binds what they declare: every panel of
the registry names its dock, title and real methods for its actions; every action id
is bound exactly once; every lazily loaded feature exists."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from hcc_desktop.gui.actions import SPECS, ActionId
from hcc_desktop.gui.feature_bindings import FEATURES, load
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.registry import PANELS, DockSpec

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("spec", PANELS, ids=lambda s: s.cls)
def test_registry_says_what_the_panel_class_says(spec: DockSpec) -> None:
    """The window makes docks, menus and shortcuts from the registry before it imports
    a panel: the registry must declare what the class declares."""
    cls = spec.load()
    assert issubclass(cls, Panel)
    assert (spec.TITLE, spec.DOCK_NAME, spec.VIEW_ACTION, spec.ACTIONS) == (
        cls.TITLE,
        cls.DOCK_NAME,
        cls.VIEW_ACTION,
        cls.ACTIONS,
    )


@pytest.mark.parametrize("spec", PANELS, ids=lambda s: s.cls)
def test_panel_declares_its_dock_and_real_methods(spec: DockSpec) -> None:
    cls = spec.load()
    assert cls.DOCK_NAME.endswith("Dock") and cls.TITLE
    assert cls.VIEW_ACTION is not None and SPECS[cls.VIEW_ACTION].checkable
    for action_id, name in cls.ACTIONS.items():
        method = getattr(cls, name, None)
        assert callable(method), f"{cls.__name__}.{name} for {action_id}"
        required = [
            p
            for p in list(inspect.signature(method).parameters.values())[1:]
            if p.default is inspect.Parameter.empty
        ]
        assert not required, f"{cls.__name__}.{name} must run without arguments"
        scope = SPECS[action_id].scope
        assert scope in (None, cls.DOCK_NAME), f"{action_id} is scoped to {scope}"


def test_dock_names_and_view_actions_are_unique() -> None:
    assert len({c.DOCK_NAME for c in PANELS}) == len(PANELS)
    assert len({c.VIEW_ACTION for c in PANELS}) == len(PANELS)


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.action.value)
def test_every_feature_imports_and_exists(feature: Any) -> None:
    importlib.import_module(feature.module)
    assert callable(load(feature))


def test_every_action_is_bound_exactly_once(main_window: Any) -> None:
    bound = main_window.actions_.bound
    twice = {a for a in bound if bound.count(a) > 1}
    assert not twice, f"bound more than once: {sorted(twice)}"
    assert set(bound) == set(ActionId), f"never bound: {sorted(set(ActionId) - set(bound))}"


def test_panel_lookup_by_class(main_window: Any) -> None:
    for spec in PANELS:
        cls = spec.load()
        found = main_window.panel(cls)
        assert isinstance(found, cls)
        assert main_window.panels[cls.DOCK_NAME] is found
