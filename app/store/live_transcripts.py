"""Storing live transcription as it arrives, per take, and reading it back.

Kept apart from ``Store`` (same package, same rule: only the store knows table names) so the
live transcript's rules stay in one place.

Each chunk's segments are committed as soon as the engine returns them, so a crash mid-take
keeps the text made so far beside the audio. A take's live transcript is used in place of a
fresh engine run only when it is "complete" (every second of the take was transcribed, with
the engine and model the user has chosen); otherwise the take is transcribed again from its
file and the user is told why.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.models import Segment, Word
from app.store.rows import now, to_iso
from app.store.store import Store

RUNNING, COMPLETE, FAILED = "running", "complete", "failed"


@dataclass(frozen=True)
class LiveState:
    recording_id: int
    engine: str
    model: str
    language: str | None
    state: str
    done_s: float
    message: str
    #: Every chunk so far stored its voice windows (see ``voice_rows``).
    voices_ok: bool = True


def begin(
    store: Store,
    recording_id: int,
    *,
    engine: str,
    model: str,
    language: str | None,
    voices: bool = False,
) -> None:
    """A take's live transcription starts; ``voices``: its voice windows will be stored."""
    with store.transaction():
        store.db["live_segments"].delete_where("recording_id = ?", [recording_id])
        store.db["live_voice_windows"].delete_where("recording_id = ?", [recording_id])
        store.db["live_transcripts"].upsert(
            {
                "recording_id": recording_id,
                "engine": engine,
                "model": model,
                "language": language,
                "state": RUNNING,
                "done_s": 0.0,
                "message": "",
                "voices_ok": int(voices),
                "updated_at": to_iso(now()),
            },
            pk="recording_id",
        )


#: A voice window as stored: start, end, origin (take seconds) and its vector's bytes.
VoiceRow = tuple[float, float, float, bytes]


def add(
    store: Store,
    recording_id: int,
    segments: list[Segment],
    *,
    done_s: float,
    voices: Sequence[VoiceRow] | None = (),
) -> None:
    """One chunk's segments, its voice windows and how far the take is now transcribed, in
    one transaction. ``voices`` None says the chunk's voice windows could not be made."""
    with store.transaction():
        if segments:
            store.db["live_segments"].insert_all([_row(recording_id, seg) for seg in segments])
        if voices:
            store.db["live_voice_windows"].insert_all(
                {
                    "recording_id": recording_id,
                    "start": float(start),
                    "end": float(end),
                    "origin": float(origin),
                    "vector": vector,
                }
                for start, end, origin, vector in voices
            )
        changes: dict[str, Any] = {"done_s": float(done_s), "updated_at": to_iso(now())}
        if voices is None:
            changes["voices_ok"] = 0
        store.db["live_transcripts"].update(recording_id, changes)


def finish(store: Store, recording_id: int, *, state: str, message: str = "") -> None:
    store.db["live_transcripts"].update(
        recording_id, {"state": state, "message": message, "updated_at": to_iso(now())}
    )


def state(store: Store, recording_id: int) -> LiveState | None:
    rows = list(store.db["live_transcripts"].rows_where("recording_id = ?", [recording_id]))
    if not rows:
        return None
    row = rows[0]
    return LiveState(
        recording_id=recording_id,
        engine=row["engine"],
        model=row["model"],
        language=row["language"],
        state=row["state"],
        done_s=float(row["done_s"] or 0.0),
        message=row["message"] or "",
        voices_ok=bool(row.get("voices_ok", 0)),
    )


def segments(store: Store, recording_id: int) -> list[Segment]:
    rows = store.db["live_segments"].rows_where(
        "recording_id = ?", [recording_id], order_by="start, id"
    )
    return [
        Segment(
            start=row["start"],
            end=row["end"],
            text=row["text"],
            words=[Word(*w) for w in json.loads(row["words"] or "[]")],
        )
        for row in rows
    ]


def voice_rows(store: Store, recording_id: int) -> list[VoiceRow]:
    """The take's stored voice windows, in time order."""
    rows = store.db.execute(
        "SELECT start, end, origin, vector FROM live_voice_windows WHERE recording_id = ? "
        "ORDER BY start, id",
        [recording_id],
    ).fetchall()
    return [(float(a), float(b), float(c), bytes(v)) for a, b, c, v in rows]


def _row(recording_id: int, seg: Segment) -> dict[str, Any]:
    return {
        "recording_id": recording_id,
        "start": float(seg.start),
        "end": float(seg.end),
        "text": seg.text,
        "words": json.dumps(
            [
                [round(w.start, 3), round(w.end, 3), w.text, round(w.probability, 3)]
                for w in seg.words
            ]
        ),
    }
