"""Every /api/v1 endpoint declares its response model, and real responses fit it: every field
they carry is declared (so /api/openapi.json describes every shape a client gets)."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel
from tests.web.conftest import Web

from redline.web.api import router


def _api_routes() -> list[APIRoute]:
    return [r for r in router.routes if isinstance(r, APIRoute)]


def test_every_api_route_has_a_response_schema(web: Web) -> None:
    spec = web.get("/api/openapi.json").json()
    routes = _api_routes()
    assert len(routes) >= 11
    for route in routes:
        assert route.response_model is not None, route.path
        ok = spec["paths"][route.path]["get"]["responses"]["200"]
        schema = ok["content"]["application/json"]["schema"]
        assert "$ref" in schema, (route.path, schema)


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def undeclared(model: type[BaseModel], data: Any, path: str = "") -> list[str]:
    """Keys of ``data`` (recursively) that ``model`` does not declare."""
    if not isinstance(data, dict):
        return []
    by_name = {(f.alias or name): f for name, f in model.model_fields.items()}
    out = []
    for key, value in data.items():
        field = by_name.get(key)
        if field is None:
            out.append(f"{path}.{key}")
            continue
        for sub in _models(field.annotation):
            values = value if isinstance(value, list) else [value]
            for v in values:
                out += undeclared(sub, v, f"{path}.{key}")
            break
    return out


def _paths(web: Web) -> dict[str, str]:
    s = web.sample
    return {
        "/api/v1/sources": "/api/v1/sources",
        "/api/v1/sources/{name}": "/api/v1/sources/daily",
        "/api/v1/changes": "/api/v1/changes?level=none&limit=200",
        "/api/v1/articles": "/api/v1/articles",
        "/api/v1/articles/lookup": "/api/v1/articles/lookup?url=https://daily.example/politics/minister",
        "/api/v1/articles/{article_id}": f"/api/v1/articles/{s.deleted}",
        "/api/v1/articles/{article_id}/history": f"/api/v1/articles/{s.minister}/history",
        "/api/v1/articles/{article_id}/versions": f"/api/v1/articles/{s.minister}/versions",
        "/api/v1/articles/{article_id}/versions/{number}": f"/api/v1/articles/{s.minister}/versions/2",
        "/api/v1/articles/{article_id}/diff": f"/api/v1/articles/{s.minister}/diff?from=1&to=4",
        "/api/v1/search": "/api/v1/search?q=budget",
    }


def test_real_responses_validate_against_their_schema(web: Web) -> None:
    paths = _paths(web)
    for route in _api_routes():
        url = paths[route.path]
        r = web.get(url)
        assert r.status_code == 200, (url, r.text[:200])
        model = route.response_model
        assert isinstance(model, type) and issubclass(model, BaseModel)
        model.model_validate(r.json())
        assert undeclared(model, r.json()) == [], url


@pytest.mark.parametrize("kind", ["deleted"])
def test_removal_entries_fit_the_schema(web: Web, kind: str) -> None:
    from redline.web.schemas import ChangeList

    body = web.get(f"/api/v1/changes?class={kind}").json()
    assert body["items"] and undeclared(ChangeList, body) == []
