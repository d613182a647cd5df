"""The FastAPI application: API + pages over one Service, errors as messages, never a traceback.

``create_app(settings, service)`` makes the app; ``qa serve`` runs it with uvicorn. The
index is opened once (at start-up when it exists) and followed by ``LiveSnapshot``, so a
new ``qa ingest`` is picked up without a restart. Every error, from the API or a page,
is a short message saying what to do: JSON under /api and /healthz, an HTML page elsewhere.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from qa.errors import AnswererUnavailable, ConfigError, IndexIncompatible, IndexMissing, QaError
from qa.service import Service
from qa.settings import Settings, get_settings
from qa.web import api, pages
from qa.web.limits import BodyLimit
from qa.web.render import PAGE_HEADERS, STATIC_DIR, templates

log = logging.getLogger("qa.web")

JSON_PATHS = ("/api", "/healthz", "/openapi.json", "/docs", "/static")
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "too_large", 422: "invalid_request", 503: "unavailable"}


def problem(request: Request, status: int, message: str, error: str | None = None, headers: dict | None = None,
            errors: list[dict] | None = None) -> Response:
    """The error response: JSON for the API, a page for a browser."""
    error = error or CODES.get(status, "error")
    if request.url.path.startswith(JSON_PATHS):
        body = {"error": error, "message": message, **({"errors": errors} if errors else {})}
        return JSONResponse(body, status_code=status, headers=headers)
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


_FIELD_MESSAGES = {
    "string_too_short": lambda e: "must not be empty",
    "string_too_long": lambda e: f"is {len(e['input']):,} characters long; the limit is "
                                 f"{e.get('ctx', {}).get('max_length', '?'):,}" if isinstance(e.get("input"), str)
                                 else "is too long",
    "string_pattern_mismatch": lambda e: "must contain something other than spaces",
    "missing": lambda e: "is required",
    "extra_forbidden": lambda e: "is not a field this endpoint knows",
    "json_invalid": lambda e: f"the body is not valid JSON ({e.get('ctx', {}).get('error', 'parse error')})",
    "model_attributes_type": lambda e: "must be a JSON object",
    "dict_type": lambda e: "must be a JSON object",
}


def _field_errors(exc: RequestValidationError) -> list[dict]:
    out = []
    for e in exc.errors():
        loc = [str(part) for part in e.get("loc", ()) if part not in ("body", "query", "path")]
        explain = _FIELD_MESSAGES.get(e.get("type", ""))
        out.append({"field": ".".join(loc) or "body", "message": explain(e) if explain else e.get("msg", "invalid")})
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 400 and message == "There was an error parsing the body":
            return problem(request, 422, "invalid request: the body could not be read: send UTF-8 JSON text")
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path[:200]}: see /docs for the API, or / for the question page"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed here: see /docs for the methods each path takes"
        return problem(request, exc.status_code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _field_errors(exc)
        message = "invalid request: " + "; ".join(f"{e['field']} {e['message']}" for e in errors)
        return problem(request, 422, message, errors=errors)

    @app.exception_handler(QaError)
    async def qa_error(request: Request, exc: QaError) -> Response:
        if isinstance(exc, (IndexMissing, IndexIncompatible)):
            return problem(request, 503, str(exc), "no_index")
        if isinstance(exc, (AnswererUnavailable, ConfigError)):
            return problem(request, 503, str(exc), "unavailable")
        return problem(request, 422, str(exc), "invalid_request")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(request, 500, "something went wrong on the server; its log has the details", "internal")


def _warm_up(service: Service) -> None:
    """Open the index, load the models and open the refusal log now rather than on the first question."""
    try:
        service.recorder  # a bad log file is reported at start-up, not on the first refusal
        service.ask("warm up", k=1)  # not a question anyone asked: never in the refusal log (record is off)
    except QaError as exc:
        log.warning("%s", exc)
    except Exception:  # a warm-up failure must not stop the server; the first request will say what is wrong
        log.exception("warm-up failed")


def _install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from files shipped in a Python package: no CDN."""
    try:
        import swagger_ui_bundle
    except ImportError:  # pragma: no cover - the package is a dependency
        log.warning("swagger-ui-bundle-v2 is not installed: /docs is unavailable")
        return
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="qa API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")


def _schema_without_auth(app: FastAPI) -> None:
    """Without QA_API_KEY the API is open: say so in the schema (no security requirement)."""
    make_schema = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = make_schema()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    operation.pop("security", None)
                    operation.get("responses", {}).pop("401", None)
            schema.get("components", {}).pop("securitySchemes", None)
        return app.openapi_schema

    app.openapi = openapi


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    settings = settings or (service.settings if service else get_settings())
    service = service or Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.serve_threads
        await run_in_threadpool(_warm_up, service)
        yield

    app = FastAPI(title="qa", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Answers questions about police press releases, citing the passages that say so.")
    app.state.settings = settings
    app.state.service = service
    install_error_handlers(app)
    _install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(api.health_router)
    app.include_router(pages.router)
    if not settings.api_key:
        _schema_without_auth(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
