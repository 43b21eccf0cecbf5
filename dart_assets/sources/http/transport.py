"""An httpx transport that adds the API key at the last moment, for every client.

httpx logs every request URL ("HTTP Request: GET ...") and attaches the request to its
exceptions. If the key were in the request a client builds, it would reach logs and
tracebacks. Instead clients send key-less requests carrying the key in a private extension,
and this transport hands the wire a copy with the key where the service wants it (OpenDART's
`crtfc_key` parameter, KRX's header, a segment of ECOS's path), so the request that httpx
logs, returns and raises with never holds the key.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

KEY_EXTENSION = "dart_fg.api_key"


class SecretInjectingTransport(httpx.BaseTransport):
    """`inject(request, key)` returns the request to send; the caller's request keeps no key."""

    def __init__(self, inner: httpx.BaseTransport, inject: Callable[[httpx.Request, str], httpx.Request]) -> None:
        self.inner = inner
        self.inject = inject

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Popped from the caller's request too: it is what httpx attaches to exceptions.
        key = request.extensions.pop(KEY_EXTENSION, None)
        return self.inner.handle_request(request if key is None else self.inject(request, key))

    def close(self) -> None:
        self.inner.close()


def with_url(request: httpx.Request, url: httpx.URL) -> httpx.Request:
    """A copy of `request` for the wire at another URL (the caller's request stays as it was)."""
    return httpx.Request(
        request.method, url, headers=request.headers, stream=request.stream, extensions=dict(request.extensions)
    )
