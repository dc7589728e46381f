"""The buddy interview on real speech, published to a real WordPress through the command line.

Import the WAV with its question markers, transcribe it with the default engine, record both
participants' consent, then ``buddy-interviews publish`` twice: one draft, updated. The
password goes in on stdin once, is kept in the (file) keyring, and appears nowhere else.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import pytest

from app.context import AppContext
from app.paths import Paths
from app.publish.post import post_from_markdown
from app.services import Services
from tests.app.approving import approve
from tests.app.cli_run import home_env, run_cli, transcribed_buddy_interview
from tests.app.wordpress_site import WordPressSite

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


cli = run_cli


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The buddy interview, transcribed by the real engine, both participants consenting."""
    testdata = REPO.parent / "shared" / "testdata"
    if not testdata.is_dir():
        pytest.skip(f"shared test data not found at {testdata}")
    home = tmp_path_factory.mktemp("home")
    env = home_env(home)
    made, truth = transcribed_buddy_interview(home, testdata)
    interview = str(made)
    for role in ("interviewer", "interviewee"):
        cli(env, "consent", interview, "--participant", role, "--scope", "publish-text")
    ctx = AppContext.open(Paths.from_env({"BUDDY_INTERVIEWS_HOME": str(home)}))
    try:
        approve(Services(ctx), int(interview))  # both read the post and approve it
    finally:
        ctx.close()
    return {"home": home, "env": env, "id": interview, "truth": truth}


def read_post(site: WordPressSite, post_id: int) -> dict[str, Any]:
    response = site.api(f"/wp/v2/posts/{post_id}", params={"context": "edit"})
    assert response.status_code == 200, response.text
    return response.json()


def drafts_titled(site: WordPressSite, title: str) -> set[int]:
    found = site.api(
        "/wp/v2/posts",
        params={"status": "draft", "search": title, "context": "edit", "per_page": 100},
    ).json()
    return {p["id"] for p in found if p["title"]["raw"] == title}


def test_publish_twice_from_the_command_line_makes_one_draft(
    transcribed: dict[str, Any], wordpress: WordPressSite, keyring_file: Path
) -> None:
    truth, interview = transcribed["truth"], transcribed["id"]
    env = {**transcribed["env"]}  # the keyring choice is in os.environ now
    env.update({k: os.environ[k] for k in ("PYTHON_KEYRING_BACKEND", "XDG_DATA_HOME")})
    site = ["--site", wordpress.url, "--user", wordpress.user]
    before = drafts_titled(wordpress, truth["title"])  # the site is shared by the session

    first = cli(env, "-v", "publish", interview, *site, "--password-stdin",
                stdin=wordpress.password + "\n")  # fmt: skip
    assert "Created a new draft" in first.stdout
    post_id = int(first.stdout.split("(post ")[1].split(")")[0])
    stored = read_post(wordpress, post_id)
    assert stored["status"] == "draft"
    assert stored["title"]["raw"] == truth["title"]
    content = html.unescape(stored["content"]["raw"])
    for question in truth["questions"]:
        assert f"<h2>{question}</h2>" in content
    # The interviewer only reads the questions here (they become the headings), so is named
    # in the introduction; the interviewee's answers carry their name.
    assert truth["interviewer"]["name"] in content.split("<h2>")[0]
    assert content.count(f"<strong>{truth['interviewee']['name']}:</strong>") >= 5
    assert "Bristol" in content  # real speech, steered by the glossary
    markdown = cli(env, "export", interview, "--format", "markdown", "--out", "-").stdout
    expected = post_from_markdown(markdown)
    assert stored["excerpt"]["raw"] == expected.excerpt
    assert expected.excerpt.split()[:4] == stored["excerpt"]["raw"].split()[:4] != []
    tags = [wordpress.api(f"/wp/v2/tags/{t}").json()["name"] for t in stored["tags"]]
    assert sorted(html.unescape(t) for t in tags) == sorted(expected.tags)

    # Again, with nothing on stdin: the keyring's password is used; the same draft changes.
    second = cli(env, "publish", interview, *site, stdin="")
    assert f"Updated the draft “{truth['title']}” on {wordpress.url} (post {post_id})" in (
        second.stdout
    )
    assert drafts_titled(wordpress, truth["title"]) - before == {post_id}
    assert read_post(wordpress, post_id)["modified_gmt"] >= stored["modified_gmt"]

    # The password was never printed, logged (even with -v) or written to our files.
    for result in (first, second):
        assert wordpress.password not in result.stdout + result.stderr
    for path in Path(transcribed["home"]).rglob("*"):
        if path.is_file():
            assert wordpress.password.encode() not in path.read_bytes(), path
    settings = json.loads((Path(transcribed["home"]) / "config" / "settings.json").read_text())
    assert (settings["wordpress_site"], settings["wordpress_user"]) == (
        wordpress.url,
        wordpress.user,
    )

    # Forget it: the next publish without a terminal says how to give the password.
    forgot = cli(env, "publish", *site, "--forget-password")
    assert "Removed the application password" in forgot.stdout
    asked = cli(env, "publish", interview, *site, stdin="", check=False)
    assert asked.returncode == 2
    assert "No application password is stored" in asked.stderr
    assert "--password-stdin" in asked.stderr


def test_command_line_errors_have_a_hint_with_the_flag(
    transcribed: dict[str, Any], wordpress: WordPressSite, keyring_file: Path
) -> None:
    env = {**transcribed["env"]}
    env.update({k: os.environ[k] for k in ("PYTHON_KEYRING_BACKEND", "XDG_DATA_HOME")})
    site = ["--site", wordpress.url, "--user", wordpress.user]
    wrong = cli(env, "publish", transcribed["id"], *site, "--password-stdin",
                stdin="abcd efgh ijkl mnop\n", check=False)  # fmt: skip
    assert wrong.returncode == 2
    assert "did not accept the user name 'editor'" in wrong.stderr
    assert "Hint:" in wrong.stderr and "Traceback" not in wrong.stderr

    # A draft trashed on the site: refused with the flag to use, then made anew with it.
    made = cli(env, "publish", transcribed["id"], *site, "--password-stdin",
               stdin=wordpress.password + "\n")  # fmt: skip
    post_id = int(made.stdout.split("(post ")[1].split(")")[0])
    assert wordpress.api(f"/wp/v2/posts/{post_id}", method="DELETE").status_code == 200
    refused = cli(env, "publish", transcribed["id"], *site, check=False)
    assert refused.returncode == 2
    assert "is in the trash" in refused.stderr and "--new-draft" in refused.stderr
    again = cli(env, "publish", transcribed["id"], *site, "--new-draft")
    assert "Created a new draft" in again.stdout
