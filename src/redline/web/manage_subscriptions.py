"""Operator pages for subscriptions: list them (destinations masked, failing ones marked), add
one (a webhook's secret is shown on the answer page once), send a test, see the delivery log,
remove one.

Same rules as the source pages (``web.manage``): plain forms, every POST needs a signed-in
operator and the session's CSRF token; a bad form comes back with a message per field and
nothing stored. The checks themselves are ``notify.subscribe``'s, shared with the CLI and API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redline.diff import CLASS_LABELS
from redline.errors import ConfigError
from redline.notify.deliver import send_test
from redline.notify.rules import DEFAULT_LEVEL, Level, Subscription
from redline.notify.shapes import delivery_json, describe_rule, subscription_json
from redline.notify.subscribe import FIELDS, InvalidSubscription, SubscriptionSpec, subscribe
from redline.settings import NotifySettings, links_base
from redline.web.deps import now_of, render_page, store_of
from redline.web.errors import WebProblem
from redline.web.manage import _signed_in, _text
from redline.web.session import CSRF_FIELD, Operator, require_form_operator

router = APIRouter(include_in_schema=False)

LIST = "/manage/subscriptions"
_LOG_ROWS = 100


@dataclass
class SubscriptionForm:
    """The add form as typed, with a message per bad field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.replace(",", " ").split())


def _read_form(form: Mapping[str, Any]) -> tuple[SubscriptionForm, SubscriptionSpec | None]:
    sf = SubscriptionForm(values={k: _text(form, k).strip() for k in FIELDS})
    v = sf.values
    digest = None
    if v["digest_minutes"]:
        try:
            digest = int(v["digest_minutes"])
        except ValueError:
            sf.errors["digest_minutes"] = (
                f"digest minutes must be a whole number, not {v['digest_minutes'][:40]!r}"
            )
    if sf.errors:
        return sf, None
    spec = SubscriptionSpec(
        name=v["name"],
        destination=v["destination"],
        sources=_words(v["sources"]),
        articles=tuple(line.strip() for line in v["articles"].splitlines() if line.strip()),
        url_pattern=v["url_pattern"] or None,
        min_level=v["min_level"] or DEFAULT_LEVEL,
        classes=_words(v["classes"]),
        stealth_only=v["stealth_only"] == "on",
        removals=v["removals"] == "on",
        digest_minutes=digest,
    )
    return sf, spec


def _show_form(request: Request, op: Operator, sf: SubscriptionForm, status: int = 200) -> Response:
    return render_page(
        request,
        "manage/subscription_form.html",
        status_code=status,
        form=sf,
        csrf=op.csrf,
        levels=list(Level),
        classes=list(CLASS_LABELS),
        sources=[s.name for s in store_of(request).list_sources()],
        page_title="Add a subscription",
    )


def _rows(request: Request) -> list[dict[str, Any]]:
    return [
        {**subscription_json(r), "describe": describe_rule(r["rule"], r["digest_minutes"])}
        for r in store_of(request).subscription_health()
    ]


def _list(request: Request, op: Operator, **context: Any) -> Response:
    for key in ("done", "created", "secret"):
        context.setdefault(key, None)
    return render_page(
        request,
        "manage/subscriptions.html",
        rows=_rows(request),
        csrf=op.csrf,
        page_title="Manage subscriptions",
        **context,
    )


@router.get(LIST, response_class=HTMLResponse)
def manage_subscriptions(request: Request, done: str | None = None) -> Response:
    op = _signed_in(request)
    if isinstance(op, Response):
        return op
    return _list(request, op, done=done)


@router.get(LIST + "/new", response_class=HTMLResponse)
def new_subscription_form(request: Request) -> Response:
    op = _signed_in(request)
    if isinstance(op, Response):
        return op
    return _show_form(
        request, op, SubscriptionForm(values={"removals": "on", "min_level": DEFAULT_LEVEL})
    )


@router.post(LIST)
async def add_subscription(request: Request) -> Response:
    form = await request.form()
    op = require_form_operator(request, _text(form, CSRF_FIELD))
    sf, spec = _read_form(form)
    if spec is not None:
        try:
            sub, secret = subscribe(store_of(request), spec, now_of(request))
        except InvalidSubscription as exc:
            sf.errors.update(exc.fields)
        else:
            if secret is None:
                return RedirectResponse(
                    f"{LIST}?done=added+{quote_plus(sub.name)}", status_code=303
                )
            # The secret is on this answer only: never in a URL, never cached.
            page = _list(request, op, done=f"added {sub.name}", created=sub.name, secret=secret)
            page.headers["cache-control"] = "no-store"
            return page
    return _show_form(request, op, sf, status=422)


def _subscription(request: Request, name: str) -> Subscription:
    """The subscription named exactly ``name`` (never a prefix of it: names stored before they
    were checked may be longer than 64 characters), or 404."""
    try:
        return store_of(request).subscription(name)
    except ConfigError as exc:
        raise WebProblem(404, str(exc)) from exc


def _detail(request: Request, op: Operator, sub: Subscription, **context: Any) -> Response:
    store = store_of(request)
    row = next(r for r in _rows(request) if r["name"] == sub.name)
    log = [delivery_json(r, sub.destination) for r in store.delivery_log(sub.name, _LOG_ROWS)]
    context.setdefault("test", None)
    return render_page(
        request,
        "manage/subscription.html",
        sub=row,
        log=log,
        csrf=op.csrf,
        page_title=f"Subscription {sub.name}",
        **context,
    )


@router.get(LIST + "/{name:path}", response_class=HTMLResponse)
def subscription_page(request: Request, name: str) -> Response:
    op = _signed_in(request)
    if isinstance(op, Response):
        return op
    return _detail(request, op, _subscription(request, name))


@router.post(LIST + "/{name:path}/test")
async def test_subscription(request: Request, name: str) -> Response:
    form = await request.form()
    op = require_form_operator(request, _text(form, CSRF_FIELD))
    sub = _subscription(request, name)
    settings: NotifySettings = request.app.state.notify
    result = await send_test(
        store_of(request), sub.name, settings, links_base(request.app.state.web)
    )
    return _detail(request, op, sub, test=result)


@router.post(LIST + "/{name:path}/remove")
async def remove_subscription(request: Request, name: str) -> Response:
    form = await request.form()
    require_form_operator(request, _text(form, CSRF_FIELD))
    sub = _subscription(request, name)
    store_of(request).remove_subscription(sub.name)
    return RedirectResponse(f"{LIST}?done=removed+{quote_plus(sub.name)}", status_code=303)
