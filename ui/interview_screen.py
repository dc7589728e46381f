"""The interview itself: microphone check, the current question, recording controls, notes."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from app.errors import Action, BuddyError, InvalidInput
from app.models import Interview, Recording, Script
from app.notices import Change
from app.services import Services
from app.settings import Settings
from app.wording import has_or_have, join_names
from ui import tasks
from ui.announce import announce
from ui.consent import ConsentDialog
from ui.errors import show_error
from ui.interview_captions import CaptionsPart
from ui.interview_controls import ControlKeys, fmt_clock, question_texts
from ui.interview_layout import MIC_IDLE, NOT_RECORDING, InterviewLayout
from ui.interview_mic import MicCheckPart
from ui.notices import on_change
from ui.recording import MicCheck, RecorderFactory, RecordingSession, StreamFactory
from ui.takes_dialog import TakesDialog, how_made

log = logging.getLogger(__name__)

#: Notes are saved this long after the last keystroke.
NOTES_DELAY_MS = 700


def takes_summary(takes: list[Recording]) -> str:
    """What the takes are, in words: how many, which are left out, the latest one."""
    if not takes:
        return "Nothing recorded yet."
    count = len(takes)
    left_out = [n for n, t in enumerate(takes, start=1) if not t.included]
    last = takes[-1]
    text = "1 take." if count == 1 else f"{count} takes, one conversation in this order."
    if left_out:
        names = ", ".join(str(n) for n in left_out)
        text += f" Left out: take{'s' if len(left_out) > 1 else ''} {names}."
    text += f" Latest: {fmt_clock(last.duration_s)}, {how_made(last)}."
    return text + (f" {last.message}" if last.message else "")


RETURN_NOTE = (
    "This is a new interview, so each of you is asked for consent again. Your choices from "
    "the first interview are ticked below: check them, change any you like, then each tick "
    "your own 'I confirm' box."
)


class InterviewScreen(CaptionsPart, MicCheckPart, InterviewLayout):
    transcribe_requested = Signal(int)
    #: A take's live transcript is finished (or failed): put it in the transcript now.
    live_transcript_ready = Signal(int)
    open_requested = Signal(int)  # another interview should be shown (after "Swap roles")
    status_message = Signal(str)
    recording_changed = Signal(bool)

    def __init__(
        self,
        services: Services,
        settings: Settings,
        *,
        recorder_factory: RecorderFactory | None = None,
        stream_factory: StreamFactory | None = None,
        input_device: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        #: An InputDevice to use instead of the one in settings (tests, benchmarks, demos).
        self.input_device = input_device
        self.services = services
        self.settings = settings
        self.recorder_factory = recorder_factory
        #: On a call: how the call's sound is found (None: the system's output; tests, a
        #: stand-in).
        self.loopback: Any = None
        self.stream_factory = stream_factory
        self.interview: Interview | None = None
        self.script: Script | None = None
        self.session: RecordingSession | None = None
        self.mic_check: MicCheck | None = None
        self.shown_question = 0
        self._last_state = "idle"
        #: The user stopped from a recording control: put the focus on Transcribe once saved.
        self._focus_after_stop = False
        self.setObjectName("interview")
        self.setAccessibleName("Interview")
        self.banner.handlers[Action.RECORD_CONSENT] = self.edit_consent
        self.keys = ControlKeys(self, self.next_question, self.previous_question, self.toggle_pause)
        self.keys.apply(settings)
        self._clock = QTimer(self, interval=250)
        self._clock.timeout.connect(self._tick)
        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_DELAY_MS)
        self._notes_timer.timeout.connect(self.save_notes)
        on_change(services.notices, self._on_change)
        self.voices.finished.connect(self._voices_done)
        self.voices.about_to_record.connect(self._release_mic_check)
        self.captions_window = None
        self._apply_caption_settings()

    # -- loading --------------------------------------------------------------------------

    def load(self, interview_id: int) -> None:
        if self.session is not None and self.session.active:
            if self.interview is not None and self.interview.id == interview_id:
                return  # the take goes on; just showing it again
            raise InvalidInput(
                "A recording is running, so another interview cannot be opened here.",
                "Stop the recording first (Ctrl+E); the take is saved when you stop.",
            )
        self.save_notes()
        switching = self.interview is None or self.interview.id != interview_id
        if switching:
            self._forget_previous()
        self.interview = self.services.interview(interview_id)
        self.script = self.services.script_for(self.interview)
        self.heading.setText(self._heading_text())
        self.notes.blockSignals(True)
        self.notes.setPlainText(self.interview.notes)
        self.notes.blockSignals(False)
        self.notes_state.setText("")
        self.banner.clear()
        self._show_call_side()
        self.voices.load(
            self.services, self.interview, device=self._device(), stream_factory=self.stream_factory
        )
        self.order_voice_step()
        if switching:
            self.shown_question = 0
        self._show_question()
        self._update()

    def _forget_previous(self) -> None:
        """Nothing of the interview shown before may stay on screen: not its take's state,
        its level, its problems nor a microphone check started for it."""
        if self.mic_check is not None:
            self.mic_check.stop()
            self.mic_check = None
            self.mic_button.setText("Check &microphone")
        self.mic_status.setText(MIC_IDLE)
        self.mic_problem.clear()
        self.meter.set_level(None)
        self.session = None
        self._last_state = "idle"
        self.state_label.setText(NOT_RECORDING)

    def _show_call_side(self) -> None:
        """On a call two meters show while recording: this laptop's microphone and the call."""
        assert self.interview is not None
        on_call = self.interview.on_call
        here = self.interview.participant(self.interview.here_role)
        there = self.interview.participant(self.interview.call_role)
        self.call_row.setVisible(on_call)
        self.call_status.setVisible(on_call)
        self.call_meter.set_level(None)
        if not on_call:
            self.meter_label.setText("")
            self.meter_label.hide()
            self.meter.set_name("Input level")
            return
        you = here.name if here else "You"
        them = there.name if there else "The call"
        self.meter_label.setText(f"{you} (here):")
        self.meter_label.show()
        self.meter.set_name(f"{you}'s microphone level")
        self.call_meter_label.setText(f"{them} (the call):")
        self.call_meter.set_name(f"The call's level ({them})")
        self.call_status.setText(
            f"On a call: recording keeps {you}'s microphone and the call's sound (what this "
            f"computer plays, {them}'s voice) apart, so each voice gets the right name."
        )

    def _heading_text(self) -> str:
        assert self.interview is not None
        who = self.interview.interviewer.name if self.interview.interviewer else "?"
        whom = self.interview.interviewee.name if self.interview.interviewee else "?"
        return f"{self.interview.title}: {who} interviews {whom}"

    def _device(self) -> Any:
        return self.input_device or self.settings.input_device or None

    def reload_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.keys.apply(settings)
        self._apply_caption_settings()

    # -- questions ------------------------------------------------------------------------

    def _questions(self) -> list[tuple[str, list[str]]]:
        return question_texts(self.interview, self.script)

    def _show_question(self) -> None:
        questions = self._questions()
        if not questions:
            self.position_label.setText("No script")
            self.question_label.setText("Ask your own questions.")
            self.prompts_label.setText("")
            self.prompts_label.hide()
            return
        index = max(0, min(self.shown_question, len(questions) - 1))
        self.shown_question = index
        text, prompts = questions[index]
        self.position_label.setText(f"Question {index + 1} of {len(questions)}")
        # The label's name is the question itself (what a screen reader reads first); where
        # it stands in the script is the description and the position label above it.
        self.question_label.setText(text)
        self.question_label.setAccessibleDescription(self.position_label.text())
        self.prompts_label.setText(
            "Follow-up prompts:\n" + "\n".join(f"• {p}" for p in prompts) if prompts else ""
        )
        self.prompts_label.setVisible(bool(prompts))
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(questions) - 1)

    def next_question(self) -> None:
        self._move(+1)

    def previous_question(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        if self.interview is None:
            return
        if self.session is not None and self.session.state in ("recording", "paused"):
            # The recorder stores the marker; it also refuses to move past either end.
            index = self.session.next_question() if step > 0 else self.session.previous_question()
            self.shown_question = index
        else:
            self.shown_question += step
        self._show_question()
        self._tell(self._question_sentence())

    def _question_sentence(self) -> str:
        if not self._questions():
            return "No script: ask your own questions."
        return f"{self.position_label.text()}: {self.question_label.text()}"

    def _tell(self, text: str, *, assertive: bool = False) -> None:
        """Say it to screen readers and show it in the status bar (said once, not twice)."""
        announce(self, text, assertive=assertive)
        self.status_message.emit(text)

    # -- voice samples --------------------------------------------------------------------

    def _release_mic_check(self) -> None:
        if self.mic_check is not None:
            self.toggle_mic_check()  # one user of the device at a time

    def _voices_done(self) -> None:
        # Both samples kept or the step skipped: the next thing to do is to record.
        if self.record_button.isEnabled():
            self.record_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- recording ------------------------------------------------------------------------

    def record(self) -> None:
        if self.interview is None:
            return
        if self.session is not None and self.session.state == "paused":
            self.session.resume()
            return
        if self.session is not None and self.session.active:
            return
        if self._consent_banner():
            announce(self, self.banner.text(), assertive=True)
            return
        if self.mic_check is not None:
            self.toggle_mic_check()  # one user of the device at a time
        self.voices.cancel()
        try:
            session = RecordingSession(
                self.services,
                self.interview.id,
                device=self._device(),
                recorder_factory=self.recorder_factory,
                stream_factory=self.stream_factory,
                loopback=self.loopback,
                parent=self,
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.meter.checking = False
        session.level.connect(self._show_level)
        session.call_level.connect(self.call_meter.set_level)
        session.notice.connect(self._call_notice)
        session.state_changed.connect(self._state_changed)
        session.event.connect(self._recorder_event)
        session.failed.connect(self._recording_failed)
        session.stopped.connect(self._take_saved)
        session.live_segments.connect(self._live_segments)
        interview_id = self.interview.id
        session.live_finished.connect(lambda outcome: self._live_finished(interview_id, outcome))
        self.captions.clear_lines()
        if self.captions_window is not None:
            self.captions_window.view.clear_lines()
        self.session = session
        self.shown_question = 0
        self._show_question()
        self.banner.clear()
        if self.record_button.hasFocus():
            # Record is disabled while recording, and Qt would move the focus on to whatever
            # comes next (the notes). Land where the hands are needed: on Next question.
            target = self.next_button if self.next_button.isEnabled() else self.notes
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        earlier = len(self.services.takes(self.interview.id))
        if earlier:
            self._tell(
                f"Recording take {earlier + 1}. It is added after the "
                f"{'earlier take' if earlier == 1 else f'{earlier} earlier takes'}, "
                "which are kept."
            )
        session.start()

    def toggle_pause(self) -> None:
        if self.session is None:
            return
        if self.session.state == "recording":
            self.session.pause()
        elif self.session.state == "paused":
            self.session.resume()

    def stop(self) -> tasks.Task | None:
        if self.session is None:
            return None
        focus = QApplication.focusWidget()
        self._focus_after_stop = focus in (self.stop_button, self.pause_button, self.record_button)
        return self.session.stop()

    def _state_changed(self, state: str) -> None:
        words = {
            "starting": "Starting…",
            "recording": "● Recording",
            "paused": "❚❚ Paused",
            "stopping": "Saving the take…",
            "stopped": "Stopped: take saved",
            "failed": "Not recording",
        }
        self.state_label.setText(words.get(state, state))
        previous, self._last_state = self._last_state, state
        if state == "recording":
            self._clock.start()
            if previous == "paused":
                self._tell("Recording resumed.")
            else:
                self._tell(f"Recording started. {self._question_sentence()}")
        elif state == "paused":
            self._tell("Recording paused. Choose Resume to go on.")
        elif state in ("stopped", "failed"):
            self._clock.stop()
            self.meter.set_level(None)
            self.call_meter.set_level(None)
            if state == "failed":
                self._tell("Recording did not start or did not stop cleanly.", assertive=True)
        self._tick()
        self._update()
        if state == "stopped" and self._focus_after_stop:
            self._focus_after_stop = False
            target = self.transcribe_button if self.transcribe_button.isEnabled() else None
            (target or self.record_button).setFocus(Qt.FocusReason.OtherFocusReason)
        self.recording_changed.emit(state in ("starting", "recording", "paused", "stopping"))

    def _recording_failed(self, error: BaseException) -> None:
        # The dialog for the moment; the banner so the reason stays in view afterwards.
        self.banner.show_error(error)
        show_error(self, error)

    def _recorder_event(self, kind: str, message: str) -> None:
        # Device gone, disk full: the take is already closed and kept. Say so, plainly.
        self._banner(message, Action.OPEN_MICROPHONE_SETTINGS if "device" in kind else Action.NONE)
        self._tell(f"Recording stopped. {message}", assertive=True)

    def _call_notice(self, kind: str, message: str) -> None:
        # The take goes on (microphone only from here): say so where the meters are, and aloud.
        self.call_status.setText(message)
        self.call_status.show()
        self._banner(message)
        self._tell(message, assertive=True)

    def _take_saved(self, result: Any) -> None:
        if result is not None and not getattr(result, "message", ""):
            self._tell(f"Recording stopped. Take saved ({fmt_clock(result.duration_s)}).")
        self._update()

    def _banner(self, text: str, action: Action = Action.NONE) -> None:
        self.banner.show_message(f"Problem: {text}", action=action)

    def _consent_banner(self) -> bool:
        """Say who has not agreed to be recorded, with "Record consent…"; False if nobody."""
        assert self.interview is not None
        missing = self.services.interview(self.interview.id).missing_consent("record")
        if not missing:
            return False
        names = [p.name for p in missing]
        self._banner(
            f"{join_names(names)} {has_or_have(names)} not agreed to be recorded yet. "
            "Record their consent before you start.",
            Action.RECORD_CONSENT,
        )
        return True

    def consent_changed(self) -> None:
        """Consent was recorded (here or from another screen): the banner may be out of date."""
        if self.banner.action is Action.RECORD_CONSENT:
            self.banner.clear()
        if self.interview is not None:
            self._update()

    def _tick(self) -> None:
        if self.interview is None:
            return
        elapsed = self.session.elapsed_s if self.session is not None else 0.0
        minutes = self.script.suggested_minutes if self.script is not None else 0
        suggested = f" of about {minutes:g} minutes suggested" if minutes else ""
        self.elapsed_label.setText(f"Elapsed {fmt_clock(elapsed)}{suggested}")

    def _update(self) -> None:
        """Enable what makes sense now; say why the rest is off."""
        interview = self.interview
        state = self.session.state if self.session is not None else "idle"
        busy = state in ("starting", "recording", "paused", "stopping")
        can_record = interview is not None and not busy
        # While paused only Pause's own button says Resume: two buttons with one name would
        # leave a screen-reader user guessing which to press. (Ctrl+R still resumes.)
        self.record_button.setEnabled(can_record)
        self.pause_button.setEnabled(state in ("recording", "paused"))
        self.pause_button.setText("Res&ume" if state == "paused" else "&Pause")
        self.stop_button.setEnabled(state in ("recording", "paused"))
        self.swap_button.setEnabled(interview is not None and not busy)
        self.consent_button.setEnabled(interview is not None and not busy)
        self.voices.setEnabled(interview is not None and not busy)
        usable = self.services.takes(interview.id) if interview is not None else []
        included = [t for t in usable if t.included]
        self.transcribe_button.setEnabled(bool(included) and not busy)
        self.takes_button.setEnabled(bool(usable) and not busy)
        missing = self.services.untranscribed_takes(interview.id) if interview else []
        numbers = [str(usable.index(t) + 1) for t in missing if t in usable]
        later = ""
        if numbers and not busy:
            which = (
                f"Take {numbers[0]} is" if len(numbers) == 1 else f"Takes {', '.join(numbers)} are"
            )
            later = f" {which} not in the transcript yet: choose Transcribe to add it."
        adds_one = f" Recording again adds take {len(usable) + 1}." if usable and not busy else ""
        self.takes_label.setText(takes_summary(usable) + later + adds_one)
        # Record on an interview with takes adds one: say so where Record is described.
        adds = f"Record take {len(usable) + 1}; the earlier takes are kept" if usable else ""
        self.record_button.setToolTip(adds or "Start recording")
        self.record_button.setAccessibleDescription(adds or "Start recording")
        if interview is not None and not busy:
            self._consent_banner()
        self._tick()

    # -- after the take -------------------------------------------------------------------

    def show_takes(self) -> TakesDialog | None:
        if self.interview is None:
            return None
        dialog = TakesDialog(self.services, self.interview.id, self)
        dialog.finished.connect(lambda _r: self._update())
        dialog.open()
        return dialog

    def _on_change(self, change: Change) -> None:
        busy = self.session is not None and self.session.active
        if self.interview is None or change.interview_id != self.interview.id or busy:
            return
        if change.kind in ("recordings", "interview", "transcript"):
            self.interview = self.services.interview(self.interview.id)
            self._update()

    def edit_consent(self) -> ConsentDialog | None:
        if self.interview is None:
            return None
        dialog = ConsentDialog(self.services, self.interview.id, self)
        dialog.accepted.connect(self.consent_changed)
        dialog.open()
        return dialog

    def transcribe(self) -> None:
        if self.interview is not None:
            self.transcribe_requested.emit(self.interview.id)

    def swap_roles(self) -> int | None:
        """Create the return interview (same script, names swapped) and open it."""
        old = self.interview
        if old is None or (self.session is not None and self.session.active):
            return None
        try:
            new, earlier = self.services.return_interview(old.id)
        except BuddyError as exc:
            show_error(self, exc)
            return None
        who = new.interviewer.name if new.interviewer else ""
        whom = new.interviewee.name if new.interviewee else ""
        self.status_message.emit(
            f"Return interview created: {who} now asks, {whom} answers. "
            "Consent is asked again for this interview."
        )
        self.open_requested.emit(new.id)
        # Consent belongs to one interview: both are asked again, their earlier ticks
        # prefilled, one click each to confirm.
        self.consent_dialog = ConsentDialog(
            self.services, new.id, self, earlier=earlier, note=RETURN_NOTE
        )
        self.consent_dialog.accepted.connect(self.consent_changed)
        self.consent_dialog.open()
        return new.id

    # -- notes ----------------------------------------------------------------------------

    def _notes_changed(self) -> None:
        self.notes_state.setText("Saving…")
        self._notes_timer.start()

    def save_notes(self) -> None:
        if self.interview is None or (
            not self._notes_timer.isActive() and self.notes_state.text() != "Saving…"
        ):
            return
        self._notes_timer.stop()
        try:
            self.interview = self.services.update_notes(self.interview.id, self.notes.toPlainText())
        except Exception as exc:
            self.notes_state.setText("Notes not saved.")
            show_error(self, exc)
            return
        self.notes_state.setText("Notes saved.")

    def shutdown(self) -> None:
        self.save_notes()
        self.voices.cancel()
        if self.mic_check is not None:
            self.mic_check.stop()
        if self.session is not None:
            self.session.stop_now()
