"""A small client for the WordPress REST API: drafts and tags, nothing else.

``requests`` rather than urllib: its exceptions tell a certificate problem from a refused
connection from a timeout, which is what the user's hint depends on, and it handles Basic
auth, redirects and proxies from the environment the way users expect.

The API lives at ``/wp-json/`` when the site has pretty permalinks and at ``/?rest_route=``
always; the first call finds out which, and insists on JSON with the fields WordPress sends,
because a plain web server can answer 200 with an HTML page for either address.
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from app.errors import InvalidInput
from app.publish.errors import (
    CertificateProblem,
    NotAllowed,
    NotWordPress,
    SiteError,
    SiteTimeout,
    SiteUnreachable,
    WrongCredentials,
)
from app.version import version

log = logging.getLogger(__name__)

TIMEOUT_S = 30.0
_CONNECT_TIMEOUT_S = 10.0
# What a user may paste instead of the home page: the admin screen, the login page, the API.
_TRAILING = ("/wp-admin", "/wp-login.php", "/wp-json", "/index.php")


def normalise_site(site: str) -> str:
    """The site's home address, as stored and shown: scheme, host, path, no trailing slash."""
    text = site.strip()
    if not text:
        raise InvalidInput("The site address is empty.", "Type the blog's address.")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"'{site}' is not a web address.", "Type the blog's address, e.g. https://blog.org."
        )
    path = parts.path.rstrip("/")
    for tail in _TRAILING:
        if path.endswith(tail):
            path = path[: -len(tail)]
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip("/"), "", ""))


def _is_local(site: str) -> bool:
    return (urlsplit(site).hostname or "") in ("localhost", "127.0.0.1", "::1")


