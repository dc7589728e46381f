"""The job that turns an interview's audio + markers into a stored, attributed transcript."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from app.attribution import attribute
from app.audio.decode import load_audio, load_channels
from app.errors import (
    BuddyError,
    Cancelled,
    EditsWouldBeLost,
    NothingToTranscribe,
    TranscriptionFailed,
)
from app.models import Interview, Recording, Role, Segment, Transcript
from app.paths import Paths
from app.speakers.call_lost import attribute_around_call_loss, call_lost_at
from app.speakers.embed import Embedder
from app.speakers.samples import load_samples
from app.speakers.take import speakers_for_take
from app.store import Store
from app.store.rows import now
from app.transcription.engine import Engine
from app.transcription.silence import drop_speech_over_silence

log = logging.getLogger(__name__)

#: Takes in these states hold usable audio; "recording" means a take still being written.
USABLE = ("imported", "complete", "recovered", "stopped-early")

#: Share of the progress bar spent decoding before the engine starts.
_DECODE_SHARE = 0.03
#: Share spent telling the voices apart after the engine (about 0.03x real time).
_SPEAKERS_SHARE = 0.25


def usable_recording(store: Store, interview_id: int) -> Recording:
    recordings = [r for r in store.recordings(interview_id) if r.status in USABLE]
    if not recordings:
        raise NothingToTranscribe(
            f"Interview {interview_id} has no recorded or imported audio yet."
        )
    return recordings[-1]


def _speakers(
    store: Store,
    paths: Paths,
    interview: Interview,
    recording: Recording,
    audio: np.ndarray,
    segments: list[Segment],
    embedder: Embedder | None,
) -> list[Segment]:
    """One take's words to the person whose channel or voice they are in.

    A missing or damaged voice model is an error to fix; any other failure here keeps the
    text rule's speakers rather than throwing away a finished transcription.
    """
    roles = recording.channel_roles if recording.channels == len(recording.channel_roles) else []
    names: dict[Role, str] = {
        "interviewer": interview.interviewer.name if interview.interviewer else "Interviewer",
        "interviewee": interview.interviewee.name if interview.interviewee else "Interviewee",
    }

    def speakers_of(part: Sequence[Segment], by_channel: bool) -> list[Segment]:
        return speakers_for_take(
            part,
            audio,
            names=names,
            samples=samples,
            channels=channels if by_channel else None,
            channel_roles=roles if by_channel else (),
            embedder=embedder,
        )

    try:
        samples = load_samples(store, paths, interview)
        channels = load_channels(paths.data / recording.path) if roles else None
        # A call take whose call channel stopped part-way: voices decide after that moment.
        lost_at = call_lost_at(recording) if roles else None
        return attribute_around_call_loss(segments, lost_at, speakers_of)
    except BuddyError:
        raise
    except Exception:
        log.exception("Telling the voices apart failed; speakers come from the question text")
        return segments


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
    embedder: Embedder | None = None,
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
            on_progress=lambda f: report(_DECODE_SHARE + (1 - _DECODE_SHARE - _SPEAKERS_SHARE) * f),
            should_cancel=should_cancel,
        )
    except BuddyError:
        raise
    except Exception as exc:  # an engine bug must not lose the old transcript either
        raise TranscriptionFailed(f"Transcription failed: {exc}") from exc
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
    if should_cancel is not None and should_cancel():
        raise Cancelled("Transcription was cancelled.")
    segments = _speakers(store, paths, interview, recording, audio, segments, embedder)
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
