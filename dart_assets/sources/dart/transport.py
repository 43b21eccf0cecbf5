"""An httpx transport that adds `crtfc_key` at the last moment.

httpx logs every request URL ("HTTP Request: GET ...") and attaches the request to its
exceptions. If the key were in the URL the client builds, it would reach logs and tracebacks.
Instead the client sends key-less requests carrying the key in a private extension, and this
transport copies the request with the key in the query string just before the wire, so the
request that httpx logs, returns and raises with never holds the key.
"""

from __future__ import annotations

import httpx

KEY_EXTENSION = "dart_fg.crtfc_key"


class KeyInjectingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Popped from the caller's request too: it is what httpx attaches to exceptions.
        key = request.extensions.pop(KEY_EXTENSION, None)
        if key is None:
            return self.inner.handle_request(request)
        extensions = dict(request.extensions)
        wire = httpx.Request(
            request.method,
            request.url.copy_merge_params({"crtfc_key": key}),
            headers=request.headers,
            stream=request.stream,
            extensions=extensions,
        )
        return self.inner.handle_request(wire)

    def close(self) -> None:
        self.inner.close()
