"""The command line's answers to bad input: one line of what happened, one hint, exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.paths import Paths


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(code: int, err: str, *words: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-2].startswith("Error: ") and lines[-1].startswith("Hint: "), err
    for word in words:
        assert word.lower() in err.lower(), (word, err)


@pytest.fixture
def interview_id(home: Path, capsys: pytest.CaptureFixture[str]) -> int:
    code, out, _ = run(
        capsys,
        "new",
        "--title",
        "Switches",
        "--interviewer",
        "Sam",
        "--interviewee",
        "Priya",
        "--script",
        "five-minute-check-in",
        "--json",
    )
    assert code == 0
    new_id = json.loads(out)["id"]
    for role in ("interviewer", "interviewee"):  # importing and recording need it
        assert run(capsys, "consent", str(new_id), "--participant", role, "--add", "record")[0] == 0
    return new_id


def _audio_files(home: Path) -> list[Path]:
    folder = Paths.from_env({"BUDDY_INTERVIEWS_HOME": str(home)}).audio
    return sorted(folder.iterdir()) if folder.exists() else []


def test_new_list_show_json(interview_id: int, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0 and json.loads(out)[0]["id"] == interview_id
    code, out, _ = run(capsys, "show", str(interview_id), "--json")
    shown = json.loads(out)
    assert [p["name"] for p in shown["participants"]] == ["Sam", "Priya"]
    assert len(shown["questions"]) == 3 and shown["transcript"] is None


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notes.wav", b"this is a text file, not audio\n" * 20, ["notes.wav"]),
        ("empty.wav", b"", ["empty.wav"]),
        ("missing.mp3", None, ["missing.mp3"]),
    ],
)
def test_import_refuses_bad_audio_and_writes_nothing(
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    words: list[str],
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, _, err = run(
        capsys,
        "import",
        str(path),
        "--title",
        "T",
        "--interviewer",
        "A",
        "--interviewee",
        "B",
        "--consent",
        "record",
    )
    assert_user_error(code, err, *words)
    assert run(capsys, "list", "--json")[1].strip() == "[]"  # no half-made interview
    assert _audio_files(home) == []


def test_import_with_bad_markers(
    home: Path,
    testdata: Path,
    tmp_path: Path,
    interview_id: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cases = {
        "broken.json": ('{"markers": [0.5,', "not valid JSON"),
        "late.json": ('{"markers": [0.5, 500]}', "after the end"),
        "order.json": ('{"markers": [5, 1]}', "time order"),
        "count.json": ('{"markers": [0, 1], "questions": ["One?"]}', "exactly one question"),
        "many.json": ('{"markers": [0, 1, 2, 3]}', "3 questions"),
    }
    for name, (text, words) in cases.items():
        (tmp_path / name).write_text(text)
        code, _, err = run(
            capsys,
            "import",
            str(testdata / "jfk.wav"),
            "--interview",
            str(interview_id),
            "--markers",
            str(tmp_path / name),
        )
        assert_user_error(code, err, words)
    assert _audio_files(home) == []


def test_import_formats_copy_the_original(
    home: Path,
    testdata: Path,
    tmp_path: Path,
    interview_id: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(
        capsys, "import", str(testdata / "jfk.mp3"), "--interview", str(interview_id)
    )
    assert code == 0, err
    copied = _audio_files(home)
    assert len(copied) == 1 and copied[0].suffix == ".mp3"
    assert copied[0].read_bytes() == (testdata / "jfk.mp3").read_bytes()
    code, out, _ = run(capsys, "show", str(interview_id), "--json")
    take = json.loads(out)["recordings"][0]
    assert take["status"] == "imported" and 10.5 < take["duration_s"] < 11.5


def test_transcribe_and_export_need_their_inputs(
    home: Path, interview_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "transcribe", str(interview_id))
    assert_user_error(code, err, "no recorded or imported audio")
    code, _, err = run(capsys, "export", str(interview_id), "--format", "srt", "--out", "-")
    assert_user_error(code, err, "consent")
    run(capsys, "consent", str(interview_id), "--participant", "Sam", "--scope", "publish-text")
    run(capsys, "consent", str(interview_id), "--participant", "priya", "--scope", "publish-text")
    code, _, err = run(capsys, "export", str(interview_id), "--format", "srt", "--out", "-")
    assert_user_error(code, err, "not been transcribed")


def test_consent_errors(interview_id: int, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "consent", str(interview_id), "--participant", "Nobody", "--scope", "record"
    )
    assert_user_error(code, err, "Nobody", "Sam")
    code, _, err = run(capsys, "consent", str(interview_id), "--participant", "Sam")
    assert_user_error(code, err, "--add", "--withdraw")
    code, out, _ = run(
        capsys,
        "consent",
        str(interview_id),
        "--participant",
        "Sam",
        "--scope",
        "record",
        "--scope",
        "publish-audio",
    )
    assert code == 0 and "Sam (interviewer): publish-audio, record" in out


def test_unknown_things(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_user_error(*run(capsys, "show", "42")[::2], "no interview with id 42")
    assert_user_error(*run(capsys, "scripts", "show", "nope")[::2], "nope")
    code, _, err = run(
        capsys,
        "new",
        "--title",
        "T",
        "--interviewer",
        "A",
        "--interviewee",
        "B",
        "--script",
        "nope",
    )
    assert_user_error(code, err, "nope")


def test_model_missing_is_explained(
    home: Path,
    testdata: Path,
    tmp_path: Path,
    interview_id: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "import", str(testdata / "librivox-0880.wav"), "--interview", str(interview_id))
    code, _, err = run(capsys, "transcribe", str(interview_id), "--model", str(tmp_path / "nope"))
    assert_user_error(code, err, "model")


def test_damaged_database_gives_a_hint_and_is_kept(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = Paths.from_env({"BUDDY_INTERVIEWS_HOME": str(home)}).ensure()
    paths.database.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    before = paths.database.read_bytes()
    code, _, err = run(capsys, "list")
    assert_user_error(code, err, "damaged", str(paths.database))
    assert paths.database.read_bytes() == before


def test_scripts_commands(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scripts", "list", "--json")
    assert code == 0 and len(json.loads(out)) == 3
    out_file = tmp_path / "monthly.yaml"
    assert run(capsys, "scripts", "export", "monthly-share", str(out_file))[0] == 0
    code, _, err = run(capsys, "scripts", "export", "monthly-share", str(out_file))
    assert_user_error(code, err, "--force")
    bad = tmp_path / "bad.yaml"
    shutil.copy(out_file, bad)
    bad.write_text(bad.read_text().replace("title: Monthly share", "title:"))
    code, _, err = run(capsys, "scripts", "import", str(bad))
    assert_user_error(code, err, "line 1", "title")
    code, out, _ = run(capsys, "scripts", "copy", "monthly-share", "--title", "Our monthly")
    assert code == 0 and "our-monthly" in out
    code, out, _ = run(capsys, "scripts", "show", "our-monthly")
    assert code == 0 and "What have you been working on" in out
