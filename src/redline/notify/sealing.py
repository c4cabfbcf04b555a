"""Subscriptions' credentials at rest: a webhook's signing secret and a destination URL (which
may carry a password or token) are sealed with ``notify.secret_key`` when it is set, so a copy
of the database alone (a dump, a backup, a read-only role) opens nothing.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``); the key is derived from the setting
with SHA-256, so any long random string will do. Values stored before the key was set stay in
clear and keep working. A leaf module: storage calls it when it reads and writes subscriptions.
"""

from __future__ import annotations

import hashlib
from base64 import urlsafe_b64encode
from functools import lru_cache
from typing import TYPE_CHECKING

from redline.errors import ConfigError

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

PREFIX = "fernet:"


class Unreadable(ConfigError):
    """A sealed value this process cannot open (no key, or another key)."""


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    from cryptography.fernet import Fernet

    return Fernet(urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def is_sealed(value: str | None) -> bool:
    return bool(value) and str(value).startswith(PREFIX)


def seal(value: str | None, key: str | None) -> str | None:
    """``value`` sealed with ``key``; unchanged without a key (or a value)."""
    if value is None or not key:
        return value
    return PREFIX + _fernet(key).encrypt(value.encode()).decode()


def unseal(value: str | None, key: str | None) -> str | None:
    """The clear text of a stored value; Unreadable when it is sealed and ``key`` cannot open it."""
    if value is None or not value.startswith(PREFIX):
        return value
    if not key:
        raise Unreadable(
            "stored encrypted, and this process has no notify.secret_key to decrypt it"
        )
    from cryptography.fernet import InvalidToken

    try:
        return str(_fernet(key).decrypt(value[len(PREFIX) :].encode()).decode())
    except InvalidToken:
        raise Unreadable(
            "stored encrypted with another notify.secret_key than this process has"
        ) from None
