"""The fetcher against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from tests.conftest import serve_asgi

from redline.errors import FetchError
from redline.fetch import PUBLIC_ONLY, AddressPolicy, Fetcher, FetchResult
from redline.settings import FetchSettings

hits: Counter[str] = Counter()


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    path = scope["path"]
    hits[path] += 1
    headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}

    async def reply(
        status: int, body: bytes = b"", extra: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), *(extra or [])],
            }
        )
        await send({"type": "http.response.body", "body": body})

    if path == "/robots.txt":
        await reply(200, b"User-agent: *\nDisallow: /private/\n")
    elif path == "/etag":
        if headers.get("if-none-match") == '"v1"':
            await reply(304, extra=[(b"etag", b'"v1"')])
        else:
            await reply(
                200,
                b"<p>hello</p>",
                [(b"etag", b'"v1"'), (b"last-modified", b"Sun, 22 Nov 2026 10:00:00 GMT")],
            )
    elif path.startswith("/hop/"):
        n = int(path.rsplit("/", 1)[1])
        await reply(302, extra=[(b"location", f"/hop/{n + 1}".encode())])
    elif path == "/moved":
        await reply(301, extra=[(b"location", b"/etag")])
    elif path == "/flaky":
        await reply(503 if hits[path] < 3 else 200, b"ok now")
    elif path == "/down":
        await reply(503, b"down")
    elif path == "/big":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        chunk = b"<p>" + b"x" * 65536 + b"</p>"
        for _ in range(200):  # ~13 MB, streamed without Content-Length
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/bomb":
        body = gzip.compress(b"\0" * (50 * 1024 * 1024))
        await reply(200, body, [(b"content-encoding", b"gzip")])
    elif path == "/slow":
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        for _ in range(30):
            await send({"type": "http.response.body", "body": b"x", "more_body": True})
            await asyncio.sleep(0.2)
        await send({"type": "http.response.body", "body": b""})
    else:
        await reply(404, b"not found")


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve_asgi(app) as url:
        yield url


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _fetch(base: str, path: str, settings: FetchSettings | None = None, **kw):  # type: ignore[no-untyped-def]
    async with Fetcher(settings or FetchSettings(retry_backoff=0.01, per_host_delay=0)) as f:
        f.configure_host(urlsplit(base).netloc, delay=0)
        kw.setdefault("scope", AddressPolicy.private_for([base]))
        return await f.fetch(base + path, **kw)


def test_conditional_request_gets_304(base: str) -> None:
    first = run(_fetch(base, "/etag"))
    assert first.status == 200 and first.etag == '"v1"' and first.body == b"<p>hello</p>"
    again = run(_fetch(base, "/etag", etag=first.etag))
    assert again.not_modified and again.body == b""


def test_redirects_followed_and_limited(base: str) -> None:
    r = run(_fetch(base, "/moved"))
    assert r.status == 200 and r.final_url.endswith("/etag") and r.redirects == (base + "/moved",)
    with pytest.raises(FetchError) as exc:
        run(_fetch(base, "/hop/0"))
    assert exc.value.kind == "too_many_redirects"


def test_robots_txt_is_obeyed(base: str) -> None:
    with pytest.raises(FetchError) as exc:
        run(_fetch(base, "/private/x"))
    assert exc.value.kind == "robots"
    assert run(_fetch(base, "/private/x", respect_robots=False)).status == 404


def test_5xx_retried_then_returned(base: str) -> None:
    assert run(_fetch(base, "/flaky")).status == 200
    assert hits["/flaky"] == 3
    before = hits["/down"]
    r = run(_fetch(base, "/down"))
    assert r.status == 503 and hits["/down"] - before == 3  # 1 try + 2 retries


def test_body_size_is_capped_while_streaming(base: str) -> None:
    small = FetchSettings(max_body_bytes=1_000_000, per_host_delay=0, retries=0)
    for path in ("/big", "/bomb"):
        with pytest.raises(FetchError) as exc:
            run(_fetch(base, path, small))
        assert exc.value.kind == "too_large"


def test_slow_site_hits_the_total_timeout(base: str) -> None:
    with pytest.raises(FetchError) as exc:
        run(_fetch(base, "/slow", FetchSettings(total_timeout=1.0, retries=0, per_host_delay=0)))
    assert exc.value.kind == "timeout"


def test_private_addresses_refused_unless_allowed(base: str) -> None:
    async def go() -> None:
        async with Fetcher(FetchSettings(retries=0)) as f:
            await f.fetch(base + "/etag")

    with pytest.raises(FetchError) as exc:
        run(go())
    assert exc.value.kind == "blocked_address"


def test_connection_refused_is_a_fetch_error() -> None:
    from tests.conftest import free_port

    with pytest.raises(FetchError) as exc:
        run(
            _fetch(
                f"http://127.0.0.1:{free_port()}",
                "/",
                FetchSettings(retries=1, retry_backoff=0.01, per_host_delay=0),
            )
        )
    assert exc.value.kind == "connect"


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("100.100.100.200", False),  # shared address space (CGNAT); a cloud metadata address
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("192.0.0.170", False),
        ("198.18.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("ff0e::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("::127.0.0.1", False),  # IPv4-compatible
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", False),  # 6to4 of 169.254.169.254
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b:1::1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("not an ip", False),
        ("8.8.8.8", True),
        ("93.184.216.34", True),
        ("2001:4860:4860::8888", True),
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("::ffff:8.8.8.8", False),  # mapped addresses are never global themselves
    ],
)
def test_only_global_unicast_addresses_are_public(ip: str, public: bool) -> None:
    from redline.fetch.addresses import is_public_address

    assert is_public_address(ip) is public


def test_a_host_name_resolving_to_loopback_is_refused_unless_allowed(base: str) -> None:
    port = urlsplit(base).port
    url = f"http://localhost:{port}/etag"

    async def go(allow: bool) -> int:
        async with Fetcher(FetchSettings(retries=0, per_host_delay=0)) as f:
            scope = AddressPolicy.private_for([url]) if allow else PUBLIC_ONLY
            return (await f.fetch(url, respect_robots=False, scope=scope)).status

    before = hits["/etag"]
    with pytest.raises(FetchError) as exc:
        run(go(allow=False))
    assert exc.value.kind == "blocked_address" and "localhost" in str(exc.value)
    assert hits["/etag"] == before  # refused before any connection
    assert run(go(allow=True)) == 200


def test_dns_rebinding_cannot_reach_a_private_address(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name resolves to a 'public' address when checked, to loopback afterwards: the
    fetcher must connect to the address it vetted, never look the name up again."""
    import socket

    from redline.fetch import addresses

    port = urlsplit(base).port
    answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 20)
    original = asyncio.BaseEventLoop.getaddrinfo

    async def rebinding(self, host, port_, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host in ("rebind.test", b"rebind.test"):
            ip = next(answers)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port_))]
        return await original(self, host, port_, *args, **kwargs)

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", rebinding)
    # Pretend 127.0.0.2 is public; the server listens on 127.0.0.1 only, so 127.0.0.2 refuses.
    monkeypatch.setattr(addresses, "is_public_address", lambda ip: ip == "127.0.0.2")
    before = sum(hits.values())

    async def go() -> None:
        async with Fetcher(FetchSettings(retries=0, per_host_delay=0)) as f:
            await f.fetch(f"http://rebind.test:{port}/etag", respect_robots=False)

    with pytest.raises(FetchError) as exc:
        run(go())
    assert exc.value.kind == "connect", exc.value
    assert sum(hits.values()) == before, "a request reached the private address"


