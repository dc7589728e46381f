"""Settings: one typed place with defaults, saved all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.errors import InvalidInput
from app.notices import Change
from app.paths import Paths
from app.services import Services
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


@pytest.mark.parametrize("content", ["null", "[]", '{"glossary": 5}', '{"text_scale": "big"}'])
def test_a_damaged_settings_file_is_set_aside_and_every_command_still_runs(
    home: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    settings_file = Paths.from_env().settings_file
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(content)
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "No interviews yet" in out
    assert "settings file" in err and "damaged" in err and "Traceback" not in err
    assert not settings_file.exists()
    assert settings_file.with_name("settings.json.damaged").read_text() == content
    assert main(["list"]) == 0  # and the next run is quiet
    assert "damaged" not in capsys.readouterr().err


def test_update_settings_checks_saves_and_announces(services: Services) -> None:
    seen: list[Change] = []
    services.notices.subscribe(seen.append)
    saved = services.update_settings(export_folder="/tmp", glossary=["Okafor"])
    assert saved.glossary == ["Okafor"] and services.settings.export_folder == "/tmp"
    assert Settings.load(services.paths.settings_file) == saved
    assert seen == [Change("settings")]
    copy = services.settings
    copy.glossary.append("not saved")  # a copy: changing it changes nothing
    assert services.settings.glossary == ["Okafor"]
    before = services.paths.settings_file.read_text()
    for bad in ({"theme": "neon"}, {"text_scale": float("nan")}, {"glossary": 5}):
        with pytest.raises(InvalidInput):
            services.update_settings(**bad)
    assert services.paths.settings_file.read_text() == before
    assert len(seen) == 1


def test_a_settings_link_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    Settings().save(real)
    link = tmp_path / "config" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(real)
    Settings(theme="dark").save(link)
    assert link.is_symlink() and Settings.load(real).theme == "dark"
