"""Painting and editing of one EEI cell.

The validation state is a corner mark rather than a colour, because colour already
says how alarming the value is: a red "Closed" that the coalition validated and one it
questioned must both stay red. Choice elements edit with a list of their choices, so
an operator cannot type a value the catalog would refuse.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QPainter, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from hcc_desktop.core.catalog import Element
from hcc_desktop.gui.models.eei_model import (
    ELEMENT_ROLE,
    STATE_ROLE,
    VERSION_ROLE,
    Edit,
    EEIGridModel,
)
from hcc_desktop.gui.models.eei_style import MARK

Index = QModelIndex | QPersistentModelIndex
MARK_SIZE = 9
#: The editor's property holding the values version the cell showed when it opened.
SEEN_PROPERTY = "hccSeenVersion"


class EEICellDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        model = index.model()
        if isinstance(model, EEIGridModel):  # asked directly: see EEIGridModel.state
            state = model.state(index.row(), index.column())
        else:
            state = index.data(STATE_ROLE)
        colour = MARK.get(state or "")
        if colour is None:
            return
        r = option.rect  # type: ignore[attr-defined]
        corner = QPolygonF(
            [
                QPointF(r.right() - MARK_SIZE, r.top()),
                QPointF(r.right() + 1, r.top()),
                QPointF(r.right() + 1, r.top() + MARK_SIZE + 1),
            ]
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(corner)
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        el: Element | None = index.data(ELEMENT_ROLE)
        if el is not None and el.value_type in ("choice", "yesno"):
            combo = QComboBox(parent)
            combo.addItems(list(el.choices) if el.value_type == "choice" else ["yes", "no"])
            return combo
        editor = QLineEdit(parent)
        if el is not None:
            editor.setPlaceholderText(el.describe_expected())
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        # The version of what the editor starts from goes back with the save (Edit).
        editor.setProperty(SEEN_PROPERTY, index.data(VERSION_ROLE) or "")
        if isinstance(editor, QComboBox):
            found = editor.findText(text, Qt.MatchFlag.MatchFixedString)
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            text = editor.currentText()
        elif isinstance(editor, QLineEdit):
            text = editor.text()
        else:
            return
        seen = editor.property(SEEN_PROPERTY) or None
        model.setData(index, Edit(text, seen), Qt.ItemDataRole.EditRole)
