"""Consent belongs to one person in one interview; changes are explicit (issue 10, item 11)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from app.context import AppContext
from app.paths import Paths
from app.store.rows import now
from tests.app.robust_helpers import assert_user_error, run


def _new(capsys, interviewer: str = "Sam", interviewee: str = "Priya") -> str:
    code, out, err = run(
        capsys,
        "new",
        "--title",
        "Switches",
        "--interviewer",
        interviewer,
        "--interviewee",
        interviewee,
        "--json",
    )
    assert code == 0, err
    return str(json.loads(out)["id"])


def _scopes(capsys, interview: str) -> dict[str, list[str]]:
    code, out, _ = run(capsys, "show", interview, "--json")
    assert code == 0
    return {p["role"]: p["consent"] for p in json.loads(out)["participants"]}


def test_a_withdrawal_wins_even_with_the_clock_set_back(home: Path, capsys) -> None:
    interview = _new(capsys)
    for who in ("Sam", "Priya"):
        assert (
            run(capsys, "consent", interview, "--participant", who, "--add", "publish-text")[0] == 0
        )
    ctx = AppContext.open(Paths.from_env())
    try:
        record = ctx.store.interview(int(interview))
        priya = record.interviewee
        assert priya is not None and priya.id is not None
        # The computer's clock was set back a day when Priya withdrew.
        ctx.store.record_consent(int(interview), priya.id, [], given_at=now() - timedelta(days=1))
    finally:
        ctx.close()
    code, _, err = run(capsys, "export", interview, "--format", "txt", "--out", "-")
    assert_user_error(code, err, "Priya", "not agreed")
    assert _scopes(capsys, interview)["interviewee"] == []


def test_adding_keeps_earlier_scopes_and_withdrawing_removes_only_one(home: Path, capsys) -> None:
    interview = _new(capsys)
    run(capsys, "consent", interview, "--participant", "Priya", "--add", "publish-text")
    run(capsys, "consent", interview, "--participant", "Priya", "--add", "record")
    assert _scopes(capsys, interview)["interviewee"] == ["publish-text", "record"]
    # --scope keeps working and means the same as --add.
    run(capsys, "consent", interview, "--participant", "Priya", "--scope", "publish-audio")
    assert _scopes(capsys, interview)["interviewee"] == ["publish-audio", "publish-text", "record"]
    code, out, _ = run(
        capsys, "consent", interview, "--participant", "Priya", "--withdraw", "publish-text"
    )
    assert code == 0 and "Priya (interviewee): publish-audio, record" in out
    code, out, _ = run(capsys, "consent", interview, "--participant", "Priya", "--withdraw")
    assert code == 0 and "Priya (interviewee): none" in out
    assert _scopes(capsys, interview) == {"interviewer": [], "interviewee": []}


def test_two_people_with_one_name_are_told_apart_by_role_or_id(home: Path, capsys) -> None:
    interview = _new(capsys, "Sam", "sam")
    code, _, err = run(capsys, "consent", interview, "--participant", "Sam", "--add", "record")
    assert_user_error(code, err, "both participants", "interviewer", "interviewee")
    assert _scopes(capsys, interview) == {"interviewer": [], "interviewee": []}
    code, _, _ = run(
        capsys, "consent", interview, "--participant", "interviewer", "--add", "record"
    )
    assert code == 0
    assert _scopes(capsys, interview) == {"interviewer": ["record"], "interviewee": []}
    code, out, _ = run(capsys, "show", interview, "--json")
    interviewee_id = json.loads(out)["participants"][1]["id"]
    code, _, _ = run(
        capsys, "consent", interview, "--participant", str(interviewee_id), "--add", "publish-text"
    )
    assert code == 0
    assert _scopes(capsys, interview) == {
        "interviewer": ["record"],
        "interviewee": ["publish-text"],
    }
    # The export hint names the person in a way that works: by role.
    code, _, err = run(capsys, "export", interview, "--format", "txt", "--out", "-")
    assert_user_error(code, err, "--participant interviewer --add publish-text")


def test_record_and_import_need_the_record_scope(home: Path, testdata: Path, capsys) -> None:
    interview = _new(capsys)
    run(capsys, "consent", interview, "--participant", "Sam", "--add", "record")
    code, _, err = run(capsys, "record", interview, "--seconds", "1")
    assert_user_error(code, err, "Priya", "recorded", "--add record")
    code, _, err = run(capsys, "import", str(testdata / "jfk.wav"), "--interview", interview)
    assert_user_error(code, err, "Priya", "recorded")
    code, _, err = run(
        capsys,
        "import",
        str(testdata / "jfk.wav"),
        "--title",
        "New one",
        "--interviewer",
        "Ann",
        "--interviewee",
        "Bo",
    )
    assert_user_error(code, err, "recorded", "--consent record")
    code, out, _ = run(capsys, "list", "--json")
    assert [i["title"] for i in json.loads(out)] == ["Switches"]  # nothing was created
    assert not list((home / "data" / "audio").iterdir())
    code, out, err = run(
        capsys,
        "import",
        str(testdata / "jfk.wav"),
        "--title",
        "New one",
        "--interviewer",
        "Ann",
        "--interviewee",
        "Bo",
        "--consent",
        "record",
        "--json",
    )
    assert code == 0, err
    made = json.loads(out)
    assert [p["consent"] for p in made["participants"]] == [["record"], ["record"]]
    assert len(made["recordings"]) == 1


@pytest.mark.parametrize("scope", ["record", "publish-text"])
def test_unknown_participant_hint_names_the_roles(home: Path, capsys, scope: str) -> None:
    interview = _new(capsys)
    code, _, err = run(capsys, "consent", interview, "--participant", "Nobody", "--add", scope)
    assert_user_error(code, err, "Nobody", "Sam", "interviewer or interviewee")


def test_two_windows_changing_consent_at_once_lose_nothing(home: Path) -> None:
    from app.services import Services

    contexts = [AppContext.open(Paths.from_env()) for _ in range(2)]
    try:
        first, second = (Services(c) for c in contexts)
        for _round in range(10):
            interview = first.new_interview("Race", interviewer="Sam", interviewee="Priya")
            barrier = threading.Barrier(2)
            errors: list[BaseException] = []

            def add(
                services: Services,
                scope: str,
                interview_id: int = interview.id,
                barrier: threading.Barrier = barrier,
                errors: list[BaseException] = errors,
            ) -> None:
                barrier.wait()
                try:
                    services.change_consent(interview_id, "interviewee", add=[scope])
                except BaseException as exc:  # reported below
                    errors.append(exc)

            threads = [
                threading.Thread(target=add, args=(first, "record")),
                threading.Thread(target=add, args=(second, "publish-text")),
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert errors == []
            latest = first.interview(interview.id)
            assert latest.interviewee is not None
            consent = latest.consent_for(latest.interviewee.id)
            assert consent is not None and consent.scopes == {"record", "publish-text"}
    finally:
        for c in contexts:
            c.close()
