"""Correct a transcript while listening: edit, split, merge, redact, set speakers, find/replace.

The widget holds no editing logic: each user action is one ``services.edits`` call (one
transaction in app/editing.py), named on the revision this screen shows. The call returns the
transcript as stored and what Undo/Redo would do next; the widget shows that. When the
transcript changes elsewhere (re-made, a take left out, another window), a change notice
arrives and the screen reloads itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app import transcript as ops
from app.editing import Edited
from app.errors import BuddyError, TranscriptBusy, TranscriptChanged
from app.models import Recording, Segment
from app.notices import Change
from app.services import Services
from app.takes import usable_takes
from ui import tasks
from ui.announce import announce
from ui.editor_toolbar import make_action, make_toolbar, reserve_width, together
from ui.errors import show_error
from ui.find_bar import FindBar
from ui.notices import on_change
from ui.player import RATES, SKIP_S, Player
from ui.transcript_model import TranscriptModel, format_time
from ui.transcript_view import TranscriptView


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
        #: The transcript revision this screen shows; every edit names it.
        self.revision: int | None = None
        self.takes: list[Recording] = []
        self.player = player or Player(self)
        self.model = TranscriptModel(self)
        self.view = TranscriptView(self.model, self)
        self.delegate = self.view.delegate
        self._announced = ""
        #: Where playback of one line stops (take-local seconds), unless "Keep playing".
        self._stop_at: float | None = None
        self._take_of_player: int | None = None
        self._remaking = False
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        self._build_actions()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Editor status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_bar, self.edit_bar, self.find_bar, self.view, self.status):
            layout.addWidget(widget)
        self.model.text_edited.connect(self.edit_text)
        self.view.play_requested.connect(self._play_index)
        self.view.selectionModel().currentChanged.connect(lambda *_a: self._sync_controls())
        self.player.position_changed.connect(self._on_position)
        self.player.playing_changed.connect(self._on_playing_changed)
        self.player.finished.connect(self._on_take_finished)
        self.player.failed.connect(
            lambda error: self.say(f"{error.message} {error.ui_hint}".strip())
        )
        on_change(services.notices, self._on_change)
        self.setTabOrder(self.speed, self.view)

    # -- construction -------------------------------------------------------------------

    def _action(self, text: str, keys: str, slot: Callable[[], object], tip: str) -> QAction:
        return make_action(self, text, keys, slot, tip)

    def _build_actions(self) -> None:
        a = self._action
        skip = self.player.skip
        self.play_action = a("Play", "Space, Ctrl+Space", self.toggle_play, "Play the line")
        self.back_action = a("Back 5 s", "Ctrl+Left, Alt+Left", lambda: skip(-SKIP_S), "Back")
        self.forward_action = a(
            "Forward 5 s", "Ctrl+Right, Alt+Right", lambda: skip(SKIP_S), "Forward"
        )
        # Fixed labels: what Undo/Redo would do goes in the tooltip, so nothing moves.
        self.undo_action = a("Undo", "Ctrl+Z", self.undo, "Nothing to undo")
        self.redo_action = a("Redo", "Ctrl+Shift+Z, Ctrl+Y", self.redo, "Nothing to redo")
        find = self.find_bar
        self.find_action = a("Find", "Ctrl+F", lambda: find.open(False), "Find text")
        self.find_next_action = a("Find next", "F3", lambda: find.find(1), "Next match")
        self.find_previous_action = a(
            "Find previous", "Shift+F3", lambda: find.find(-1), "Previous match"
        )
        self.replace_action = a("Replace", "Ctrl+H", lambda: find.open(True), "Find and replace")
        self.edit_action = a("Edit", "F2", self.edit_current, "Edit the line's text")
        self.split_action = a("Split", "Ctrl+Shift+S", self.split, "Split at the text cursor")
        self.merge_action = a("Merge with next", "Ctrl+M", self.merge, "Join with the next one")
        self.redact_action = a("Redact", "Ctrl+R", self.toggle_redact, "Leave out of exports")
        self.quote_action = a(
            "Use as pull quote", "Ctrl+Shift+U", self.use_as_pull_quote,
            "Show this line as a quote at the top of the post",
        )  # fmt: skip
        self.interviewer_action = a(
            "Interviewer", "Ctrl+1", lambda: self.set_speaker_role("interviewer"), "Speaker"
        )
        self.interviewee_action = a(
            "Interviewee", "Ctrl+2", lambda: self.set_speaker_role("interviewee"), "Speaker"
        )
        # Space plays only from the list: in the text editor it types a space.
        self.play_action.setShortcuts([QKeySequence("Ctrl+Space")])
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
        self.keep_playing = a(
            "Keep playing", "Ctrl+K", self._keep_playing_changed, "Play on past the line's end"
        )
        self.keep_playing.setCheckable(True)
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
        self.play_bar = make_toolbar(
            self,
            "Playback",
            [self.play_action, self.back_action, self.forward_action, self.keep_playing],
            together(self.speed_label, self.speed),
            self.position_label,
        )
        self.edit_bar = make_toolbar(
            self,
            "Editing",
            [
                *(self.undo_action, self.redo_action, self.find_action, self.replace_action),
                *(self.edit_action, self.split_action, self.merge_action, self.redact_action),
                self.quote_action,
            ],
            together(self.speaker_label, self.speaker),
        )
        self.view.space_pressed.connect(self.play_current_line)
        # Labels that change with the state keep the room of the longer one.
        reserve_width(self.edit_bar, self.redact_action, ("Redact", "Unredact"))
        reserve_width(self.play_bar, self.play_action, ("Play", "Pause"))

    # -- loading ------------------------------------------------------------------------

    def load(self, interview_id: int) -> None:
        """Show the transcript of ``interview_id`` and get its first take ready to play."""
        self.player.stop()
        if interview_id != self.interview_id:
            self.find_bar.reset()  # its match count was about the last transcript
        self.interview_id = interview_id
        self._reload(keep_place=False)

    def _reload(self, *, keep_place: bool = True) -> None:
        assert self.interview_id is not None
        interview_id = self.interview_id
        here = self.current_segment() if keep_place else None
        interview = self.services.interview(interview_id)
        transcript = self.services.transcript(interview_id)
        self.revision = transcript.revision if transcript else None
        self.takes = usable_takes(self.services.recordings(interview_id))
        self.model.load(interview, transcript.segments if transcript else [], takes=self.takes)
        first = self.takes[0] if self.takes else None
        if not keep_place or self._take_of_player not in {t.id for t in self.takes}:
            self._use_take(first)
        self.speaker.clear()
        for person in interview.participants:
            self.speaker.addItem(f"{person.name} ({person.role})", person.name)
        self.speaker.addItem("Unknown speaker", None)
        undo, redo = self.services.edits.history(interview_id)
        self._show_history(undo, redo)
        if self.model.rowCount():
            row = self.model.row_of_segment(min(here, len(self.segments) - 1)) if here else 0
            self.view.setCurrentIndex(self.model.index(row))
            count = len(self.segments)
            lines = f"{count} line" + ("" if count == 1 else "s")
            self.say(f"{lines} of {interview.title}.")
        else:
            self.say("This interview has no transcript yet. Transcribe it first.")
        self._remaking = self.services.edits.is_remaking(interview_id)
        if self._remaking:
            self.say("This transcript is being made again. You can read and listen meanwhile.")
        self._sync_controls()

    def _on_change(self, change: Change) -> None:
        if self.interview_id is None or change.interview_id != self.interview_id:
            return
        if change.kind == "deleted":
            self.interview_id = self.revision = None
            self.model.load(None, [])
            self.player.set_source(None)
            return
        stale = self.services.transcript_revision(self.interview_id) != self.revision
        if change.kind == "recordings" or (change.kind == "transcript" and stale):
            # Text being typed is offered to the core first: it is saved or refused with a
            # message, never dropped by the reload.
            self._close_editor(commit=True)
            self._reload()
        elif change.kind == "transcript" and self._remaking != self._edits.is_remaking(
            self.interview_id
        ):
            self._reload()  # the same revision, but it began or stopped being re-made
        elif change.kind == "interview":
            self.model.set_interview(self.services.interview(self.interview_id))

    @property
    def segments(self) -> list[Segment]:
        return self.model.segments

    # -- the one edit path: one services call per action ---------------------------------

    def _apply(self, call: Callable[[int], Edited], *, typed: str | None = None) -> bool:
        """Run one edit named on this screen's revision and show what the core stored."""
        if self.interview_id is None or self.revision is None:
            self.say("This interview has no transcript yet. Transcribe it first.")
            return False
        try:
            result = call(self.revision)
        except (TranscriptChanged, TranscriptBusy) as error:
            kept = f" What you typed: “{typed}”." if typed else ""
            self.say(f"{error.message}{kept} {error.ui_hint}")
            show_error(self, error)
            if isinstance(error, TranscriptChanged):
                self._reload()
            return False
        except BuddyError as error:
            show_error(self, error)
            return False
        except Exception as error:  # the database is the truth: show what it holds
            show_error(self, error)
            self._reload()
            return False
        self.revision = result.revision
        self._show_history(result.undo_label, result.redo_label)
        if not result.changed:
            return False
        self._show(result.segments, result.focus)
        self.edited.emit(self.interview_id)
        self.say(f"{result.label}: saved.")
        return True

    def _show_history(self, undo: str | None, redo: str | None) -> None:
        for action, label, nothing, keys in (
            (self.undo_action, undo, "Nothing to undo", "Ctrl+Z"),
            (self.redo_action, redo, "Nothing to redo", "Ctrl+Shift+Z, Ctrl+Y"),
        ):
            word = action.text()
            tip = f"{word}: {label} ({keys})" if label else nothing
            action.setEnabled(label is not None)
            action.setToolTip(tip)
            for bar in (self.edit_bar,):
                button = bar.widgetForAction(action)
                if button is not None:
                    button.setAccessibleDescription(tip)

    def _show(self, segments: list[Segment], focus: int | None) -> None:
        self.model.set_segments(segments)
        if focus is not None and segments:
            focus = min(focus, len(segments) - 1)
            self.view.setCurrentIndex(self.model.index(self.model.row_of_segment(focus)))
            self.view.scrollTo(self.view.currentIndex())
        self._sync_controls()

    @property
    def _edits(self):
        return self.services.edits

    def undo(self) -> None:
        # Text being typed is a change of its own: save it first, so Undo undoes it.
        self._close_editor(commit=True)
        iid = self.interview_id
        self._apply(lambda rev: self._edits.undo(iid, rev))

    def redo(self) -> None:
        self._close_editor(commit=True)
        iid = self.interview_id
        self._apply(lambda rev: self._edits.redo(iid, rev))

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

    def edit_current(self) -> None:
        """Open the selected line's text for editing (F2 or Enter); Escape leaves."""
        index = self.view.currentIndex()
        if self.current_segment() is None:
            self.say("Choose a line first: move to it with the arrow keys.")
            return
        self.view.edit(index)

    def edit_text(self, segment: int, text: str) -> bool:
        iid = self.interview_id
        return self._apply(lambda rev: self._edits.edit_text(iid, rev, segment, text), typed=text)

    def set_speaker(self, name: str | None) -> None:
        segment, iid = self._target(), self.interview_id
        if segment is not None:
            self._apply(lambda rev: self._edits.set_speaker(iid, rev, segment, name))

    def set_speaker_role(self, role: str) -> None:
        interview = self.model.interview
        person = interview.participant(role) if interview else None  # type: ignore[arg-type]
        if person is not None:
            self.set_speaker(person.name)

    def toggle_redact(self) -> None:
        segment, iid = self._target(), self.interview_id
        if segment is None:
            return
        redacted = not self.segments[segment].redacted
        self._apply(lambda rev: self._edits.redact(iid, rev, segment, redacted=redacted))

    def merge(self) -> None:
        segment, iid = self._target(), self.interview_id
        if segment is not None:
            self._apply(lambda rev: self._edits.merge(iid, rev, segment))

    def split(self) -> None:
        """Split at the text cursor in one step; outside the text, open it to place one."""
        editor = self.delegate.active_editor
        segment, iid = self.current_segment(), self.interview_id
        if editor is None or segment is None:
            if segment is not None:
                self.edit_current()
            self.say("Put the text cursor where the line should be split, then press Split.")
            return
        typed = editor.toPlainText()
        at = len(ops.tidy(typed[: editor.textCursor().position()]))
        self._close_editor(commit=False)
        # Text typed but not yet saved belongs to the same undo step as the split.
        self._apply(lambda rev: self._edits.split(iid, rev, segment, at, text=typed), typed=typed)

    def replace_all(self, query: str, replacement: str, *, case_sensitive: bool) -> int:
        self._close_editor(commit=True)
        iid, count = self.interview_id, 0

        def call(rev: int) -> Edited:
            nonlocal count
            result = self._edits.replace_all(
                iid, rev, query, replacement, case_sensitive=case_sensitive
            )
            count = result.count
            return result

        self._apply(call)
        return count

    # -- playback: the player follows the takes ------------------------------------------

    def _take(self, recording_id: int | None) -> Recording | None:
        return next((t for t in self.takes if t.id == recording_id), None)

    def _use_take(self, take: Recording | None) -> None:
        """Point the player at one take's file (segments' times are on its timeline).

        A two-channel (call) take plays as one mono mix, both voices in both ears. Making the
        mix reads the whole take, so it runs in the background once; until it is ready the
        take's own file plays (the voices then come one from each side)."""
        self._take_of_player = take.id if take is not None else None
        path: Path | None = None
        if take is not None:
            ready = self.services.playback_ready(take)
            path = self.services.playback_file(take) if ready else self.services.audio_file(take)
            if not ready:
                self._mix_in_background(take)
        if self.player.source != path:
            self.player.set_source(path)
        self._on_position(0.0)

    def _mix_in_background(self, take: Recording) -> None:
        def ready(path: Path) -> None:
            # The user may have moved on, or be listening: switch only when it is harmless.
            if self._take_of_player == take.id and not self.player.is_playing:
                self.player.set_source(path)

        tasks.run_task(
            "mix the take for playback",
            lambda: self.services.playback_file(take),
            on_success=ready,
            on_failure=lambda error: show_error(self, error),
        )

    def toggle_play(self) -> None:
        if self.player.is_playing:
            self.player.pause()
            return
        self.play_current_line()

    def play_current_line(self) -> None:
        """Play the selected line from its start; it stops at its end unless Keep playing."""
        segment = self.current_segment()
        if segment is None:
            segment = self.model.first_segment_at_or_after(self.view.currentIndex().row())
        if segment is None:
            self.say("Choose a line first: move to it with the arrow keys.")
            return
        self.play_segment(segment)

    def play_segment(self, segment: int) -> None:
        seg = self.segments[segment]
        if seg.recording_id is not None and seg.recording_id != self._take_of_player:
            self._use_take(self._take(seg.recording_id))
        self._stop_at = None if self.keep_playing.isChecked() else seg.end
        self.model.set_playing(segment, active=False)
        self.player.play_from(seg.start)

    def _play_index(self, index: QModelIndex) -> None:
        segment = self.model.first_segment_at_or_after(index.row())
        if segment is not None:
            self.play_segment(segment)

    def _keep_playing_changed(self) -> None:
        on = self.keep_playing.isChecked()
        if on:
            self._stop_at = None
        self.say(
            "Keep playing is on: playback goes on past the line."
            if on
            else "Keep playing is off: playback stops at the end of the line."
        )

    def _on_take_finished(self) -> None:
        """At the end of a take, Keep playing goes on into the next included take."""
        if not self.keep_playing.isChecked():
            return
        ids = [t.id for t in self.takes if t.included]
        if self._take_of_player in ids and ids.index(self._take_of_player) + 1 < len(ids):
            self._use_take(self._take(ids[ids.index(self._take_of_player) + 1]))
            self.player.play_from(0.0)

    def _on_position(self, seconds: float) -> None:
        if self._stop_at is not None and seconds >= self._stop_at and self.player.is_playing:
            self._stop_at = None
            self.player.pause()
        segment = self.model.segment_at(self._take_of_player, seconds)
        current = self.model.playing_segment
        if segment != current and segment is not None and self.delegate.active_editor is None:
            self.view.scrollTo(self.model.index(self.model.row_of_segment(segment)))
        if segment is not None or current is None:
            self.model.set_playing(segment, active=self.player.is_playing)
        take = self._take(self._take_of_player)
        total = f" of {format_time(take.duration_s)}" if take else ""
        number = ""
        if take is not None and len(self.takes) > 1:
            number = f" (take {self.takes.index(take) + 1} of {len(self.takes)})"
        self.position_label.setText(f"{format_time(seconds)}{total}{number}")

    def _on_playing_changed(self, playing: bool) -> None:
        # The button keeps the width of its longer label, so Play/Pause moves nothing.
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
        seg = self.segments[segment]
        self.redact_action.setToolTip(
            "Bring back into exports (Ctrl+R)" if seg.redacted else "Leave out of exports (Ctrl+R)"
        )
        self.redact_action.setText("Unredact" if seg.redacted else "Redact")
        found = self.speaker.findData(seg.speaker)
        self.speaker.setCurrentIndex(found if found >= 0 else self.speaker.count() - 1)

    def use_as_pull_quote(self) -> None:
        segment = self._target()
        if segment is None or self.interview_id is None:
            return
        try:
            self.services.set_pull_quote(self.interview_id, segment)
        except BuddyError as error:
            show_error(self, error)
            return
        self.say("This line is now the post's pull quote; see it on the Export screen.")

    def say(self, message: str) -> None:
        """Show a status sentence and have screen readers read it out."""
        self.status.setText(message)
        if message != self._announced:
            announce(self.status, message)
        self._announced = message
        self.status_changed.emit(message)
