from redline.versions.policy import content_hash, judge
from redline.vocabulary import Outcome

BODY = [
    f"Paragraph {i} of a long article about the budget with many words in it." for i in range(20)
]
WORDS = sum(len(p.split()) for p in BODY)


def test_first_good_capture_is_a_version() -> None:
    assert (
        judge(
            title="Budget passes",
            byline=None,
            paragraphs=BODY,
            previous_hash=None,
            previous_words=None,
        ).outcome
        == "new_version"
    )


def test_same_content_is_unchanged_and_any_real_edit_is_new() -> None:
    h = content_hash("Budget passes", "By A", BODY)
    assert (
        judge(
            title="Budget passes",
            byline="By A",
            paragraphs=BODY,
            previous_hash=h,
            previous_words=WORDS,
        ).outcome
        == "unchanged"
    )
    assert (
        judge(
            title="Budget fails",
            byline="By A",
            paragraphs=BODY,
            previous_hash=h,
            previous_words=WORDS,
        ).outcome
        == "new_version"
    )
    assert (
        judge(
            title="Budget passes",
            byline="By B",
            paragraphs=BODY,
            previous_hash=h,
            previous_words=WORDS,
        ).outcome
        == "new_version"
    )
    edited = [*BODY[:-1], BODY[-1] + " More."]
    assert (
        judge(
            title="Budget passes",
            byline="By A",
            paragraphs=edited,
            previous_hash=h,
            previous_words=WORDS,
        ).outcome
        == "new_version"
    )


def test_paywall_teaser_and_shrunk_page_are_suspect() -> None:
    h = content_hash("T", None, BODY)
    teaser = [BODY[0], "Subscribe to continue reading this story and many more."]
    v = judge(
        title="T", byline=None, paragraphs=teaser + BODY[1:3], previous_hash=h, previous_words=WORDS
    )
    assert (v.outcome, v.reason) == ("suspect", "paywall")
    v = judge(title="T", byline=None, paragraphs=BODY[:3], previous_hash=h, previous_words=WORDS)
    assert (v.outcome, v.reason) == ("suspect", "shrunk")


def test_error_page_and_empty_extraction_are_suspect() -> None:
    v = judge(
        title="404 Page not found",
        byline=None,
        paragraphs=["Sorry, we could not find that page."],
        previous_hash=None,
        previous_words=None,
    )
    assert (v.outcome, v.reason) == ("suspect", "error_page")
    v = judge(
        title="Fine title", byline=None, paragraphs=[], previous_hash=None, previous_words=None
    )
    assert (v.outcome, v.reason) == ("suspect", "empty")


def test_a_short_article_may_still_grow_normally() -> None:
    short = BODY[:4]
    h = content_hash("T", None, short)
    assert (
        judge(title="T", byline=None, paragraphs=BODY, previous_hash=h, previous_words=40).outcome
        == "new_version"
    )


def test_content_hash_counts_the_standfirst_only_when_there_is_one() -> None:
    """Hashes stored before the standfirst was a field stay valid: no standfirst, same hash."""
    import hashlib

    old_way = hashlib.sha256()
    for part in ("T", "", *BODY):
        old_way.update(part.encode() + b"\x00")
    assert content_hash("T", None, BODY) == old_way.hexdigest()
    assert (
        content_hash("T", None, BODY, None)
        == content_hash("T", None, BODY, "")
        == old_way.hexdigest()
    )
    with_dek = content_hash("T", None, BODY, "A dek")
    assert with_dek != old_way.hexdigest() != content_hash("T", None, BODY, "Another dek")
    v = judge(
        title="T",
        byline=None,
        paragraphs=BODY,
        standfirst="A dek",
        previous_hash=with_dek,
        previous_words=WORDS,
    )
    assert v.outcome == Outcome.UNCHANGED
    v = judge(
        title="T",
        byline=None,
        paragraphs=BODY,
        standfirst="New dek",
        previous_hash=with_dek,
        previous_words=WORDS,
    )
    assert v.outcome == Outcome.NEW_VERSION


def test_content_hash_counts_the_lead_caption_only_when_there_is_one() -> None:
    """Hashes stored before the lead caption was a field stay valid; a corrected caption is a
    new version, the same caption is not."""
    plain = content_hash("T", None, BODY, "A dek")
    assert content_hash("T", None, BODY, "A dek", None) == plain
    assert content_hash("T", None, BODY, "A dek", "") == plain
    assert content_hash("T", None, BODY, None, "A caption") != content_hash(
        "T", None, BODY, "A caption"
    )  # a caption is not a standfirst with the same words
    stored = content_hash("T", None, BODY, None, "Smith at the summit")
    for caption, outcome in (
        ("Smith at the summit", Outcome.UNCHANGED),
        ("Jones at the summit", Outcome.NEW_VERSION),
    ):
        v = judge(
            title="T",
            byline=None,
            paragraphs=BODY,
            lead_caption=caption,
            previous_hash=stored,
            previous_words=WORDS,
        )
        assert v.outcome == outcome
