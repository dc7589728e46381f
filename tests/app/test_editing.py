"""Edits live in the core: one call per user action, one transaction, undo/redo as data.

Before, the widget spliced around the pure edits and chose between up to 40 single-segment
transactions and one bulk replace (not atomic; the bulk branch never ran in a test). Now every
action is one ``Services.edits`` call, checked against the transcript's revision.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from app.errors import InvalidInput, TranscriptBusy, TranscriptChanged
from app.models import Segment, Transcript, Word
from app.services import Services


def _words(text: str, start: float, end: float) -> list[Word]:
    tokens = text.split()
    step = (end - start) / len(tokens)
    return [Word(start + i * step, start + (i + 1) * step, " " + t) for i, t in enumerate(tokens)]


@pytest.fixture
def interview_id(services: Services) -> int:
    interview = services.new_interview("Edits", interviewer="Ann", interviewee="Bo")
    take1 = services.store.add_recording(
        interview.id, path="a.wav", source="recorded", status="complete", duration_s=60
    )
    take2 = services.store.add_recording(
        interview.id, path="b.wav", source="recorded", status="complete", duration_s=60
    )
    segments = [
        Segment(
            i * 2.0,
            i * 2.0 + 1.5,
            f"line {i} says colour here",
            _words(f"line {i} says colour here", i * 2.0, i * 2.0 + 1.5),
            speaker="Bo",
            question_index=0,
            recording_id=take1.id if i < 60 else take2.id,
        )
        for i in range(120)
    ]
    services.store.save_transcript(
        Transcript(
            interview.id, take1.id, "test", "none", "en", datetime.now(timezone.utc), segments
        )
    )
    return interview.id


def _stored(services: Services, interview_id: int) -> list[str]:
    transcript = services.transcript(interview_id)
    assert [s.position for s in transcript.segments] == list(range(len(transcript.segments)))
    return [s.text for s in transcript.segments]


def test_every_action_is_stored_at_once_and_undo_redo_are_core_data(
    services: Services, interview_id: int
) -> None:
    edits = services.edits
    rev = services.transcript(interview_id).revision
    r = edits.edit_text(interview_id, rev, 3, "line three, corrected")
    assert r.changed and r.revision > rev and r.undo_label == "Edit text"
    r = edits.split(interview_id, r.revision, 5, len("line 5 says"))
    assert _stored(services, interview_id)[5:7] == ["line 5 says", "colour here"]
    r = edits.merge(interview_id, r.revision, 5)
    r = edits.set_speaker(interview_id, r.revision, 7, "Ann")
    r = edits.redact(interview_id, r.revision, 8)
    texts = _stored(services, interview_id)
    assert texts[3] == "line three, corrected" and texts[5] == "line 5 says colour here"
    stored = services.transcript(interview_id).segments
    assert stored[7].speaker == "Ann" and stored[8].redacted
    assert services.interview(interview_id).status == "edited"

    for _ in range(5):
        r = edits.undo(interview_id, r.revision)
    assert _stored(services, interview_id) == [f"line {i} says colour here" for i in range(120)]
    assert r.undo_label is None and r.redo_label == "Edit text"
    for _ in range(5):
        r = edits.redo(interview_id, r.revision)
    assert _stored(services, interview_id) == texts


def test_replace_all_over_many_lines_is_one_atomic_step(
    services: Services, interview_id: int
) -> None:
    rev = services.transcript(interview_id).revision
    r = services.edits.replace_all(interview_id, rev, "colour", "color")
    assert r.count == 120
    assert all("color here" in t for t in _stored(services, interview_id))
    r = services.edits.undo(interview_id, r.revision)
    assert all("colour here" in t for t in _stored(services, interview_id))

    # A failure half-way leaves nothing half-done: the whole change rolls back.
    services.store.db.execute(
        "CREATE TRIGGER refuse AFTER INSERT ON segments WHEN NEW.position = 100 "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(sqlite3.IntegrityError):
        services.edits.replace_all(interview_id, r.revision, "colour", "color")
    assert all("colour here" in t for t in _stored(services, interview_id))
    assert services.transcript(interview_id).revision == r.revision
    services.store.db.execute("DROP TRIGGER refuse")
    assert services.edits.replace_all(interview_id, r.revision, "colour", "color").count == 120


def test_an_edit_on_an_old_revision_is_refused(services: Services, interview_id: int) -> None:
    old = services.transcript(interview_id).revision
    services.edits.edit_text(interview_id, old, 0, "changed elsewhere")
    with pytest.raises(TranscriptChanged) as caught:
        services.edits.edit_text(interview_id, old, 1, "typed on a stale screen")
    assert "reloaded" in caught.value.hint
    assert _stored(services, interview_id)[1] == "line 1 says colour here"


def test_edits_are_refused_while_the_transcript_is_being_made_again(
    services: Services, interview_id: int
) -> None:
    rev = services.transcript(interview_id).revision
    with services.edits.remaking(interview_id), pytest.raises(TranscriptBusy):
        services.edits.edit_text(interview_id, rev, 0, "typed during a re-transcription")
    assert services.edits.edit_text(interview_id, rev, 0, "after it").changed


def test_lines_of_two_takes_cannot_be_merged(services: Services, interview_id: int) -> None:
    rev = services.transcript(interview_id).revision
    with pytest.raises(InvalidInput, match="different takes"):
        services.edits.merge(interview_id, rev, 59)


def test_services_tell_screens_about_every_edit(services: Services, interview_id: int) -> None:
    heard = []
    services.notices.subscribe(heard.append)
    rev = services.transcript(interview_id).revision
    services.edits.redact(interview_id, rev, 0)
    assert [(c.kind, c.interview_id) for c in heard] == [("transcript", interview_id)]


def test_current_gives_the_stored_transcript_and_history(
    services: Services, interview_id: int
) -> None:
    rev = services.transcript(interview_id).revision
    r = services.edits.redact(interview_id, rev, 4)
    now = services.edits.current(interview_id)
    assert now.revision == r.revision and now.segments[4].redacted
    assert now.undo_label == "Redact" and now.redo_label is None


def test_an_edit_racing_another_connection_waits_then_sees_the_change(
    services: Services, interview_id: int
) -> None:
    """Two connections (another window, the CLI): the second writer waits for the lock and
    then finds the revision moved on, a clear refusal rather than 'database is locked'."""
    import threading

    from app.context import AppContext
    from app.paths import Paths

    other_ctx = AppContext.open(Paths.from_env(), recover=False)
    other = Services(other_ctx)
    rev = services.transcript(interview_id).revision
    outcome: list[BaseException | None] = []
    try:
        with other.store.write_transaction():
            worker = threading.Thread(
                target=lambda: outcome.append(_try(services, interview_id, rev)), daemon=True
            )
            worker.start()
            worker.join(0.5)
            assert worker.is_alive(), "the edit waits for the other writer"
            other.edits.edit_text(interview_id, rev, 0, "From the other window.")
        worker.join(10)
    finally:
        other_ctx.close()
    assert isinstance(outcome[0], TranscriptChanged)
    assert services.transcript(interview_id).segments[0].text == "From the other window."


def _try(services: Services, interview_id: int, rev: int) -> BaseException | None:
    try:
        services.edits.edit_text(interview_id, rev, 0, "From this window.")
    except BaseException as error:  # the test looks at what came out
        return error
    return None
