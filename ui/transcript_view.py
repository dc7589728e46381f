"""The transcript list: how its rows look and are edited in place, and its keyboard.

Rows show wrapped text under a time-and-speaker line; the playing and redacted states are
shown in words and weight, never by colour alone. One list view with a delegate (not a widget
per segment) keeps a two-hour interview fast to open and to scroll.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextEdit,
    QWidget,
)

from ui.transcript_model import Role, RowLook, TranscriptModel


class SegmentTextEdit(QTextEdit):
    """The in-place editor of one line's text: Enter saves, Escape cancels.

    It wraps and grows with its text, however long, so the whole line is always in view.
    """

    #: The user pressed Enter: save and go back to the list.
    commit_requested = Signal()
    #: The height the whole text needs changed (the row makes room for it).
    height_needed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().contentsChanged.connect(self._measure)
        self._needed = 0

    def needed_height(self) -> int:
        self.document().setTextWidth(self.viewport().width() or self.width())
        frame = (
            2 * self.frameWidth() + self.contentsMargins().top() + self.contentsMargins().bottom()
        )
        return int(self.document().size().height()) + frame + 2

    def _measure(self) -> None:
        needed = self.needed_height()
        if needed != self._needed:
            self._needed = needed
            self.height_needed.emit(needed)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._measure()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Segment text is one paragraph (line breaks are tidied away), so Enter means "done".
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commit_requested.emit()
            return
        super().keyPressEvent(event)


class SegmentDelegate(QStyledItemDelegate):
    """Paints heading and segment rows with wrapped text, and edits a segment in place.

    Where playback is and what is redacted are shown in words ("▶ playing", "[redacted]")
    and with weight or strike-through, never by colour alone.
    """

    PAD = 6
    BAR = 5  # width of the bar beside the playing row, a cue on top of the words

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._sizes: dict[tuple, QSize] = {}
        self._fonts: dict[object, QFont] = {}
        self._base_font: QFont | None = None
        #: The editor open right now, so the editor's split can read its cursor.
        self.active_editor: SegmentTextEdit | None = None
        #: The row being edited and the height its editor needs (the row grows to fit).
        self._editing: QPersistentModelIndex | None = None
        self._editor_height = 0

    def clear_cache(self) -> None:
        self._sizes.clear()

    # -- geometry -----------------------------------------------------------------------

    def _text_width(self) -> int:
        return max(80, self._view.viewport().width() - 2 * self.PAD - self.BAR)

    def _font(self, base: QFont, *, bold: bool = False, strike: bool = False) -> QFont:
        # Made once per variant: painting thousands of rows must not build fonts each time.
        if self._base_font is None or base != self._base_font:
            # The user changed the text size or the theme: every measurement is stale.
            self._base_font = QFont(base)
            self._fonts.clear()
            self._sizes.clear()
        key = (bold, strike)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(base)
            font.setBold(bold)
            font.setStrikeOut(strike)
            self._fonts[key] = font
        return font

    def _heading_font(self, base: QFont) -> QFont:
        font = self._fonts.get("heading")
        if font is None:
            font = QFont(self._font(base, bold=True))
            if font.pointSizeF() > 0:
                font.setPointSizeF(font.pointSizeF() * 1.15)
            self._fonts["heading"] = font
        return font

    def _layout(self, option: QStyleOptionViewItem, look: RowLook, width: int) -> dict:
        """Fonts, texts and heights of a row; shared by sizeHint and paint."""
        flags = int(Qt.TextFlag.TextWordWrap)
        if look.heading:
            font = self._heading_font(option.font)
            height = QFontMetrics(font).boundingRect(0, 0, width, 10**6, flags, look.text).height()
            return {"heading": True, "font": font, "text": look.text, "height": height}
        meta_font = self._font(option.font, bold=True)
        text_font = self._font(option.font, bold=look.playing is not None, strike=look.redacted)
        metrics = QFontMetrics(meta_font)
        if metrics.horizontalAdvance(look.meta) < width:
            meta_h = metrics.height()  # one line: no need to lay out the wrapping
        else:
            meta_h = metrics.boundingRect(0, 0, width, 10**6, flags, look.meta).height()
        text_h = QFontMetrics(text_font).boundingRect(0, 0, width, 10**6, flags, look.text).height()
        return {
            "heading": False,
            "meta_font": meta_font,
            "font": text_font,
            "meta": look.meta,
            "text": look.text,
            "meta_h": meta_h,
            "height": meta_h + 2 + text_h,
        }

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = self._row_size(option, index)
        if self._editing is not None and self._editing == index and self.active_editor:
            meta_h = self._layout(option, index.data(Role.LOOK), self._text_width())["meta_h"]
            return QSize(
                size.width(), max(size.height(), meta_h + self._editor_height + self.PAD + 2)
            )
        return size

    def _row_size(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        look: RowLook = index.data(Role.LOOK)
        width = self._text_width()
        self._font(option.font)  # drops the caches if the font changed
        key = (look, width)
        cached = self._sizes.get(key)
        if cached is None:
            # Two-hour interviews have thousands of rows; wrapping each once per width is
            # what keeps opening and scrolling fast.
            height = self._layout(option, look, width)["height"] + 2 * self.PAD
            cached = QSize(width + 2 * self.PAD + self.BAR, height)
            if len(self._sizes) > 20_000:
                self._sizes.clear()
            self._sizes[key] = cached
        return cached

    # -- painting -----------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        opt.text = ""
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Normal
            if opt.state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = opt.palette.color(group, role)
        look: RowLook = index.data(Role.LOOK)
        info = self._layout(opt, look, self._text_width())
        rect = opt.rect.adjusted(self.PAD + self.BAR, self.PAD, -self.PAD, -self.PAD)
        flags = int(Qt.TextFlag.TextWordWrap)
        painter.save()
        painter.setPen(colour)
        if info["heading"]:
            painter.setFont(info["font"])
            painter.drawText(rect, flags, info["text"])
        else:
            if look.playing is not None:
                bar = QRect(
                    opt.rect.left() + 1, opt.rect.top() + 2, self.BAR, opt.rect.height() - 4
                )
                painter.fillRect(bar, colour)
            painter.setFont(info["meta_font"])
            painter.drawText(rect, flags, info["meta"])
            painter.setFont(info["font"])
            painter.drawText(rect.adjusted(0, info["meta_h"] + 2, 0, 0), flags, info["text"])
        if opt.state & QStyle.StateFlag.State_HasFocus:
            # A solid 2-pixel frame is visible in every theme, unlike the style's dotted one.
            pen = QPen(colour)
            pen.setWidth(2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(opt.rect.adjusted(1, 1, -2, -2))
        painter.restore()

    # -- editing ------------------------------------------------------------------------

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        editor = SegmentTextEdit(parent)
        editor.setFont(option.font)
        editor.document().setDocumentMargin(2)
        editor.setAccessibleName(f"Text said by {index.data(Role.SPEAKER)}")
        editor.setAccessibleDescription(
            f"{index.data(Qt.ItemDataRole.AccessibleTextRole)}. Enter saves, Escape leaves "
            "without saving, Control+Shift+S splits the line at the cursor."
        )
        editor.commit_requested.connect(lambda e=editor: self._commit_and_close(e))
        editor.destroyed.connect(lambda *_a, e=editor: self._forget(e))
        self.active_editor = editor
        self._editing = QPersistentModelIndex(index)
        self._editor_height = 0
        editor.height_needed.connect(lambda h, e=editor: self._grow(e, h))
        return editor

    def _grow(self, editor: SegmentTextEdit, height: int) -> None:
        """Make the edited row as tall as the whole text needs, so none of it is cut off."""
        if (
            editor is not self.active_editor
            or self._editing is None
            or height == self._editor_height
        ):
            return
        self._editor_height = height
        index = QModelIndex(self._editing)
        if index.isValid():
            self.sizeHintChanged.emit(index)

    def _commit_and_close(self, editor: SegmentTextEdit) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _forget(self, editor: QObject) -> None:
        if self.active_editor is editor:
            self.active_editor = None
            index = QModelIndex(self._editing) if self._editing is not None else QModelIndex()
            self._editing, self._editor_height = None, 0
            if index.isValid():
                self.sizeHintChanged.emit(index)  # back to the row's own height

    def destroyEditor(self, editor: QWidget, index: QModelIndex) -> None:
        self._forget(editor)
        super().destroyEditor(editor, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, SegmentTextEdit)
        if editor.toPlainText() != index.data(Qt.ItemDataRole.EditRole):
            editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")
            editor.moveCursor(QTextCursor.MoveOperation.End)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        assert isinstance(editor, SegmentTextEdit)
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> None:
        # Over the text only, so the time and speaker line stays readable while editing.
        meta_h = self._layout(option, index.data(Role.LOOK), self._text_width()).get("meta_h", 0)
        rect = option.rect.adjusted(self.PAD + self.BAR - 3, self.PAD + meta_h, -self.PAD + 3, -1)
        if isinstance(editor, SegmentTextEdit):
            rect.setHeight(max(rect.height(), editor.needed_height()))
        editor.setGeometry(rect)


class TranscriptView(QListView):
    """The list of rows. Selecting a line never starts sound: Space plays it, Enter or F2
    edits it, a double click edits it."""

    play_requested = Signal(QModelIndex)
    #: Space on a line: play it (the editor decides from where and until when).
    space_pressed = Signal()

    def __init__(self, model: TranscriptModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: Actions whose keys mean something here even if the window uses them too.
        self.local_actions: list[QAction] = []
        self.setModel(model)
        self.delegate = SegmentDelegate(self)
        self.setItemDelegate(self.delegate)
        model.modelReset.connect(self.delegate.clear_cache)
        # Rows wrap their text, so their heights differ; the delegate caches each height,
        # and batched layout lets the first screenful show before the rest is measured.
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setAccessibleName("Transcript")
        self.setAccessibleDescription(
            "Lines under their question headings. Space plays the selected line, Enter or F2 "
            "edits its text, Control+Space plays or pauses."
        )

    def _local_action(self, event: QKeyEvent) -> QAction | None:
        combo = QKeySequence(event.keyCombination())
        for action in self.local_actions:
            if action.isEnabled() and combo in action.shortcuts():
                return action
        return None

    def event(self, event: QEvent) -> bool:
        # Claiming the key here beats a window-wide shortcut on the same key (the main
        # window's Ctrl+1 "Go to library"), which would otherwise make both ambiguous.
        if event.type() == QEvent.Type.ShortcutOverride and self._local_action(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._local_action(event)
        if action is not None:
            action.trigger()
            return
        index = self.currentIndex()
        editing = self.state() == QAbstractItemView.State.EditingState
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid() and not editing:
            if index.flags() & Qt.ItemFlag.ItemIsEditable:
                self.edit(index)
            return
        if event.key() == Qt.Key.Key_Space and plain and not editing:
            self.space_pressed.emit()
            return
        super().keyPressEvent(event)
