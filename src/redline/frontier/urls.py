"""URL identity: one article, one record, whatever variant of its URL arrives.

A pure function of the URL string. It removes what never identifies an article (tracking
parameters, fragments, default ports, letter case of scheme and host, empty query) and keeps
everything else: some outlets do use the query string to name articles (``?id=123``).
Canonical links found in the page itself are handled after fetching (see ``crawl.checker``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from redline.errors import ConfigError

# Parameters that are tracking for certain: they say how a reader arrived (which campaign, ad
# click, share button, newsletter), never which article was read. Only names that no outlet uses
# to name content belong here; ambiguous ones (``source``, ``cid``, ``src``, ``share``, ``ref``,
# the Guardian's ``CMP``) identify content somewhere and are left alone unless a source lists
# them in its ``strip_params``.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "twclid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "smid",
        "smtyp",
        "ref_src",
        "ref_url",
        "at_medium",
        "at_campaign",
        "at_ptr_name",
        "at_bbc_team",
        "at_format",
        "at_origin",
        "__twitter_impression",
        "wt.mc_id",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "oly_enc_id",
        "oly_anon_id",
        "amp",  # not tracking but the AMP-variant marker (``?amp=1``): the same article
    }
)
TRACKING_PREFIXES = ("utm_", "at_custom", "at_link", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MULTI_SLASH = re.compile(r"/{2,}")


def is_tracking(name: str, extra: Collection[str] = ()) -> bool:
    """True for a query parameter that never identifies an article: one of ``TRACKING_PARAMS``
    or ``TRACKING_PREFIXES``, or one of ``extra`` (a source's ``strip_params``: names, or
    prefixes ending in ``*``), all compared without letter case."""
    low = name.lower()
    if low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES):
        return True
    for e in extra:
        e = e.lower()
        if low == e or (e.endswith("*") and low.startswith(e[:-1])):
            return True
    return False


def _shown(url: str, limit: int = 200) -> str:
    """A URL for a one-line error message: repr (no raw newlines), cut when very long."""
    return repr(url if len(url) <= limit else url[:limit] + "...")


def join_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base`` as an absolute http(s) URL, or None when it is not
    one or cannot be parsed at all (a feed or page may carry any garbage in its links)."""
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def canonicalize_url(url: str, strip: Collection[str] = ()) -> str:
    """Return the identity form of an article URL; ``strip`` names more parameters to drop (a
    source's ``strip_params``).

    Raises ConfigError for something that is not an absolute http(s) URL.
    """
    raw = url.strip()
    try:
        parts = urlsplit(raw)
    except ValueError as exc:  # 'http://[oops' and friends: urllib refuses the host part
        raise ConfigError(f"invalid URL ({exc}): {_shown(url)}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"not an absolute http(s) URL: {_shown(url)}")
    host = parts.hostname.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"invalid port in URL: {_shown(url)}") from exc
    if any(ch.isspace() or not ch.isprintable() for ch in host):
        raise ConfigError(f"invalid host in URL: {_shown(url)}")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _MULTI_SLASH.sub("/", parts.path) or "/"
    # Re-quote consistently: %7E and ~ are the same article.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~")
    query_pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking(k, strip)
    ]
    query = urlencode(sorted(query_pairs), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_host(url: str) -> str:
    """Host of a URL, lower case, without a leading ``www.`` (for politeness and same-site checks)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on the same site, counting ``www.``/``m.``/``amp.`` hosts as one."""

    def site(u: str) -> str:
        h = url_host(u)
        for prefix in ("m.", "mobile.", "amp."):
            if h.startswith(prefix):
                h = h[len(prefix) :]
        return h

    return site(a) == site(b)


def identity_key(url: str, strip: Collection[str] = ()) -> str:
    """A looser key that also merges http/https and www/mobile host variants of one page.

    Used to look up an article by any variant a user pastes; storage keeps the exact canonical
    URL and this key as an alias. A non-default port stays in the key: two servers on one host
    (``127.0.0.1:56031`` and ``:32785``, a demo run twice) are two sites.
    """
    canon = canonicalize_url(url, strip)
    parts = urlsplit(canon)
    host = url_host(canon)
    for prefix in ("m.", "mobile.", "amp."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    if parts.port is not None:  # canonicalize_url already dropped the scheme's default port
        host = f"[{host}]:{parts.port}" if ":" in host else f"{host}:{parts.port}"
    path = parts.path
    if path.startswith("/amp/"):
        path = path[4:]
    if len(path) > 1:
        path = path.rstrip("/")
    if path.endswith("/amp"):
        path = path[:-4] or "/"
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


def is_homepage(url: str) -> bool:
    """A URL that points at a site's front page or a bare section (a redirect target that means
    'this article is gone')."""
    try:
        path = urlsplit(url).path.strip("/")
    except ValueError:
        return False
    return path == "" or path.lower() in {"index.html", "index.htm", "index.php", "home", "news"}
