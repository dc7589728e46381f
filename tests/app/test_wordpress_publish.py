"""Publishing to a real WordPress site on localhost: drafts, updates, tags and every error.

The interview is the scripted buddy interview with one segment per turn (as the job stores
it); the end-to-end test on real transcribed speech is test_wordpress_real_interview.py.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import requests

from app.errors import BuddyError, ConsentMissing
from app.publish import secrets
from app.publish.draft import PublishResult
from app.publish.errors import (
    CertificateProblem,
    DraftDeleted,
    DraftNoLongerDraft,
    KeyringUnavailable,
    NotAllowed,
    NotWordPress,
    PasswordNeeded,
    SiteTimeout,
    SiteUnreachable,
    WrongCredentials,
)
from app.publish.post import post_from_markdown
from app.publish.wordpress import WordPressClient, normalise_site
from app.services import Services
from tests.app.approving import approve
from tests.app.web_servers import self_signed_https_server, silent_server, static_server
from tests.app.wordpress_site import ADMIN_LOGIN_PASSWORD, WordPressSite
from tests.truth_data import TESTDATA, load_truth
from tests.ui.editor_fixtures import create_interview


@pytest.fixture
def truth() -> dict[str, Any]:
    return load_truth()


@pytest.fixture
def interview(services: Services, truth: dict[str, Any]) -> int:
    made = create_interview(services, truth, TESTDATA / "buddy-interview.wav")
    approve(services, made)
    return made


def post(site: WordPressSite, post_id: int) -> dict[str, Any]:
    response = site.api(f"/wp/v2/posts/{post_id}", params={"context": "edit"})
    assert response.status_code == 200, response.text
    return response.json()


def posts_titled(site: WordPressSite, title: str) -> list[dict[str, Any]]:
    response = site.api(
        "/wp/v2/posts",
        params={"status": "draft,publish,trash", "search": title, "context": "edit"},
    )
    assert response.status_code == 200, response.text
    return [p for p in response.json() if p["title"]["raw"] == title]


def publish(services: Services, interview: int, site: WordPressSite, **kw: Any) -> PublishResult:
    kw.setdefault("password", site.password)
    return services.publish_wordpress(
        interview, site=kw.pop("url", site.url), user=kw.pop("user", site.user), **kw
    )


def unique_title(services: Services, interview: int, title: str) -> str:
    """Each test's post gets its own title, so counts on the shared site stay honest (and
    both approve the post again under that title)."""
    services.store.update_interview(interview, title=title)
    approve(services, interview)
    return title


# -- the draft -------------------------------------------------------------------------


def test_publish_creates_one_draft_and_updates_it_after(
    services: Services,
    interview: int,
    wordpress: WordPressSite,
    keyring_file: Path,
    truth: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    title = unique_title(services, interview, "Buddy interview: draft and update")
    first = publish(services, interview, wordpress)
    assert first.created and first.title == title
    stored = post(wordpress, first.post_id)
    assert stored["status"] == "draft"
    assert stored["title"]["raw"] == title
    content = stored["content"]["raw"]
    for question in truth["questions"]:
        assert f"<h2>{question}</h2>" in content.replace("&#8217;", "'")
    for name in (truth["interviewer"]["name"], truth["interviewee"]["name"]):
        assert name in content
    markdown = services.render(interview, "markdown", flavour="plain")
    assert stored["excerpt"]["raw"] == post_from_markdown(markdown).excerpt != ""
    assert services.wordpress_draft(interview, wordpress.url).post_id == first.post_id

    # An edit in the app, published again: the same draft changes, no second post appears.
    segments = services.require_transcript(interview).segments
    index = next(i for i, s in enumerate(segments) if s.speaker == truth["interviewee"]["name"])
    services.edits.edit_text(
        interview,
        services.transcript_revision(interview),
        index,
        "I run the community choir on Tuesdays, and we sing in the library.",
    )
    approve(services, interview)
    second = publish(services, interview, wordpress, password=None)  # from the keyring now
    assert not second.created and second.post_id == first.post_id
    assert "community choir on Tuesdays" in post(wordpress, first.post_id)["content"]["raw"]
    assert len(posts_titled(wordpress, title)) == 1

    # The password went to the keyring and nowhere else: not the log, database or settings.
    assert secrets.get_password(normalise_site(wordpress.url), wordpress.user) == wordpress.password
    assert wordpress.password not in caplog.text
    for path in services.paths.data.rglob("*"):
        if path.is_file():
            assert wordpress.password.encode() not in path.read_bytes(), path
    settings = services.paths.settings_file.read_text()
    assert wordpress.url in settings and wordpress.user in settings
    assert wordpress.password not in settings


def test_tags_are_created_once_and_reused_by_name(wordpress: WordPressSite) -> None:
    names = ["Buddy interviews", "Arts & crafts", "Bristol"]
    with WordPressClient(wordpress.url, wordpress.user, wordpress.password) as client:
        client.connect()
        first = client.tag_ids(names)
        again = client.tag_ids([n.upper() for n in names])  # same tags, whatever the case
    assert first == again and len(set(first)) == 3
    # The site's search misses names with "&" (it stores them escaped), so that tag was found
    # the second time through the "term_exists" answer to creating it again.
    assert wordpress.api("/wp/v2/tags", params={"search": "Arts & crafts"}).json() == []
    for tag_id, name in zip(first, names, strict=True):
        tag = wordpress.api(f"/wp/v2/tags/{tag_id}").json()
        assert tag["name"].replace("&amp;", "&") == name


def test_a_site_without_pretty_permalinks_is_reached_through_rest_route(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    unique_title(services, interview, "Buddy interview: plain permalinks")
    wordpress.set_permalinks("")
    try:
        assert (
            requests.get(f"{wordpress.url}/wp-json/", timeout=10)
            .headers["Content-Type"]
            .startswith("text/html")
        )  # the pretty address is gone: this is a real fallback
        result = publish(services, interview, wordpress)
    finally:
        wordpress.set_permalinks("/%year%/%postname%/")
    assert post(wordpress, result.post_id)["status"] == "draft"


# -- a draft that changed on the site -------------------------------------------------------


def test_a_draft_deleted_on_the_site_is_reported_and_a_new_one_made_on_request(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    unique_title(services, interview, "Buddy interview: deleted draft")
    first = publish(services, interview, wordpress)
    assert wordpress.api(f"/wp/v2/posts/{first.post_id}", method="DELETE").status_code == 200

    with pytest.raises(DraftDeleted, match="trash") as trashed:
        publish(services, interview, wordpress)
    assert trashed.value.post_id == first.post_id and trashed.value.hint

    second = publish(services, interview, wordpress, new_draft=True)
    assert second.created and second.post_id != first.post_id
    assert services.wordpress_draft(interview, wordpress.url).post_id == second.post_id

    gone = wordpress.api(f"/wp/v2/posts/{second.post_id}", method="DELETE", params={"force": 1})
    assert gone.status_code == 200
    with pytest.raises(DraftDeleted, match="deleted"):
        publish(services, interview, wordpress)


def test_a_post_published_on_the_site_is_never_changed_from_the_app(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    unique_title(services, interview, "Buddy interview: went live")
    first = publish(services, interview, wordpress)
    live = wordpress.api(f"/wp/v2/posts/{first.post_id}", method="POST", json={"status": "publish"})
    assert live.status_code == 200
    before = post(wordpress, first.post_id)["modified_gmt"]
    with pytest.raises(DraftNoLongerDraft, match="published"):
        publish(services, interview, wordpress)
    assert post(wordpress, first.post_id)["status"] == "publish"
    assert post(wordpress, first.post_id)["modified_gmt"] == before


# -- errors against real servers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "password"),
    [
        ("editor", "abcd efgh ijkl mnop qrst uvwx"),  # a wrong application password
        ("nobody", None),  # an unknown user
        ("editor", ADMIN_LOGIN_PASSWORD),  # the login password instead of an application one
    ],
    ids=["wrong-password", "unknown-user", "login-password"],
)
def test_a_wrong_password_or_user_says_so_and_stores_nothing(
    services: Services,
    interview: int,
    wordpress: WordPressSite,
    keyring_file: Path,
    user: str,
    password: str | None,
) -> None:
    title = unique_title(services, interview, f"Buddy interview: refused {user} {password}")
    with pytest.raises(WrongCredentials, match=f"'{user}'") as refused:
        publish(services, interview, wordpress, user=user, password=password or wordpress.password)
    assert "application password" in refused.value.hint
    assert not services.wordpress_password_stored(wordpress.url, user)
    assert services.wordpress_draft(interview, wordpress.url) is None
    assert posts_titled(wordpress, title) == []


def test_a_user_who_may_not_write_posts_is_told_why(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    with pytest.raises(NotAllowed, match="'reader' may not create posts"):
        publish(services, interview, wordpress, user="reader", password=wordpress.reader_password)


def test_a_plain_web_server_is_not_taken_for_wordpress(
    services: Services, interview: int, tmp_path: Path, keyring_file: Path
) -> None:
    (tmp_path / "index.html").write_text("<html><body>Just a page</body></html>")
    with static_server(tmp_path) as url:
        # Both addresses answer, one of them 200 with HTML: only JSON from WordPress counts.
        assert requests.get(f"{url}/?rest_route=/wp/v2/users/me", timeout=10).status_code == 200
        with pytest.raises(NotWordPress, match="does not answer like a WordPress site"):
            services.publish_wordpress(interview, site=url, user="editor", password="x y z")


def test_a_stopped_server_is_unreachable(
    services: Services, interview: int, tmp_path: Path, keyring_file: Path
) -> None:
    with static_server(tmp_path) as url:
        pass  # started, answered, stopped
    with pytest.raises(SiteUnreachable, match="Could not connect") as failed:
        services.publish_wordpress(interview, site=url, user="editor", password="x y z")
    assert "Nothing was sent" in failed.value.hint


def test_no_network_for_a_name_that_does_not_resolve(
    services: Services, interview: int, keyring_file: Path
) -> None:
    with pytest.raises(SiteUnreachable, match=r"blog\.invalid"):
        services.publish_wordpress(
            interview, site="https://blog.invalid", user="editor", password="x y z"
        )


def test_a_certificate_problem_is_named(
    services: Services, interview: int, tmp_path: Path, keyring_file: Path
) -> None:
    with (
        self_signed_https_server(tmp_path) as url,
        pytest.raises(CertificateProblem, match="certificate"),
    ):
        services.publish_wordpress(interview, site=url, user="editor", password="x y z")


def test_a_site_that_never_answers_times_out(
    services: Services, interview: int, keyring_file: Path
) -> None:
    with (
        silent_server() as url,
        pytest.raises(SiteTimeout, match="did not answer within 1 seconds") as slow,
    ):
        services.publish_wordpress(interview, site=url, user="editor", password="x y z", timeout=1)
    assert "Nothing was sent" in slow.value.hint  # it timed out on the first, reading call


# -- refused before anything is sent ----------------------------------------------------------


def test_without_a_keyring_nothing_is_sent(
    services: Services,
    interview: int,
    wordpress: WordPressSite,
    keyring_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends import fail

    title = unique_title(services, interview, "Buddy interview: no keyring")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable, match="no system keyring") as missing:
        publish(services, interview, wordpress)
    assert "GNOME Keyring" in missing.value.hint
    assert posts_titled(wordpress, title) == []


def test_an_automatically_chosen_plain_text_keyring_is_refused(
    keyring_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # keyrings.alt's file backend rates itself below 1; only an explicit choice may use it.
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(keyring_file))  # no keyringrc.cfg there
    with pytest.raises(KeyringUnavailable):
        secrets.check_available()


def test_without_consent_nothing_is_sent(
    services: Services, truth: dict[str, Any], wordpress: WordPressSite, keyring_file: Path
) -> None:
    interview = create_interview(services, truth, TESTDATA / "buddy-interview.wav", consent=False)
    title = "Buddy interview: no consent"
    services.store.update_interview(interview, title=title)
    with pytest.raises(ConsentMissing):
        publish(services, interview, wordpress)
    assert posts_titled(wordpress, title) == []


def test_a_post_changed_after_approval_is_not_sent_until_approved_again(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    title = "Buddy interview: approval"
    services.store.update_interview(interview, title=title)
    with pytest.raises(BuddyError, match="changed after"):
        publish(services, interview, wordpress)
    assert posts_titled(wordpress, title) == []
    approve(services, interview)
    publish(services, interview, wordpress)
    assert len(posts_titled(wordpress, title)) == 1


def test_a_post_nobody_approved_is_not_sent(
    services: Services, truth: dict[str, Any], wordpress: WordPressSite, keyring_file: Path
) -> None:
    interview = create_interview(services, truth, TESTDATA / "buddy-interview.wav")
    title = "Buddy interview: never approved"
    services.store.update_interview(interview, title=title)
    with pytest.raises(BuddyError, match="not approved"):
        publish(services, interview, wordpress)
    assert posts_titled(wordpress, title) == []


def test_no_password_stored_or_given_asks_for_one(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    with pytest.raises(PasswordNeeded, match="No application password"):
        publish(services, interview, wordpress, password=None)


def test_forgetting_the_password_removes_it_from_the_keyring(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    unique_title(services, interview, "Buddy interview: forget password")
    publish(services, interview, wordpress)
    assert services.wordpress_password_stored(wordpress.url, wordpress.user)
    assert services.forget_wordpress_password(wordpress.url, wordpress.user)
    assert not services.wordpress_password_stored(wordpress.url, wordpress.user)
    assert not services.forget_wordpress_password(wordpress.url, wordpress.user)


@pytest.mark.parametrize(
    ("typed", "site"),
    [
        ("blog.example.org", "https://blog.example.org"),
        ("https://blog.example.org/", "https://blog.example.org"),
        ("https://example.org/blog/wp-admin/", "https://example.org/blog"),
        ("http://127.0.0.1:8080/wp-json", "http://127.0.0.1:8080"),
    ],
)
def test_site_addresses_are_normalised(typed: str, site: str) -> None:
    assert normalise_site(typed) == site


def test_deleting_the_interview_forgets_its_drafts(
    services: Services, interview: int, wordpress: WordPressSite, keyring_file: Path
) -> None:
    unique_title(services, interview, "Buddy interview: deleted interview")
    publish(services, interview, wordpress)
    services.delete_interview(interview)
    assert services.store.db["wordpress_drafts"].count == 0


def test_a_keyring_that_refuses_the_password_does_not_undo_the_publish(
    services: Services,
    interview: int,
    wordpress: WordPressSite,
    keyring_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    title = unique_title(services, interview, "Buddy interview: keyring refuses")
    blocker = keyring_file / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))  # the file keyring cannot write there
    result = publish(services, interview, wordpress)
    assert not result.password_kept and "asked again" in result.sentence()
    assert len(posts_titled(wordpress, title)) == 1
    assert not services.wordpress_password_stored(wordpress.url, wordpress.user)
