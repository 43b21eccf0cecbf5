"""Typed errors of the market-data clients (KRX Open API, ECOS).

Like the OpenDART errors, each carries `source`, `endpoint`, `retryable` (whether a later
attempt may succeed) and never the key: messages are built from fixed text, the service's own
message and redacted transport details. Callers decide on types, not strings.
"""

from __future__ import annotations


class MarketError(Exception):
    """Base class of every error the KRX and ECOS clients raise."""

    retryable: bool = False
    #: an outage of the service (or the path to it), not a problem of the request or the key
    is_outage: bool = False
    description: str = "request failed"

    def __init__(self, source: str, endpoint: str, detail: str = "", *, http_status: int | None = None) -> None:
        self.source = source
        self.endpoint = endpoint
        self.detail = detail
        self.http_status = http_status
        super().__init__(self._text())

    def _text(self) -> str:
        http = f" [HTTP {self.http_status}]" if self.http_status else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.source} {self.endpoint}: {self.description}{http}{detail}"

    def __reduce__(self):  # pickling (Dagster, multiprocessing) must keep the keyword argument
        return (_rebuild, (type(self), self.source, self.endpoint, self.detail, self.http_status))


def _rebuild(cls: type[MarketError], source: str, endpoint: str, detail: str, http_status: int | None) -> MarketError:
    return cls(source, endpoint, detail, http_status=http_status)


class UnauthorizedError(MarketError):
    """KRX answers 401 both for an unknown key and for an endpoint the key is not approved for."""

    description = (
        "the key is not approved for this endpoint, or is not a valid key (KRX answers 401 "
        "'Unauthorized API Call' for both: apply for the endpoint at openapi.krx.co.kr)"
    )


class InvalidKeyError(MarketError):
    description = "the API key is not valid"


class QuotaExceededError(MarketError):
    """The service refused the call for today's quota; retrying before its reset cannot help."""

    description = "the service's daily call limit is reached"


class DailyBudgetExhaustedError(MarketError):
    """The client's own budget per key per Asia/Seoul day is spent (no call was made)."""

    description = "the daily call budget of the key is spent"


class NotYetPublishedError(MarketError):
    """An empty answer for a past session: the data appears after midnight, before 09:00 KST."""

    retryable = True
    description = "no data yet for a past trading session (published the next morning before 09:00 KST)"


class TransportError(MarketError):
    """HTTP 5xx, a timeout or a broken connection."""

    retryable, is_outage = True, True
    description = "the service did not answer properly"


class MalformedResponseError(MarketError):
    """A body that is not the documented JSON shape (truncated, HTML, wrong fields)."""

    retryable, is_outage = True, True
    description = "malformed response"


class ServiceError(MarketError):
    """The service answered with an error code of its own (ECOS ERROR-xxx, an unexpected KRX status)."""

    description = "the service reported an error"


class RetryableServiceError(ServiceError):
    """An error code that names a temporary server-side problem (ECOS ERROR-500/600/601)."""

    retryable, is_outage = True, True


#: what ends a run for today instead of failing it (resume after the reset)
QUOTA_ERRORS = (QuotaExceededError, DailyBudgetExhaustedError)
