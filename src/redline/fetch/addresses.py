"""Refuse to fetch loopback, link-local, private and reserved addresses.

So that a tracker exposed to the public cannot be turned into a proxy into its own network
(the cloud metadata address 169.254.169.254 above all). Sources that are meant to be local
(the simulated newsroom) opt out with ``allow_private``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from redline.errors import FetchError


def is_public_address(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return not (
        addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
        or addr.is_reserved or addr.is_unspecified
    )  # fmt: skip


async def check_public_host(host: str, port: int) -> None:
    """Resolve ``host`` and raise FetchError('blocked_address') if any address is not public."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError("connect", f"cannot resolve host {host!r}: {exc.strerror}") from exc
    for info in infos:
        ip = str(info[4][0])
        if not is_public_address(ip):
            raise FetchError(
                "blocked_address",
                f"refusing to fetch {host} ({ip}): private, loopback or reserved address; "
                "set allow_private = true on a source that is meant to be local",
            )
