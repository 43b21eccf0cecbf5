"""The API's contract: what OpenAPI declares is what the code answers (schemathesis), one error
shape everywhere, security headers, and no caching of admin answers."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dart_assets.api.app import create_app

UNLIMITED = {"rate_limit": "1000000/minute", "auth_failure_limit": "1000000/minute"}


@pytest.fixture
def client(marts, api_keys):
    with TestClient(create_app(engine=marts, **UNLIMITED), raise_server_exceptions=False) as c:
        yield c


def test_openapi_declares_what_the_code_answers(client) -> None:
    spec = client.get("/api/dart/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert "422" not in codes, f"{method} {path}: the API answers 400, not 422"
            assert {"200", "429", "503"} <= codes, f"{method} {path}: {codes}"
            keyed = bool(operation.get("security"))
            assert keyed == (path != "/api/dart/health")
            if keyed:
                assert {"401", "403"} <= codes, f"{method} {path}: {codes}"
            if operation.get("parameters"):
                assert "400" in codes, f"{method} {path}: {codes}"
            for code in codes - {"200"}:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema == error_ref, f"{method} {path} {code}: {schema}"
            assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    params = {path: {p["name"] for p in item["get"].get("parameters", [])} for path, item in spec["paths"].items()}
    assert params["/api/dart/admin/quarantine"] == {"asset_key", "partition_key", "limit", "cursor"}
    assert params["/api/dart/admin/dead-letters"] == {"status", "job_name", "limit", "cursor"}
    assert params["/api/dart/admin/partition-loads"] == {"asset_key", "partition_key", "limit", "cursor"}
    assert params["/api/dart/admin/audit"] == {"action", "actor", "limit", "cursor"}
    assert {"from", "to", "corp_code", "event_type", "limit", "offset", "cursor"} == params["/api/dart/disclosures"]
    assert spec["paths"]["/api/dart/disclosures"]["get"]["responses"]["200"]["headers"].keys() == {
        "Link",
        "X-Next-Cursor",
    }


def test_admin_filters_filter(client, api_keys) -> None:
    rows = client.get(
        "/api/dart/admin/audit", params={"action": "retention.run"}, headers={"X-API-Key": api_keys["admin"]}
    ).json()
    assert rows and {r["action"] for r in rows} == {"retention.run"}


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/api/dart/nothing-here", 404),
        ("GET", "/elsewhere", 404),
        ("POST", "/api/dart/disclosures", 405),
        ("DELETE", "/api/dart/health", 405),
    ],
)
def test_every_error_has_the_same_shape(client, method, path, status) -> None:
    answer = client.request(method, path)
    assert answer.status_code == status
    assert answer.json().keys() == {"error", "status"} and answer.json()["status"] == status
    if status == 405:
        assert "GET" in answer.headers["Allow"]


def test_an_unexpected_exception_is_a_500_in_the_same_shape_without_details(marts, api_keys, monkeypatch) -> None:
    from dart_assets.api import queries

    def broken(conn):
        raise RuntimeError("secret detail postgresql://u:p@h/db")

    monkeypatch.setattr(queries, "latest_fear_greed", broken)
    with TestClient(create_app(engine=marts), raise_server_exceptions=False) as client:
        answer = client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": api_keys["read"]})
    assert answer.status_code == 500
    assert answer.json() == {"error": "internal error", "status": 500}
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path, key",
    [
        ("/api/dart/health", None),
        ("/api/dart/fear-greed/latest", "read"),
        ("/api/dart/fear-greed/latest", None),  # 401
        ("/api/dart/nothing-here", None),  # 404
        ("/api/dart/admin/audit", "admin"),
        ("/api/dart/admin/audit", "read"),  # 403
        ("/api/dart/openapi.json", None),
    ],
)
def test_security_headers_on_every_answer_and_no_store_on_admin(client, api_keys, path, key) -> None:
    answer = client.get(path, headers={"X-API-Key": api_keys[key]} if key else {})
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert (answer.headers.get("Cache-Control") == "no-store") == path.startswith("/api/dart/admin/")


def test_docs_page_still_loads_its_scripts(client) -> None:
    answer = client.get("/api/dart/docs")
    assert answer.status_code == 200
    csp = answer.headers["Content-Security-Policy"]
    assert "https://cdn.jsdelivr.net" in csp and "cdn.jsdelivr.net" in answer.text


# --- schemathesis: generated requests against the app, every response checked ---------------
# The document does not depend on the database: it is loaded once, at import, from an app without
# one; each generated request then goes (in process, ASGI) to an app over a fresh warehouse with
# every mart and a few rows, which the fixture plugs in behind this stand-in.
class _PluggedApp:
    def __init__(self) -> None:
        self.app = create_app(engine=None)

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


PLUGGED = _PluggedApp()
schema = schemathesis.openapi.from_asgi("/api/dart/openapi.json", PLUGGED)
# The key is sent by the test (a valid admin key: every operation is reachable), so it is not
# generated nor mutated; unknown query parameters are ignored by design (as by most HTTP APIs),
# so negative cases do not add them.
schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)


@pytest.fixture
def api_app(marts, api_keys):
    schema_only = PLUGGED.app
    PLUGGED.app = create_app(engine=marts, **UNLIMITED)
    yield PLUGGED.app
    PLUGGED.app = schema_only


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis_no_5xx_and_every_answer_matches_the_schema(case, api_app, api_keys) -> None:
    case.call_and_validate(
        headers={"X-API-Key": api_keys["admin"]},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
            negative_data_rejection,
            ignored_auth,
        ],
    )
