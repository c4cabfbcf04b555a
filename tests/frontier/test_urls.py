import pytest

from redline.errors import ConfigError
from redline.frontier.urls import canonicalize_url, identity_key, is_homepage, same_site


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        (
            "https://www.example.com/news/a.html?utm_source=rss&utm_medium=feed",
            "https://www.example.com/news/a.html",
        ),
        ("https://www.example.com/news/a.html#comments", "https://www.example.com/news/a.html"),
        ("HTTPS://WWW.Example.COM:443/news/a.html", "https://www.example.com/news/a.html"),
        ("http://example.com:80/a?fbclid=xyz&gclid=1", "http://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/story?id=123&utm_campaign=x", "https://example.com/story?id=123"),
        ("https://example.com//news//a.html", "https://example.com/news/a.html"),
        ("https://example.com/%7Euser/a", "https://example.com/~user/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
    ],
)
def test_canonicalize_strips_what_never_identifies_an_article(variant: str, canonical: str) -> None:
    assert canonicalize_url(variant) == canonical


@pytest.mark.parametrize(
    "bad", ["", "ftp://x.com/a", "/news/a.html", "javascript:alert(1)", "http://"]
)
def test_canonicalize_rejects_non_http_urls(bad: str) -> None:
    with pytest.raises(ConfigError):
        canonicalize_url(bad)


def test_identity_key_merges_scheme_www_mobile_and_amp_variants() -> None:
    base = identity_key("https://www.example.com/news/a.html")
    for v in (
        "http://example.com/news/a.html",
        "https://m.example.com/news/a.html?utm_source=x",
        "https://amp.example.com/news/a.html",
        "https://www.example.com/amp/news/a.html",
        "https://www.example.com/news/a.html/amp",
    ):
        assert identity_key(v) == base, v
    assert identity_key("https://www.example.com/news/b.html") != base


def test_identity_key_keeps_a_non_default_port() -> None:
    """Two servers on one host are two sites (a demo newsroom started twice on new ports)."""
    a = identity_key("http://127.0.0.1:56031/news/a.html")
    assert a == "127.0.0.1:56031/news/a.html"
    assert a != identity_key("http://127.0.0.1:32785/news/a.html")
    assert a != identity_key("http://127.0.0.1/news/a.html")
    assert identity_key("https://example.com:443/a") == identity_key("http://example.com:80/a")
    assert identity_key("http://[::1]:8080/a") == "[::1]:8080/a"


def test_same_site_and_homepage() -> None:
    assert same_site("https://www.bbc.co.uk/news/1", "https://bbc.co.uk/x")
    assert same_site("https://m.example.com/a", "https://example.com/b")
    assert not same_site("https://example.com/a", "https://example.org/a")
    assert is_homepage("https://example.com/")
    assert is_homepage("https://example.com/index.html")
    assert not is_homepage("https://example.com/news/2026/a.html")


@pytest.mark.parametrize(
    ("shared", "plain"),
    [
        (  # NYT share button
            "https://www.nytimes.com/2026/03/01/world/europe/talks.html?smid=tw-share",
            "https://www.nytimes.com/2026/03/01/world/europe/talks.html",
        ),
        (  # BBC RSS links
            "https://www.bbc.com/news/articles/c0www3qj7vyo?at_medium=RSS&at_campaign=KARANGA",
            "https://www.bbc.com/news/articles/c0www3qj7vyo",
        ),
        (
            "https://www.bbc.co.uk/news/world-68123456?at_link_origin=x&at_custom3=y&at_ptr_name=z",
            "https://www.bbc.co.uk/news/world-68123456",
        ),
        (
            "https://example.com/a?gbraid=1&wbraid=2&ref_src=twsrc&mc_cid=3&__twitter_impression=true",
            "https://example.com/a",
        ),
    ],
)
def test_tracking_parameters_of_real_outlets_are_removed(shared: str, plain: str) -> None:
    assert canonicalize_url(shared) == plain


def test_parameters_that_may_name_content_are_kept() -> None:
    assert canonicalize_url("https://e.com/story?cid=123") != canonicalize_url(
        "https://e.com/story?cid=456"
    )
    for name in ("source", "src", "share", "cid", "CMP", "ref", "at_section"):
        assert name in canonicalize_url(f"https://e.com/story?{name}=1"), name


def test_a_source_adds_its_own_tracking_parameters() -> None:
    guardian = "https://www.theguardian.com/world/2026/mar/01/talks-resume?CMP=share_btn_tw"
    assert canonicalize_url(guardian).endswith("?CMP=share_btn_tw")
    plain = "https://www.theguardian.com/world/2026/mar/01/talks-resume"
    assert canonicalize_url(guardian, strip=("CMP",)) == plain
    assert (
        canonicalize_url(guardian + "&INTCMP=x&page=2", strip=("cmp", "intcmp"))
        == plain + "?page=2"
    )
    assert canonicalize_url(plain + "?pgtype=a&pgnum=2", strip=("pg*",)) == plain
    assert identity_key(guardian, strip=("CMP",)) == identity_key(plain)
