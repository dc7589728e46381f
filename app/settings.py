"""User settings: one typed place with defaults, stored as JSON in the config folder."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark", "high-contrast")


@dataclass
class Settings:
    input_device: str = ""  # empty: the system default
    engine: str = "faster-whisper"
    model: str = ""  # empty: the engine's default (the bundled model for faster-whisper)
    language: str = "en"
    glossary: list[str] = field(default_factory=list)
    export_flavour: str = "plain"
    export_folder: str = ""
    text_scale: float = 1.0  # multiplies the system font size
    theme: str = "system"
    single_key_controls: bool = False
    key_next: str = "N"
    key_previous: str = "P"
    key_pause: str = "Space"
    recent_names: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read settings; unknown keys are ignored.

        A damaged file (not JSON, not an object, a value of the wrong type) never stops the
        app: it is moved aside as ``settings.json.damaged`` with a warning, and the defaults
        are used, so the user's next change starts a clean file.
        """
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            log.warning("Settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        except ValueError as exc:
            return cls._set_aside(path, f"it is not valid JSON ({exc})")
        try:
            return cls.from_dict(raw)
        except ValueError as exc:
            return cls._set_aside(path, str(exc))

    @classmethod
    def from_dict(cls, raw: Any) -> Settings:
        """Settings from a JSON object; ``ValueError`` names the first bad value."""
        if not isinstance(raw, dict):
            raise ValueError(f"it holds {type(raw).__name__}, not an object of settings")
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            value, default = raw[f.name], getattr(defaults, f.name)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, float):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                value = float(value) if ok else value
            elif isinstance(default, list):
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            else:
                ok = isinstance(value, type(default))
            if not ok:
                raise ValueError(f"'{f.name}' should be {_kind(default)}, not {value!r}")
            values[f.name] = value
        return cls(**values)

    @classmethod
    def _set_aside(cls, path: Path, why: str) -> Settings:
        aside = path.with_name(path.name + ".damaged")
        try:
            os.replace(path, aside)
            where = f"it was moved to {aside}"
        except OSError as exc:
            where = f"it could not be moved aside ({exc.strerror})"
        log.warning(
            "The settings file %s is damaged: %s; %s and the default settings are used.",
            path,
            why,
            where,
        )
        return cls()

    def save(self, path: Path) -> None:
        from app.atomic import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(asdict(self), indent=2), force=True)


def _kind(default: object) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, list):
        return "a list of texts"
    return "a text"
