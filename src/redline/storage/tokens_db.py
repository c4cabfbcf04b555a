"""API tokens: created at random, stored only as SHA-256 hashes, verified in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from redline.storage import schema as t
from redline.storage._common import _Base


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokensMixin(_Base):
    """``Store``'s API tokens."""

    def create_token(self, name: str, now: datetime) -> str:
        """A new random API token; only its SHA-256 is stored, the token itself is shown once."""
        token = "rl_" + secrets.token_urlsafe(32)
        with self._tx() as conn:
            conn.execute(
                insert(t.api_tokens).values(
                    name=name, token_hash=_token_hash(token), created_at=now
                )
            )
        return token

    def verify_token(self, token: str, now: datetime) -> bool:
        """True for a known token. Tokens carry 256 random bits, so a fast hash is safe; the
        final comparison is constant-time."""
        return self.token_id(token, now) is not None

    def token_id(self, token: str, now: datetime) -> int | None:
        """The id of a known token (recording its use), else None: what a web sign-in keeps."""
        digest = _token_hash(token)
        with self._tx() as conn:
            row = conn.execute(
                select(t.api_tokens.c.id, t.api_tokens.c.token_hash).where(
                    t.api_tokens.c.token_hash == digest
                )
            ).first()
            if row is None or not hmac.compare_digest(row.token_hash, digest):
                return None
            conn.execute(
                update(t.api_tokens).where(t.api_tokens.c.id == row.id).values(last_used=now)
            )
        return int(row.id)

    def token_secret(self, token_id: int) -> str | None:
        """The stored hash of a token, the key that signs its web sessions: known only to the
        database, and gone when the token is revoked (which ends its sessions)."""
        with self._read() as conn:
            value = conn.execute(
                select(t.api_tokens.c.token_hash).where(t.api_tokens.c.id == token_id)
            ).scalar()
        return str(value) if value is not None else None

    def list_tokens(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                select(
                    t.api_tokens.c.id,
                    t.api_tokens.c.name,
                    t.api_tokens.c.created_at,
                    t.api_tokens.c.last_used,
                )
            ).all()
        return [dict(r._mapping) for r in rows]

    def revoke_token(self, token_id: int) -> bool:
        with self._tx() as conn:
            return bool(
                conn.execute(delete(t.api_tokens).where(t.api_tokens.c.id == token_id)).rowcount
            )
