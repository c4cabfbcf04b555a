"""Errors as HTTP answers: JSON under /api, a readable page elsewhere; never a bare 500.

Redline's own errors map to statuses (unknown id → 404, bad parameter → 422, database
unreachable → 503); FastAPI's validation errors become one-line 422 messages.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from redline.errors import ArticleNotFound, ConfigError, RedlineError, SourceError, StorageError

log = logging.getLogger(__name__)


class WebProblem(RedlineError):
    """A request the web layer answers with an error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(message: str) -> WebProblem:
    return WebProblem(404, message)


def bad_param(message: str) -> WebProblem:
    return WebProblem(422, message)


_TITLES = {404: "Not found", 405: "Method not allowed", 422: "Bad request", 503: "Unavailable"}


def problem_response(request: Request, status: int, message: str) -> Response:
    path = request.url.path
    if path.startswith("/api/"):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    if path.startswith("/feeds/"):
        return Response(message + "\n", status_code=status, media_type="text/plain")
    from redline.web.deps import render_page  # deps imports this module

    title = _TITLES.get(status, "Error")
    return render_page(
        request, "error.html", status_code=status, title=title, message=message, page_title=title
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body")]
        parts.append(f"{'.'.join(loc) or 'request'}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebProblem)
        return problem_response(request, exc.status, exc.message)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return problem_response(request, 422, _validation_message(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        msg = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and msg == "Not Found":
            msg = f"nothing at {request.url.path}"
        return problem_response(request, exc.status_code, msg)

    async def on_redline(request: Request, exc: Exception) -> Response:
        status = 500
        if isinstance(exc, ArticleNotFound | SourceError):
            status = 404
        elif isinstance(exc, ConfigError):
            status = 422
        elif isinstance(exc, StorageError):
            status = 503
            log.error("storage error: %s", exc)
        return problem_response(request, status, str(exc))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return problem_response(request, 500, "internal error; the server log has the details")

    handlers: dict[Any, Any] = {
        WebProblem: on_problem,
        RequestValidationError: on_validation,
        StarletteHTTPException: on_http,
        RedlineError: on_redline,
        Exception: on_crash,
    }
    for cls, handler in handlers.items():
        app.add_exception_handler(cls, handler)
