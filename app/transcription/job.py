"""The job that turns an interview's audio + markers into a stored, attributed transcript."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.attribution import attribute
from app.audio.decode import load_audio
from app.errors import BuddyError, EditsWouldBeLost, NothingToTranscribe, TranscriptionFailed
from app.models import Recording, Transcript
from app.paths import Paths
from app.store import Store
from app.store.rows import now
from app.transcription.engine import Engine
from app.transcription.silence import drop_speech_over_silence

#: Takes in these states hold usable audio; "recording" means a take still being written.
USABLE = ("imported", "complete", "recovered", "stopped-early")

#: Share of the progress bar spent decoding before the engine starts.
_DECODE_SHARE = 0.03


def usable_recording(store: Store, interview_id: int) -> Recording:
    recordings = [r for r in store.recordings(interview_id) if r.status in USABLE]
    if not recordings:
        raise NothingToTranscribe(
            f"Interview {interview_id} has no recorded or imported audio yet."
        )
    return recordings[-1]


def transcribe_interview(
    store: Store,
    paths: Paths,
    interview_id: int,
    engine: Engine,
    *,
    language: str | None = None,
    glossary: Sequence[str] = (),
    discard_edits: bool = False,
    on_progress: Callable[[float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> Transcript:
    """Transcribe the latest take; the stored transcript changes only if everything succeeds."""
    interview = store.interview(interview_id)
    recording = usable_recording(store, interview_id)
    if not discard_edits and store.has_edits(interview_id):
        raise EditsWouldBeLost(
            f"Interview {interview_id} has hand edits that a new transcription would replace."
        )
    report = on_progress or (lambda _f: None)
    report(0.0)
    audio = load_audio(paths.data / recording.path)
    report(_DECODE_SHARE)
    try:
        raw = engine.transcribe(
            audio,
            language=language,
            glossary=list(glossary),
            on_progress=lambda f: report(_DECODE_SHARE + (1 - _DECODE_SHARE) * f),
            should_cancel=should_cancel,
        )
    except BuddyError:
        raise
    except Exception as exc:  # an engine bug must not lose the old transcript either
        raise TranscriptionFailed(
            "Transcription failed inside the speech engine.",
            details=f"{type(exc).__name__}: {exc}",
        ) from exc
    raw = drop_speech_over_silence(raw, audio)
    markers = recording.question_markers
    questions = list(interview.questions)
    needed = max((m.question_index or 0) for m in markers) + 1 if markers else 0
    questions += [f"Question {i + 1}" for i in range(len(questions), needed)]
    segments = attribute(
        raw,
        markers=[(m.time_s, m.question_index or 0) for m in markers],
        questions=questions,
        interviewer=interview.interviewer.name if interview.interviewer else "Interviewer",
        interviewee=interview.interviewee.name if interview.interviewee else "Interviewee",
    )
    transcript = Transcript(
        interview_id=interview_id,
        recording_id=recording.id,
        engine=engine.name,
        model=engine.model_label,
        language=language,
        created_at=now(),
        segments=segments,
    )
    with store.transaction():
        saved = store.save_transcript(transcript)
        if len(questions) != len(interview.questions):
            store.update_interview(interview_id, questions=questions)
        store.update_interview(interview_id, status="transcribed")
    report(1.0)
    return saved
