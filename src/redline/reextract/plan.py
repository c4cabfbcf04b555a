"""Re-deriving one article's history with today's extractor: a pure plan over its versions.

Each stored version whose raw page is kept is extracted again with today's rules. Walking them
oldest first, a version whose new content is the one kept before it (or differs from it only by
furniture: ``redline.furniture.compare``) collapses into it, exactly as a fresh crawl with
today's extractor would have recorded that capture as ``unchanged``. The others are kept and
renumbered 1..n, so version numbers stay contiguous (see docs/extraction.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redline.extract import ExtractRules
from redline.furniture.compare import SAME_CONTENT, Body, collapses
from redline.furniture.policy import FurniturePolicy


@dataclass(frozen=True)
class Derived:
    """One stored version seen again: its content today and the page it came from."""

    version_id: int
    number: int
    body: Body
    extractor: str
    html: str | None  # None: no raw page or it no longer extracts (the version keeps its content)


@dataclass(frozen=True)
class Kept:
    version_id: int
    old_number: int
    number: int
    body: Body
    extractor: str


@dataclass(frozen=True)
class Collapsed:
    version_id: int
    old_number: int
    into: int  # the new number of the version it collapses into
    reason: str


@dataclass(frozen=True)
class HistoryPlan:
    kept: tuple[Kept, ...]
    collapsed: tuple[Collapsed, ...]
    rewritten: int  # kept versions whose content or number changes

    @property
    def changes_anything(self) -> bool:
        return bool(self.collapsed) or self.rewritten > 0


def plan_history(
    derived: Sequence[Derived],
    stored: Sequence[tuple[Body, str]],
    *,
    rules: ExtractRules | None,
    policy: FurniturePolicy,
) -> HistoryPlan:
    """Which versions stay (with their new content and number) and which collapse.

    ``stored`` is each version's stored (body, extractor), in the same order as ``derived``."""
    kept: list[Kept] = []
    collapsed: list[Collapsed] = []
    kept_html: list[str | None] = []
    rewritten = 0
    for d, (old_body, old_extractor) in zip(derived, stored, strict=True):
        if kept:
            prev = kept[-1]
            found = collapses(
                prev.body,
                d.body,
                rules=rules,
                policy=policy,
                html=d.html,
                before_html=kept_html[-1],
                earlier=kept[-2].body.paragraphs if len(kept) > 1 else (),
            )
            if found is not None:
                same = found.reason == SAME_CONTENT
                reason = f"same as version {prev.number}" if same else found.reason
                collapsed.append(Collapsed(d.version_id, d.number, prev.number, reason))
                continue
        k = Kept(d.version_id, d.number, len(kept) + 1, d.body, d.extractor)
        if k.number != d.number or d.body != old_body or d.extractor != old_extractor:
            rewritten += 1
        kept.append(k)
        kept_html.append(d.html)
    return HistoryPlan(tuple(kept), tuple(collapsed), rewritten)
