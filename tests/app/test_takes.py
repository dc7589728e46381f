"""Every take counts: an interview's usable takes are transcribed and exported as one talk.

Before, only the latest take was transcribed and exported; an earlier take (a break, a re-record,
a recovered crash) silently dropped out of the post. These run the real engine on real speech.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.models import Marker
from app.services import Services
from app.wer import word_error_rate

pytestmark = pytest.mark.slow


def _text(segments) -> str:
    return " ".join(s.text for s in segments)


@pytest.fixture
def two_takes(services: Services, testdata: Path) -> tuple[int, int, int]:
    interview = services.new_interview("Two takes", interviewer="Ann", interviewee="Bo")
    first = services.import_audio(interview.id, testdata / "librivox-0870.wav")
    second = services.import_audio(interview.id, testdata / "jfk.wav")
    services.give_consent(interview.id, "interviewer", ["record", "publish-text"])
    services.give_consent(interview.id, "interviewee", ["record", "publish-text"])
    return interview.id, first.id, second.id


def test_both_takes_are_transcribed_in_order_on_their_own_timelines(
    services: Services, two_takes: tuple[int, int, int], testdata: Path
) -> None:
    interview_id, first, second = two_takes
    transcript = services.transcribe(interview_id, language="en")
    ids = [s.recording_id for s in transcript.segments]
    assert set(ids) == {first, second}
    assert ids == sorted(ids), "takes are in recording order"
    earlier = [s for s in transcript.segments if s.recording_id == first]
    later = [s for s in transcript.segments if s.recording_id == second]
    assert word_error_rate((testdata / "librivox-0870.txt").read_text(), _text(earlier)) < 0.2
    assert word_error_rate((testdata / "jfk.txt").read_text(), _text(later)) < 0.2
    # Times are the take's own: the second take starts near 0, not after the first.
    assert later[0].start < 2.0

    # Captions run on one timeline: the second take's first cue comes after the first take.
    srt = services.render(interview_id, "srt")
    first_duration = services.takes(interview_id)[0].duration_s
    cue_starts = [
        int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
        for h, m, s, ms in re.findall(r"^(\d\d):(\d\d):(\d\d),(\d{3}) -->", srt, re.M)
    ]
    country = next(i for i, b in enumerate(srt.split("\n\n")) if "country" in b.lower())
    assert cue_starts[country] >= first_duration - 0.5
    assert cue_starts == sorted(cue_starts)
    for fmt in ("markdown", "txt", "vtt", "srt"):
        out = services.render(interview_id, fmt).lower()
        assert "dashwood" in out and "country" in out, fmt


def test_a_take_left_out_is_not_exported_or_transcribed_and_deleting_removes_it(
    services: Services, two_takes: tuple[int, int, int], tmp_path: Path
) -> None:
    interview_id, first, second = two_takes
    services.transcribe(interview_id, language="en")
    services.set_take_included(first, False)
    assert "dashwood" not in services.render(interview_id, "markdown").lower()
    assert [t.included for t in services.takes(interview_id)] == [False, True]
    again = services.transcribe(interview_id, language="en", discard_edits=True)
    assert {s.recording_id for s in again.segments} == {second}

    services.set_take_included(first, True)
    services.transcribe(interview_id, language="en", discard_edits=True)
    path = services.audio_file(services.store.recording(second))
    assert path.exists()
    services.delete_take(second)
    assert not path.exists()
    left = services.transcript(interview_id)
    assert {s.recording_id for s in left.segments} == {first}
    assert [s.position for s in left.segments] == list(range(len(left.segments)))
    assert "country" not in services.render(interview_id, "txt").lower()


def test_each_take_uses_its_own_question_markers(
    services: Services, testdata: Path, truth: dict
) -> None:
    interview = services.new_interview("Markers", interviewer="Ann", interviewee="Bo")
    services.import_audio(interview.id, testdata / "jfk.wav")
    second = services.import_audio(interview.id, testdata / "buddy-interview.wav")
    for i, t in enumerate(truth["markers"]):
        services.store.add_marker(second.id, Marker("question", t, question_index=i))
    transcript = services.transcribe(interview.id, language="en")
    in_first = [s for s in transcript.segments if s.recording_id != second.id]
    in_second = [s for s in transcript.segments if s.recording_id == second.id]
    # The first take has no markers: it is talk before the first question.
    assert {s.question_index for s in in_first} == {None}
    assert {s.question_index for s in in_second} >= {0, 1, 2, 3, 4}
