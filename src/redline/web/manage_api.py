"""The JSON API's writing half: add, change, pause, resume and remove sources, track a URL.

Every route needs ``Authorization: Bearer TOKEN`` (``redline token create NAME``); cookies are
never looked at here, so a page on another site cannot make a browser call these. Bodies use
the sources-file keys (docs/configuration.md); a bad value is a 422 whose ``fields`` name it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.responses import JSONResponse

from redline.errors import ConfigError, SourceError
from redline.frontier.urls import canonicalize_url
from redline.serialize import article_json, source_json
from redline.sources import SourceConfig
from redline.sources.edit import field_errors, merge
from redline.storage import SourceRow, Store
from redline.web.deps import now_of, store_of
from redline.web.errors import WebProblem
from redline.web.session import require_bearer
from redline.web.tracking import source_for_url

router = APIRouter(prefix="/api/v1", tags=["v1: operators"], dependencies=[Depends(require_bearer)])

Name = Annotated[str, Path(max_length=64)]
_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid `Authorization: Bearer TOKEN`"},
    422: {"description": "A bad value: `error.message`, and `error.fields` per key"},
}
_SOURCE_EXAMPLE = {
    "name": "bbc",
    "feeds": ["https://feeds.bbci.co.uk/news/rss.xml"],
    "include": ["/news/"],
    "delay": 1.0,
}


def invalid(errors: dict[str, str]) -> JSONResponse:
    message = "; ".join(errors.values())
    return JSONResponse(
        {"error": {"status": 422, "message": message, "fields": errors}}, status_code=422
    )


def _row(store: Store, name: str) -> SourceRow:
    try:
        return store.get_source(name)
    except SourceError as exc:
        raise WebProblem(404, str(exc)) from exc


def _out(row: SourceRow) -> dict[str, Any]:
    return {"source": source_json(row.config, paused=row.paused)}


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise WebProblem(422, "the body must be a JSON object of source keys")
    return body


@router.post("/sources", summary="Add a source", status_code=201, responses=_AUTH)
def add_source(
    request: Request,
    body: Annotated[Any, Body(openapi_examples={"feed": {"value": _SOURCE_EXAMPLE}})],
) -> Any:
    d = _object(body)
    paused = d.pop("paused", False)
    errors = field_errors(d)
    if errors:
        return invalid(errors)
    store = store_of(request)
    try:
        cfg = SourceConfig.from_dict(d)
    except ConfigError as exc:
        return invalid({"source": str(exc)})
    if not cfg.has_discovery:
        return invalid({"feeds": "give at least one feed, sitemap or homepage"})
    try:
        store.get_source(cfg.name)
    except SourceError:
        pass
    else:
        raise WebProblem(409, f"a source named {cfg.name!r} already exists; PATCH it instead")
    row = store.add_source(cfg, now_of(request))
    if paused is True:
        row = store.set_paused(cfg.name, True, now_of(request))
    return JSONResponse(_out(row), status_code=201)


@router.patch("/sources/{name}", summary="Change a source (only the keys given)", responses=_AUTH)
def edit_source(
    request: Request,
    name: Name,
    body: Annotated[Any, Body(openapi_examples={"pause": {"value": {"paused": True}}})],
) -> Any:
    d = _object(body)
    store = store_of(request)
    row = _row(store, name)
    paused = d.pop("paused", None)
    if paused is not None and not isinstance(paused, bool):
        return invalid({"paused": "paused must be true or false"})
    if d.get("name", row.name) != row.name:
        return invalid({"name": "cannot change name: remove the source and add it again"})
    changes = {k: v for k, v in d.items() if k != "name"}
    errors = field_errors({"name": row.name, **changes})
    if errors:
        return invalid(errors)
    if changes:
        try:
            cfg = merge(row.config, d)
        except ConfigError as exc:
            return invalid({"source": str(exc)})
        row = store.update_source(cfg, now_of(request))
    if paused is not None:
        row = store.set_paused(row.name, paused, now_of(request))
    return _out(row)


@router.post("/sources/{name}/pause", summary="Pause a source", responses=_AUTH)
def pause_source(request: Request, name: Name) -> Any:
    store = store_of(request)
    return _out(store.set_paused(_row(store, name).name, True, now_of(request)))


@router.post("/sources/{name}/resume", summary="Resume a paused source", responses=_AUTH)
def resume_source(request: Request, name: Name) -> Any:
    store = store_of(request)
    return _out(store.set_paused(_row(store, name).name, False, now_of(request)))


@router.delete(
    "/sources/{name}", summary="Remove a source (its articles are kept)", responses=_AUTH
)
def remove_source(request: Request, name: Name) -> Any:
    store = store_of(request)
    kept = store.remove_source(_row(store, name).name)
    return {"removed": name, "articles_kept": kept}


@router.post("/articles", summary="Track an article by URL", status_code=201, responses=_AUTH)
def track(
    request: Request,
    body: Annotated[
        Any,
        Body(openapi_examples={"url": {"value": {"url": "https://www.bbc.co.uk/news/world-1"}}}),
    ],
) -> Any:
    """Start tracking a URL on the site of a configured source (the crawler checks it at once).
    201 with the new article, 200 with the article any variant of the URL already leads to."""
    url = _object(body).get("url")
    if not isinstance(url, str) or not url.strip():
        return invalid({"url": "url: the article's URL (a string)"})
    try:
        canonicalize_url(url)
    except ConfigError as exc:
        return invalid({"url": str(exc)})
    store = store_of(request)
    src = source_for_url(store.list_sources(), url)
    if src is None:
        return invalid({"url": "only URLs on the sites of configured sources can be tracked"})
    art, created = store.add_article(url, src.id, now_of(request))
    return JSONResponse({"article": article_json(art)}, status_code=201 if created else 200)
