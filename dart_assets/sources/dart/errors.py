"""Typed OpenDART errors.

DART reports business errors as HTTP 200 with a `status` in the body, so the HTTP code alone
says little. Every outcome the client can meet has its own class, and each instance carries
`status` (DART's code, or None for client-side and transport problems), `endpoint` and
`retryable` (whether a later attempt may succeed), so callers decide on types, not strings.
Messages never contain the key: they are built from fixed text, DART's message and redacted
transport details only.
"""

from __future__ import annotations


class DartError(Exception):
    """Base class of every error the OpenDART client raises."""

    status: str | None = None
    retryable: bool = False
    #: the key itself is at fault: the client moves to its next key (if any) instead of failing
    rejects_key: bool = False
    #: an outage of DART (or the path to it): what the circuit breaker counts
    is_outage: bool = False
    description: str = "OpenDART request failed"

    def __init__(self, endpoint: str, detail: str = "", *, http_status: int | None = None) -> None:
        self.endpoint = endpoint
        self.detail = detail
        self.http_status = http_status
        super().__init__(self._text())

    def _text(self) -> str:
        code = f" (status {self.status})" if self.status else ""
        http = f" [HTTP {self.http_status}]" if self.http_status else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.endpoint}: {self.description}{code}{http}{detail}"

    def __reduce__(self):  # pickling (Dagster, multiprocessing) must keep the keyword argument
        return (_rebuild, (type(self), self.endpoint, self.detail, self.http_status))


def _rebuild(cls: type[DartError], endpoint: str, detail: str, http_status: int | None) -> DartError:
    return cls(endpoint, detail, http_status=http_status)


class DartStatusError(DartError):
    """DART answered with a non-000 status in the body."""


class InvalidKeyError(DartStatusError):
    status, rejects_key = "010", True
    description = "the API key is not registered with OpenDART"


class KeySuspendedError(DartStatusError):
    status, rejects_key = "011", True
    description = "the API key is temporarily suspended"


class IpNotAllowedError(DartStatusError):
    status = "012"
    description = "this IP address is not allowed to use the API"


class NoSuchFileError(DartStatusError):
    status = "014"
    description = "the requested file does not exist"


class QuotaExceededError(DartStatusError):
    status, rejects_key = "020", True
    description = "daily quota exhausted (request limit exceeded)"


class TooManyCompaniesError(DartStatusError):
    status = "021"
    description = "too many companies in one request (at most 100)"


class InvalidFieldError(DartStatusError):
    status = "100"
    description = "a request field has an invalid value"


class ImproperAccessError(DartStatusError):
    status = "101"
    description = "improper access"


class MaintenanceError(DartStatusError):
    status, retryable, is_outage = "800", True, True
    description = "OpenDART is down for maintenance"


class UndefinedServerError(DartStatusError):
    status, retryable, is_outage = "900", True, True
    description = "OpenDART reported an undefined error"


class KeyExpiredError(DartStatusError):
    status, rejects_key = "901", True
    description = "the API key has expired (account data-retention period over)"


class UnknownStatusError(DartStatusError):
    description = "OpenDART answered with an unknown status"

    def __init__(self, endpoint: str, detail: str = "", *, status: str, http_status: int | None = None) -> None:
        self.status = status
        super().__init__(endpoint, detail, http_status=http_status)

    def __reduce__(self):
        return (_rebuild_unknown, (self.endpoint, self.detail, self.status, self.http_status))


def _rebuild_unknown(endpoint: str, detail: str, status: str, http_status: int | None) -> UnknownStatusError:
    return UnknownStatusError(endpoint, detail, status=status, http_status=http_status)


class TransportError(DartError):
    """Timeouts, refused or reset connections, HTTP errors: DART's answer never arrived intact."""

    retryable, is_outage = True, True
    description = "transport error"

    def __init__(self, endpoint: str, detail: str = "", *, http_status: int | None = None) -> None:
        super().__init__(endpoint, detail, http_status=http_status)
        # A 4xx other than 429 will not get better by asking again.
        if http_status is not None and 400 <= http_status < 500 and http_status != 429:
            self.retryable = self.is_outage = False


class MalformedResponseError(DartError):
    """The body is neither the JSON nor the ZIP the endpoint promises (truncated, garbled)."""

    retryable = True
    description = "malformed response"


class CorruptZipError(MalformedResponseError):
    description = "the ZIP archive is corrupt or incomplete"


class DailyBudgetExhaustedError(DartError):
    """The client-side daily call budget of every key is spent; raised before calling DART."""

    description = "daily call budget exhausted on every key (client-side limit, Asia/Seoul day)"


class CircuitOpenError(DartError):
    """The circuit breaker is open after repeated outages; calls are refused until it cools down."""

    description = "circuit breaker open: OpenDART calls are paused after repeated failures"


STATUS_ERRORS: dict[str, type[DartStatusError]] = {
    cls.status: cls
    for cls in (
        InvalidKeyError,
        KeySuspendedError,
        IpNotAllowedError,
        NoSuchFileError,
        QuotaExceededError,
        TooManyCompaniesError,
        InvalidFieldError,
        ImproperAccessError,
        MaintenanceError,
        UndefinedServerError,
        KeyExpiredError,
    )
}

OK_STATUS = "000"
NO_DATA_STATUS = "013"  # "조회된 데이타가 없습니다": an empty result, not an error


def error_for_status(
    status: str, endpoint: str, message: str = "", *, http_status: int | None = None
) -> DartStatusError:
    """The typed error for a non-000, non-013 DART status."""
    cls = STATUS_ERRORS.get(status)
    if cls is None:
        return UnknownStatusError(endpoint, message, status=status, http_status=http_status)
    return cls(endpoint, message, http_status=http_status)


class IncompleteListingError(DartError):
    """list.json kept changing faster than it could be re-read; the rows do not match total_count."""

    retryable = True
    description = "the listing could not be read completely"
