"""Progress that says something: stages from the start, and a time left that settles."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services import Services
from app.transcription.progress import JobProgress, ProgressNote


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_stages_come_first_and_the_time_left_settles() -> None:
    clock = Clock()
    notes: list[ProgressNote] = []
    fractions: list[float] = []
    progress = JobProgress(on_progress=fractions.append, on_note=notes.append, clock=clock)
    progress.stage("opening")
    progress.stage("loading", total_s=600.0)
    clock.now = 3.0
    progress.stage("transcribing")
    assert [n.stage for n in notes] == ["opening", "loading", "transcribing"]
    assert notes[0].text.startswith("Opening") and "model" in notes[1].text
    assert fractions[0] == 0.0 and 0 < fractions[1] < fractions[2] < 0.1
    # The audio goes through at 10x real time, with chunky, uneven steps.
    estimates = []
    for step in range(1, 40):
        clock.now = 3.0 + step * 1.5
        progress.audio_done(min(600.0, step * 15.0 + (5.0 if step % 2 else -5.0)))
        estimates.append(progress.seconds_left)
    assert estimates[0] is None  # not guessed before two seconds of work were timed
    settled = [e for e in estimates[:10] if e is not None]
    assert settled, "no estimate within the first fifteen seconds"
    # From then on the estimate falls steadily: each is within 25% of the true time left.
    for step, estimate in enumerate(estimates[3:30], start=4):
        true_left = (600 - step * 15.0) / 10
        assert estimate is not None and abs(estimate - true_left) <= 0.25 * true_left + 5
    assert "of 10:00 transcribed" in notes[-1].text and "left" in notes[-1].text
    assert fractions == sorted(fractions)
    progress.stage("saving")
    progress.stage("done")
    assert fractions[-1] == 1.0 and notes[-1].text == "Done."


@pytest.mark.slow
def test_a_real_transcription_reports_each_stage_in_order(
    services: Services, testdata: Path
) -> None:
    interview = services.new_interview("Stages", interviewer="Ask", interviewee="Answer")
    services.import_audio(interview.id, testdata / "buddy-interview.wav")
    notes: list[ProgressNote] = []
    services.transcribe(interview.id, on_note=notes.append)
    stages = list(dict.fromkeys(n.stage for n in notes))
    assert stages == ["opening", "loading", "transcribing", "saving", "done"]
    during = [n for n in notes if n.stage == "transcribing"]
    assert len(during) >= 3  # it moves while the audio goes through, not only at the end
    fractions = [n.fraction for n in notes]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
