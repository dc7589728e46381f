"""Application passwords in the system keyring, and nowhere else.

The settings file keeps the site address and the user name; the password is looked up here by
both. A keyring that cannot keep secrets safely is refused rather than used quietly: the
``fail`` backend (none found) and, unless the user chose it on purpose, any backend keyring
itself rates below 1 ("not recommended"), such as a plain-text file.
"""

from __future__ import annotations

import logging
import os

import keyring
import keyring.core
import keyring.errors

from app.publish.errors import KeyringUnavailable

log = logging.getLogger(__name__)

SERVICE = "buddy-interviews:wordpress"


def _account(site: str, user: str) -> str:
    return f"{user}@{site}"


def _explicitly_chosen() -> bool:
    """True when the user (or a test) named the backend: then its choice is respected."""
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    try:
        return keyring.core.load_config() is not None
    except Exception:  # a broken keyringrc.cfg is the same as none
        return False


def _backend() -> keyring.backend.KeyringBackend:
    backend = keyring.get_keyring()
    priority = getattr(backend, "priority", 0)
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.startswith("keyring.backends.fail") or (priority < 1 and not _explicitly_chosen()):
        raise KeyringUnavailable("There is no system keyring to keep the application password in.")
    return backend


def check_available() -> None:
    """Raise ``KeyringUnavailable`` unless a password could be stored."""
    _backend()


def _failed(action: str, exc: Exception) -> KeyringUnavailable:
    # The type only: a backend's message could in theory echo what it was given.
    log.warning("Keyring %s failed: %s", action, type(exc).__name__)
    if isinstance(exc, keyring.errors.KeyringLocked):
        return KeyringUnavailable(
            "The system keyring is locked.", "Unlock it (log in again) and try again."
        )
    return KeyringUnavailable(f"The system keyring could not {action} the password.")


def get_password(site: str, user: str) -> str | None:
    backend = _backend()
    try:
        return backend.get_password(SERVICE, _account(site, user))
    except Exception as exc:
        raise _failed("read", exc) from None


def set_password(site: str, user: str, password: str) -> None:
    backend = _backend()
    try:
        backend.set_password(SERVICE, _account(site, user), password)
    except Exception as exc:
        raise _failed("store", exc) from None
    log.info("Stored the application password for %s in the system keyring", _account(site, user))


def delete_password(site: str, user: str) -> bool:
    """Forget the password; False when none was stored."""
    backend = _backend()
    try:
        backend.delete_password(SERVICE, _account(site, user))
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:
        raise _failed("remove", exc) from None
    return True
