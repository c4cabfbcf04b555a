"""The JSON API, versioned under /api/v1. Shapes come from redline.serialize and web.shapes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from redline.diff import DIFF_ENGINE_VERSION
from redline.errors import ConfigError
from redline.frontier.urls import canonicalize_url
from redline.serialize import article_json, event_json, history_json, source_json, version_json
from redline.storage.browse import (
    ARTICLE_STATUSES,
    SearchQuery,
    change_of_version,
    find_source,
    list_articles,
    recent_changes,
    search,
    source_summaries,
    version_timeline,
)
from redline.storage.browse.articles import articles_state
from redline.storage.browse.stream import data_revision, stream_state
from redline.storage.records import ArticleRow
from redline.web import schemas
from redline.web.conditional import article_state, headers, not_modified, validator
from redline.web.deps import (
    MAX_ID,
    bad_param,
    now_of,
    parse_cursor,
    parse_int_cursor,
    parse_source,
    store_of,
    stream_filter,
)
from redline.web.errors import not_found
from redline.web.shapes import entry_json, search_json, version_meta_json
from redline.web.tracking import source_for_url
from redline.web.views import diff_view
from redline.web.wording import changed_since, snippet

router = APIRouter(prefix="/api/v1", tags=["v1"])

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="Numeric id")]
Number = Annotated[
    int,
    Path(
        ge=-MAX_ID, le=MAX_ID, description="Version number (1 = first tracked; 0, -1 ... archived)"
    ),
]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Before = Annotated[
    str | None, Query(description="The `next` value of the previous page", max_length=64)
]
SourceQ = Annotated[str | None, Query(description="Only this source (name)", max_length=64)]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown id"},
    422: {"description": "Bad parameter"},
}


def _article(request: Request, article_id: int) -> ArticleRow:
    return store_of(request).get_article(article_id)  # ArticleNotFound → 404


def _summaries(request: Request) -> dict[int, dict[str, int]]:
    since = changed_since(now_of(request))
    return {
        s.source.id: {"articles": s.articles, "changed": s.changed, "deleted": s.deleted}
        for s in source_summaries(store_of(request), since)
    }


@router.get(
    "/sources",
    summary="Sources with counts",
    response_model=schemas.SourceList,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def sources(request: Request, response: Response) -> Any:
    """Every configured source with `stats`: articles tracked, articles with a non-cosmetic
    change in the last 24 hours, articles now removed (deleted, gone or redirected)."""
    store = store_of(request)
    v = validator(request, stream_state(store).token, *articles_state(store), per_minute=True)
    if (cached := not_modified(request, v)) is not None:
        return cached
    response.headers.update(headers(v))
    stats = _summaries(request)
    rows = store_of(request).list_sources()
    # every list has `next` (docs/api.md); sources and versions always fit on one page
    items = [source_json(r.config, stats.get(r.id), paused=r.paused) for r in rows]
    return {"items": items, "next": None}


@router.get(
    "/sources/{name}",
    summary="One source",
    response_model=schemas.Source,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def source(request: Request, name: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    src = find_source(store_of(request), name)
    if src is None:
        raise not_found(f"no source named {name!r}")
    return source_json(src.config, _summaries(request).get(src.id), paused=src.paused)


@router.get(
    "/changes",
    summary="Recent changes and removals",
    response_model=schemas.ChangeList,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def changes(
    request: Request,
    source: SourceQ = None,
    level: Annotated[
        str | None,
        Query(description="Minimum level: none, cosmetic, minor (default), substantive, major"),
    ] = None,
    klass: Annotated[
        str | None,
        Query(
            alias="class",
            description="headline, stealth, deleted, or a change class (correction, number, quote ...)",
        ),
    ] = None,
    before: Before = None,
    limit: Limit = 50,
    *,
    response: Response,
) -> Any:
    """Newest first across all sources: each new version's change (level, classes, summary,
    old and new headline) and each deletion. Cosmetic changes are left out unless
    `level=cosmetic`."""
    store = store_of(request)
    state = stream_state(store)
    v = validator(request, state.token, updated=state.updated)
    if (cached := not_modified(request, v)) is not None:
        return cached
    response.headers.update(headers(v))
    f, _ = stream_filter(store, source=source, level=level, klass=klass)
    page = recent_changes(store, f, before=parse_cursor(before), limit=limit)
    return {
        "items": [entry_json(e) for e in page.items],
        "next": page.next.encode() if page.next else None,
    }


@router.get(
    "/articles",
    summary="Articles",
    response_model=schemas.ArticleList,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def articles(
    request: Request,
    source: SourceQ = None,
    status: Annotated[str | None, Query(description="live, deleted, gone or redirected")] = None,
    changed: Annotated[bool, Query(description="Only articles with more than one version")] = False,
    order: Annotated[str, Query(description="first_seen (default) or last_changed")] = "first_seen",
    before: Before = None,
    limit: Limit = 50,
    *,
    response: Response,
) -> Any:
    store = store_of(request)
    v = validator(request, *articles_state(store))
    if (cached := not_modified(request, v)) is not None:
        return cached
    response.headers.update(headers(v))
    src = parse_source(store, source)
    if status not in (None, "", *ARTICLE_STATUSES):
        raise bad_param(f"status: must be one of {', '.join(ARTICLE_STATUSES)}")
    if order not in ("first_seen", "last_changed"):
        raise bad_param("order: must be first_seen or last_changed")
    page = list_articles(
        store,
        source_id=src.id if src else None,
        status=status or None,
        changed=changed,
        order=order,
        before=parse_cursor(before),
        limit=limit,
    )
    return {
        "items": [article_json(a) for a in page.items],
        "next": page.next.encode() if page.next else None,
    }


@router.get(
    "/articles/lookup",
    summary="Find an article by any URL variant",
    response_model=schemas.Article,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def lookup(request: Request, url: Annotated[str, Query(max_length=4000)]) -> dict[str, Any]:
    """Tracking parameters, http/https, `www.`/mobile hosts and AMP paths all lead to the same
    article. 404 when no variant is tracked; the error then says whether a configured source
    covers the site."""
    store = store_of(request)
    try:
        canonicalize_url(url)
    except ConfigError as exc:
        raise bad_param(f"url: {exc}") from exc
    art = store.find_article(url)
    if art is None:
        src = source_for_url(store.list_sources(), url)
        hint = f"; its site belongs to source {src.name!r}" if src else ""
        raise not_found(f"no tracked article for {url}{hint}")
    return article_json(art)


@router.get(
    "/articles/{article_id}",
    summary="An article with its versions and events",
    response_model=schemas.ArticleDetail,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def article(request: Request, article_id: Id, response: Response) -> Any:
    """The article, each version's metadata and change (no text), and its events."""
    store = store_of(request)
    art = _article(request, article_id)
    v = validator(
        request,
        *article_state(art),
        DIFF_ENGINE_VERSION,
        data_revision(store),
        updated=art.last_checked,
    )
    if (cached := not_modified(request, v)) is not None:
        return cached
    response.headers.update(headers(v))
    timeline = version_timeline(store, art.id)
    return {
        **article_json(art),
        "standfirst": timeline[-1].standfirst if timeline else None,
        "lead_caption": timeline[-1].lead_caption if timeline else None,
        "versions": [version_meta_json(v) for v in timeline],
        "events": [event_json(e) for e in store.events(art.id)],
    }


