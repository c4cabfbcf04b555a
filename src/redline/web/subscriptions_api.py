"""The JSON API of subscriptions: list, add, remove, test, and each one's deliveries.

Token-gated like the sources API (``Authorization: Bearer TOKEN``, never a cookie), reading
included: a subscription's rule and destination are the operator's business. Adding goes through
``notify.subscribe`` (the same checks as ``redline notify add``); destinations come back masked,
and a webhook's secret is in the 201 answer only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from redline.errors import ConfigError
from redline.notify.deliver import send_test
from redline.notify.rules import Subscription
from redline.notify.shapes import delivery_json, subscription_json
from redline.notify.subscribe import InvalidSubscription, spec_from_json, subscribe
from redline.settings import NotifySettings, links_base
from redline.storage import Store
from redline.web import schemas
from redline.web.deps import now_of, store_of
from redline.web.errors import WebProblem
from redline.web.manage_api import invalid
from redline.web.session import require_bearer

router = APIRouter(prefix="/api/v1", tags=["v1: operators"], dependencies=[Depends(require_bearer)])

# Whole names, '/' included (encoded as %2F) and without a length cap: subscriptions stored
# before names were checked must stay reachable, and never by a prefix of their name.
Name = Annotated[str, Path(description="The subscription's name, percent-encoded")]
_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid `Authorization: Bearer TOKEN`"},
}
_EXAMPLE = {
    "name": "desk",
    "destination": "https://hooks.example/redline",
    "sources": ["bbc"],
    "min_level": "substantive",
    "classes": ["headline", "correction"],
}


def _one(store: Store, name: str) -> Subscription:
    try:
        return store.subscription(name)
    except ConfigError as exc:
        raise WebProblem(404, str(exc)) from exc


def health_of(store: Store, name: str) -> dict[str, Any]:
    """One subscription as the API shows it (404 when there is none)."""
    for row in store.subscription_health():
        if row["name"] == name:
            return subscription_json(row)
    raise WebProblem(404, f"no subscription named {name!r}")


@router.get("/subscriptions", summary="Subscriptions, with their health", responses=_AUTH)
def list_subscriptions(request: Request) -> schemas.SubscriptionList:
    rows = [subscription_json(r) for r in store_of(request).subscription_health()]
    return schemas.SubscriptionList.model_validate({"items": rows, "next": None})


@router.post(
    "/subscriptions",
    summary="Add a subscription (a webhook's secret is in this answer only)",
    status_code=201,
    responses={
        **_AUTH,
        409: {"description": "The name is taken"},
        422: {"description": "A bad value: `error.fields` per key"},
    },
)
def add_subscription(
    request: Request, body: Annotated[Any, Body(openapi_examples={"webhook": {"value": _EXAMPLE}})]
) -> schemas.SubscriptionCreated:
    if not isinstance(body, dict):
        raise WebProblem(422, "the body must be a JSON object of subscription keys")
    store = store_of(request)
    try:
        spec = spec_from_json(body)
        sub, secret = subscribe(store, spec, now_of(request))
    except InvalidSubscription as exc:
        if "already exists" in exc.fields.get("name", ""):
            raise WebProblem(409, exc.fields["name"]) from exc
        return invalid(exc.fields)  # type: ignore[return-value]
    created = {"subscription": health_of(store, sub.name), "secret": secret}
    return JSONResponse(  # type: ignore[return-value]
        schemas.SubscriptionCreated.model_validate(created).model_dump(),
        status_code=201,
        headers={"cache-control": "no-store"},
    )


@router.delete(
    "/subscriptions/{name:path}",
    summary="Remove a subscription (its pending deliveries are dropped)",
    responses=_AUTH,
)
def remove_subscription(request: Request, name: Name) -> schemas.SubscriptionRemoved:
    store = store_of(request)
    sub = _one(store, name)
    store.remove_subscription(sub.name)
    return schemas.SubscriptionRemoved(removed=sub.name)


@router.post(
    "/subscriptions/{name:path}/test",
    summary="Send a sample change now; the destination's answer",
    responses=_AUTH,
)
async def test_subscription(request: Request, name: Name) -> schemas.SendAnswer:
    store = store_of(request)
    _one(store, name)
    settings: NotifySettings = request.app.state.notify
    result = await send_test(store, name, settings, links_base(request.app.state.web))
    return schemas.SendAnswer(
        ok=result.ok, status=result.status, error=result.error, line=result.line()
    )


@router.get(
    "/subscriptions/{name:path}/deliveries",
    summary="A subscription's deliveries, newest first",
    responses=_AUTH,
)
def deliveries(
    request: Request,
    name: Name,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most recent deliveries")] = 100,
) -> schemas.DeliveryList:
    store = store_of(request)
    sub = _one(store, name)
    rows = [delivery_json(r, sub.destination) for r in store.delivery_log(sub.name, limit)]
    return schemas.DeliveryList.model_validate({"items": rows, "next": None})
