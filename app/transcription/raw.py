"""A take's raw segments (before attribution) and its voice windows: from live transcription
when it covered the whole take, else from a chunked engine run on the take's file. The job
calls this per take."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from app.errors import BuddyError
from app.models import Recording, Segment
from app.paths import Paths
from app.speakers.embed import Embedder
from app.speakers.prints import VoicePrints, from_rows, prints_of_chunk
from app.store import Store, live_transcripts
from app.transcription.chunked import transcribe_file
from app.transcription.engine import CancelCheck, Engine
from app.transcription.vad import Chunk

log = logging.getLogger(__name__)

#: Live transcription may stop this much short of the file's end (the last block or two).
_END_SLACK_S = 1.0


def live_usable(
    store: Store, recording: Recording, engine: Engine, language: str | None
) -> live_transcripts.LiveState | None:
    """The take's live transcript state, when it can stand in for a fresh engine run."""
    live = live_transcripts.state(store, recording.id)
    if live is None or live.state != live_transcripts.COMPLETE:
        return None
    if (live.engine, live.model) != (engine.name, engine.model_label):
        return None  # the user changed engine or model since: honour the new choice
    if (live.language or None) != (language or None):
        return None
    if live.done_s + _END_SLACK_S < recording.duration_s:
        return None
    return live


def raw_segments(
    store: Store,
    paths: Paths,
    recording: Recording,
    engine: Engine,
    *,
    language: str | None = None,
    glossary: Sequence[str] = (),
    on_position: Callable[[float], None] | None = None,
    should_cancel: CancelCheck | None = None,
    use_live: bool = True,
    embedder: Embedder | None = None,
) -> tuple[list[Segment], VoicePrints | None]:
    """Segments on the take's own timeline, speaker not yet known, and (with ``embedder``)
    the take's voice windows, made from the same chunks; None when they could not be made
    that way (the voice step then makes them from the file)."""
    live = live_usable(store, recording, engine, language) if use_live else None
    if live is not None:
        log.info("Take %s: using its live transcript", recording.id)
        if on_position is not None:
            on_position(recording.duration_s)
        prints = None
        if embedder is not None and live.voices_ok:
            prints = from_rows(live_transcripts.voice_rows(store, recording.id))
        return live_transcripts.segments(store, recording.id), prints
    parts: list[VoicePrints] | None = [] if embedder is not None else None

    def on_chunk(chunk: Chunk) -> None:
        nonlocal parts
        if parts is None or embedder is None:
            return
        try:
            parts.append(prints_of_chunk(chunk, embedder))
        except BuddyError:
            raise  # a missing or damaged voice model is for the user to fix
        except Exception:
            log.exception("Voice windows of a chunk failed; they are made from the whole take")
            parts = None

    segments = transcribe_file(
        engine,
        paths.data / recording.path,
        language=language,
        glossary=glossary,
        on_position=on_position,
        should_cancel=should_cancel,
        on_chunk=on_chunk,
    )
    return segments, (VoicePrints.joined(parts) if parts is not None else None)
