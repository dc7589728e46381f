"""Demo data for benchmarks and screenshots: a temp home with real interviews in it.

Not a test helper: it builds through the same services the app uses, with the real engine.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from app.context import AppContext
from app.models import Segment, Transcript, Word
from app.paths import Paths
from app.services import Services

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT.parent / "shared" / "testdata"
INTERVIEW_WAV = TESTDATA / "buddy-interview.wav"
TRUTH = TESTDATA / "buddy-interview.truth.json"


def temp_home(prefix: str = "buddy-bench-") -> Path:
    home = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["BUDDY_INTERVIEWS_HOME"] = str(home)
    return home


def open_services() -> Services:
    return Services(AppContext.open(Paths.from_env()))


def markers_file(folder: Path) -> Path:
    truth = json.loads(TRUTH.read_text())
    path = folder / "markers.json"
    path.write_text(json.dumps({"markers": truth["markers"], "questions": truth["questions"]}))
    return path


def add_imported_interview(services: Services, folder: Path, *, consent: bool = True) -> int:
    """The buddy-interview recording with its markers, consent given, not yet transcribed."""
    truth = json.loads(TRUTH.read_text())
    interview = services.new_interview(
        truth["title"],
        interviewer=truth["interviewer"]["name"],
        interviewee=truth["interviewee"]["name"],
        script_id="monthly-share",
    )
    if consent:
        for role in ("interviewer", "interviewee"):
            services.give_consent(interview.id, role, ["record", "publish-text"])
    services.import_audio(interview.id, INTERVIEW_WAV, markers=markers_file(folder))
    return interview.id


def add_long_transcript(services: Services, folder: Path, *, segments: int = 2000) -> int:
    """An interview with a two-hour transcript of ``segments`` lines, written straight to the
    store (transcribing two hours for real would take many minutes and test the engine)."""
    interview_id = add_imported_interview(services, folder)
    recording = services.recordings(interview_id)[-1]
    interview = services.interview(interview_id)
    names = [p.name for p in interview.participants]
    per = 7200.0 / segments
    sentences = (
        "We spent most of the month in the workshop with the students and their switches.",
        "What surprised me was how quickly they started arranging the parts themselves.",
        "Next we want to invite families to a small concert in the spring.",
        "Could you say a bit more about that?",
    )
    rows = []
    for i in range(segments):
        start = i * per
        text = sentences[i % len(sentences)]
        step = per / max(1, len(text.split()))
        words = [
            Word(start + j * step, start + (j + 1) * step, w) for j, w in enumerate(text.split())
        ]
        rows.append(
            Segment(
                start,
                start + per,
                text,
                words=words,
                speaker=names[i % 2],
                question_index=min(4, i * 5 // segments),
                position=i,
            )
        )
    services.store.save_transcript(
        Transcript(
            interview_id,
            recording_id=recording.id,
            engine="bench",
            model="generated",
            language="en",
            created_at=datetime.now(),
            segments=rows,
        )
    )
    services.store.update_interview(interview_id, status="transcribed")
    return interview_id
