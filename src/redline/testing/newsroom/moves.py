"""Stories that move to a new URL with a suffix (``/news/…/slug-3`` → ``/news/…/slug-3-updated``),
as a CMS does when an editor retitles a story: the old URL 301s to the new one.

``rename``: nothing links the new URL, so the crawler first meets it through the old URL's
redirect. ``rename_listed``: the homepage links the new URL at once, so the crawler usually
tracks it as a new record (a fresh v1, its canonical link its own URL) before it checks the old
URL, and the two records must merge. Kept apart from ``state`` and ``site`` so the newsroom's
other behaviours stay as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.testing.newsroom.state import Article, Newsroom

MOVE_EDITS = frozenset({"rename", "rename_listed"})
SUFFIX = "-updated"


def apply_move(room: Newsroom, art: Article, kind: str) -> None:
    """The story moves to ``<slug>-updated``; its old path now redirects there."""
    new_slug = art.slug + SUFFIX
    art.moved_to = room.article_path(art.slug).replace(f"/{art.slug}.html", f"/{new_slug}.html")
    room.renamed[new_slug] = art.slug
    if kind == "rename_listed":
        room.listed_moves.add(art.slug)
    art.edits.append(kind)


def renamed_article(room: Newsroom, slug: str) -> Article | None:
    """The article now served under the renamed ``slug`` (``<old slug>-updated``), if any."""
    old = room.renamed.get(slug)
    return room.by_slug.get(old) if old else None


def homepage_path(room: Newsroom, art: Article) -> str:
    """Where the homepage links ``art``: its new URL once a listed move happened."""
    if art.slug in room.listed_moves and art.moved_to:
        return art.moved_to
    return room.article_path(art.slug)
