"""How fast the transcript editor opens and scrolls a two-hour interview (2,000 segments).

Prints figures (median of 5 runs); asserts nothing. Run with:
    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.editor [--segments 2000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime, timezone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.context import AppContext
from app.models import Segment, Transcript, Word
from app.paths import HOME_ENV, Paths
from app.services import Services

SENTENCES = [
    "I have been running weekly music workshops at a special school in Bristol.",
    "The students play instruments with large switches and head pointers.",
    "How quickly the students started composing surprised everyone in the room.",
    "Two music leaders from our team helped, with the school's teaching assistants.",
    "I never find the time to write a blog post on my own, but talking is easy.",
    "Next month we perform the piece at the city library, and we are nervous.",
]


def make_segments(count: int, questions: int) -> list[Segment]:
    """Segments shaped like a transcription's: ~3.6 s each, with word timings."""
    segments = []
    t = 0.0
    per_question = max(1, count // questions)
    for i in range(count):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 2))
        tokens = text.split()
        length = 0.3 * len(tokens)
        words = [
            Word(t + k * 0.3, t + (k + 1) * 0.3, (" " if k else "") + tok)
            for k, tok in enumerate(tokens)
        ]
        segments.append(
            Segment(
                start=t,
                end=t + length,
                text=text,
                words=words,
                speaker="Sam Okafor" if i % per_question == 0 else "Priya Shah",
                question_index=min(i // per_question, questions - 1),
                position=i,
            )
        )
        t += length + 0.3
    return segments


def build(count: int, home: str) -> tuple[Services, int]:
    os.environ[HOME_ENV] = home
    services = Services(AppContext.open(Paths.from_env(), recover=False))
    questions = [f"Question number {i + 1} of the script?" for i in range(12)]
    interview = services.new_interview("Bench", interviewer="Sam Okafor", interviewee="Priya Shah")
    services.store.update_interview(interview.id, questions=questions)
    segments = make_segments(count, len(questions))
    # A recording row only: the bench never plays, so no audio file is written.
    recording = services.store.add_recording(
        interview.id,
        path="audio/bench.wav",
        source="imported",
        status="imported",
        sample_rate=16000,
        channels=1,
        duration_s=segments[-1].end,
    )
    services.store.save_transcript(
        Transcript(
            interview_id=interview.id,
            recording_id=recording.id,
            engine="bench",
            model="none",
            language="en",
            created_at=datetime.now(timezone.utc),
            segments=segments,
        )
    )
    return services, interview.id


def one_run(app: QApplication, services: Services, interview_id: int) -> dict[str, float]:
    from ui.transcript_editor import TranscriptEditor

    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    services.transcript(interview_id)
    figures["read transcript from the database"] = time.perf_counter() - t0
    transcript = services.transcript(interview_id)
    assert transcript is not None
    t0 = time.perf_counter()
    services.edits.edit_text(
        interview_id, transcript.revision, 0, transcript.segments[0].text + " x"
    )
    figures["services.edits.edit_text of one line (core alone)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    editor = TranscriptEditor(services)
    editor.resize(1000, 800)
    editor.load(interview_id)
    editor.show()
    app.processEvents()
    editor.view.viewport().repaint()
    figures["open: build + load + show + first paint"] = time.perf_counter() - t0

    bar = editor.view.verticalScrollBar()
    t0 = time.perf_counter()
    # Batched layout: rows beyond the first batches are measured while the user reads.
    last = -1
    while bar.maximum() != last:
        last = bar.maximum()
        for _ in range(20):
            app.processEvents()
    figures["layout of every row finished"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    pages = 0
    while bar.value() < bar.maximum():
        bar.setValue(bar.value() + bar.pageStep())
        editor.view.viewport().repaint()
        pages += 1
    elapsed = time.perf_counter() - t0
    figures[f"scroll to the end page by page ({pages} pages)"] = elapsed
    figures["  per page (one repaint)"] = elapsed / max(pages, 1)

    index = editor.model.row_of_segment(len(editor.segments) // 2)
    editor.view.setCurrentIndex(editor.model.index(index))
    t0 = time.perf_counter()
    editor.toggle_redact()
    app.processEvents()
    figures["one edit (redact: op + store + repaint)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    editor.view.setCurrentIndex(
        editor.model.index(editor.model.row_of_segment(len(editor.segments) // 2 + 1))
    )
    editor.merge()
    app.processEvents()
    figures["one structural edit (merge: op + store all + relayout)"] = time.perf_counter() - t0
    if services.edits.history(interview_id)[0] != "Merge with next":
        raise SystemExit(f"an edit was refused: {editor.status.text()}")

    t0 = time.perf_counter()
    while editor.undo_action.isEnabled():  # also leaves the database as the next run expects
        editor.undo()
    app.processEvents()
    figures["undo both (store + relayout)"] = time.perf_counter() - t0
    editor.close()
    editor.deleteLater()
    app.processEvents()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="bench-editor-") as home:
        services, interview_id = build(args.segments, home)
        runs = [one_run(app, services, interview_id) for _ in range(args.runs)]
        services.ctx.close()
    print(f"Transcript editor, {args.segments} segments, median of {args.runs} runs:")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"  {key:<58} {statistics.median(values) * 1000:8.1f} ms")
    print("Target: open in under 1000 ms.")


if __name__ == "__main__":
    main()
