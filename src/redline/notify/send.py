"""Getting one message to one destination: Standard Webhooks over httpx, everything else
through apprise. A sender answers what happened (``SendResult``); deciding to retry is the
deliverer's job.

Destinations are the operator's own choice, so loopback and private addresses are allowed
here: these clients are separate from the guarded fetch client that sources go through.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from base64 import b64encode
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from redline import __version__
from redline.errors import ConfigError
from redline.notify.payload import Message
from redline.notify.rules import DestinationKind, Subscription, destination_kind


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status: int | None = None  # HTTP status, when there was one
    error: str | None = None
    retry_after: float | None = None  # seconds the destination asked us to wait

    def line(self) -> str:
        if self.ok:
            return f"delivered (HTTP {self.status})" if self.status else "delivered"
        return self.error or "failed"


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


def check_destination(destination: str) -> DestinationKind:
    """The kind of a destination; a ConfigError when apprise does not know the URL."""
    kind = destination_kind(destination)
    if kind == DestinationKind.WEBHOOK:
        try:
            url = httpx.URL(destination)
        except httpx.InvalidURL as exc:
            raise ConfigError(f"not a valid webhook URL: {destination}") from exc
        if not url.host:
            raise ConfigError(f"not a valid webhook URL (no host): {destination}")
        return kind
    import apprise

    quiet = logging.getLogger("apprise")
    was, quiet.propagate = quiet.propagate, False  # its own ERROR line would repeat ours
    try:
        known = apprise.Apprise().add(destination)
    finally:
        quiet.propagate = was
    if not known:
        raise ConfigError(
            f"not a destination apprise knows: {destination} (see the apprise URL list)"
        )
    return kind


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class Senders:
    """One shared HTTP client for webhooks; apprise runs in a thread per message."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._http = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={"user-agent": f"Redline/{__version__} (webhooks)"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, sub: Subscription, msg: Message) -> SendResult:
        """Send; an error never carries the destination's password or tokens (it is stored,
        listed and served)."""
        from redline.notify.subscribe import redact

        if sub.unreadable:
            return SendResult(False, error=f"cannot send: the destination is {sub.unreadable}")
        try:
            if sub.kind == DestinationKind.WEBHOOK:
                coro = self._webhook(sub, msg)
            else:
                coro = self._apprise(sub, msg)
            result = await asyncio.wait_for(coro, self.timeout + 1)
        except TimeoutError:
            return SendResult(False, error=f"timed out after {self.timeout:g}s")
        if result.error:
            result = replace(result, error=redact(result.error, sub.destination))
        return result

    async def _webhook(self, sub: Subscription, msg: Message) -> SendResult:
        from standardwebhooks import Webhook

        data = json.dumps(msg.body, ensure_ascii=False, separators=(",", ":"))
        now = datetime.now(UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": msg.message_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(sub.secret or "").sign(msg.message_id, now, data),
        }
        try:
            resp = await self._http.post(sub.destination, content=data.encode(), headers=headers)
        except httpx.TimeoutException:
            return SendResult(False, error=f"timed out after {self.timeout:g}s")
        except httpx.HTTPError as exc:
            return SendResult(False, error=f"{type(exc).__name__}: {exc}".strip(": "))
        if 200 <= resp.status_code < 300:
            return SendResult(True, status=resp.status_code)
        return SendResult(
            False,
            status=resp.status_code,
            error=f"HTTP {resp.status_code}",
            retry_after=retry_after(resp.headers.get("retry-after"), now),
        )

    async def _apprise(self, sub: Subscription, msg: Message) -> SendResult:
        return await asyncio.to_thread(_apprise_send, sub.destination, msg, self.timeout)


def _apprise_send(destination: str, msg: Message, timeout: float) -> SendResult:
    import apprise
    from apprise.attachment.memory import AttachMemory

    ap = apprise.Apprise()
    if not ap.add(destination):
        return SendResult(False, error="apprise does not know this URL")
    attach = None
    if msg.attachments:
        attach = apprise.AppriseAttachment()
        for name, data in msg.attachments:
            attach.add(AttachMemory(content=data, name=name, mimetype="image/png"))
    with apprise.LogCapture(level=logging.WARNING) as logs:
        ok = ap.notify(body=msg.text, title=msg.title, attach=attach)
    if ok:
        return SendResult(True)
    lines = [_LOG_PREFIX.sub("", line.strip()) for line in logs.getvalue().splitlines()]
    lines = [line for line in lines if line]
    return SendResult(False, error=(lines[-1] if lines else "apprise reported a failure")[:300])


_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ - [A-Z]+ - ")  # apprise's own log format
