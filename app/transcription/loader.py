"""Choosing an engine by name: the one module that imports both engines.

Kept apart from the protocol (:mod:`app.transcription.engine`), which both engines import, so
that no import goes round in a circle.
"""

from __future__ import annotations

from app.errors import InvalidInput
from app.paths import Paths
from app.transcription.engine import ENGINES, Engine


def load_engine(
    name: str,
    *,
    model: str | None = None,
    paths: Paths | None = None,
    cpu_threads: int = 0,
) -> Engine:
    """Resolve the model for engine ``name`` (no download, no weights loaded yet).

    ``paths`` lets the model checksum be remembered across launches; ``cpu_threads`` 0 means
    the engine's default.
    """
    if cpu_threads < 0:
        raise InvalidInput(f"cpu_threads must be 0 or more, not {cpu_threads}.")
    if name == "faster-whisper":
        from app.transcription.faster import FasterWhisperEngine
        from app.transcription.models import resolve_faster_model

        return FasterWhisperEngine(
            resolve_faster_model(model), paths=paths, cpu_threads=cpu_threads
        )
    if name == "openai-whisper":
        from app.transcription.models import resolve_openai_model
        from app.transcription.openai_engine import OpenAIWhisperEngine

        return OpenAIWhisperEngine(
            resolve_openai_model(model), paths=paths, cpu_threads=cpu_threads
        )
    raise InvalidInput(
        f"There is no transcription engine called '{name}'.",
        "Choose one of: " + ", ".join(ENGINES),
    )
