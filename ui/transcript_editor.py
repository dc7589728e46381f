"""Correct a transcript while listening: edit, split, merge, redact, set speakers, find/replace.

Every change goes through one path: a pure function of app/transcript.py makes a new segment
list, the services store it at once (no Save button: a crash loses nothing), and a command on
the undo stack keeps the lists before and after so that undo and redo store their result too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import transcript as ops
from app.errors import BuddyError, InvalidInput
from app.models import Segment
from app.services import Services
from app.wording import plural
from ui.announce import announce
from ui.errors import show_error
from ui.find_bar import FindBar
from ui.player import RATES, SKIP_S, Player
from ui.transcript_model import TranscriptModel, format_time
from ui.transcript_view import TranscriptView

#: Above this many changed segments one bulk write is cheaper than one write per segment.
_BULK_SAVE = 40


def splice(
    segments: list[Segment],
    start: int,
    count: int,
    op: Callable[[list[Segment]], list[Segment]],
) -> list[Segment]:
    """Apply a pure edit to ``segments[start:start + count]`` only and put the result back.

    The ops copy every segment and word they are given; on a two-hour transcript that is
    ~0.2 s per keystroke. Untouched segments are shared between the lists instead (nothing
    ever changes a Segment in place), and only positions after the edit are renumbered.
    """
    if not 0 <= start < len(segments):
        raise InvalidInput("Choose a line first.", "Move to it with the arrow keys.")
    result = segments[:start] + op(segments[start : start + count]) + segments[start + count :]
    for i in range(start, len(result)):
        if result[i].position != i:
            result[i] = replace(result[i], position=i)
    return result


def _together(label: QLabel, field: QWidget) -> QWidget:
    """A label and its field as one toolbar item: with large text the toolbar moves what does
    not fit into its "»" menu, and the two must not end up apart."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(4, 0, 4, 0)
    row.addWidget(label)
    row.addWidget(field)
    return box


class _EditCommand(QUndoCommand):
    """One undoable step: the whole segment list before and after it."""

    def __init__(
        self,
        editor: TranscriptEditor,
        label: str,
        before: list[Segment],
        after: list[Segment],
        focus: int | None,
    ) -> None:
        super().__init__(label)
        self._editor, self._before, self._after, self._focus = editor, before, after, focus
        # The first redo happens inside QUndoStack.push, after the change was already stored.
        self._stored = True

    def redo(self) -> None:
        if self._stored:
            self._stored = False
            self._editor._show(self._after, self._focus)
        else:
            self._editor._restore(self._before, self._after, self._focus, f"Redone: {self.text()}")

    def undo(self) -> None:
        self._editor._restore(self._after, self._before, self._focus, f"Undone: {self.text()}")


