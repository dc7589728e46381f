"""One take's speakers: after the text rule, let the channels or the voices decide each word."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from app.models import Role, Segment
from app.speakers.channels import Channels, channel_count, channel_labels
from app.speakers.embed import Embedder
from app.speakers.prints import VoicePrints, prints_of_audio
from app.speakers.voices import label_words
from app.speakers.words import apply_word_speakers, smooth

log = logging.getLogger(__name__)


def rejoin(segments: Sequence[Segment]) -> list[Segment]:
    """Glue back pieces of one spoken segment that the text rule cut but one person said:
    the same speaker and question, the second starting exactly where the first ended."""
    out: list[Segment] = []
    for seg in segments:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.words
            and seg.words
            and not (prev.edited or seg.edited or prev.redacted or seg.redacted)
            and prev.speaker == seg.speaker
            and prev.question_index == seg.question_index
            and abs(seg.words[0].start - prev.words[-1].end) < 1e-6
        ):
            words = prev.words + seg.words
            out[-1] = replace(
                prev,
                end=seg.end,
                text=" ".join(t for w in words if (t := w.text.strip())),
                words=words,
            )
        else:
            out.append(seg)
    for position, seg in enumerate(out):
        seg.position = position
    return out


def speakers_for_take(
    segments: Sequence[Segment],
    audio: np.ndarray | None,
    *,
    prints: VoicePrints | None = None,
    names: Mapping[Role, str],
    samples: Mapping[Role, np.ndarray] | None = None,
    channels: Channels | None = None,
    channel_roles: Sequence[Role] = (),
    embedder: Embedder | None = None,
) -> list[Segment]:
    """Segments of one take (already through ``attribute()``) with speakers set word by word.

    ``prints`` are the take's windows of speech and their vectors, made while it was
    transcribed; without them they are made now from ``audio``, the take's 16 kHz mono sound.
    ``channels`` are its (frames, 2) channels (or its file) when ``channel_roles`` says whose
    voice each carries: then channel energy decides and no model is needed. Otherwise the
    voices decide, compared with ``samples`` (16 kHz mono clips by role) when there are both, else
    with voices found in the take itself. Words without clear evidence keep the text rule's
    speaker.
    """
    if not segments:
        return []
    if channels is not None and len(channel_roles) == channel_count(channels) == 2:
        labels = channel_labels(segments, channels, [names[r] for r in channel_roles])
    else:
        pair = None
        if samples and all(r in samples for r in ("interviewer", "interviewee")):
            pair = (samples["interviewer"], samples["interviewee"])
        embedder = embedder or Embedder()
        if prints is None:
            if audio is None:
                raise ValueError("speakers_for_take needs the take's audio or its voice prints")
            prints = prints_of_audio(audio, embedder)
        labels = label_words(
            segments,
            prints.windows,
            prints.vectors,
            interviewer=names["interviewer"],
            interviewee=names["interviewee"],
            samples=pair,
            embedder=embedder,
        )
    return rejoin(apply_word_speakers(segments, [smooth(row) for row in labels]))
