"""Fixtures of the preparedness tests (issue 14): the command-line runner and the small
coalition of tests/test_cli.py, shared rather than copied."""

from __future__ import annotations

from tests.test_cli import coalition, run  # noqa: F401  (fixtures, found by pytest here)
