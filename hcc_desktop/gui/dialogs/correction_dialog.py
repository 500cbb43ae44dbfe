"""Correct a log entry: the original stays as it was (an ICS 214 is never rewritten);
the correction is a new entry that points at it, with the reason."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.gui.dialogs.form import FormDialog


class CorrectionDialog(FormDialog):
    """Collects the corrected text and the reason; the panel writes the correction
    (`values()` after Accepted), so `submit` only checks that there is a text."""

    def __init__(self, original: str, when: str, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, name="correctionDialog", title="Correct log entry", ok_text="Add correction"
        )
        shown = QLabel(f"<i>{when}</i><br>{_escape(original)}")
        shown.setWordWrap(True)
        self.text = QPlainTextEdit(original, objectName="correctionText")
        self.text.setMinimumHeight(90)
        self.reason = QLineEdit(objectName="correctionReason")
        self.reason.setPlaceholderText("e.g. wrong facility named; time was 14:10")
        self.form.addRow("Original:", shown)
        self.field("text", "Corrected text:", self.text)
        self.field("reason", "Reason:", self.reason)
        self.resize(560, 300)

    def submit(self) -> tuple[str, str]:
        text, reason = self.values()
        if not text:
            raise ValidationError("text", "the corrected text must not be empty")
        return text, reason

    def values(self) -> tuple[str, str]:
        return self.text.toPlainText().strip(), self.reason.text().strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
