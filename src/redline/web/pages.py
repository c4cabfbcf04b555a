"""Server-rendered pages. Every page works without JavaScript; filters are plain GET forms."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from redline.diff import DIFF_ENGINE_VERSION, render_inline_html, render_side_by_side_html
from redline.errors import ConfigError
from redline.frontier.urls import canonicalize_url
from redline.notify.payload import card_url
from redline.serialize import furniture_rules_json
from redline.settings import FurnitureSettings
from redline.storage import ArticleRow, SourceRow, Store
from redline.storage.browse import (
    ARTICLE_STATUSES,
    LEVELS,
    SearchQuery,
    find_source,
    list_articles,
    recent_changes,
    search,
    source_summaries,
    version_timeline,
)
from redline.storage.browse.articles import articles_state
from redline.storage.browse.stream import data_revision, stream_state
from redline.versions.changes import refresh_changes
from redline.web.conditional import article_state, respond, validator
from redline.web.deps import (
    MAX_ID,
    STREAM_CLASSES,
    FeedLink,
    bad_param,
    blank,
    now_of,
    parse_cursor,
    parse_int_cursor,
    parse_source,
    public_base,
    render_page,
    store_of,
    stream_filter,
)
from redline.web.errors import WebProblem, not_found
from redline.web.tracking import source_for_url
from redline.web.views import diff_view, timeline
from redline.web.wording import changed_since, snippet

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
VersionNo = Annotated[int, Path(ge=-MAX_ID, le=MAX_ID)]  # 0, -1 ...: backfilled (docs/archive.md)
PAGE = 50
DATE_FIELDS = ("published", "modified")


def _article(request: Request, article_id: int) -> ArticleRow:
    return store_of(request).get_article(article_id)  # ArticleNotFound → 404


def _query(**params: str | int | None) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return ("?" + urlencode(kept)) if kept else ""


@router.get("/", response_class=HTMLResponse)
def front(
    request: Request,
    source: str | None = None,
    level: str | None = None,
    klass: Annotated[str | None, Query(alias="class")] = None,
    before: str | None = None,
) -> Response:
    store = store_of(request)
    state = stream_state(store)
    v = validator(request, state.token, updated=state.updated, per_minute=True)
    return respond(request, v, lambda: _front(request, store, source, level, klass, before))


def _front(
    request: Request,
    store: Store,
    source: str | None,
    level: str | None,
    klass: str | None,
    before: str | None,
) -> Response:
    f, src = stream_filter(store, source=source, level=level, klass=klass)
    page = recent_changes(store, f, before=parse_cursor(before), limit=PAGE)
    filters = {"source": src.name if src else None, "level": blank(level), "class": f.klass}
    feed_q = _query(**filters)
    return render_page(
        request,
        "front.html",
        page=page,
        filters=filters,
        src=src,
        before=blank(before),
        sources=[s.name for s in store.list_sources()],
        levels=LEVELS,
        classes=STREAM_CLASSES,
        next_url=("/" + _query(**filters, before=page.next.encode())) if page.next else None,
        first_url="/" + _query(**filters),
        feeds=[
            FeedLink(
                "Redline: changes" + (f" ({src.name})" if src else ""),
                f"/feeds/changes.atom{feed_q}",
            )
        ],
        page_title="Recent changes",
    )


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request) -> Response:
    store = store_of(request)
    state = stream_state(store)
    v = validator(request, state.token, *articles_state(store), per_minute=True)

    def build() -> Response:
        rows = source_summaries(store, changed_since(now_of(request)))
        return render_page(request, "sources.html", rows=rows, page_title="Sources")

    return respond(request, v, build)


@router.get("/sources/{name}", response_class=HTMLResponse)
def source_page(
    request: Request,
    name: str,
    before: str | None = None,
    status: str | None = None,
    order: str | None = None,
) -> Response:
    src = find_source(store_of(request), name[:64])
    if src is None:
        raise not_found(f"no source named {name[:64]!r}")
    return _article_list(request, src.name, status, order, before, base=f"/sources/{src.name}")


@router.get("/articles", response_class=HTMLResponse)
def articles_page(
    request: Request,
    source: str | None = None,
    status: str | None = None,
    order: str | None = None,
    before: str | None = None,
) -> Response:
    return _article_list(request, source, status, order, before, base="/articles")


def _article_list(
    request: Request,
    source: str | None,
    status: str | None,
    order: str | None,
    before: str | None,
    *,
    base: str,
) -> Response:
    store = store_of(request)
    v = validator(request, *articles_state(store), stream_state(store).token, per_minute=True)
    return respond(
        request, v, lambda: _list_page(request, store, source, status, order, before, base)
    )


def _list_page(
    request: Request,
    store: Store,
    source: str | None,
    status: str | None,
    order: str | None,
    before: str | None,
    base: str,
) -> Response:
    src = parse_source(store, source)
    status = blank(status)
    if status is not None and status not in ARTICLE_STATUSES:
        raise bad_param(f"status: must be one of {', '.join(ARTICLE_STATUSES)}")
    order = blank(order) or "last_changed"
    if order not in ("first_seen", "last_changed"):
        raise bad_param("order: must be first_seen or last_changed")
    page = list_articles(
        store,
        source_id=src.id if src else None,
        status=status,
        order=order,
        before=parse_cursor(before),
        limit=PAGE,
    )
    params = {"status": status, "order": blank(order)}
    if base == "/articles":
        params["source"] = src.name if src else None
    feeds = [FeedLink(f"Redline: {src.name}", f"/feeds/sources/{src.name}.atom")] if src else []
    return render_page(
        request,
        "articles.html",
        page=page,
        src=src,
        status=status,
        order=order,
        base=base,
        statuses=ARTICLE_STATUSES,
        params=params,
        feeds=feeds,
        sources=[s.name for s in store.list_sources()],
        next_url=(base + _query(**params, before=page.next.encode())) if page.next else None,
        first_url=base + _query(**params),
        before=blank(before),
        page_title=f"{src.name}: articles" if src else "Articles",
        furniture_rules=(
            _furniture_rules(store, src, request.app.state.furniture)
            if src and base != "/articles"
            else []
        ),
    )


def _furniture_rules(
    store: Store, src: SourceRow, settings: FurnitureSettings
) -> list[dict[str, Any]]:
    """The source's furniture rules, as `redline source show` lists them."""
    learned = store.furniture_rules(src.id, settings.min_articles)
    return furniture_rules_json(src.config, learned)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: Id, cosmetic: str | None = None) -> Response:
    """The article's timeline; cosmetic-only versions (typo, punctuation, quote style) are
    hidden unless ``?cosmetic=show``, like NewsDiffs' boring versions."""
    cosmetic = blank(cosmetic) or "hide"
    if cosmetic not in ("show", "hide"):
        raise bad_param("cosmetic must be show or hide")
    store = store_of(request)
    art = _article(request, article_id)
    v = validator(
        request,
        article_state(art),
        data_revision(store),
        updated=art.last_checked,
        per_minute=True,
    )
    return respond(request, v, lambda: _article_page(request, store, art, cosmetic))