def test_a_private_permission_belongs_to_the_fetch_that_carries_it(base: str) -> None:
    """One fetcher, two fetches of the same local URL: the one whose AddressPolicy names the
    host gets through; the next one without it is refused, also over the pooled connection the
    first one left open."""

    async def go() -> tuple[int, FetchError | None]:
        async with Fetcher(FetchSettings(retries=0, per_host_delay=0)) as f:
            allowed = await f.fetch(
                base + "/etag", respect_robots=False, scope=AddressPolicy.private_for([base])
            )
            try:
                await f.fetch(base + "/etag", respect_robots=False)
            except FetchError as exc:
                return allowed.status, exc
            return allowed.status, None

    status, refused = run(go())
    assert status == 200
    assert refused is not None and refused.kind == "blocked_address"


def test_a_redirect_from_a_public_host_never_reaches_a_private_one(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """127.0.0.2 plays a public site that redirects into 127.0.0.1, a host the fetch's policy
    allows on a private address: the redirect is refused all the same."""
    from redline.fetch import addresses

    async def redirector(scope, receive, send):  # type: ignore[no-untyped-def]
        await send(
            {
                "type": "http.response.start",
                "status": 302,
                "headers": [(b"location", f"{base}/etag".encode())],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    monkeypatch.setattr(addresses, "is_public_address", lambda ip: ip == "127.0.0.2")
    with serve_asgi(redirector, host="127.0.0.2") as public:

        async def go() -> FetchResult:
            async with Fetcher(FetchSettings(retries=0, per_host_delay=0)) as f:
                scope = AddressPolicy.private_for([base, public])  # both are the source's own
                direct = await f.fetch(base + "/etag", respect_robots=False, scope=scope)
                assert direct.status == 200
                narrow = AddressPolicy.private_for([base])
                return await f.fetch(public + "/go", respect_robots=False, scope=narrow)

        before = hits["/etag"]
        with pytest.raises(FetchError) as exc:
            run(go())
    assert exc.value.kind == "blocked_address"
    assert hits["/etag"] == before + 1  # only the direct fetch reached it
