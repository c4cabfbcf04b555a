"""Refuse to fetch loopback, link-local, private, shared (CGNAT) and reserved addresses.

So that a tracker exposed to the public cannot be turned into a proxy into its own network
(the cloud metadata addresses 169.254.169.254 and 100.100.100.200 above all). Sources that are
meant to be local (the simulated newsroom) opt out with ``allow_private``: that permission is
an ``AddressPolicy`` passed with each fetch, naming the host:port pairs that fetch may reach on a
private address (the source's own feed, sitemap and homepage hosts), never process state.

The check happens where the connection is made: ``GuardedBackend`` is the httpcore network
backend of the fetcher's HTTP client. It resolves the host itself, refuses the connection if any
address is not public, and connects to the vetted address, so a DNS answer that changes between
a check and the connection (DNS rebinding) cannot slip a private address through. TLS still
verifies and sends SNI for the host name: httpcore passes it to ``start_tls`` separately.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore

from redline.errors import FetchError

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address leads to: mapped, 6to4, Teredo, NAT64, IPv4-compatible."""
    out: list[ipaddress.IPv4Address] = []
    if addr.ipv4_mapped is not None:
        out.append(addr.ipv4_mapped)
    if addr.sixtofour is not None:
        out.append(addr.sixtofour)
    if addr.teredo is not None:
        out.extend(addr.teredo)
    if addr in _NAT64 or (addr in _IPV4_COMPATIBLE and int(addr) > 1):
        out.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    return out


def is_public_address(ip: str) -> bool:
    """True only for a globally routable unicast address (``is_global``), and for IPv6 only when
    every IPv4 address embedded in it is public too."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])  # drop an IPv6 zone ('fe80::1%eth0')
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        if addr in _NAT64_LOCAL:
            return False
        if any(not is_public_address(str(v4)) for v4 in _embedded_ipv4(addr)):
            return False
    return addr.is_global and not (addr.is_multicast or addr.is_reserved)


def host_port(url: str) -> tuple[str, int] | None:
    """(lower-case host name, port) a URL connects to; None when it has no usable host."""
    p = urlsplit(url)
    try:
        port = p.port or (443 if p.scheme.lower() == "https" else 80)
    except ValueError:
        return None
    name = (p.hostname or "").lower().strip("[]")
    return (name, port) if name else None


@dataclass(frozen=True)
class AddressPolicy:
    """Where one fetch may connect to a private, loopback or reserved address: only the
    host:port pairs listed, and only until a redirect leaves them (a public host's redirect
    never leads into the private network)."""

    private_hosts: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def private_for(cls, urls: Iterable[str]) -> AddressPolicy:
        """Private addresses allowed for the hosts of ``urls`` (a source's own feeds, sitemaps
        and homepage); a URL without a port allows both 80 and 443 (http to https)."""
        pairs: set[tuple[str, int]] = set()
        for url in urls:
            hp = host_port(url)
            if hp is None:
                continue
            has_port = hp[1] != (443 if url.lower().startswith("https:") else 80)
            pairs.update([hp] if has_port else [(hp[0], 80), (hp[0], 443)])
        return cls(frozenset(pairs))

    def allows_private(self, url: str) -> bool:
        hp = host_port(url)
        return hp is not None and hp in self.private_hosts


PUBLIC_ONLY = AddressPolicy()
"""The default: every address must be public."""


def _blocked(host: str, ip: str) -> FetchError:
    return FetchError(
        "blocked_address",
        f"refusing to fetch {host} ({ip}): private, loopback or reserved address; "
        "set allow_private = true on a source that is meant to be local",
    )


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself), in DNS order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("connect", f"cannot resolve host {host!r}: {exc.strerror}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def check_public_host(host: str, port: int) -> list[str]:
    """Resolve ``host``; raise FetchError('blocked_address') if any address is not public.
    Returns the vetted addresses."""
    addresses = await resolve(host, port)
    for ip in addresses:
        if not is_public_address(ip):
            raise _blocked(host, ip)
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to vetted addresses.

    ``allow_private(host, port)`` says whether a host may be private (a source with
    ``allow_private``). A refused connection raises FetchError('blocked_address'), which httpx
    lets through unchanged (it only maps httpcore's own exceptions).
    """

    def __init__(
        self,
        allow_private: Callable[[str, int], bool],
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                if self._allow_private(host, port):
                    addresses = await resolve(host, port)
                else:
                    addresses = await check_public_host(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout}s") from None
        except FetchError as exc:
            if exc.kind == "blocked_address":
                raise
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for ip in addresses:  # the vetted addresses, never a fresh look-up
            try:
                return await self._inner.connect_tcp(
                    ip,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
