import pickle

import pytest

from dart_assets.sources.dart import errors
from dart_assets.sources.dart.errors import error_for_status

NOT_RETRYABLE = ["010", "011", "012", "014", "020", "021", "100", "101", "901"]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        ("010", errors.InvalidKeyError),
        ("011", errors.KeySuspendedError),
        ("012", errors.IpNotAllowedError),
        ("014", errors.NoSuchFileError),
        ("020", errors.QuotaExceededError),
        ("021", errors.TooManyCompaniesError),
        ("100", errors.InvalidFieldError),
        ("101", errors.ImproperAccessError),
        ("800", errors.MaintenanceError),
        ("900", errors.UndefinedServerError),
        ("901", errors.KeyExpiredError),
    ],
)
def test_every_status_has_its_own_type(status, cls):
    exc = error_for_status(status, "list.json", "DART's message")
    assert type(exc) is cls
    assert exc.status == status and exc.endpoint == "list.json"
    assert f"status {status}" in str(exc) and "DART's message" in str(exc) and "list.json" in str(exc)


@pytest.mark.parametrize("status", NOT_RETRYABLE)
def test_configuration_and_request_errors_are_not_retried(status):
    assert error_for_status(status, "list.json").retryable is False


@pytest.mark.parametrize("status", ["800", "900"])
def test_outages_are_retried_and_counted_by_the_breaker(status):
    exc = error_for_status(status, "list.json")
    assert exc.retryable and exc.is_outage


def test_only_key_problems_rotate_keys():
    rotating = {s for s in errors.STATUS_ERRORS if error_for_status(s, "x").rejects_key}
    assert rotating == {"010", "011", "020", "901"}


def test_013_is_not_an_error_and_unknown_statuses_keep_their_code():
    assert "013" not in errors.STATUS_ERRORS
    exc = error_for_status("999", "company.json", "새 오류")
    assert isinstance(exc, errors.UnknownStatusError) and exc.status == "999" and not exc.retryable


@pytest.mark.parametrize(
    ("http_status", "retryable"), [(None, True), (500, True), (503, True), (429, True), (404, False), (403, False)]
)
def test_transport_errors_retry_unless_the_request_itself_is_wrong(http_status, retryable):
    exc = errors.TransportError("list.json", "boom", http_status=http_status)
    assert exc.retryable is retryable and exc.status is None


def test_client_side_stops_are_not_retried():
    for cls in (errors.DailyBudgetExhaustedError, errors.CircuitOpenError):
        assert cls("list.json").retryable is False
    assert errors.MalformedResponseError("list.json").retryable
    assert issubclass(errors.CorruptZipError, errors.MalformedResponseError)


def test_errors_survive_pickling_for_dagster():
    for exc in (
        errors.QuotaExceededError("list.json", "m", http_status=200),
        errors.UnknownStatusError("x", "m", status="777"),
        errors.TransportError("x", "t", http_status=404),
    ):
        copy = pickle.loads(pickle.dumps(exc))
        assert type(copy) is type(exc) and str(copy) == str(exc)
        assert (copy.status, copy.retryable, copy.http_status) == (exc.status, exc.retryable, exc.http_status)