class TranscriptEditor(QWidget):
    """The transcript of one interview, editable while its recording plays."""

    #: The interview id, after any change was stored (the interview's status is now "edited").
    edited = Signal(int)
    #: A sentence about what just happened; also shown in the editor and announced.
    status_changed = Signal(str)

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, player: Player | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.interview_id: int | None = None
        self.player = player or Player(self)
        self.undo_stack = QUndoStack(self)
        self.model = TranscriptModel(self)
        self.view = TranscriptView(self.model, self)
        self.delegate = self.view.delegate
        self._duration = 0.0
        self._announced = ""
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        self._build_view()
        self._build_actions()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Editor status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_bar, self.edit_bar, self.find_bar, self.view, self.status):
            layout.addWidget(widget)
        self.model.text_edited.connect(self._on_text_edited)
        self.player.position_changed.connect(self._on_position)
        self.player.playing_changed.connect(self._on_playing_changed)
        self.player.failed.connect(
            lambda error: self.say(f"{error.message} {error.ui_hint}".strip())
        )
        self.setTabOrder(self.speed, self.view)

    # -- construction -------------------------------------------------------------------

    def _build_view(self) -> None:
        self.view.play_requested.connect(self._play_index)
        self.view.clicked.connect(self._play_index)
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._sync_controls())

    def _action(self, text: str, keys: str, slot: Callable[[], object], tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys.split(", ") if k])
        # Only while focus is inside the editor, so other screens keep their own keys.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({keys})")
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _toolbar(self, name: str, actions: list[QAction], *widgets: QWidget) -> QToolBar:
        bar = QToolBar(name, self)
        bar.setAccessibleName(name)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in actions:
            bar.addAction(action)
            # Toolbar buttons take no focus by default; keyboard-only users Tab to them.
            button = bar.widgetForAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(action.text())
            button.setAccessibleDescription(action.toolTip())
        for widget in widgets:
            bar.addWidget(widget)
        # With large text the bar overflows into a "»" menu; keyboard users must reach it too.
        more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        if more is not None:
            more.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            more.setAccessibleName(f"More {name.lower()} controls")
        return bar

    def _build_actions(self) -> None:
        a = self._action
        skip = self.player.skip
        self.play_action = a("Play", "Ctrl+Space", self.toggle_play, "Play or pause")
        self.back_action = a("Back 5 s", "Ctrl+Left, Alt+Left", lambda: skip(-SKIP_S), "Back")
        self.forward_action = a(
            "Forward 5 s", "Ctrl+Right, Alt+Right", lambda: skip(SKIP_S), "Forward"
        )
        self.undo_action = a("Undo", "Ctrl+Z", self.undo, "Undo the last change")
        self.redo_action = a("Redo", "Ctrl+Shift+Z, Ctrl+Y", self.redo, "Redo what was undone")
        stack = self.undo_stack
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(lambda t: self.undo_action.setText(f"Undo {t}".strip()))
        stack.redoTextChanged.connect(lambda t: self.redo_action.setText(f"Redo {t}".strip()))
        find = self.find_bar
        self.find_action = a("Find", "Ctrl+F", lambda: find.open(False), "Find text")
        self.find_next_action = a("Find next", "F3", lambda: find.find(1), "Next match")
        self.find_previous_action = a(
            "Find previous", "Shift+F3", lambda: find.find(-1), "Previous match"
        )
        self.replace_action = a("Replace", "Ctrl+H", lambda: find.open(True), "Find and replace")
        self.split_action = a("Split", "Ctrl+Shift+S", self.split, "Split at the text cursor")
        self.merge_action = a("Merge with next", "Ctrl+M", self.merge, "Join with the next one")
        self.redact_action = a("Redact", "Ctrl+R", self.toggle_redact, "Leave out of exports")
        self.interviewer_action = a(
            "Interviewer", "Ctrl+1", lambda: self.set_speaker_role("interviewer"), "Speaker"
        )
        self.interviewee_action = a(
            "Interviewee", "Ctrl+2", lambda: self.set_speaker_role("interviewee"), "Speaker"
        )
        self.view.local_actions = [self.interviewer_action, self.interviewee_action]
        for action in (self.undo_action, self.redo_action):
            action.setEnabled(False)
        self.speed = QComboBox(self)
        for rate in RATES:
            self.speed.addItem(f"{rate:g}× speed", rate)
        self.speed.setCurrentIndex(RATES.index(1.0))
        self.speed.setAccessibleName("Playback speed")
        self.speed.currentIndexChanged.connect(
            lambda i: self.player.set_rate(float(self.speed.itemData(i)))
        )
        self.position_label = QLabel("0:00", self)
        self.position_label.setAccessibleName("Playback position")
        self.speaker = QComboBox(self)
        self.speaker.setAccessibleName("Speaker of the selected line")
        self.speaker.setToolTip("Who said the selected line (Ctrl+1, Ctrl+2)")
        self.speaker.activated.connect(lambda i: self.set_speaker(self.speaker.itemData(i)))
        # Visible labels with buddies: on Linux a combo box is read by its value, and the
        # screen reader finds what it is for through the label's "labelled by" relation.
        self.speed_label = QLabel("S&peed:", self)
        self.speed_label.setBuddy(self.speed)
        self.speaker_label = QLabel("Spea&ker:", self)
        self.speaker_label.setBuddy(self.speaker)
        self.play_bar = self._toolbar(
            "Playback",
            [self.play_action, self.back_action, self.forward_action],
            _together(self.speed_label, self.speed),
            self.position_label,
        )
        self.edit_bar = self._toolbar(
            "Editing",
            [
                *(self.undo_action, self.redo_action, self.find_action, self.replace_action),
                *(self.split_action, self.merge_action, self.redact_action),
            ],
            _together(self.speaker_label, self.speaker),
        )

    def undo(self) -> None:
        # Text being typed is a change of its own: save it first, so Undo undoes it.
        self._close_editor(commit=True)
        self.undo_stack.undo()

    def redo(self) -> None:
        self._close_editor(commit=True)
        self.undo_stack.redo()

    # -- loading ------------------------------------------------------------------------

    def load(self, interview_id: int) -> None:
        """Show the transcript of ``interview_id`` and get its recording ready to play."""
        self.player.stop()
        self.undo_stack.clear()
        if interview_id != self.interview_id:
            self.find_bar.reset()
        self.interview_id = interview_id
        interview = self.services.interview(interview_id)
        transcript = self.services.transcript(interview_id)
        self.model.load(interview, transcript.segments if transcript else [])
        recordings = self.services.recordings(interview_id)
        wanted = transcript.recording_id if transcript else None
        recording = next((r for r in recordings if r.id == wanted), None) or (
            recordings[-1] if recordings else None
        )
        self.player.set_source(self.services.audio_file(recording) if recording else None)
        self._duration = recording.duration_s if recording else 0.0
        self.speaker.clear()
        for person in interview.participants:
            self.speaker.addItem(f"{person.name} ({person.role})", person.name)
        self.speaker.addItem("Unknown speaker", None)
        self._on_position(0.0)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))
            self.say(f"{plural(len(self.model.segments), 'line')} of {interview.title}.")
        else:
            self.say("This interview has no transcript yet. Transcribe it first.")
        self._sync_controls()

    @property
    def segments(self) -> list[Segment]:
        return self.model.segments

    # -- the one edit path --------------------------------------------------------------

    def _apply(
        self, label: str, change: Callable[[list[Segment]], list[Segment]], focus: int | None
    ) -> bool:
        """Make, store and show one change; False if it was refused or nothing changed."""
        if self.interview_id is None:
            return False
        before = self.model.segments
        try:
            after = change(before)
        except BuddyError as error:
            show_error(self, error)
            return False
        if after == before:
            return False
        try:
            self._store(before, after)
        except Exception as error:
            self._store_failed(error)
            return False
        self.undo_stack.push(_EditCommand(self, label, before, after, focus))
        self.say(f"{label}: saved.")
        return True

    def _store(self, before: list[Segment], after: list[Segment]) -> None:
        assert self.interview_id is not None
        if len(before) == len(after):
            changed = [
                i
                for i, (b, a) in enumerate(zip(before, after, strict=True))
                if b is not a and b != a
            ]
            if len(changed) <= _BULK_SAVE:
                for i in changed:
                    self.services.save_segment(self.interview_id, after[i])
                self.edited.emit(self.interview_id)
                return
        self.services.save_segments(self.interview_id, after)
        self.edited.emit(self.interview_id)

    def _restore(
        self, current: list[Segment], target: list[Segment], focus: int | None, message: str
    ) -> None:
        """Undo/redo: store ``target`` and show it."""
        try:
            self._store(current, target)
        except Exception as error:
            self._store_failed(error)
            return
        self._show(target, focus)
        self.say(f"{message}: saved.")

    def _store_failed(self, error: BaseException) -> None:
        # Whatever reached the database is the truth now; show that rather than a guess.
        show_error(self, error)
        if self.interview_id is not None:
            self.load(self.interview_id)

    def _show(self, segments: list[Segment], focus: int | None) -> None:
        self.model.set_segments(segments)
        if focus is not None and segments:
            focus = min(focus, len(segments) - 1)
            self.view.setCurrentIndex(self.model.index(self.model.row_of_segment(focus)))
            self.view.scrollTo(self.view.currentIndex())
        self._sync_controls()

    # -- edits --------------------------------------------------------------------------

    def current_segment(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.segment_of_row(index.row()) if index.isValid() else None

    def _target(self) -> int | None:
        """The selected segment, after saving any text being typed into it."""
        self._close_editor(commit=True)
        segment = self.current_segment()
        if segment is None:
            self.say("Choose a line first: move to it with the arrow keys.")
        return segment

    def _close_editor(self, *, commit: bool) -> None:
        editor = self.delegate.active_editor
        if editor is None:
            return
        if commit:
            self.delegate.commitData.emit(editor)
        self.delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def _on_text_edited(self, segment: int, text: str) -> None:
        self.edit_text(segment, text)

    def edit_text(self, segment: int, text: str) -> bool:
        return self._apply(
            "Edit text",
            lambda s: splice(s, segment, 1, lambda p: ops.set_text(p, 0, text)),
            segment,
        )

    def set_speaker(self, name: str | None) -> None:
        segment = self._target()
        if segment is not None:
            self._apply(
                "Set speaker",
                lambda s: splice(s, segment, 1, lambda p: ops.set_speaker(p, 0, name)),
                segment,
            )

    def set_speaker_role(self, role: str) -> None:
        interview = self.model.interview
        person = interview.participant(role) if interview else None  # type: ignore[arg-type]
        if person is not None:
            self.set_speaker(person.name)

    def toggle_redact(self) -> None:
        segment = self._target()
        if segment is None:
            return
        redacted = not self.model.segments[segment].redacted
        label = "Redact" if redacted else "Bring back redacted line"
        self._apply(
            label,
            lambda s: splice(s, segment, 1, lambda p: ops.redact(p, 0, redacted=redacted)),
            segment,
        )

    def merge(self) -> None:
        segment = self._target()
        if segment is not None:
            self._apply(
                "Merge with next",
                lambda s: splice(s, segment, 2, lambda p: ops.merge(p, 0)),
                segment,
            )

    def split(self) -> None:
        """Split at the text cursor; outside the text editor, open it to place the cursor."""
        editor = self.delegate.active_editor
        segment = self.current_segment()
        if editor is None or segment is None:
            index = self.view.currentIndex()
            if segment is not None:
                self.view.edit(index)
            self.say(
                "Put the text cursor where the line should be split, "
                "then press Control+Shift+S again."
            )
            return
        typed = editor.toPlainText()
        at = len(ops.tidy(typed[: editor.textCursor().position()]))
        self._close_editor(commit=False)

        def change(part: list[Segment]) -> list[Segment]:
            # Text typed but not yet saved belongs to the same undo step as the split.
            if ops.tidy(typed) != part[0].text:
                part = ops.set_text(part, 0, typed)
            return ops.split(part, 0, at)

        self._apply("Split line", lambda s: splice(s, segment, 1, change), segment + 1)

    def replace_all(self, query: str, replacement: str, *, case_sensitive: bool) -> int:
        count = 0

        def change(segments: list[Segment]) -> list[Segment]:
            nonlocal count
            result, count = ops.replace_all(
                segments, query, replacement, case_sensitive=case_sensitive
            )
            return result

        self._close_editor(commit=True)
        self._apply("Replace all", change, self.current_segment())
        return count

    # -- playback -----------------------------------------------------------------------

    def toggle_play(self) -> None:
        if self.player.is_playing:
            self.player.pause()
            return
        segment = self.current_segment()
        playing = self.model.playing_segment
        if segment is not None and segment != playing:
            # Start where the user is, not where playback last stopped.
            self.play_segment(segment)
        else:
            self.player.play()

    def play_segment(self, segment: int) -> None:
        self.model.set_playing(segment, active=False)
        self.player.play_from(self.model.segments[segment].start)

    def _play_index(self, index: QModelIndex) -> None:
        segment = self.model.first_segment_at_or_after(index.row())
        if segment is not None:
            self.play_segment(segment)

    def _on_position(self, seconds: float) -> None:
        segments = self.model.segments
        segment = ops.segment_at(segments, seconds) if segments else None
        current = self.model.playing_segment
        # In the pause between two segments, keep the one just heard marked.
        if segment is None and current is not None and current < len(segments):
            segment = current if segments[current].start <= seconds else None
        if segment != current and segment is not None and self.delegate.active_editor is None:
            self.view.scrollTo(self.model.index(self.model.row_of_segment(segment)))
        self.model.set_playing(segment, active=self.player.is_playing)
        total = f" of {format_time(self._duration)}" if self._duration else ""
        self.position_label.setText(f"{format_time(seconds)}{total}")

    def _on_playing_changed(self, playing: bool) -> None:
        self.play_action.setText("Pause" if playing else "Play")
        button = self.play_bar.widgetForAction(self.play_action)
        if button is not None:
            button.setAccessibleName(self.play_action.text())
        self.model.set_playing(self.model.playing_segment, active=playing)

    # -- state of the controls ----------------------------------------------------------

    def _sync_controls(self) -> None:
        # Actions stay enabled on heading rows: pressing one there says what to do instead.
        segment = self.current_segment()
        if segment is None:
            # Nothing selected (or nothing to select): show no one's speaker and no
            # "Unredact" left over from the line, or the interview, shown before.
            self.redact_action.setText("Redact")
            self.speaker.setCurrentIndex(-1)
            return
        seg = self.model.segments[segment]
        self.redact_action.setText("Unredact" if seg.redacted else "Redact")
        found = self.speaker.findData(seg.speaker)
        self.speaker.setCurrentIndex(found if found >= 0 else self.speaker.count() - 1)

    def say(self, message: str) -> None:
        """Show a status sentence and have screen readers read it out."""
        self.status.setText(message)
        if message != self._announced:
            announce(self.status, message)
        self._announced = message
        self.status_changed.emit(message)
