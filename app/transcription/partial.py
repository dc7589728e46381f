"""After a crash mid-take: keep the live transcript made so far beside the recovered audio.

Recovery calls :func:`keep_partial` for each take it repairs. The text goes into the
interview's transcript (attributed to questions and people as usual) only when the interview
has none yet, and it is never marked complete: the recovery message says how far it goes, and
transcribing the take again replaces it with the whole.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.attribution import attribute
from app.clock import format_clock
from app.models import Recording, Transcript
from app.store import Store, live_transcripts
from app.store.rows import now

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Partial:
    lines: int
    up_to_s: float
    saved_as_transcript: bool

    def describe(self) -> str:
        where = "in the transcript" if self.saved_as_transcript else "with the take"
        line_word = "line" if self.lines == 1 else "lines"
        return (
            f"The live transcript of the first {format_clock(self.up_to_s)} ({self.lines} "
            f"{line_word}) is kept {where}; transcribe the interview again for the rest."
        )


def keep_partial(store: Store, recording: Recording) -> Partial | None:
    live = live_transcripts.state(store, recording.id)
    if live is None or live.state == live_transcripts.COMPLETE:
        return None
    segments = live_transcripts.segments(store, recording.id)
    live_transcripts.finish(
        store, recording.id, state=INTERRUPTED, message="The app stopped mid-take."
    )
    if not segments:
        return None
    interview = store.interview(recording.interview_id)
    saved = False
    if store.transcript(interview.id) is None:
        markers = recording.question_markers
        questions = list(interview.questions)
        needed = max((m.question_index or 0) for m in markers) + 1 if markers else 0
        questions += [f"Question {i + 1}" for i in range(len(questions), needed)]
        attributed = attribute(
            segments,
            markers=[(m.time_s, m.question_index or 0) for m in markers],
            questions=questions,
            interviewer=interview.interviewer.name if interview.interviewer else "Interviewer",
            interviewee=interview.interviewee.name if interview.interviewee else "Interviewee",
        )
        for seg in attributed:
            seg.recording_id = recording.id  # times are on this take's own timeline
        with store.transaction():
            store.save_transcript(
                Transcript(
                    interview_id=interview.id,
                    recording_id=recording.id,
                    engine=live.engine,
                    model=live.model,
                    language=live.language,
                    created_at=now(),
                    segments=attributed,
                )
            )
            if len(questions) != len(interview.questions):
                store.update_interview(interview.id, questions=questions)
        saved = True
    return Partial(lines=len(segments), up_to_s=live.done_s, saved_as_transcript=saved)
