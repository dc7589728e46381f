"""Scoring who-said-what against a truth file: exported WebVTT cues against the true turns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TIME = r"(\d+):(\d\d):(\d\d)\.(\d{3})"
_CUE_RE = re.compile(rf"{_TIME} --> {_TIME}\n<v ([^>]+)>")


@dataclass
class VttCue:
    start: float
    end: float
    speaker: str


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def vtt_cues(vtt: str) -> list[VttCue]:
    return [
        VttCue(_seconds(*m.groups()[0:4]), _seconds(*m.groups()[4:8]), m.group(9))
        for m in _CUE_RE.finditer(vtt)
    ]


@dataclass
class SpeechTimeScore:
    right_s: float
    wrong_s: float
    #: Speech in the truth that no cue covers (the recogniser heard nothing there).
    uncovered_s: float

    @property
    def accuracy(self) -> float:
        """Right share of the speech time that the captions cover."""
        covered = self.right_s + self.wrong_s
        return self.right_s / covered if covered else 0.0

    @property
    def strict_accuracy(self) -> float:
        """Right share of all speech time, uncovered time counted as wrong."""
        total = self.right_s + self.wrong_s + self.uncovered_s
        return self.right_s / total if total else 0.0


def speech_time_score(cues: list[VttCue], truth: dict[str, Any]) -> SpeechTimeScore:
    right = wrong = uncovered = 0.0
    for turn in truth["turns"]:
        length = turn["end"] - turn["start"]
        covered = 0.0
        for cue in cues:
            overlap = min(cue.end, turn["end"]) - max(cue.start, turn["start"])
            if overlap <= 0:
                continue
            covered += overlap
            if cue.speaker == turn["speaker"]:
                right += overlap
            else:
                wrong += overlap
        uncovered += max(0.0, length - covered)
    return SpeechTimeScore(right, wrong, uncovered)


def follow_ups_right(cues: list[VttCue], truth: dict[str, Any]) -> tuple[int, int]:
    """(labelled as the interviewer, total) for the interviewer's turns that read no question:
    a turn counts when most of its covered time carries the interviewer's name."""
    name = truth["interviewer"]["name"]
    right = total = 0
    for turn in truth["turns"]:
        if turn["who"] != "interviewer" or turn.get("question"):
            continue
        total += 1
        mine = other = 0.0
        for cue in cues:
            overlap = min(cue.end, turn["end"]) - max(cue.start, turn["start"])
            if overlap > 0:
                if cue.speaker == name:
                    mine += overlap
                else:
                    other += overlap
        right += mine > other
    return right, total
