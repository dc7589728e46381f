"""Settings: one typed place with defaults, saved all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from app.settings import Settings


def test_round_trip_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    assert Settings.load(path) == Settings()
    chosen = Settings(engine="openai-whisper", glossary=["Priya", "Bristol"], text_scale=2.0)
    chosen.save(path)
    assert Settings.load(path) == chosen
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left


def test_damaged_or_foreign_files_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json")
    assert Settings.load(path) == Settings()
    path.write_text(json.dumps({"theme": "high-contrast", "from_a_newer_version": 1}))
    assert Settings.load(path).theme == "high-contrast"
