"""`import --interview ID` adds a take; `takes` and `edit` use the same core calls as the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def two_takes(home: Path, testdata: Path, capsys: pytest.CaptureFixture[str]) -> int:
    code, out, _ = run(
        capsys, "import", str(testdata / "librivox-0870.wav"), "--title", "CLI takes",
        "--interviewer", "Ann", "--interviewee", "Bo", "--consent", "record", "--json",
    )  # fmt: skip
    assert code == 0
    interview_id = json.loads(out)["id"]
    code, out, _ = run(
        capsys, "import", str(testdata / "jfk.wav"), "--interview", str(interview_id)
    )
    assert code == 0 and "as take 2 of interview" in out, out
    return interview_id


def test_takes_are_listed_left_out_and_deleted(
    two_takes: int, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, out, _ = run(capsys, "takes", str(two_takes), "--leave-out", "1")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 2 and "(left out)" in lines[0] and "(left out)" not in lines[1]
    path = home / "data" / lines[1].split()[-1]
    assert path.exists()
    code, _, err = run(capsys, "takes", str(two_takes), "--delete", "2")
    assert code == 2 and "--yes" in err and path.exists()
    code, out, _ = run(capsys, "takes", str(two_takes), "--delete", "2", "--yes")
    assert code == 0 and not path.exists() and len(out.strip().splitlines()) == 2


@pytest.mark.slow
def test_transcribe_all_takes_then_edit_from_the_command_line(
    two_takes: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "transcribe", str(two_takes), "--language", "en")[0] == 0
    code, out, _ = run(capsys, "export", str(two_takes), "--format", "txt", "--out", "-")
    # Without publish consent the export is refused; the text preview needs consent too.
    for role in ("interviewer", "interviewee"):
        run(capsys, "consent", str(two_takes), "--participant", role, "--scope", "publish-text")
    code, out, _ = run(capsys, "export", str(two_takes), "--format", "txt", "--out", "-")
    assert code == 0 and "dashwood" in out.lower() and "country" in out.lower(), out
    code, out, _ = run(capsys, "edit", str(two_takes), "--line", "1", "--text", "Edited here.")
    assert code == 0 and "Edit text: saved" in out
    code, out, _ = run(capsys, "edit", str(two_takes), "--replace", "country", "nation")
    assert code == 0 and "replaced" in out
    code, out, _ = run(capsys, "export", str(two_takes), "--format", "txt", "--out", "-")
    assert out.startswith("Edited here.") or "Edited here." in out
    assert "nation" in out and "country" not in out.lower()


@pytest.mark.slow
def test_a_take_added_after_transcribing_is_noticed_not_lost(
    two_takes: int, capsys: pytest.CaptureFixture[str], testdata: Path
) -> None:
    from app.context import AppContext
    from app.services import Services

    assert run(capsys, "transcribe", str(two_takes), "--language", "en")[0] == 0
    third = str(testdata / "librivox-0880.wav")
    code, out, _ = run(capsys, "import", third, "--interview", str(two_takes))
    assert code == 0 and "Transcribe again to include it" in out
    ctx = AppContext.open(recover=False)
    try:
        late = Services(ctx).untranscribed_takes(two_takes)
    finally:
        ctx.close()
    assert len(late) == 1 and late[0].original_name == "librivox-0880.wav"
    for role in ("interviewer", "interviewee"):
        run(capsys, "consent", str(two_takes), "--participant", role, "--scope", "publish-text")
    code, _, err = run(capsys, "export", str(two_takes), "--format", "txt", "--out", "-")
    assert code == 0 and "1 take added since the transcript was made" in err
