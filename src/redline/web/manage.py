"""Operator pages: sign in and out, add, edit, pause, resume and remove sources, track a URL.

Plain HTML forms (they work without JavaScript). Every POST needs a signed-in operator and the
session's CSRF token (``web.session``); a form with bad values is shown again with each message
next to its field and nothing stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.errors import ConfigError, SourceError
from redline.frontier.urls import canonicalize_url
from redline.sources import SourceConfig
from redline.sources.edit import field_errors, format_schedule, merge, parse_schedule
from redline.storage import SourceRow
from redline.web.deps import now_of, render_page, store_of
from redline.web.errors import WebProblem
from redline.web.session import (
    COOKIE,
    CSRF_FIELD,
    Operator,
    new_session,
    operator_of,
    require_form_operator,
    same_origin,
    session_max_age,
)
from redline.web.tracking import source_for_url

router = APIRouter(include_in_schema=False)

_LISTS = ("feeds", "sitemaps", "include", "exclude")
_MAX_FIELD = 20_000


def install(app: FastAPI) -> None:
    """Add the operator routes, and let every template ask ``operator(request)``."""
    from redline.web import manage_api, manage_subscriptions, subscriptions_api

    app.state.env.globals["operator"] = operator_of
    app.include_router(router)
    app.include_router(manage_api.router)
    app.include_router(manage_subscriptions.router)
    app.include_router(subscriptions_api.router)


# ---- signing in ---------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//other.example``) may follow a sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/manage/sources"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return render_page(
        request,
        "manage/login.html",
        error=None,
        next=_safe_next(next),
        page_title="Operator sign-in",
    )


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    same_origin(request)
    store = store_of(request)
    token_id = store.token_id(token.strip(), now_of(request)) if token.strip() else None
    if token_id is None:
        return render_page(
            request,
            "manage/login.html",
            status_code=401,
            next=_safe_next(next),
            error="That is not a valid API token. An operator creates one with "
            "`redline token create NAME`.",
            page_title="Operator sign-in",
        )
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        COOKIE,
        new_session(store, token_id, now_of(request)),
        max_age=session_max_age(request),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    require_form_operator(request, csrf)
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return resp


def _signed_in(request: Request) -> Operator | Response:
    """The operator, or the redirect to the sign-in page an anonymous reader gets."""
    op = operator_of(request)
    if op is None:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return op


# ---- the form of a source -----------------------------------------------------------------


@dataclass
class SourceForm:
    """What the form shows: raw field values (as typed) and a message per bad field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, cfg: SourceConfig) -> SourceForm:
        return cls(
            values={
                "name": cfg.name,
                "homepage": cfg.homepage or "",
                **{k: "\n".join(getattr(cfg, k)) for k in _LISTS},
                "delay": "" if cfg.delay is None else f"{cfg.delay:g}",
                "concurrency": "" if cfg.concurrency is None else str(cfg.concurrency),
                "schedule": format_schedule(cfg),
                "discover_every": ""
                if cfg.discover_every is None
                else cfg.to_dict()["discover_every"],
                "strip_params": " ".join(cfg.strip_params),
                "respect_robots": "on" if cfg.respect_robots else "",
                "allow_private": "on" if cfg.allow_private else "",
            }
        )


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key)
    return value[:_MAX_FIELD] if isinstance(value, str) else ""


def _read_form(form: Mapping[str, Any]) -> tuple[SourceForm, dict[str, Any]]:
    """The form as typed, and as a sources-file dict (with a message per field that failed)."""
    keys = (
        "name",
        "homepage",
        *_LISTS,
        "delay",
        "concurrency",
        "schedule",
        "discover_every",
        "strip_params",
        "respect_robots",
        "allow_private",
    )
    sf = SourceForm(values={k: _text(form, k).strip() for k in keys})
    v = sf.values
    d: dict[str, Any] = {"name": v["name"], "homepage": v["homepage"] or None}
    for key in _LISTS:
        d[key] = [line.strip() for line in v[key].splitlines() if line.strip()]
    d["strip_params"] = v["strip_params"].replace(",", " ").split()
    d["respect_robots"] = v["respect_robots"] == "on"
    d["allow_private"] = v["allow_private"] == "on"
    d["discover_every"] = v["discover_every"] or None
    for key, kind, what in (
        ("delay", float, "a number of seconds"),
        ("concurrency", int, "a whole number"),
    ):
        d[key] = None
        if v[key]:
            try:
                d[key] = kind(v[key])
            except ValueError:
                sf.errors[key] = f"{key} must be {what}, not {v[key]!r}"
    d["schedule"] = None
    if v["schedule"]:
        try:
            d["schedule"] = parse_schedule(v["schedule"])
        except ConfigError as exc:
            sf.errors["schedule"] = str(exc)
    checked = {k: x for k, x in d.items() if k not in sf.errors}
    for key, message in field_errors(checked).items():
        sf.errors.setdefault(key, message)
    if not (d["feeds"] or d["sitemaps"] or d["homepage"]) and "feeds" not in sf.errors:
        sf.errors["feeds"] = "give at least one feed, sitemap or homepage to discover articles"
    return sf, d


