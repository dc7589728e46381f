"""Voice samples: a few seconds of each person alone, kept with the interview on this laptop.

They exist only to tell the two voices apart, and go when the interview is deleted. Files are
16 kHz mono WAV beside the takes, under a fresh name each time so that a redo never leaves a
half-written sample in place of a good one.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

import numpy as np
import soundfile

from app.audio.decode import WHISPER_RATE, load_audio
from app.consent import find_participant
from app.errors import ConsentMissing, InvalidInput
from app.models import Interview, Participant, Role, VoiceSample
from app.paths import Paths
from app.store import Store

log = logging.getLogger(__name__)

#: Below this a voice is not heard clearly enough to be told from another.
MIN_SECONDS = 2.0
#: Longer is no better and only costs time; the rest is dropped.
MAX_SECONDS = 30.0
#: Quieter than this (peak, full scale 1.0) is a muted or wrong microphone, not a voice.
MIN_PEAK = 0.02


def check_consent(interview: Interview, participant: Participant) -> None:
    """A voice sample is a recording of that person: it needs their consent to be recorded."""
    consent = interview.consent_for(participant.id)
    if consent is None or "record" not in consent.scopes:
        raise ConsentMissing(
            f"{participant.name} has not agreed to be recorded, so no voice sample of them "
            "can be kept.",
            "Ask them, and record their consent to being recorded first.",
        )


def check_sample(audio: np.ndarray) -> np.ndarray:
    seconds = audio.size / WHISPER_RATE
    if seconds < MIN_SECONDS:
        raise InvalidInput(
            f"The voice sample is {seconds:.1f} seconds long; it needs at least {MIN_SECONDS:.0f}.",
            "Record a few seconds of that person speaking alone.",
        )
    if float(np.max(np.abs(audio))) < MIN_PEAK:
        raise InvalidInput(
            "The voice sample is silent.",
            "Check the microphone is on and not muted, then record it again.",
        )
    return audio[: int(MAX_SECONDS * WHISPER_RATE)].astype(np.float32)


def save_sample(
    store: Store, paths: Paths, interview_id: int, who: str | int, audio: np.ndarray
) -> VoiceSample:
    """Keep 16 kHz mono ``audio`` as that participant's voice sample (replacing any other)."""
    interview = store.interview(interview_id)
    participant = find_participant(interview, who)
    check_consent(interview, participant)
    audio = check_sample(np.asarray(audio, dtype=np.float32).reshape(-1))
    paths.audio.mkdir(parents=True, exist_ok=True)
    name = f"interview-{interview_id}-voice-{participant.id}-{secrets.token_hex(3)}.wav"
    target = paths.audio / name
    tmp = target.with_name(f".{name}.tmp")
    try:
        soundfile.write(str(tmp), audio, WHISPER_RATE, subtype="PCM_16", format="WAV")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        sample, replaced = store.replace_voice_sample(
            interview_id,
            participant.id,  # type: ignore[arg-type]
            path=target.relative_to(paths.data).as_posix(),
            duration_s=audio.size / WHISPER_RATE,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    remove_files(paths, replaced)
    return sample


def import_sample(
    store: Store, paths: Paths, interview_id: int, who: str | int, source: Path
) -> VoiceSample:
    """A clip of that person alone, in any audio format the app imports."""
    return save_sample(store, paths, interview_id, who, load_audio(Path(source).expanduser()))


def remove_files(paths: Paths, relative: list[str]) -> None:
    for rel in relative:
        try:
            (paths.data / rel).unlink(missing_ok=True)
        except OSError:
            log.warning("Could not remove voice sample %s", rel, exc_info=True)


def load_samples(store: Store, paths: Paths, interview: Interview) -> dict[Role, np.ndarray]:
    """Each participant's sample by role; a missing or damaged file is skipped, not fatal."""
    roles = {p.id: p.role for p in interview.participants}
    out: dict[Role, np.ndarray] = {}
    for sample in store.voice_samples(interview.id):
        role = roles.get(sample.participant_id)
        if role is None:
            continue
        try:
            out[role] = load_audio(paths.data / sample.path)
        except Exception:  # a lost sample only means the voices are found another way
            log.warning("Voice sample %s could not be read", sample.path, exc_info=True)
    return out
