"""Security headers on every kind of response: pages, API, feeds, errors."""

from __future__ import annotations

import pytest
from tests.web.conftest import Web


@pytest.mark.parametrize(
    "path", ["/", "/sources", "/api/v1/sources", "/feeds/changes.atom", "/no-such-page"]
)
def test_every_response_carries_the_security_headers(fresh: Web, path: str) -> None:
    r = fresh.get(path)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"
    assert "geolocation=()" in r.headers["permissions-policy"]
    if r.headers["content-type"].startswith("text/html"):
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
