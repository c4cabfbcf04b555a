"""What extraction returns: exactly what Redline stores for a version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class ExtractRules:
    """Per-source rules, tried before anything else; the learned ones come from other articles.

    `drop` (sources file `exclude_selectors`) and `keep` (`keep_selectors`) are CSS selectors:
    dropped elements never reach the body, kept ones are never taken for furniture.
    `furniture_texts` and `teaser_titles` hold `furniture_key()`s: block texts known to be this
    source's template furniture, and the headlines of its other tracked articles. `slots` are
    the template places (tag/class paths) where such furniture was seen.
    """

    title: str | None = None
    byline: str | None = None
    body: str | None = None
    standfirst: str | None = None  # the dek/subtitle under the headline (extract/standfirst.py)
    drop: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    furniture_texts: frozenset[str] = frozenset()
    teaser_titles: frozenset[str] = frozenset()
    slots: frozenset[str] = frozenset()  # learned template slots (extract/slots.py)


class DropReason(StrEnum):
    """Why a block was kept out of the body (each rule that fires is counted by learning)."""

    SELECTOR = "selector"  # an exclude selector of the source
    LINK_DENSE = "link_dense"  # mostly links to other pages of the site
    TEASER_LABEL = "teaser_label"  # 'Read more: …', '[Related: …]', 'Leia também …'
    BOILERPLATE_PHRASE = "boilerplate_phrase"  # follow/subscribe/share/comments/credit lines
    LEARNED_SLOT = "learned_slot"  # sits where the source's known furniture sat
    LEARNED_TEXT = "learned_text"  # in the source's learned (or pinned) furniture_texts
    TEASER_TITLE = "teaser_title"  # the headline of another tracked article of the source
    BYLINE = "byline"  # a 'By …' line: the byline is a field, not body text
    BOX_NAME = "box_name"  # a share or tag box, by its class or id
    METADATA = "metadata"  # a dateline or byline block (a <time> or an author link in it)
    FORM_BOX = "form_box"  # a short block around a form: newsletter sign-up, search box


@dataclass(frozen=True)
class Dropped:
    text: str
    reason: DropReason
    rule: str = ""  # the learned slot that dropped it (LEARNED_SLOT), so it is counted


@dataclass(frozen=True)
class Extraction:
    title: str
    byline: str | None
    published: datetime | None
    modified: datetime | None
    paragraphs: tuple[str, ...]
    method: str  # which step gave the body: rules | jsonld | trafilatura
    canonical_url: str | None
    language: str | None = None
    title_method: str = ""
    dropped: tuple[Dropped, ...] = ()  # what was kept out of the body, and why
    standfirst: str | None = None  # the dek under the headline: a field, not body text
    lead_caption: str | None = None  # the caption of the photo above the story: a field too

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "byline": self.byline,
            "standfirst": self.standfirst,
            "lead_caption": self.lead_caption,
            "published": self.published.isoformat() if self.published else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "canonical_url": self.canonical_url,
            "language": self.language,
            "method": self.method,
            "title_method": self.title_method,
            "paragraphs": list(self.paragraphs),
            "text": self.text,
        }
