"""A correction typed during a re-transcription is kept or refused, never silently lost.

Before, the job checked for hand edits when it started but saved at the end, so an edit made
while the engine ran vanished, and the stale editor's next edit landed in the new transcript.
The real engine runs on real speech; the edit is made from its progress callback, i.e. while
the engine is working.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.context import AppContext
from app.errors import CorrectionsMadeMeanwhile, TranscriptBusy, TranscriptChanged
from app.paths import Paths
from app.services import Services
from app.transcription.job import transcribe_interview

pytestmark = pytest.mark.slow


@pytest.fixture
def transcribed(services: Services, testdata: Path) -> int:
    interview = services.new_interview("JFK", interviewer="Ask", interviewee="Answer")
    services.import_audio(interview.id, testdata / "jfk.wav")
    services.transcribe(interview.id, language="en")
    return interview.id


def test_an_edit_through_services_during_the_run_is_refused_with_a_message(
    services: Services, transcribed: int
) -> None:
    revision = services.transcript(transcribed).revision
    refused: list[BaseException] = []

    def edit_meanwhile(fraction: float) -> None:
        if 0.3 < fraction < 1 and not refused:
            try:
                services.edits.edit_text(transcribed, revision, 0, "Typed during the run.")
            except TranscriptBusy as error:
                refused.append(error)

    new = services.transcribe(transcribed, language="en", on_progress=edit_meanwhile)
    assert refused and "not saved" in refused[0].message
    assert "Typed during the run." not in " ".join(s.text for s in new.segments)
    # The stale screen's next edit does not land in the new transcript either.
    with pytest.raises(TranscriptChanged):
        services.edits.edit_text(transcribed, revision, 0, "Stale.")
    assert services.edits.edit_text(transcribed, new.revision, 0, "Fresh.").changed


def test_an_edit_from_another_process_during_the_run_is_kept(
    services: Services, transcribed: int, home: Path
) -> None:
    other_ctx = AppContext.open(Paths.from_env(), recover=False)  # e.g. the CLI, meanwhile
    other = Services(other_ctx)
    revision = services.transcript(transcribed).revision
    done: list[bool] = []

    def edit_meanwhile(fraction: float) -> None:
        if 0.3 < fraction < 1 and not done:
            other.edits.edit_text(transcribed, revision, 0, "Kept: typed in another window.")
            done.append(True)

    try:
        with pytest.raises(CorrectionsMadeMeanwhile) as caught:
            transcribe_interview(
                services.store,
                services.paths,
                transcribed,
                services.engine(),
                language="en",
                discard_edits=True,
                on_progress=edit_meanwhile,
            )
        assert "kept" in caught.value.hint
        assert done
        text = services.transcript(transcribed).segments[0].text
        assert text == "Kept: typed in another window."
    finally:
        other_ctx.close()
