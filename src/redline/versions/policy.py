"""Pure rules that turn an extraction into a verdict: new version, unchanged, or suspect.

A version is a real content change of title, byline, standfirst, lead image caption or normalised
body. A capture that looks like an error page, an empty extraction or a paywall teaser is
*suspect*: recorded as a capture, never as a version, so the next good fetch carries on from the
last real version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from redline.settings import CrawlSettings
from redline.vocabulary import Outcome

_PAYWALL = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|to continue reading|already a subscriber"
    r"|subscribers? only|this (?:article|content|story) is (?:only )?(?:available|for) (?:to )?subscribers"
    r"|sign in to (?:continue|read)|create a free account to (?:continue|read)|unlock (?:this|the full) (?:article|story)"
    r"|you have reached your (?:free )?(?:article )?limit|become a (?:member|subscriber) to read",
    re.IGNORECASE,
)
_ERROR_TITLE = re.compile(
    r"\b(?:404|410|500|502|503)\b|page not found|not found|access denied|service unavailable"
    r"|temporarily unavailable|something went wrong|an error occurred|just a moment",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome  # NEW_VERSION, UNCHANGED or SUSPECT
    reason: str | None = None


class Reading(Protocol):
    """What a version is made of, as an extraction, a stored version and a compared body all
    carry it."""

    @property
    def title(self) -> str: ...
    @property
    def byline(self) -> str | None: ...
    @property
    def paragraphs(self) -> tuple[str, ...]: ...
    @property
    def standfirst(self) -> str | None: ...
    @property
    def lead_caption(self) -> str | None: ...


def hash_of(r: Reading) -> str:
    """``content_hash`` of everything a reading holds."""
    return content_hash(r.title, r.byline, r.paragraphs, r.standfirst, r.lead_caption)


def content_hash(
    title: str,
    byline: str | None,
    paragraphs: Sequence[str],
    standfirst: str | None = None,
    lead_caption: str | None = None,
) -> str:
    """What makes two versions the same: title, byline, standfirst, lead image caption and
    normalised body, nothing else. The standfirst and the lead caption count only when there is
    one, so every hash stored before they existed (and every version of a page without them)
    hashes as it always did."""
    h = hashlib.sha256()
    for part in (title, byline or "", *paragraphs):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    if standfirst:
        h.update(b"\x01standfirst\x00")
        h.update(standfirst.encode("utf-8"))
    if lead_caption:
        h.update(b"\x01lead_caption\x00")
        h.update(lead_caption.encode("utf-8"))
    return h.hexdigest()


def _words(paragraphs: Sequence[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def judge(
    *,
    title: str,
    byline: str | None,
    paragraphs: Sequence[str],
    previous_hash: str | None,
    previous_words: int | None,
    settings: CrawlSettings | None = None,
    standfirst: str | None = None,
    lead_caption: str | None = None,
) -> Verdict:
    """Decide what a successfully extracted capture is, given the latest version (if any)."""
    s = settings or CrawlSettings()
    words = _words(paragraphs)
    text = "\n".join(paragraphs)
    if words < s.min_words:
        reason = "error_page" if _ERROR_TITLE.search(title or "") else "empty"
        return Verdict(Outcome.SUSPECT, reason)
    if _ERROR_TITLE.search(title or "") and (
        previous_words is None or words < previous_words * s.error_page_ratio
    ):
        return Verdict(Outcome.SUSPECT, "error_page")
    has_paywall = bool(_PAYWALL.search(text))
    if previous_words:
        if has_paywall and words < previous_words * s.paywall_ratio:
            return Verdict(Outcome.SUSPECT, "paywall")
        if previous_words >= s.shrink_min_words and words < previous_words * s.shrink_ratio:
            return Verdict(Outcome.SUSPECT, "shrunk")
    elif has_paywall and words < s.shrink_min_words:
        return Verdict(Outcome.SUSPECT, "paywall")
    if (
        previous_hash is not None
        and content_hash(title, byline, paragraphs, standfirst, lead_caption) == previous_hash
    ):
        return Verdict(Outcome.UNCHANGED)
    return Verdict(Outcome.NEW_VERSION)