def _article_page(request: Request, store: Store, art: ArticleRow, cosmetic: str) -> Response:
    refresh_changes(store, art.id)  # summaries written by an older diff engine
    versions = version_timeline(store, art.id)
    shown = versions if cosmetic == "show" else [v for v in versions if v.level != "cosmetic"]
    items = timeline(shown, store.events(art.id))
    return render_page(
        request,
        "article.html",
        article=art,
        versions=versions,
        items=items,
        cosmetic=cosmetic,
        first_number=versions[0].number if versions else 1,
        hidden=len(versions) - len(shown),
        cosmetic_count=sum(v.level == "cosmetic" for v in versions),
        feeds=[FeedLink(f"Redline: {art.title or art.url}", f"/feeds/articles/{art.id}.atom")],
        page_title=art.title or art.url,
    )


@router.get("/articles/{article_id}/versions/{number}", response_class=HTMLResponse)
def version_page(request: Request, article_id: Id, number: VersionNo) -> Response:
    store = store_of(request)
    art = _article(request, article_id)
    v = store.version(art.id, number)
    first, last = store.version_span(art.id) or (number, number)
    return render_page(
        request,
        "version.html",
        article=art,
        v=v,
        page_title=f"{v.title} (version {v.number})",
        first_number=first,
        last_number=last,
        provenance=store.provenance(art.id).get(v.id),
    )


@router.get("/articles/{article_id}/versions/{number}/raw")
def version_raw(request: Request, article_id: Id, number: VersionNo) -> Response:
    """The archived page as plain text: never rendered as HTML on this origin."""
    store = store_of(request)
    v = store.version(_article(request, article_id).id, number)
    if not v.raw_sha256:
        raise not_found(f"version {number} has no archived page")
    raw = store.raw_html(v.raw_sha256)
    return Response(
        raw,
        media_type="text/plain; charset=utf-8",
        headers={"content-security-policy": "sandbox", "content-disposition": "inline"},
    )


@router.get("/articles/{article_id}/compare")
def compare_form(
    request: Request,
    article_id: Id,
    from_: Annotated[int, Query(alias="from", ge=-MAX_ID, le=MAX_ID)],
    to: Annotated[int, Query(ge=-MAX_ID, le=MAX_ID)],
    view: str | None = None,
) -> Response:
    """The compare form's target: redirect to the diff's permanent URL."""
    a, b = sorted((from_, to))
    if a == b:
        raise bad_param("from and to must be two different versions")
    return RedirectResponse(
        f"/articles/{article_id}/diff/{a}/{b}" + _query(view=blank(view)), status_code=303
    )


