"""ASGI middleware: security headers on every answer, and the per-address limit before anything.

A request whose API key resolved recently is exempt from the address limit (it is still
authenticated and limited per key): clients sharing an address with a flood of random keys,
behind one NAT, keep their service.

Plain ASGI (no BaseHTTPMiddleware): it wraps `send` to add headers, so streaming, errors and
the 429s it answers itself all carry them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dart_assets.api.errors import error_response
from dart_assets.api.ratelimit import Limit, client_bucket

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",  # ignored by browsers over plain HTTP
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# Swagger UI (the docs page) loads its script and style from jsDelivr, runs one inline script
# and fetches the OpenAPI document from this origin.
DOCS_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; frame-ancestors 'none'"
)


class GuardMiddleware:
    """Counts every request against its client address, then adds the security headers."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        address_limit: Limit,
        docs_path: str,
        admin_prefix: str,
        trusted_key: Callable[[str], bool] = lambda key: False,
    ) -> None:
        self.app, self.limit, self.trusted_key = app, address_limit, trusted_key
        self.docs_path, self.admin_prefix = docs_path, admin_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = dict(SECURITY_HEADERS)
        if path == self.docs_path:
            extra["Content-Security-Policy"] = DOCS_CSP
        if path.startswith(self.admin_prefix):
            extra["Cache-Control"] = "no-store"

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name == "Cache-Control" or name not in headers:
                        headers[name] = value
            await send(message)

        client = scope.get("client")
        bucket = client_bucket(client[0] if client else None)
        if not self._exempt(scope) and not self.limit.hit(bucket):
            response = error_response(
                429,
                f"rate limit of {self.limit.spec} per client address exceeded",
                {"Retry-After": self.limit.retry_after(bucket)},
            )
            await response(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # Answered here, inside the headers, in the one error shape, without the exception's
            # text; Starlette's outer ServerErrorMiddleware then only logs it (response started).
            if not started:
                log.error("unhandled %s on %s %s", type(exc).__name__, scope.get("method"), path)
                await error_response(500, "internal error")(scope, receive, send_with_headers)
            raise

    def _exempt(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"x-api-key":
                return self.trusted_key(value.decode("latin-1"))
        return False
