"""Canonical links and redirects: when another URL still names the same article (pure policy)."""

from __future__ import annotations

import pytest

from redline.frontier.links import (
    is_section_of,
    judge_redirect,
    redirect_confirmed,
    same_story_page,
    story_slug,
    text_similarity,
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


BODY = (
    "The city council approved the budget on Tuesday after a long debate.\n\n"
    "Mayor Jane Alvarez called the vote a turning point for every district."
)


def test_text_similarity_folds_whitespace_and_scores_edits() -> None:
    assert text_similarity(BODY, " ".join(BODY.split())) == 1.0
    assert text_similarity(BODY, BODY.replace("Tuesday", "Wednesday")) > 0.9
    assert text_similarity(BODY, "A storm closed every school in the county today.") < 0.5
    assert text_similarity("", BODY) == 0.0


def test_same_story_page_by_slug_headline_or_body() -> None:
    old, new = (
        "https://n.example/world/budget-vote-1",
        "https://n.example/world/budget-vote-1-updated",
    )

    def same(*, title: str = "Other", text: str = "Something else entirely.") -> bool:
        return same_story_page(
            old,
            new,
            canonical=new,
            title=title,
            previous_title="Budget approved",
            text=text,
            previous_text=BODY,
            threshold=0.9,
        )

    assert same(title="Budget approved")  # the headline it had
    assert same(text=BODY.replace("Tuesday", "Wednesday"))  # headline rewritten, body alike
    assert not same()  # another story at a URL with a suffixed slug
    assert same_story_page(
        "https://n.example/a/12345678",
        "https://n.example/b/12345678-x",
        canonical=None,
        title=None,
        previous_title=None,
        text="",
        previous_text=None,
        threshold=0.9,
    )
