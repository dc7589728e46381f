"""Importing an existing audio file (and optional question markers) into an interview."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from app.audio.decode import AudioInfo, probe
from app.errors import InvalidInput, NotFound
from app.models import Marker, Recording
from app.paths import Paths
from app.store import Store
from app.wording import plural

SUPPORTED_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".mp4")


@dataclass
class MarkerFile:
    markers: list[float]
    questions: list[str] | None = None


def parse_markers(text: str, *, source: str = "markers file") -> MarkerFile:
    """Read ``{"markers": [seconds...], "questions": [texts...]?}``; errors name the field."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{source}, line {exc.lineno}: not valid JSON ({exc.msg}).",
            'Write it as {"markers": [0.5, 16.4], "questions": ["...", "..."]}.',
        ) from exc
    if not isinstance(data, dict) or "markers" not in data:
        raise InvalidInput(
            f"{source}: expected a JSON object with a 'markers' list.",
            'Write it as {"markers": [0.5, 16.4]}.',
        )
    markers = data["markers"]
    if not isinstance(markers, list) or not all(
        isinstance(m, (int, float)) and not isinstance(m, bool) and m >= 0 for m in markers
    ):
        raise InvalidInput(
            f"{source}: 'markers' must be a list of times in seconds (0 or more).",
            "Use numbers such as 0.5 or 16.37.",
        )
    if any(b < a for a, b in pairwise(markers)):
        raise InvalidInput(
            f"{source}: 'markers' must be in time order.", "Sort the times from first to last."
        )
    questions = data.get("questions")
    if questions is not None:
        if not isinstance(questions, list) or not all(
            isinstance(q, str) and q.strip() for q in questions
        ):
            raise InvalidInput(
                f"{source}: 'questions' must be a list of question texts.",
                "Give one non-empty text per marker.",
            )
        if len(questions) != len(markers):
            raise InvalidInput(
                f"{source}: 'questions' has {plural(len(questions), 'entry')} but 'markers' "
                f"has {len(markers)}.",
                "Give exactly one question per marker, in the same order.",
            )
    return MarkerFile(markers=[float(m) for m in markers], questions=questions)


def read_markers(path: Path) -> MarkerFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"The markers file {path} does not exist.", "Check the path.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"The markers file {path} cannot be read ({exc}).",
            "Save it as UTF-8 JSON text and check you may read it.",
        ) from exc
    return parse_markers(text, source=str(path))


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy so that ``target`` either holds the whole file or does not exist."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, length=1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_audio(
    store: Store,
    paths: Paths,
    interview_id: int,
    source: Path,
    *,
    markers: MarkerFile | None = None,
) -> Recording:
    """Validate, copy into the data folder, and register a recording with its markers.

    Everything is checked before anything is written, so a refused file leaves no trace.
    """
    interview = store.interview(interview_id)
    source = Path(source).expanduser()
    info: AudioInfo = probe(source)  # raises AudioUnreadable / AudioEmpty
    if markers is not None:
        late = [m for m in markers.markers if m > info.duration_s + 0.5]
        if late:
            raise InvalidInput(
                f"Marker at {late[0]:.1f} s is after the end of the audio "
                f"({info.duration_s:.1f} s).",
                "Check that the markers file belongs to this recording.",
            )
        if (
            markers.questions is None
            and interview.questions
            and (len(markers.markers) > len(interview.questions))
        ):
            raise InvalidInput(
                f"The markers file has {plural(len(markers.markers), 'marker')} but the "
                "interview's script "
                f"has {plural(len(interview.questions), 'question')}.",
                "Add a 'questions' list to the markers file, or remove the extra markers.",
            )
    paths.audio.mkdir(parents=True, exist_ok=True)
    take = len(store.recordings(interview_id)) + 1
    suffix = source.suffix.lower() if source.suffix.lower() in SUPPORTED_SUFFIXES else ".audio"
    target = paths.audio / f"interview-{interview_id}-take-{take}-imported{suffix}"
    while target.exists():
        take += 1
        target = paths.audio / f"interview-{interview_id}-take-{take}-imported{suffix}"
    _copy_atomically(source, target)
    try:
        with store.transaction():
            recording = store.add_recording(
                interview_id,
                path=target.relative_to(paths.data).as_posix(),
                source="imported",
                status="imported",
                sample_rate=info.sample_rate,
                channels=info.channels,
                duration_s=info.duration_s,
                original_name=source.name,
            )
            if markers is not None:
                store.replace_markers(
                    recording.id,
                    [
                        Marker(kind="question", time_s=t, question_index=i)
                        for i, t in enumerate(markers.markers)
                    ],
                    kind="question",
                )
                if markers.questions is not None:
                    store.update_interview(interview_id, questions=markers.questions)
            store.update_interview(interview_id, status="recorded")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return store.recording(recording.id)
