"""The job that turns an interview's takes + markers into one stored, attributed transcript.

An interview's included takes are one conversation: each take is transcribed on its own (its
own audio, its own question and pause markers, its own timeline) in recording-id order, and the
segments are joined. Per take the steps are: raw segments (``raw_segments``: the take's live
transcript when it covered the take, else the engine on the take's speech, chunked at pauses)
-> ``attribute()`` (question markers + echo rule) -> speakers by voice or channel -> tag with
the take.

The stored transcript changes only if every take succeeded, and only if nobody corrected the
transcript meanwhile: the save transaction re-reads the revision and the hand edits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from app.attribution import attribute
from app.audio.decode import load_audio, load_channels
from app.errors import (
    BuddyError,
    Cancelled,
    CorrectionsMadeMeanwhile,
    EditsWouldBeLost,
    NothingToTranscribe,
    TranscriptionFailed,
)
from app.models import Interview, Recording, Role, Segment, Transcript
from app.paths import Paths
from app.speakers.call_lost import attribute_around_call_loss, call_lost_at
from app.speakers.channels import ChannelFile, Channels
from app.speakers.embed import Embedder
from app.speakers.prints import VoicePrints, prints_of_audio
from app.speakers.samples import load_samples
from app.speakers.take import speakers_for_take
from app.store import Store
from app.store.rows import now
from app.takes import included_takes
from app.transcription.engine import Engine
from app.transcription.progress import JobProgress, NoteCallback
from app.transcription.raw import live_usable, raw_segments
from app.transcription.sentences import split_at_sentences

log = logging.getLogger(__name__)

Progress = Callable[[float], None]


def takes_to_transcribe(store: Store, interview_id: int) -> list[Recording]:
    takes = included_takes(store.recordings(interview_id))
    if not takes:
        raise NothingToTranscribe(
            f"Interview {interview_id} has no recorded or imported audio to transcribe yet."
        )
    return takes


def _questions(interview: Interview, takes: Sequence[Recording]) -> list[str]:
    """The interview's questions, with a plain heading for any a marker points past."""
    indices = [m.question_index or 0 for t in takes for m in t.question_markers]
    questions = list(interview.questions)
    needed = max(indices) + 1 if indices else 0
    return questions + [f"Question {i + 1}" for i in range(len(questions), needed)]


def _speakers(
    store: Store,
    paths: Paths,
    interview: Interview,
    recording: Recording,
    prints: VoicePrints | None,
    segments: list[Segment],
    embedder: Embedder,
) -> list[Segment]:
    """One take's words to the person whose channel or voice they are in.

    The voices are compared in ``prints`` (the take's windows of speech, made while it was
    transcribed); only without them is the whole take loaded to make them now. A missing or
    damaged voice model is an error to fix; any other failure here keeps the text rule's
    speakers rather than throwing away a finished transcription.
    """
    roles = _channel_roles(recording)
    names: dict[Role, str] = {
        "interviewer": interview.interviewer.name if interview.interviewer else "Interviewer",
        "interviewee": interview.interviewee.name if interview.interviewee else "Interviewee",
    }

    def speakers_of(part: Sequence[Segment], by_channel: bool) -> list[Segment]:
        nonlocal prints
        # "By channel" is asked of every take without a lost call, channels or not: only a
        # take with channels can do without the voices.
        if prints is None and not (by_channel and channels is not None):
            # The voice step needs the take's samples; loaded only now, after the engine.
            prints = prints_of_audio(load_audio(paths.data / recording.path), embedder)
        return speakers_for_take(
            part,
            None,
            prints=prints,
            names=names,
            samples=samples,
            channels=channels if by_channel else None,
            channel_roles=roles if by_channel else (),
            embedder=embedder,
        )

    channels: Channels | None = None
    try:
        samples = load_samples(store, paths, interview)
        if roles:
            path = paths.data / recording.path
            channels = ChannelFile.open(path) or load_channels(path)
        # A call take whose call channel stopped part-way: voices decide after that moment.
        lost_at = call_lost_at(recording) if roles else None
        return attribute_around_call_loss(segments, lost_at, speakers_of)
    except BuddyError:
        raise
    except Exception:
        log.exception("Telling the voices apart failed; speakers come from the question text")
        return segments
    finally:
        if isinstance(channels, ChannelFile):
            channels.close()


