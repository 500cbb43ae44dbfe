"""The FormDialog base: a refusal stays in the form beside its field, success keeps
the result and closes, and the cursor starts in the first field."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel

from hcc_desktop.core.services.common import Actor
from hcc_desktop.gui.dialogs.correction_dialog import CorrectionDialog
from hcc_desktop.gui.dialogs.operator_dialog import OperatorDialog

pytestmark = pytest.mark.gui


def test_a_refusal_stays_beside_its_field_and_success_closes(qtbot: Any) -> None:
    dialog = OperatorDialog("State EOC", [])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() is dialog.name  # not the OK button created first
    dialog.buttons.accepted.emit()
    error = dialog.findChild(QLabel, "error_name")
    assert error.isVisibleTo(dialog) and error.text().startswith("Enter your name")
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.name.setText("Ann Lee")
    dialog.position.setCurrentText("Duty Officer")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor() == Actor("Ann Lee", "Duty Officer")


def test_correction_needs_a_text(qtbot: Any) -> None:
    dialog = CorrectionDialog("Fuel at 4 h", "14:02")
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("   ")
    dialog.save()
    assert dialog.findChild(QLabel, "error_text").isVisibleTo(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.text.setPlainText("Fuel at 6 h")
    dialog.reason.setText("misread the gauge")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.values() == ("Fuel at 6 h", "misread the gauge")
