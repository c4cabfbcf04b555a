"""The fetch stage: one async HTTP client with politeness, robots.txt, conditional requests,
size limits, a redirect limit and retries. httpx errors are converted here into FetchError.

A fetch returns a FetchResult for any HTTP answer (404 and 5xx included, after retries):
what a status means for an article is the checker's business, not the fetcher's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

import httpcore
import httpx

from redline.errors import FetchError
from redline.fetch.addresses import PUBLIC_ONLY, AddressPolicy, GuardedBackend
from redline.fetch.limits import HostLimiter
from redline.fetch.result import FetchResult, HttpExchange, exchange_of
from redline.fetch.robots import RobotsCache
from redline.frontier.urls import join_url
from redline.settings import FetchSettings

log = logging.getLogger(__name__)

_REDIRECTS = {301, 302, 303, 307, 308}
_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml;q=0.9,*/*;q=0.5"
)


def _origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}"


def _guarded_transport(backend: GuardedBackend, connections: int) -> httpx.AsyncHTTPTransport:
    """httpx's own transport over a connection pool that connects through ``backend``.

    httpx (0.28) has no public way to pass an httpcore network backend (encode/httpx#3749), so
    the pool httpx built is replaced by an equivalent one with the backend; a test fetches a
    loopback host name past the URL-level checks to prove the guard is on the connect path.
    """
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    if not isinstance(getattr(transport, "_pool", None), httpcore.AsyncConnectionPool):
        raise RuntimeError("this httpx version cannot take the address guard; pin httpx<0.29")
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return transport


class _Retryable(Exception):
    def __init__(self, error: FetchError | None = None, result: FetchResult | None = None):
        super().__init__(str(error) if error else f"HTTP {result.status if result else '?'}")
        self.error = error
        self.result = result


class Fetcher:
    """Use as ``async with Fetcher(settings) as f: await f.fetch(url)``."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        s = self.settings
        # Two connection pools: one that connects to public addresses only, and one for the
        # fetches whose AddressPolicy allows a private address for the host. A pooled
        # connection is reused only for its own origin, and a request goes to the private pool
        # only when its own policy allows that origin, so one source's permission never lends
        # a connection to another's fetch.
        self._client = self._new_client(allow_private=False)
        self._private_client: httpx.AsyncClient | None = None
        self.limiter = HostLimiter(s.global_concurrency, s.per_host_concurrency, s.per_host_delay)
        self._robots = RobotsCache(s.user_agent, s.robots_ttl, self._fetch_robots)
        self._configured: set[str] = set()

    def _new_client(self, *, allow_private: bool) -> httpx.AsyncClient:
        s = self.settings
        return httpx.AsyncClient(
            headers={"User-Agent": s.user_agent, "Accept": _ACCEPT},
            timeout=httpx.Timeout(s.timeout),
            follow_redirects=False,
            # No proxies from the environment: a proxy would resolve and connect for us, out of
            # reach of the address guard.
            trust_env=False,
            transport=_guarded_transport(
                GuardedBackend(lambda _host, _port: allow_private), s.global_concurrency
            ),
        )

    def _client_for(self, private: bool) -> httpx.AsyncClient:
        if not private:
            return self._client
        if self._private_client is None:
            self._private_client = self._new_client(allow_private=True)
        return self._private_client

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._private_client is not None:
            await self._private_client.aclose()

    def configure_host(
        self, host: str, *, concurrency: int | None = None, delay: float | None = None
    ) -> None:
        """Per-source politeness for one host (host[:port] of its URLs)."""
        self.limiter.configure(host, concurrency=concurrency, delay=delay)
        self._configured.add(host)

    def is_configured(self, host: str) -> bool:
        return host in self._configured

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = True,
        max_bytes: int | None = None,
        scope: AddressPolicy = PUBLIC_ONLY,
    ) -> FetchResult:
        """GET ``url`` following redirects; retries timeouts, connection errors and 5xx.
        ``scope`` says which hosts this fetch may reach on a private address."""
        s = self.settings
        attempt = 0
        while True:
            try:
                return await self._fetch_once(
                    url, etag, last_modified, respect_robots, max_bytes, scope
                )
            except _Retryable as r:
                if attempt >= s.retries:
                    if r.result is not None:
                        return r.result
                    assert r.error is not None
                    raise r.error from None
                delay = s.retry_backoff * (2**attempt)
                log.debug("retrying %s in %.1fs: %s", url, delay, r)
                attempt += 1
                await asyncio.sleep(delay)

    async def _fetch_once(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        respect_robots: bool,
        max_bytes: int | None,
        scope: AddressPolicy,
    ) -> FetchResult:
        s = self.settings
        started = time.monotonic()
        redirects: list[str] = []
        exchanges: list[HttpExchange] = []
        current = url
        in_scope = True  # every hop so far was one of the scope's own hosts
        try:
            async with asyncio.timeout(s.total_timeout):
                while True:
                    in_scope = in_scope and scope.allows_private(current)
                    await self._guard(current, respect_robots, in_scope)
                    headers = {}
                    if not redirects:
                        if etag:
                            headers["If-None-Match"] = etag
                        if last_modified:
                            headers["If-Modified-Since"] = last_modified
                    host = urlsplit(current).netloc
                    async with self.limiter.slot(host):
                        status, resp_headers, body, hop = await self._get(
                            current, headers, max_bytes, self._client_for(in_scope)
                        )
                    exchanges.append(hop)
                    if status in _REDIRECTS and resp_headers.get("location"):
                        if len(redirects) >= s.max_redirects:
                            raise FetchError(
                                "too_many_redirects",
                                f"more than {s.max_redirects} redirects starting at {url}",
                            )
                        redirects.append(current)
                        location = resp_headers["location"].strip()
                        target = join_url(current, location)
                        if target is None:
                            raise FetchError(
                                "protocol", f"redirect to an invalid or non-HTTP URL: {location!r}"
                            )
                        current = target
                        continue
                    result = FetchResult(
                        url=url,
                        final_url=current,
                        status=status,
                        body=body,
                        content_type=resp_headers.get("content-type"),
                        etag=resp_headers.get("etag"),
                        last_modified=resp_headers.get("last-modified"),
                        duration_ms=int((time.monotonic() - started) * 1000),
                        redirects=tuple(redirects),
                        exchanges=tuple(exchanges),
                    )
                    if status >= 500:
                        raise _Retryable(result=result)
                    return result
        except TimeoutError:
            raise _Retryable(
                FetchError("timeout", f"{url} took longer than {s.total_timeout:g}s")
            ) from None

    async def _guard(self, url: str, respect_robots: bool, private: bool) -> None:
        if join_url(url, "") is None:
            raise FetchError("protocol", f"not a valid http(s) URL: {url!r}")
        p = urlsplit(url)
        # Addresses are vetted where the connection is made (GuardedBackend), not here: a check
        # here and a second look-up when connecting would open the door to DNS rebinding.
        if (
            respect_robots
            and self.settings.respect_robots
            and not await self._robots.allowed(_origin(url), url, private=private)
        ):
            raise FetchError("robots", f"robots.txt of {p.netloc} disallows {url}")

    async def _get(
        self, url: str, headers: dict[str, str], max_bytes: int | None, client: httpx.AsyncClient
    ) -> tuple[int, httpx.Headers, bytes, HttpExchange]:
        limit = max_bytes or self.settings.max_body_bytes
        try:
            async with client.stream("GET", url, headers=headers) as resp:
                declared = resp.headers.get("content-length")
                if (
                    declared
                    and declared.isascii()
                    and declared.isdigit()  # ASCII only: "²".isdigit() is True, int() fails
                    and int(declared) > limit
                    and resp.status_code < 300
                ):
                    raise FetchError(
                        "too_large", f"{url} declares {int(declared):,} bytes (limit {limit:,})"
                    )
                body = bytearray()
                if resp.status_code not in _REDIRECTS and resp.status_code != 304:
                    # aiter_bytes decodes gzip/deflate chunk by chunk: the limit applies to the
                    # decoded size, so a gzip bomb is stopped after ``limit`` bytes.
                    async for chunk in resp.aiter_bytes():
                        body += chunk
                        if len(body) > limit:
                            raise FetchError(
                                "too_large", f"{url} is larger than {limit:,} bytes; cut off"
                            )
                return resp.status_code, resp.headers, bytes(body), exchange_of(resp)
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise _Retryable(FetchError("timeout", f"timed out fetching {url}")) from exc
        except (
            httpx.ConnectError,
            httpx.RemoteProtocolError,
            httpx.ReadError,
            httpx.WriteError,
        ) as exc:
            reason = str(exc) or type(exc).__name__
            raise _Retryable(FetchError("connect", f"cannot fetch {url}: {reason}")) from exc
        except httpx.InvalidURL as exc:
            raise FetchError("protocol", f"not a valid URL: {url!r}: {exc}") from exc
        except httpx.DecodingError as exc:
            raise FetchError(
                "protocol", f"{url} sent a body that cannot be decoded: {exc}"
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError("protocol", f"cannot fetch {url}: {exc}") from exc

    async def _fetch_robots(self, url: str, private: bool) -> tuple[int, str]:
        await self._guard(url, respect_robots=False, private=private)
        host = urlsplit(url).netloc
        async with self.limiter.slot(host):
            status, _headers, body, _hop = await self._get(
                url, {}, 512 * 1024, self._client_for(private)
            )
        return status, body.decode("utf-8", errors="replace")
