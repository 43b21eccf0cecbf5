"""One error shape for every answer that is not a success: `{"error": message, "status": code}`.

Validation errors, unknown paths and methods, rate limits, missing tables, database trouble and
unexpected exceptions all answer with it, and the OpenAPI document declares it for each status
an operation can return (see `responses`).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str = Field(description="what went wrong, in a sentence")
    status: int = Field(description="the HTTP status, repeated")


class ApiError(Exception):
    """An error answered as JSON with a clear message; extra headers such as Retry-After."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
        parts.append(f"invalid parameter '{where}': {err.get('msg')}")
    return "; ".join(parts) or "invalid request"


def install_handlers(app: Any) -> None:
    """Route every error through `error_response`."""

    @app.exception_handler(ApiError)
    def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

    # Starlette's own exceptions too: an unknown path (404) or method (405, with Allow).
    @app.exception_handler(StarletteHTTPException)
    def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_message(exc))

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The class only: messages of database errors can hold parameters and URLs.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_response(500, "internal error")


_DESCRIPTIONS = {
    400: "Invalid parameter (the message names it)",
    401: "Missing, unknown or revoked API key",
    403: "The API key lacks the scope this endpoint needs",
    404: "Nothing to answer yet",
    429: "Rate limit exceeded (per client address, per address for unknown keys, or per key)",
    503: "Database unreachable or busy, or the table behind the endpoint not built yet",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses, all with the ErrorBody shape."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        if status in (429, 503):
            entry["headers"] = _RETRY_AFTER
        out[status] = entry
    return out


def strip_422(schema: dict[str, Any]) -> dict[str, Any]:
    """Drop FastAPI's automatic 422 (this API answers 400) and its now unused schemas."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("422", None)
    schemas = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return schema
