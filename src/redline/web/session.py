"""Who may change things: operators signed in with an API token, and the proofs they carry.

The web UI is read-only for everyone else. An operator signs in at ``/login`` with an API token
(``redline token create NAME``); the answer is a session cookie ``<token id>.<issued>.<mac>``,
HttpOnly and SameSite=Strict, whose MAC is keyed with the token's stored hash. So no extra secret
has to be configured or shared between workers, revoking the token ends its sessions, and a
cookie cannot be forged without read access to the database. Each session's CSRF token is a
second MAC over the same fields, sent back in a hidden field of every form; a POST without it
(or from another origin) is refused. The JSON API takes only ``Authorization: Bearer TOKEN``,
which a browser never attaches by itself, so it needs no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from fastapi import Request

from redline.settings import WebSettings
from redline.storage import Store
from redline.web.errors import WebProblem

COOKIE = "redline_session"
CSRF_FIELD = "csrf"
_UNSET = object()


@dataclass(frozen=True)
class Operator:
    """A signed-in operator: which token, and the CSRF token its forms must carry."""

    token_id: int
    csrf: str


def _mac(secret: str, purpose: str, token_id: int, issued: int) -> str:
    msg = f"{purpose}|{token_id}|{issued}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def new_session(store: Store, token_id: int, now: datetime) -> str:
    """The cookie value of a fresh session for ``token_id``."""
    secret = store.token_secret(token_id)
    if secret is None:
        raise WebProblem(401, "unknown API token")
    issued = int(now.timestamp())
    return f"{token_id}.{issued}.{_mac(secret, 'session', token_id, issued)}"


def _parse(value: str) -> tuple[int, int, str] | None:
    parts = value.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isalnum() for p in parts):
        return None
    if not (parts[0].isdigit() and parts[1].isdigit()) or len(parts[0]) > 10 or len(parts[1]) > 12:
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def operator_of(request: Request) -> Operator | None:
    """The operator whose valid session cookie came with ``request`` (looked up once per
    request), or None for an anonymous reader."""
    cached = getattr(request.state, "operator", _UNSET)
    if cached is None or isinstance(cached, Operator):
        return cached
    op = None
    raw = request.cookies.get(COOKIE)
    parsed = _parse(raw) if raw else None
    if parsed is not None:
        token_id, issued, mac = parsed
        store: Store = request.app.state.store
        now: datetime = request.app.state.clock()
        age = now.timestamp() - issued
        secret = store.token_secret(token_id)
        if (
            secret is not None
            and -60 <= age <= session_max_age(request)
            and hmac.compare_digest(mac, _mac(secret, "session", token_id, issued))
        ):
            op = Operator(token_id, _mac(secret, "csrf", token_id, issued))
    request.state.operator = op
    return op


def same_origin(request: Request) -> None:
    """Refuse a state-changing request whose Origin (or, without one, Referer) is another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise WebProblem(403, "cross-site form submissions are refused")
    if origin == "null":
        raise WebProblem(403, "cross-site form submissions are refused")


def require_form_operator(request: Request, csrf: str | None) -> Operator:
    """The operator behind a form POST: signed in, same origin, and the session's CSRF token."""
    same_origin(request)
    op = operator_of(request)
    if op is None:
        raise WebProblem(401, "sign in with an API token first (/login)")
    if not csrf or not hmac.compare_digest(csrf, op.csrf):
        raise WebProblem(403, "this form has expired or did not come from this site; reload it")
    return op


def require_bearer(request: Request) -> int:
    """The token id behind an API request's ``Authorization: Bearer TOKEN`` (401 otherwise)."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    store: Store = request.app.state.store
    token_id = None
    if scheme.lower() == "bearer" and token.strip():
        token_id = store.token_id(token.strip()[:200], request.app.state.clock())
    if token_id is None:
        raise WebProblem(
            401,
            "this needs an API token as `Authorization: Bearer TOKEN` "
            "(an operator creates one with `redline token create NAME`)",
        )
    return token_id


def session_max_age(request: Request) -> int:
    """Seconds a session lasts: the loaded `web.session_lifetime` of this app."""
    web: WebSettings = request.app.state.web
    return int(web.session_lifetime.total_seconds())
