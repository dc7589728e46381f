"""User settings: one typed place with defaults, stored as JSON in the config folder."""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark", "high-contrast")
MIN_SCALE, MAX_SCALE = 0.5, 4.0


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
    live_transcription: bool = True  # transcribe while recording, with the engine/model above
    live_captions: bool = True  # show the live transcript as captions on the interview screen
    captions_window: bool = False  # ... in a separate, movable window instead
    # Where drafts are published; the application password is in the system keyring only.
    wordpress_site: str = ""
    wordpress_user: str = ""

    @classmethod
    def load(cls, path: Path, warnings: list[str] | None = None) -> Settings:
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
            return cls._set_aside(path, f"it is not valid JSON ({exc})", warnings)
        try:
            return cls.from_dict(raw)
        except ValueError as exc:
            return cls._set_aside(path, str(exc), warnings)

    @classmethod
    def from_dict(cls, raw: Any) -> Settings:
        """Settings from a JSON object; ``ValueError`` names the first bad value."""
        if not isinstance(raw, dict):
            kind = {type(None): "null", list: "a list"}.get(type(raw), type(raw).__name__)
            raise ValueError(f"it holds {kind}, not an object of settings")
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
    def _set_aside(cls, path: Path, why: str, warnings: list[str] | None) -> Settings:
        aside = path.with_name(path.name + ".damaged")
        try:
            os.replace(path, aside)
            where = f"it was moved to {aside}"
        except OSError as exc:
            where = f"it could not be moved aside ({exc.strerror})"
        message = f"The settings file {path} is damaged: {why}; {where} and the defaults are used."
        log.info("%s", message)  # the CLI and the window show it from ctx.warnings
        if warnings is not None:
            warnings.append(message)
        return cls()

    def check(self) -> Settings:
        """These settings, or ``InvalidInput`` naming the first value the app cannot use."""
        from app.errors import InvalidInput
        from app.export import FLAVOURS
        from app.transcription.engine import ENGINES

        try:
            Settings.from_dict(asdict(self))
        except ValueError as exc:
            raise InvalidInput(f"A setting has the wrong kind of value: {exc}.") from exc
        choices = {"engine": ENGINES, "theme": THEMES, "export_flavour": FLAVOURS}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise InvalidInput(
                    f"'{getattr(self, name)}' is not a {name.replace('_', ' ')} this app knows.",
                    f"Choose one of: {', '.join(allowed)}.",
                )
        if not (math.isfinite(self.text_scale) and MIN_SCALE <= self.text_scale <= MAX_SCALE):
            raise InvalidInput(
                f"Text size {self.text_scale:.0%} is out of range.",
                f"Choose between {MIN_SCALE:.0%} and {MAX_SCALE:.0%}.",
            )
        for name in ("key_next", "key_previous", "key_pause"):
            if not getattr(self, name).strip():
                raise InvalidInput(
                    f"The {name.removeprefix('key_')} key is empty.", "Choose a key for it."
                )
        return self

    def save(self, path: Path) -> None:
        from app.atomic import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        # A settings file kept as a link (dotfiles) is written where the link points.
        target = path.resolve() if path.is_symlink() else path
        write_atomic(target, json.dumps(asdict(self), indent=2), force=True)


def _kind(default: object) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, list):
        return "a list of texts"
    return "a text"
