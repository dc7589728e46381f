"""Transcribing an interview: the stored transcript changes only when a run succeeds."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from app.errors import AudioUnreadable, Cancelled, EditsWouldBeLost
from app.services import Services
from app.wer import word_error_rate

pytestmark = pytest.mark.slow


@pytest.fixture
def transcribed(services: Services, testdata: Path) -> int:
    interview = services.new_interview("JFK", interviewer="Ask", interviewee="Answer")
    services.import_audio(interview.id, testdata / "jfk.wav")
    services.transcribe(interview.id, language="en")
    return interview.id


def test_transcript_is_stored_with_words(
    services: Services, transcribed: int, testdata: Path
) -> None:
    transcript = services.transcript(transcribed)
    text = " ".join(s.text for s in transcript.segments)
    assert word_error_rate((testdata / "jfk.txt").read_text(), text) <= 0.10
    assert all(s.words and s.speaker == "Answer" for s in transcript.segments)
    assert transcript.engine == "faster-whisper"
    assert services.interview(transcribed).status == "transcribed"


def test_edits_are_protected_and_cancel_keeps_them(services: Services, transcribed: int) -> None:
    revision = services.transcript(transcribed).revision
    services.edits.edit_text(
        transcribed, revision, 0, "And so, my fellow Americans, edited by hand."
    )
    with pytest.raises(EditsWouldBeLost):
        services.transcribe(transcribed)

    seen: list[float] = []

    def cancel_after_first_progress() -> bool:
        return len(seen) > 1

    with pytest.raises(Cancelled):
        services.transcribe(
            transcribed,
            discard_edits=True,
            on_progress=seen.append,
            should_cancel=cancel_after_first_progress,
        )
    kept = services.transcript(transcribed)
    assert kept.segments[0].text == "And so, my fellow Americans, edited by hand."
    assert services.interview(transcribed).status == "edited"


def test_failed_run_keeps_previous_transcript(services: Services, transcribed: int) -> None:
    before = [s.text for s in services.transcript(transcribed).segments]
    audio = services.audio_file(services.recordings(transcribed)[-1])
    audio.write_bytes(b"no longer audio")
    with pytest.raises(AudioUnreadable):
        services.transcribe(transcribed)
    assert [s.text for s in services.transcript(transcribed).segments] == before


def test_progress_is_monotonic_and_complete(services: Services, transcribed: int) -> None:
    seen: list[float] = []
    services.transcribe(transcribed, on_progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(b >= a for a, b in itertools.pairwise(seen))
