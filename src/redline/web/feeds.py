"""Atom feeds of changes: global (with the front page's filters), headline changes only,
per source and per article. Each entry carries the one-line summary and a link to the diff.

Built with lxml, so every feed is well-formed XML whatever the article text contains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from lxml import etree
from markupsafe import escape

from redline.storage import RemovalKind
from redline.storage.browse import (
    StreamEntry,
    StreamFilter,
    find_source,
    recent_changes,
    stream_state,
)
from redline.storage.browse.stream import data_revision
from redline.web.conditional import respond, validator
from redline.web.deps import (
    MAX_ID,
    now_of,
    parse_level,
    parse_source,
    public_base,
    store_of,
    stream_filter,
)
from redline.web.errors import not_found
from redline.web.shapes import diff_path
from redline.web.templating import class_label
from redline.web.wording import removal_label

router = APIRouter(include_in_schema=False)

ATOM_NS = "http://www.w3.org/2005/Atom"
ENTRIES = 50
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: str | None) -> str:
    """Text safe for XML 1.0 (control characters dropped)."""
    return _XML_ILLEGAL.sub("", text or "")


def _entry_title(e: StreamEntry) -> str:
    title = e.title or e.article_url
    if e.kind != "change":
        return f"{removal_label(e.kind, e.detail)}: {title}"
    if e.headline_changed and e.old_title:
        return f"Headline changed: {e.old_title} → {title}"
    return title


def _entry_html(e: StreamEntry, base: str) -> str:
    article = f"{base}articles/{e.article_id}"
    if e.kind != "change" or e.number is None:
        how = removal_label(e.kind, e.detail)
        target = (
            f'<p>It now leads to <a href="{escape(e.detail)}">{escape(e.detail)}</a>.</p>'
            if e.kind == RemovalKind.REDIRECTED and e.detail
            else f"<p>{escape(e.detail or '')}</p>"
        )
        return (
            f"<p>The article was removed: {escape(how)}.</p>{target}"
            f'<p><a href="{escape(article)}">History</a> · <a href="{escape(e.article_url)}">Original</a></p>'
        )
    diff = base + diff_path(e.article_id, e.number - 1, e.number).lstrip("/")
    parts = [f"<p><strong>{escape(e.summary or '')}</strong></p>"]
    if e.headline_changed and e.old_title:
        parts.append(
            f"<p>Headline: <del>{escape(e.old_title)}</del> → <ins>{escape(e.title or '')}</ins></p>"
        )
    if "standfirst" in e.classes and (e.old_standfirst or e.standfirst):
        parts.append(
            f"<p>Standfirst: <del>{escape(e.old_standfirst or '')}</del> → "
            f"<ins>{escape(e.standfirst or '')}</ins></p>"
        )
    if "lead_caption" in e.classes and (e.old_lead_caption or e.lead_caption):
        parts.append(
            f"<p>Photo caption: <del>{escape(e.old_lead_caption or '')}</del> → "
            f"<ins>{escape(e.lead_caption or '')}</ins></p>"
        )
    labels = ", ".join(class_label(c) for c in e.classes)
    stealth = " · no correction or update note" if e.stealth else ""
    parts.append(f"<p>Level: {escape(e.level or '')}{escape(stealth)}. {escape(labels)}</p>")
    parts.append(
        f'<p><a href="{escape(diff)}">See the changes (version {e.number - 1} → {e.number})</a>'
        f' · <a href="{escape(article)}">History</a> · <a href="{escape(e.article_url)}">Original</a></p>'
    )
    return "".join(parts)


def atom(
    request: Request,
    *,
    title: str,
    alternate: str,
    entries: Sequence[StreamEntry],
    updated: datetime,
) -> Response:
    base = public_base(request)[0]
    query = request.url.query
    self_url = base + request.url.path.lstrip("/") + (f"?{query}" if query else "")
    E = etree.Element
    feed = E(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})

    def sub(
        parent: etree._Element, tag: str, text: str | None = None, **attrs: str
    ) -> etree._Element:
        el = etree.SubElement(
            parent, f"{{{ATOM_NS}}}{tag}", {k: clean(v) for k, v in attrs.items()}
        )
        if text is not None:
            el.text = clean(text)
        return el

    sub(feed, "title", clean(title))
    sub(feed, "id", self_url)
    sub(feed, "updated", (entries[0].at if entries else updated).isoformat())
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=base + alternate.lstrip("/"))
    sub(sub(feed, "author"), "name", "Redline")
    sub(feed, "generator", "Redline")
    for e in entries:
        entry = sub(feed, "entry")
        if e.kind == "change" and e.number is not None:
            link = base + diff_path(e.article_id, e.number - 1, e.number).lstrip("/")
            eid = f"urn:redline:article:{e.article_id}:version:{e.number}"
        else:
            link = f"{base}articles/{e.article_id}"
            eid = f"urn:redline:article:{e.article_id}:event:{e.cursor.id}"
        sub(entry, "id", eid)
        sub(entry, "title", _entry_title(e))
        sub(entry, "updated", e.at.isoformat())
        sub(entry, "link", rel="alternate", type="text/html", href=link)
        if e.source:
            sub(entry, "category", term=e.source)
        for c in e.classes:
            sub(entry, "category", term=c, label=class_label(c))
        sub(entry, "summary", e.summary or _entry_title(e))
        sub(entry, "content", _entry_html(e, base), type="html")
    body = etree.tostring(feed, xml_declaration=True, encoding="utf-8")
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _cache(configured: bool) -> str:
    """Shared caches may keep a feed only when its links come from the configured address."""
    return f"{'public' if configured else 'private'}, max-age=60"


def _answer(
    request: Request,
    state: tuple[object, ...],
    updated: datetime | None,
    build: Callable[[], Response],
) -> Response:
    """A 304, the kept rendering, or ``build()`` (the validator covers the base URL too)."""
    v = validator(request, *state, updated=updated)
    return respond(request, v, build, _cache(public_base(request)[1]))


@router.get("/feeds/changes.atom")
def changes_feed(
    request: Request,
    source: str | None = None,
    level: str | None = None,
    klass: Annotated[str | None, Query(alias="class")] = None,
) -> Response:
    store = store_of(request)
    state = stream_state(store)

    def build() -> Response:
        f, src = stream_filter(store, source=source, level=level, klass=klass)
        page = recent_changes(store, f, limit=ENTRIES)
        title = "Redline: changes" + (f" at {src.name}" if src else "")
        if f.klass:
            title += f" ({class_label(f.klass)})"
        return atom(
            request,
            title=title,
            alternate="/",
            entries=page.items,
            updated=state.updated or now_of(request),
        )

    return _answer(request, (state.token,), state.updated, build)


@router.get("/feeds/headlines.atom")
def headlines_feed(request: Request, source: str | None = None) -> Response:
    store = store_of(request)
    state = stream_state(store)

    def build() -> Response:
        src = parse_source(store, source)
        f = StreamFilter(source_id=src.id if src else None, min_level="cosmetic", klass="headline")
        page = recent_changes(store, f, limit=ENTRIES)
        return atom(
            request,
            title="Redline: headline changes",
            alternate="/?class=headline",
            entries=page.items,
            updated=state.updated or now_of(request),
        )

    return _answer(request, (state.token,), state.updated, build)


@router.get("/feeds/sources/{name}.atom")
def source_feed(request: Request, name: str, level: str | None = None) -> Response:
    store = store_of(request)
    state = stream_state(store)

    def build() -> Response:
        src = find_source(store, name[:64])
        if src is None:
            raise not_found(f"no source named {name[:64]!r}")
        f = StreamFilter(source_id=src.id, min_level=parse_level(level))
        page = recent_changes(store, f, limit=ENTRIES)
        return atom(
            request,
            title=f"Redline: {src.name}",
            alternate=f"/?source={src.name}",
            entries=page.items,
            updated=state.updated or now_of(request),
        )

    return _answer(request, (state.token,), state.updated, build)


@router.get("/feeds/articles/{article_id}.atom")
def article_feed(request: Request, article_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    store = store_of(request)
    art = store.get_article(article_id)  # ArticleNotFound → 404
    state = (
        art.version_count,
        art.status,
        art.title,
        art.url,
        art.check_count,
        data_revision(store),
    )

    def build() -> Response:
        page = recent_changes(
            store, StreamFilter(article_id=art.id, min_level="none"), limit=ENTRIES
        )
        return atom(
            request,
            title=f"Redline: {art.title or art.url}",
            alternate=f"/articles/{art.id}",
            entries=page.items,
            updated=art.first_seen,
        )

    return _answer(request, state, art.last_changed, build)
