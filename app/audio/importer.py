"""Importing an existing audio file (and optional question markers) into an interview."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from app.atomic import fsync_folder
from app.audio import takes
from app.audio.decode import AudioInfo, probe
from app.errors import DiskFull, InvalidInput, NotFound
from app.models import Interview, Marker, Recording
from app.paths import Paths
from app.store import Store
from app.store.errors import storage_problem, translate_os
from app.typed_names import clean_question
from app.wording import plural

log = logging.getLogger(__name__)

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
        try:
            questions = [clean_question(q) for q in questions]  # they become headings
        except InvalidInput as exc:
            raise InvalidInput(f"{source}: 'questions': {exc.message}", exc.hint) from exc
        if len(questions) != len(markers):
            raise InvalidInput(
                f"{source}: 'questions' has {plural(len(questions), 'entry')} but 'markers' "
                f"has {len(markers)}.",
                "Give exactly one question per marker, in the same order.",
            )
    return MarkerFile(markers=[float(m) for m in markers], questions=questions)


#: A markers file is a few hundred bytes; anything much bigger is not one (and /dev/zero
#: would be read until memory runs out).
MAX_MARKERS_BYTES = 1 << 20


def read_markers(path: Path) -> MarkerFile:
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            raise InvalidInput(
                f"The markers file {path} is not a regular file (it is a device or a pipe).",
                "Give the path of a JSON file.",
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_MARKERS_BYTES + 1)
        if len(data) > MAX_MARKERS_BYTES:
            raise InvalidInput(
                f"The markers file {path} is larger than {MAX_MARKERS_BYTES // 1024} KB, too "
                "large to be a markers file.",
                "Check the path: a markers file holds a short JSON list of times.",
            )
        text = data.decode("utf-8")
    except FileNotFoundError as exc:
        raise NotFound(f"The markers file {path} does not exist.", "Check the path.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"The markers file {path} cannot be read ({exc}).",
            "Save it as UTF-8 JSON text and check you may read it.",
        ) from exc
    return parse_markers(text, source=str(path))


IMPORT_PREFIX = ".import-"
#: Files an import leaves under its final name: ``interview-3-take-2-imported.wav``.
IMPORTED_NAME = re.compile(r"^interview-(\d+)-take-\d+-imported\.[a-z0-9]+$")
#: Every audio file named for an interview (recorded or imported takes).
INTERVIEW_FILE = re.compile(r"^interview-(\d+)-")


@dataclass
class StagedAudio:
    """A whole copy of the source under a hidden name, locked until the import ends.

    The lock (an advisory flock, dropped by the kernel when the process dies) tells start-up
    cleaning in another process that this import is still running; the lock stays with the
    file when it is renamed into place.
    """

    source: Path
    info: AudioInfo
    tmp: Path
    fd: int | None

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        takes.release_lock(self.fd)
        self.fd = None


def stage_audio(paths: Paths, source: Path) -> StagedAudio:
    """Check ``source`` is audio, that it fits on the disk, and copy it under a hidden name."""
    source = Path(source).expanduser()
    info = probe(source)  # raises AudioUnreadable / AudioEmpty
    paths.audio.mkdir(parents=True, exist_ok=True)
    size = source.stat().st_size
    problem = storage_problem(paths.audio, need_bytes=size)
    if problem is not None:
        if isinstance(problem, DiskFull):
            raise DiskFull(
                f"The disk is too full to import {source.name} ({size / 1e6:.1f} MB).",
                problem.hint,
            )
        raise problem
    suffix = source.suffix.lower() if source.suffix.lower() in SUPPORTED_SUFFIXES else ".audio"
    try:
        fd, name = tempfile.mkstemp(dir=paths.audio, prefix=IMPORT_PREFIX, suffix=suffix)
    except OSError as exc:
        raise translate_os(exc, paths.audio / f"{IMPORT_PREFIX}{source.name}") from exc
    os.close(fd)
    tmp = Path(name)
    staged = StagedAudio(source=source, info=info, tmp=tmp, fd=None)
    try:
        staged.fd = takes.hold_lock(tmp)
        with tmp.open("wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, length=1 << 20)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        staged.discard()
        raise translate_os(exc, tmp) from exc
    except BaseException:
        staged.discard()
        raise
    return staged


def _check_markers(interview: Interview, info: AudioInfo, markers: MarkerFile | None) -> None:
    if markers is None:
        return
    late = [m for m in markers.markers if m > info.duration_s + 0.5]
    if late:
        raise InvalidInput(
            f"Marker at {late[0]:.1f} s is after the end of the audio ({info.duration_s:.1f} s).",
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


def commit_import(
    store: Store,
    paths: Paths,
    interview_id: int,
    staged: StagedAudio,
    *,
    markers: MarkerFile | None = None,
) -> Recording:
    """Register the staged copy as a take: its row and its final name appear together.

    The file is renamed into place inside the transaction that adds its row; if the commit
    fails the file is removed again. A kill between the two leaves a file with no row, which
    start-up cleaning (``clean_interrupted_imports``) removes.
    """
    interview = store.interview(interview_id)
    _check_markers(interview, staged.info, markers)
    source, info = staged.source, staged.info
    target: Path | None = None
    try:
        with store.transaction():
            take = len(store.recordings(interview_id)) + 1
            target = (
                paths.audio / f"interview-{interview_id}-take-{take}-imported{staged.tmp.suffix}"
            )
            while target.exists():
                take += 1
                target = (
                    paths.audio
                    / f"interview-{interview_id}-take-{take}-imported{staged.tmp.suffix}"
                )
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
            os.replace(staged.tmp, target)
            fsync_folder(paths.audio)
    except BaseException:
        if target is not None and not staged.tmp.exists():
            target.unlink(missing_ok=True)
        raise
    return store.recording(recording.id)


def import_audio(
    store: Store,
    paths: Paths,
    interview_id: int,
    source: Path,
    *,
    markers: MarkerFile | None = None,
) -> Recording:
    """Validate, copy into the data folder, and register a recording with its markers.

    Everything is checked before anything is written, so a refused file leaves no trace, and
    the take appears whole with its row or not at all (also after a kill).
    """
    interview = store.interview(interview_id)
    info = probe(Path(source).expanduser())
    _check_markers(interview, info, markers)
    store.require_writable()
    staged = stage_audio(paths, source)
    try:
        return commit_import(store, paths, interview_id, staged, markers=markers)
    finally:
        staged.discard()


def clean_interrupted_imports(store: Store, paths: Paths) -> list[Path]:
    """Remove what a killed import or an interrupted delete left; returns the files removed.

    That is: hidden ``.import-*`` copies nobody is writing, imported takes with no row, and any
    audio file of an interview that no longer exists (ids are never reused, so such a file can
    only be left over). Files another process holds locked are left alone.
    """
    folder = paths.audio
    if not folder.is_dir():
        return []
    known = set(store.recording_paths())
    removed = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        relative = path.relative_to(paths.data).as_posix()
        if relative in known:
            continue
        if path.name.startswith(IMPORT_PREFIX):
            orphan = True
        elif match := INTERVIEW_FILE.match(path.name):
            orphan = bool(IMPORTED_NAME.match(path.name)) or not store.interview_exists(
                int(match.group(1))
            )
        else:
            orphan = False
        if not orphan or takes.is_live(path):
            continue
        try:
            path.unlink()
        except OSError:
            log.warning("Could not remove the leftover file %s", path, exc_info=True)
            continue
        log.info("Removed %s, left by an interrupted import or delete", path)
        removed.append(path)
    return removed