@router.get("/articles/{article_id}/diff/{a}/{b}", response_class=HTMLResponse)
def diff_page(
    request: Request,
    article_id: Id,
    a: VersionNo,
    b: VersionNo,
    view: str | None = None,
    cosmetic: str | None = None,
) -> Response:
    view = blank(view) or "inline"
    cosmetic = blank(cosmetic)
    if view not in ("inline", "side") or cosmetic not in (None, "show", "hide"):
        raise bad_param("view must be inline or side; cosmetic must be show or hide")
    if a >= b:
        if a == b:
            raise bad_param("pick two different versions to compare")
        return RedirectResponse(f"/articles/{article_id}/diff/{b}/{a}" + _query(view=view), 303)
    store = store_of(request)
    art = _article(request, article_id)
    v = validator(
        request,
        article_state(art),
        DIFF_ENGINE_VERSION,
        data_revision(store),
        updated=art.last_changed,
    )
    return respond(request, v, lambda: _diff_page(request, store, art, a, b, view, cosmetic))


def _diff_page(
    request: Request,
    store: Store,
    art: ArticleRow,
    a: int,
    b: int,
    view: str,
    cosmetic: str | None,
) -> Response:
    dv = diff_view(store, art, a, b)
    # cosmetic edits are hidden by default, unless they are all the change there is
    cosmetic = cosmetic or ("show" if dv.result.level in ("cosmetic", "none") else "hide")
    # Dates are shown as dates (old → new) by the page, not diffed digit by digit.
    dates = [f for f in dv.result.fields if f.field in DATE_FIELDS]
    rest = replace(dv.result, fields=[f for f in dv.result.fields if f.field not in DATE_FIELDS])
    html = render_side_by_side_html(rest) if view == "side" else render_inline_html(rest)
    base = public_base(request)[0].rstrip("/")
    return render_page(
        request,
        "diff.html",
        article=art,
        dv=dv,
        view=view,
        cosmetic=cosmetic,
        diff_html=Markup(html),
        date_fields=dates,
        versions=version_timeline(store, art.id),
        page_title=f"Diff: {dv.new.title} (v{a} → v{b})",
        card_image=card_url(base, art.id, b),
        page_url=f"{base}/articles/{art.id}/diff/{a}/{b}",
        feeds=[FeedLink(f"Redline: {art.title or art.url}", f"/feeds/articles/{art.id}.atom")],
    )


@router.get("/find", response_class=HTMLResponse)
def find(request: Request, url: str | None = None) -> Response:
    url = (blank(url) or "").strip()
    if not url:
        return render_page(
            request, "find.html", url="", error=None, source=None, page_title="Find an article"
        )
    store = store_of(request)
    try:
        canonicalize_url(url)
    except ConfigError as exc:
        return render_page(
            request,
            "find.html",
            status_code=422,
            url=url,
            error=str(exc),
            source=None,
            page_title="Find an article",
        )
    art = store.find_article(url)
    if art is not None:
        return RedirectResponse(f"/articles/{art.id}", status_code=303)
    src = source_for_url(store.list_sources(), url)
    return render_page(
        request,
        "find.html",
        status_code=404,
        url=url,
        error=None,
        source=src,
        page_title="Not tracked",
    )


@router.post("/track")
def track(
    request: Request,
    url: Annotated[str, Form(max_length=4000)],
    token: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    """Start tracking a URL on a configured source's site (the 'offer' on the find page).

    Changing state needs an API token (`redline token create NAME`), in the form's `token`
    field or an `Authorization: Bearer` header; the public web interface is read-only."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.url.netloc:
        raise WebProblem(403, "cross-site form submissions are refused")
    store = store_of(request)
    supplied = token or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not supplied or not store.verify_token(supplied, now_of(request)):
        raise WebProblem(
            401,
            "tracking a URL needs a valid API token: an operator creates one with `redline token create NAME`",
        )
    canonicalize_url(url)  # ConfigError → 422
    src = source_for_url(store.list_sources(), url)
    if src is None:
        raise WebProblem(403, "only URLs on the sites of configured sources can be tracked")
    art, _ = store.add_article(url, src.id, now_of(request))
    return RedirectResponse(f"/articles/{art.id}?tracked=1", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, q: str | None = None, source: str | None = None, before: str | None = None
) -> Response:
    store = store_of(request)
    src = parse_source(store, source)
    query = SearchQuery.parse(q or "")
    results, nxt = search(
        store, query, source_id=src.id if src else None, before=parse_int_cursor(before), limit=20
    )
    snippets = {r.article_id: snippet(r.text, query.terms) for r in results}
    return render_page(
        request,
        "search.html",
        q=q or "",
        query=query,
        results=results,
        snippets=snippets,
        src=src,
        sources=[s.name for s in store.list_sources()],
        next_url=("/search" + _query(q=q, source=src.name if src else None, before=nxt))
        if nxt
        else None,
        page_title=f"Search: {q}" if q else "Search",
    )


@router.get("/feeds", response_class=HTMLResponse)
def feeds_page(request: Request) -> Response:
    store = store_of(request)
    return render_page(
        request,
        "feeds.html",
        sources=store.list_sources(),
        page_title="Feeds",
        feeds=[FeedLink("Redline: changes", "/feeds/changes.atom")],
    )