class WordPressClient:
    """One site, one user. ``connect()`` first: it finds the API and checks the password."""

    def __init__(self, site: str, user: str, password: str, *, timeout: float = TIMEOUT_S) -> None:
        self.site = normalise_site(site)
        self.user = user
        self.timeout = timeout
        self.host = urlsplit(self.site).netloc
        self._session = requests.Session()
        self._session.auth = (user, password)
        self._session.headers["User-Agent"] = f"buddy-interviews/{version()}"
        self._pretty: bool | None = None  # None: not known yet

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> WordPressClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        route: str,
        *,
        pretty: bool | None = None,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> requests.Response:
        pretty = self._pretty if pretty is None else pretty
        if pretty:
            url, query = f"{self.site}/wp-json{route}", dict(params or {})
        else:
            url, query = f"{self.site}/", {"rest_route": route, **(params or {})}
        try:
            response = self._session.request(
                method,
                url,
                params=query,
                json=body,
                timeout=(min(_CONNECT_TIMEOUT_S, self.timeout), self.timeout),
            )
        except requests.exceptions.SSLError as exc:
            raise CertificateProblem(
                f"The secure connection to {self.host} failed: its certificate could not be "
                "checked."
            ) from exc
        except requests.exceptions.Timeout as exc:
            sent = method != "GET" and not isinstance(exc, requests.exceptions.ConnectTimeout)
            raise SiteTimeout(
                f"{self.host} did not answer within {self.timeout:.0f} seconds.",
                None
                if sent
                else "The site or the connection may be slow: try again in a "
                "minute. Nothing was sent.",
            ) from exc
        except requests.exceptions.ConnectionError as exc:
            raise SiteUnreachable(f"Could not connect to {self.host}.") from exc
        except requests.exceptions.RequestException as exc:
            raise SiteError(f"Talking to {self.host} failed ({type(exc).__name__}).") from exc
        log.debug("%s %s -> %s", method, route, response.status_code)
        return response

    @staticmethod
    def _json(response: requests.Response) -> Any:
        """The answer's JSON, or None when it is not JSON (not WordPress, or not this path)."""
        if "json" not in response.headers.get("Content-Type", ""):
            return None
        try:
            return response.json()
        except ValueError:
            return None

    def _fail(self, response: requests.Response, doing: str) -> Exception:
        """The error for an answer that is not what ``doing`` needed."""
        data = self._json(response)
        code = data.get("code", "") if isinstance(data, dict) else ""
        message = html.unescape(str(data.get("message", ""))) if isinstance(data, dict) else ""
        if response.status_code == 401:
            hint = None
            if urlsplit(self.site).scheme == "http" and not _is_local(self.site):
                hint = (
                    "The address starts with http://: WordPress accepts application passwords "
                    "only over https://. Use the https address."
                )
            return WrongCredentials(
                f"{self.host} did not accept the user name '{self.user}' with this "
                "application password.",
                hint,
            )
        if response.status_code == 403:
            return NotAllowed(f"The user '{self.user}' may not {doing} on {self.host}.")
        if data is None:
            return NotWordPress(f"{self.site} does not answer like a WordPress site.")
        detail = f": {message}" if message else ""
        log.info("WordPress said %s %s while trying to %s", response.status_code, code, doing)
        return SiteError(f"{self.host} refused to {doing} (HTTP {response.status_code}{detail}).")

    # -- the calls ------------------------------------------------------------------------

    def connect(self) -> dict[str, Any]:
        """Find the API and check the user; returns the user as WordPress describes them."""
        route, params = "/wp/v2/users/me", {"context": "edit"}
        last: requests.Response | None = None
        for pretty in (True, False):
            response = self._request("GET", route, pretty=pretty, params=params)
            if response.status_code in (401, 403):
                self._pretty = pretty
                raise self._fail(response, "sign in")
            user = self._json(response)
            if response.ok and isinstance(user, dict) and isinstance(user.get("id"), int):
                self._pretty = pretty
                self._follow_redirect(response, pretty)
                return user
            last = response
        assert last is not None
        if self._json(last) is not None and last.status_code >= 500:
            raise self._fail(last, "sign in")
        raise NotWordPress(f"{self.site} does not answer like a WordPress site.")

    def _follow_redirect(self, response: requests.Response, pretty: bool) -> None:
        """Keep using where the site sent us (http to https, a www prefix): a redirected
        POST would arrive as a GET and create nothing."""
        if not response.history:
            return
        final = urlsplit(response.url)
        path = final.path
        if pretty and "/wp-json/" in path:
            path = path[: path.index("/wp-json/")]
        elif not pretty:
            path = path.rstrip("/")
        moved = urlunsplit((final.scheme, final.netloc, path.rstrip("/"), "", ""))
        if moved != self.site:
            log.info("The site moved to %s", moved)
            self.site, self.host = moved, final.netloc

    def _checked(self, response: requests.Response, doing: str) -> dict[str, Any]:
        data = self._json(response)
        if not response.ok or not isinstance(data, dict):
            raise self._fail(response, doing)
        return data

    def get_post(self, post_id: int) -> dict[str, Any] | None:
        """The post with its raw fields; None when it no longer exists (deleted for good)."""
        response = self._request("GET", f"/wp/v2/posts/{post_id}", params={"context": "edit"})
        if response.status_code in (404, 410) and self._json(response) is not None:
            return None
        return self._checked(response, "read the post")

    def create_post(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._checked(self._request("POST", "/wp/v2/posts", body=fields), "create posts")

    def update_post(self, post_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        return self._checked(
            self._request("POST", f"/wp/v2/posts/{post_id}", body=fields), "update the post"
        )

    def tag_id(self, name: str) -> int:
        """The id of the tag called ``name``, created when the site has none by that name."""
        found = self._request("GET", "/wp/v2/tags", params={"search": name, "per_page": 100})
        for tag in self._checked_list(found, "read tags"):
            # WordPress returns names HTML-escaped ("Arts &amp; crafts").
            if html.unescape(str(tag.get("name", ""))).casefold() == name.casefold():
                return int(tag["id"])
        made = self._request("POST", "/wp/v2/tags", body={"name": name})
        data = self._json(made)
        if made.status_code == 400 and isinstance(data, dict) and data.get("code") == "term_exists":
            # The search missed it (it matches on slugs and words), but the site has it.
            return int(data["data"]["term_id"])
        return int(self._checked(made, "create tags")["id"])

    def _checked_list(self, response: requests.Response, doing: str) -> list[dict[str, Any]]:
        data = self._json(response)
        if not response.ok or not isinstance(data, list):
            raise self._fail(response, doing)
        return [t for t in data if isinstance(t, dict)]

    def tag_ids(self, names: list[str] | tuple[str, ...]) -> list[int]:
        return [self.tag_id(name) for name in names]
