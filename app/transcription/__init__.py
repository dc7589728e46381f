"""Speech to text: the engine protocol, its two engines and model resolution."""

from app.transcription.engine import ENGINES, Engine
from app.transcription.loader import load_engine

__all__ = ["ENGINES", "Engine", "load_engine"]
