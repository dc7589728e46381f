"""A take's raw segments (before attribution): from live transcription when it covered the
whole take, else from a chunked engine run on the take's file. The job calls this per take."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from app.models import Recording, Segment
from app.paths import Paths
from app.store import Store, live_transcripts
from app.transcription.chunked import transcribe_file
from app.transcription.engine import CancelCheck, Engine

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
) -> list[Segment]:
    """Segments on the take's own timeline, speaker not yet known."""
    if use_live and live_usable(store, recording, engine, language) is not None:
        log.info("Take %s: using its live transcript", recording.id)
        if on_position is not None:
            on_position(recording.duration_s)
        return live_transcripts.segments(store, recording.id)
    return transcribe_file(
        engine,
        paths.data / recording.path,
        language=language,
        glossary=glossary,
        on_position=on_position,
        should_cancel=should_cancel,
    )
