"""The FastAPI application: server-rendered pages, the versioned JSON API and Atom feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from redline import __version__
from redline.diff import DIFF_CSS
from redline.settings import FurnitureSettings, NotifySettings, WebSettings
from redline.storage import Store
from redline.web import api, archive, errors, fastpath, feeds, manage, pages
from redline.web import notify as notify_pages
from redline.web.middleware import WebMiddleware
from redline.web.pagecache import PageCache
from redline.web.templating import make_env

STATIC = Path(__file__).with_name("static")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _docs_assets() -> Path | None:
    """Swagger UI files shipped in a Python package, so /api/docs works offline."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    return Path(fastapi_offline.__file__).with_name("static")


def create_app(
    store: Store,
    *,
    clock: Callable[[], datetime] = _utcnow,
    settings: WebSettings | None = None,
    notify: NotifySettings | None = None,
    furniture: FurnitureSettings | None = None,
) -> FastAPI:
    """The app; ``notify`` (timeout, base URL) is what an operator's test sends use, and
    ``furniture`` says which learned rules count (a source page lists them)."""
    app = FastAPI(
        title="Redline API",
        version=__version__,
        summary="How news articles change after publication: sources, articles, versions, diffs.",
        description="Stable, versioned JSON under `/api/v1`. Times are ISO 8601 in UTC. Lists "
        "are newest first and keyset-paginated: pass a page's `next` as `before` to get the "
        'following page. Errors are `{"error": {"status", "message"}}`.',
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.store = store
    app.state.clock = clock
    app.state.web = settings or WebSettings()
    app.state.notify = notify or NotifySettings()
    app.state.furniture = furniture or FurnitureSettings()
    app.state.env = make_env()
    app.state.pages = PageCache()  # renderings by validator and viewer (pagecache.py)
    app.state.fast = fastpath.new_cache()  # readers' pages by URL and data version
    errors.install(app)
    app.add_middleware(fastpath.FastPath)  # inside WebMiddleware: it adds the headers
    app.add_middleware(WebMiddleware)

    @app.get("/static/diff.css", include_in_schema=False)
    def diff_css() -> Response:
        return Response(
            DIFF_CSS, media_type="text/css", headers={"cache-control": "public, max-age=3600"}
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(
            (STATIC / "favicon.svg").read_bytes(),
            media_type="image/svg+xml",
            headers={"cache-control": "public, max-age=86400"},
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    assets = _docs_assets()
    if assets is not None:
        app.mount("/api/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        if assets is None:
            return HTMLResponse(
                "<p>Swagger UI assets are not installed; the schema is at "
                '<a href="/api/openapi.json">/api/openapi.json</a>.</p>'
            )
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Redline API",
            swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/api/docs-assets/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(pages.router)
    app.include_router(archive.router)
    app.include_router(notify_pages.router)
    manage.install(app)  # operator sign-in and forms; `operator(request)` in templates
    app.add_api_route("/metrics", _metrics, include_in_schema=False)
    return app


def _metrics() -> Response:
    """Prometheus metrics of this process (crawl counters when `redline run` crawls here too)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    import redline.metrics  # noqa: F401  (registers the crawl metrics)

    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