def _show_form(
    request: Request, op: Operator, sf: SourceForm, *, editing: str | None, status: int = 200
) -> Response:
    title = f"Edit {editing}" if editing else "Add a source"
    return render_page(
        request,
        "manage/source_form.html",
        status_code=status,
        form=sf,
        editing=editing,
        csrf=op.csrf,
        page_title=title,
    )


# ---- pages --------------------------------------------------------------------------------


@router.get("/manage/sources", response_class=HTMLResponse)
def manage_sources(request: Request, done: str | None = None) -> Response:
    op = _signed_in(request)
    if isinstance(op, Response):
        return op
    rows = store_of(request).list_sources()
    return render_page(
        request,
        "manage/sources.html",
        rows=rows,
        csrf=op.csrf,
        done=done,
        track=None,
        track_error=None,
        page_title="Manage sources",
    )


@router.get("/manage/sources/new", response_class=HTMLResponse)
def new_source_form(request: Request) -> Response:
    op = _signed_in(request)
    if isinstance(op, Response):
        return op
    sf = SourceForm(values={"respect_robots": "on"})
    return _show_form(request, op, sf, editing=None)


@router.post("/manage/sources")
async def add_source(request: Request) -> Response:
    form = await request.form()
    op = require_form_operator(request, _text(form, CSRF_FIELD))
    sf, d = _read_form(form)
    store = store_of(request)
    if not sf.errors and _existing(store, d["name"]) is not None:
        sf.errors["name"] = f"a source named {d['name']!r} already exists"
    if not sf.errors:
        try:
            cfg = SourceConfig.from_dict({k: x for k, x in d.items() if x is not None})
        except ConfigError as exc:
            sf.errors["form"] = str(exc)
        else:
            store.add_source(cfg, now_of(request))
            return RedirectResponse(f"/manage/sources?done=added+{cfg.name}", status_code=303)
    return _show_form(request, op, sf, editing=None, status=422)


def _existing(store: Any, name: str) -> SourceRow | None:
    try:
        row: SourceRow = store.get_source(name)
    except SourceError:
        return None
    return row


def _source(request: Request, name: str) -> SourceRow:
    row = _existing(store_of(request), name[:64])
    if row is None:
        raise WebProblem(404, f"no source named {name[:64]!r}")
    return row


@router.get("/manage/sources/{name}/edit", response_class=HTMLResponse)
def edit_source_form(request: Request, name: str) -> Response:
    op = _signed_in(request)
    if isinstance(op, Response):
        return op
    row = _source(request, name)
    return _show_form(request, op, SourceForm.of(row.config), editing=row.name)


@router.post("/manage/sources/{name}/edit")
async def edit_source(request: Request, name: str) -> Response:
    form = await request.form()
    op = require_form_operator(request, _text(form, CSRF_FIELD))
    row = _source(request, name)
    sf, d = _read_form({**form, "name": row.name})
    sf.values["name"] = row.name
    if not sf.errors:
        try:
            cfg = merge(row.config, {k: x for k, x in d.items() if k != "name"})
        except ConfigError as exc:
            sf.errors["form"] = str(exc)
        else:
            store_of(request).update_source(cfg, now_of(request))
            return RedirectResponse(f"/manage/sources?done=updated+{row.name}", status_code=303)
    return _show_form(request, op, sf, editing=row.name, status=422)


@router.post("/manage/sources/{name}/{action}")
async def source_action(request: Request, name: str, action: str) -> Response:
    form = await request.form()
    require_form_operator(request, _text(form, CSRF_FIELD))
    row = _source(request, name)
    store, now = store_of(request), now_of(request)
    if action == "pause":
        store.set_paused(row.name, True, now)
        done = "paused"
    elif action == "resume":
        store.set_paused(row.name, False, now)
        done = "resumed"
    elif action == "remove":
        store.remove_source(row.name)
        done = "removed"
    else:
        raise WebProblem(404, f"no action {action[:20]!r}: pause, resume, remove or edit")
    return RedirectResponse(f"/manage/sources?done={done}+{row.name}", status_code=303)


@router.post("/manage/track")
async def track_url(request: Request) -> Response:
    """Track an article by URL (on the site of a configured source), like `redline check URL`
    without the first fetch: the crawler checks it at once."""
    form = await request.form()
    op = require_form_operator(request, _text(form, CSRF_FIELD))
    url = _text(form, "url").strip()
    store = store_of(request)
    error = None
    try:
        canonicalize_url(url)
    except ConfigError as exc:
        error = str(exc)
    src = source_for_url(store.list_sources(), url) if error is None else None
    if error is None and src is None:
        error = "only URLs on the sites of configured sources can be tracked; add the source first"
    if error is not None or src is None:
        return render_page(
            request,
            "manage/sources.html",
            status_code=422,
            rows=store.list_sources(),
            csrf=op.csrf,
            done=None,
            track=url,
            track_error=error,
            page_title="Manage sources",
        )
    art, _ = store.add_article(url, src.id, now_of(request))
    return RedirectResponse(f"/articles/{art.id}?tracked=1", status_code=303)
