"""Correct a log entry: the original stays as it was (an ICS 214 is never rewritten);
the correction is a new entry that points at it, with the reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)


class CorrectionDialog(QDialog):
    def __init__(self, original: str, when: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Correct log entry")
        self.setObjectName("correctionDialog")
        shown = QLabel(f"<i>{when}</i><br>{_escape(original)}")
        shown.setWordWrap(True)
        self.text = QPlainTextEdit(original, objectName="correctionText")
        self.text.setMinimumHeight(90)
        self.reason = QLineEdit(objectName="correctionReason")
        self.reason.setPlaceholderText("e.g. wrong facility named; time was 14:10")
        self.error = QLabel(objectName="correctionError")
        self.error.setStyleSheet("color: #b71c1c")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add correction")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Original:", shown)
        form.addRow("Corrected text:", self.text)
        form.addRow("Reason:", self.reason)
        form.addRow(self.error)
        form.addRow(buttons)
        self.resize(560, 300)

    def _accept(self) -> None:
        if not self.text.toPlainText().strip():
            self.error.setText("The corrected text must not be empty.")
            self.error.show()
            self.text.setFocus()
            return
        self.accept()

    def values(self) -> tuple[str, str]:
        return self.text.toPlainText().strip(), self.reason.text().strip()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