def _channel_roles(recording: Recording) -> list[Role]:
    return recording.channel_roles if recording.channels == len(recording.channel_roles) else []


def _needs_voices(recording: Recording) -> bool:
    """Whether voices decide any of the take's words (not a call take told by channel)."""
    return not _channel_roles(recording) or call_lost_at(recording) is not None


def _transcribe_take(
    store: Store,
    paths: Paths,
    interview: Interview,
    take: Recording,
    engine: Engine,
    questions: list[str],
    *,
    language: str | None,
    glossary: Sequence[str],
    report: Progress,
    should_cancel: Callable[[], bool] | None,
    embedder: Embedder,
    use_live: bool,
) -> list[Segment]:
    """One take's segments, attributed, on the take's own timeline."""
    try:
        raw, prints = raw_segments(
            store,
            paths,
            take,
            engine,
            language=language,
            glossary=list(glossary),
            on_position=report,
            should_cancel=should_cancel,
            use_live=use_live,
            embedder=embedder if _needs_voices(take) else None,
        )
    except BuddyError:
        raise
    except Exception as exc:  # an engine bug must not lose the old transcript either
        raise TranscriptionFailed(
            "Transcription failed inside the speech engine.",
            details=f"{type(exc).__name__}: {exc}",
        ) from exc
    # A steered run (the names as hotwords) can come back as a few long segments.
    raw = split_at_sentences(raw)
    markers = take.question_markers
    segments = attribute(
        raw,
        markers=[(m.time_s, m.question_index or 0) for m in markers],
        questions=questions,
        interviewer=interview.interviewer.name if interview.interviewer else "Interviewer",
        interviewee=interview.interviewee.name if interview.interviewee else "Interviewee",
    )
    if should_cancel is not None and should_cancel():
        raise Cancelled("Transcription was cancelled.")
    segments = _speakers(store, paths, interview, take, prints, segments, embedder)
    for seg in segments:
        seg.recording_id = take.id
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
    on_progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    embedder: Embedder | None = None,
    on_note: NoteCallback | None = None,
    use_live: bool = True,
) -> Transcript:
    """Transcribe every included take; the stored transcript changes only if all succeed."""
    interview = store.interview(interview_id)
    takes = takes_to_transcribe(store, interview_id)
    if not discard_edits and store.has_edits(interview_id):
        raise EditsWouldBeLost(
            f"Interview {interview_id} has hand edits that a new transcription would replace."
        )
    started_on = store.revision(interview_id)
    embedder = embedder or Embedder()
    progress = JobProgress(on_progress=on_progress, on_note=on_note)
    progress.stage("opening")
    questions = _questions(interview, takes)
    total = sum(t.duration_s for t in takes)
    progress.stage("loading", total_s=total)
    if should_cancel is not None and should_cancel():
        raise Cancelled("Transcription was cancelled.")
    if hasattr(engine, "load") and not (
        use_live and all(live_usable(store, t, engine, language) for t in takes)
    ):
        engine.load()  # its own stage: the first load takes seconds, and says so
    progress.stage("transcribing")
    done = 0.0
    segments: list[Segment] = []
    for take in takes:
        segments += _transcribe_take(
            store,
            paths,
            interview,
            take,
            engine,
            questions,
            language=language,
            glossary=glossary,
            report=lambda position, base=done: progress.audio_done(base + position),
            should_cancel=should_cancel,
            embedder=embedder,
            use_live=use_live,
        )
        done += take.duration_s
        progress.audio_done(done)
    progress.stage("saving")
    transcript = Transcript(
        interview_id=interview_id,
        recording_id=takes[0].id,
        engine=engine.name,
        model=engine.model_label,
        language=language,
        created_at=now(),
        segments=segments,
        take_ids=[t.id for t in takes],
    )
    with store.write_transaction():
        # Re-read holding the write lock: a correction typed while the engine ran must be
        # refused here (and kept), never silently replaced.
        if store.revision(interview_id) != started_on or (
            not discard_edits and store.has_edits(interview_id)
        ):
            raise CorrectionsMadeMeanwhile(
                "The transcript was corrected while it was being made again, so the new "
                "transcription was not saved."
            )
        saved = store.save_transcript(transcript)
        if len(questions) != len(interview.questions):
            store.update_interview(interview_id, questions=questions)
        store.update_interview(interview_id, status="transcribed")
    progress.stage("done")
    return saved
