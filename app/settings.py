"""User settings: one typed place with defaults, stored as JSON in the config folder."""

from __future__ import annotations

import json
import logging
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
    # Where drafts are published; the application password is in the system keyring only.
    wordpress_site: str = ""
    wordpress_user: str = ""

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Read settings; unknown keys are ignored and bad files fall back to defaults."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("Settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in raw.items() if k in known}
        try:
            return cls(**values)
        except TypeError:
            return cls()

    def save(self, path: Path) -> None:
        from app.atomic import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(asdict(self), indent=2), force=True)
