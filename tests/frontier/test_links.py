"""Canonical links and redirects: when another URL still names the same article (pure policy)."""

from __future__ import annotations

import pytest

from redline.frontier.links import (
    is_section_of,
    judge_redirect,
    redirect_confirmed,
    story_slug,
    usable_canonical,
)

ART = "https://www.example.com/news/2026/03/budget-approved.html"


@pytest.mark.parametrize(
    "canonical",
    [
        None,
        "",
        "/",
        "https://example.com/",
        "https://www.example.com/index.html",
        "https://www.example.com/news/",
        "https://www.example.com/news/2026/",
        "https://www.example.com/front",  # the source's homepage
        "https://syndication.other.org/news/2026/03/budget-approved.html",
        ART + "?utm_source=x",  # itself
        "http://[oops",
    ],
)
def test_canonicals_that_are_ignored(canonical: str | None) -> None:
    full = (
        canonical if not canonical or "://" in canonical else "https://www.example.com" + canonical
    )
    assert usable_canonical(ART, full, homepages=["https://www.example.com/front"]) is None


def test_a_canonical_naming_another_page_of_the_site_is_used() -> None:
    assert usable_canonical(ART, "https://m.example.com/news/budget-approved") == (
        "https://m.example.com/news/budget-approved"
    )
    assert usable_canonical(ART, "https://www.example.com/world/other-story.html") is not None


def test_story_slug_and_sections() -> None:
    assert story_slug(ART) == "budget-approved"
    assert story_slug("https://x.com/2026/01/a-story/amp/") == "a-story"
    assert story_slug("https://x.com/") is None
    assert is_section_of("https://x.com/news/", ART.replace("www.example.com", "x.com"))
    assert not is_section_of(ART, ART)


@pytest.mark.parametrize(
    ("target", "other", "verdict"),
    [
        ("https://www.example.com/", False, "away"),
        ("https://www.example.com/news/", False, "away"),
        ("https://www.example.com/front", False, "away"),
        ("https://www.example.com/news/2026/03/other-story.html", True, "away"),
        ("https://www.example.com/archive/budget-approved.html", False, "moved"),
        ("https://www.example.org/news/2026/03/budget-approved", False, "moved"),
        ("https://www.example.com/news/2026/03/other-story.html", False, "undecided"),
    ],
)
def test_judge_redirect(target: str, other: bool, verdict: str) -> None:
    got = judge_redirect(
        ART, target, target_is_other_article=other, homepages=["https://www.example.com/front"]
    )
    assert got == verdict


def test_redirect_by_story_id_and_by_the_page() -> None:
    bbc = "https://www.bbc.co.uk/news/world-europe-68123456"
    assert (
        judge_redirect(
            bbc, "https://www.bbc.com/news/articles/68123456", target_is_other_article=False
        )
        == "moved"
    )
    assert redirect_confirmed(ART, ART, title=None, previous_title=None)
    assert redirect_confirmed(ART, None, title="Budget  approved", previous_title="Budget approved")
    assert not redirect_confirmed(
        ART,
        "https://www.example.com/news/other.html",
        title="Other",
        previous_title="Budget approved",
    )