@router.get(
    "/articles/{article_id}/history",
    summary="Full history, texts included",
    response_model=schemas.History,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def history(request: Request, article_id: Id) -> dict[str, Any]:
    """The same shape as `redline history --json`: every version with its full text."""
    store = store_of(request)
    art = _article(request, article_id)
    return history_json(
        art,
        store.versions(art.id),
        store.changes(art.id),
        store.events(art.id),
        store.provenance(art.id),
    )


@router.get(
    "/articles/{article_id}/versions",
    summary="An article's versions",
    response_model=schemas.VersionList,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def versions(request: Request, article_id: Id, response: Response) -> Any:
    art = _article(request, article_id)
    v = validator(
        request,
        art.version_count,
        DIFF_ENGINE_VERSION,
        data_revision(store_of(request)),
        updated=art.last_changed,
    )
    if (cached := not_modified(request, v)) is not None:
        return cached
    response.headers.update(headers(v))
    items = [version_meta_json(v) for v in version_timeline(store_of(request), art.id)]
    return {"items": items, "next": None}


@router.get(
    "/articles/{article_id}/versions/{number}",
    summary="One version with its text",
    response_model=schemas.Version,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def version(request: Request, article_id: Id, number: Number) -> dict[str, Any]:
    store = store_of(request)
    v = store.version(_article(request, article_id).id, number)  # ArticleNotFound → 404
    return version_json(v, change_of_version(store, v.id), store.provenance(v.article_id).get(v.id))


@router.get(
    "/articles/{article_id}/diff",
    summary="The diff between two versions",
    response_model=schemas.Diff,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def diff(
    request: Request,
    article_id: Id,
    from_: Annotated[
        int | None,
        Query(
            alias="from",
            ge=-MAX_ID,
            le=MAX_ID,
            description="Older version (default: to − 1; 0, -1 ... are backfilled)",
        ),
    ] = None,
    to: Annotated[
        int | None, Query(ge=-MAX_ID, le=MAX_ID, description="Newer version (default: the latest)")
    ] = None,
) -> dict[str, Any]:
    """The full change between two versions: level, score, classes, summary, field changes
    (headline, standfirst, lead photo caption, byline, dates) with word tokens, and `items`, the sentence alignment in reading
    order of the newer version (op: equal, edited, added, removed, moved). Stored for
    neighbouring versions; computed on request for any other pair."""
    art = _article(request, article_id)
    store = store_of(request)
    first, last = store.version_span(art.id) or (1, 0)
    b = to if to is not None else last
    a = from_ if from_ is not None else b - 1
    if last - first < 1:
        raise bad_param("this article has fewer than two versions")
    if a >= b:
        raise bad_param("from must be an older version than to")
    dv = diff_view(store, art, a, b)
    return {
        "article_id": art.id,
        "from": a,
        "to": b,
        "stored": dv.stored,
        "change": dv.result.to_dict(),
        "links": {"page": f"/articles/{art.id}/diff/{a}/{b}"},
    }


@router.get(
    "/search",
    summary="Full-text search over titles and texts",
    response_model=schemas.SearchList,
    response_model_exclude_unset=True,
    responses=_ERRORS,
)
def search_api(
    request: Request,
    q: Annotated[
        str, Query(max_length=500, description='Words (all must match) and "quoted phrases"')
    ],
    source: SourceQ = None,
    before: Before = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Articles whose title or text matched in any version, newest matching version first;
    `versions` lists the matching versions of each article."""
    store = store_of(request)
    src = parse_source(store, source)
    query = SearchQuery.parse(q)
    if query.empty:
        raise bad_param("q: give at least one word")
    results, nxt = search(
        store,
        query,
        source_id=src.id if src else None,
        before=parse_int_cursor(before),
        limit=limit,
    )
    return {
        "items": [
            search_json(r, "".join(s for s, _ in snippet(r.text, query.terms))) for r in results
        ],
        "next": str(nxt) if nxt else None,
    }
