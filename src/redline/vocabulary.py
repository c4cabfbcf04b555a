"""Redline's words for what happens to an article: one StrEnum each, used by every stage.

A value is the string stored in the database and shown in JSON, so members compare equal to
their strings. docs/vocabulary.md is generated from these classes (``vocabulary_markdown``) and a
test keeps the two the same.
"""

from __future__ import annotations

import inspect
from enum import StrEnum


class Outcome(StrEnum):
    """What one check of an article found (``captures.outcome``)."""

    NEW_VERSION = "new_version"  # the page holds a new version of the article
    UNCHANGED = "unchanged"  # the same article (or only furniture changed: the reason says)
    NOT_MODIFIED = "not_modified"  # HTTP 304: the server says nothing changed
    SUSPECT = "suspect"  # an error page, a paywall or a shrunken body: never a version
    MISSING = "missing"  # 404 or 410, fewer times in a row than crawl.missing_checks_for_deletion
    ERROR = "error"  # the fetch or the extraction failed; checked again later
    REDIRECTED = "redirected"  # redirected away from the story (a section front, the homepage)
    MERGED = "merged"  # the same story as another tracked article: the two became one
    CONFLICT = "conflict"  # another worker stored the next version first; only the capture is kept


class ArticleStatus(StrEnum):
    """Where an article stands (``articles.status``)."""

    LIVE = "live"  # checked on its schedule
    DELETED = "deleted"  # 404 on crawl.missing_checks_for_deletion checks in a row (2)
    GONE = "gone"  # 410 on as many checks in a row
    REDIRECTED = "redirected"  # redirected away from the story; no further checks


class EventKind(StrEnum):
    """What the article timeline records besides versions (``events.kind``)."""

    FIRST_SEEN = "first_seen"  # discovered (the detail: the canonical URL, when it differs)
    DELETED = "deleted"  # removed: the article became deleted
    GONE = "gone"  # removed: the article became gone
    REDIRECTED = "redirected"  # removed by a redirect away (the detail: the target)
    SUSPECT = "suspect"  # a capture that looked wrong (the detail: why)
    RESTORED = "restored"  # back after deleted or gone
    MOVED = "moved"  # the story moved to a new URL; the old one is an alias now


class RemovalKind(StrEnum):
    """How an article stopped being there (the removal events): for readers each is a removal,
    in one stream and one feed, and what a subscription's ``--removals`` announces."""

    DELETED = "deleted"  # 404 on consecutive checks
    GONE = "gone"  # 410 on consecutive checks
    REDIRECTED = "redirected"  # sent to a section front, the homepage or another story


VOCABULARY = (Outcome, ArticleStatus, EventKind, RemovalKind)


def vocabulary_markdown() -> str:
    """docs/vocabulary.md: each enum as a table of its values and their meaning."""
    out = [
        "# Vocabulary",
        "",
        "Generated from `src/redline/vocabulary.py` (a test keeps them the same). The values",
        "are what the database stores and the JSON API and `--json` output show.",
    ]
    for enum in VOCABULARY:
        out += ["", f"## {enum.__name__}", "", inspect.getdoc(enum) or "", ""]
        out += ["| value | meaning |", "|---|---|"]
        notes = _comments(enum)
        out += [f"| `{m.value}` | {notes.get(m.name, '')} |" for m in enum]
    return "\n".join(out) + "\n"


def _comments(enum: type[StrEnum]) -> dict[str, str]:
    """The trailing comment of each member's line in the source."""
    out = {}
    for line in inspect.getsource(enum).splitlines():
        name, sep, rest = line.strip().partition(" = ")
        if sep and "#" in rest:
            out[name] = rest.split("#", 1)[1].strip()
    return out
