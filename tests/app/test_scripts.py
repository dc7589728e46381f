"""Interview scripts: the built-ins, validation that names the fault, and the user's library."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import FileExists, InvalidInput, NotFound, ScriptInvalid
from app.scripts import ScriptLibrary, dump_script, parse_script


@pytest.fixture
def library(tmp_path: Path) -> ScriptLibrary:
    return ScriptLibrary(tmp_path / "scripts")


def test_builtins_are_valid_and_complete(library: ScriptLibrary) -> None:
    infos = {i.script.id: i for i in library.list()}
    assert {"monthly-share", "project-spotlight", "five-minute-check-in"} <= set(infos)
    monthly = infos["monthly-share"].script
    texts = " ".join(q.text.lower() for q in monthly.questions)
    for topic in ("working on", "went well", "involved", "easier to share", "next"):
        assert topic in texts
    assert all(i.builtin for i in infos.values())
    for info in infos.values():
        assert info.script.guide and all(q.minutes for q in info.script.questions)
    assert infos["five-minute-check-in"].script.suggested_minutes == 5


def test_round_trip_through_yaml(library: ScriptLibrary) -> None:
    script = library.get("project-spotlight")
    again = parse_script(dump_script(script), script_id=script.id)
    assert again == script


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: T\nquestions: [\n", "line"),
        ("- just\n- a list\n", "mapping"),
        ("guide: hi\nquestions:\n  - text: Q\n", "'title'"),
        ("title: T\nquestions: []\n", "'questions'"),
        ("title: T\nquestions:\n  - text: A\n  - prompts: [x]\n", "questions[2].text"),
        ("title: T\nquestions:\n  - text: A\n    minutes: soon\n", "questions[1].minutes"),
        ("title: T\nquestions:\n  - text: A\n    prompts: 5\n", "questions[1].prompts"),
        ("title: T\nquestions:\n  - text: A\n    colour: red\n", "unknown field"),
    ],
)
def test_invalid_scripts_name_the_fault(text: str, expected: str) -> None:
    with pytest.raises(ScriptInvalid) as info:
        parse_script(text, script_id="x", source="my.yaml")
    assert expected in info.value.message and "my.yaml" in info.value.message
    assert info.value.hint


def test_error_names_the_line(tmp_path: Path, library: ScriptLibrary) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Mine\nquestions:\n  - text: One\n  - text: Two\n    minutes: -3\n")
    with pytest.raises(ScriptInvalid) as info:
        library.import_file(bad)
    assert "line 5" in info.value.message and "questions[2].minutes" in info.value.message
    assert [i.script.id for i in library.list() if not i.builtin] == []


def test_import_copy_export_delete(tmp_path: Path, library: ScriptLibrary) -> None:
    source = tmp_path / "mine.yaml"
    source.write_text("title: Café chat\nquestions:\n  - What is new?\n")
    imported = library.import_file(source)
    assert imported.id == "cafe-chat" and imported.questions[0].text == "What is new?"
    copy = library.copy("monthly-share")
    assert copy.title == "Monthly share (copy)" and copy.id == "monthly-share-copy"
    assert library.copy("monthly-share").id == "monthly-share-copy-2"
    out = tmp_path / "out.yaml"
    library.export_file(copy.id, out)
    assert parse_script(out.read_text(), script_id="x").questions == copy.questions
    with pytest.raises(FileExists):
        library.export_file(copy.id, out)
    library.delete(copy.id)
    with pytest.raises(NotFound):
        library.get(copy.id)
    with pytest.raises(InvalidInput):
        library.delete("monthly-share")


def test_broken_user_file_does_not_hide_others(library: ScriptLibrary) -> None:
    library.user_dir.mkdir(parents=True)
    (library.user_dir / "broken.yaml").write_text("title: [\n")
    assert len(library.list()) == 3
    with pytest.raises(ScriptInvalid):
        library.get("broken")
