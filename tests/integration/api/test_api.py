"""The read API over real HTTP-level requests (Starlette TestClient) against real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dart_assets.api.app import create_app
from dart_assets.api.keys import create_api_key, revoke_api_key

MARTS_DDL = """
create schema if not exists dart_marts;
create table dart_marts.fear_greed_index (date date primary key, value numeric, label text);
create table dart_marts.disclosure_impact_scores (
    rcept_no text primary key, rcept_dt date, corp_code text, event_type text, impact_score numeric);
insert into dart_marts.fear_greed_index values ('2026-09-14', 41.5, 'fear'), ('2026-09-15', 62.0, 'greed');
insert into dart_raw.disclosures (rcept_no, corp_code, corp_name, stock_code, corp_cls, report_nm, flr_nm, rcept_dt, rm)
values ('20260915000123', '00126380', '삼성전자', '005930', 'Y', '자기주식취득결정', '삼성전자', '2026-09-15', '유'),
       ('20260915800456', '00164779', 'SK하이닉스', '000660', 'Y', '기업설명회(IR)개최              ',
        'SK하이닉스', '2026-09-15', '유');
insert into dart_marts.disclosure_impact_scores values ('20260915000123', '2026-09-15', '00126380', 'buyback', 65);
"""


@pytest.fixture
def api(engine: sa.Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with engine.begin() as conn:
        conn.execute(sa.text(MARTS_DDL))
    keys = {
        "read": create_api_key(engine, "reader", ["read"]),
        "admin": create_api_key(engine, "operator", ["read", "admin"]),
    }
    with TestClient(create_app(engine=engine, rate_limit="5/minute")) as client:
        yield client, keys


def test_openapi_and_docs_are_public(api) -> None:
    client, _ = api
    spec = client.get("/api/dart/openapi.json").json()
    assert "/api/dart/fear-greed/latest" in spec["paths"]
    assert client.get("/api/dart/docs").status_code == 200
    assert client.get("/api/dart/health").json() == {"status": "ok"}


def test_read_endpoints_need_a_valid_key(api) -> None:
    client, keys = api
    missing = client.get("/api/dart/fear-greed/latest")
    assert missing.status_code == 401 and "X-API-Key" in missing.json()["error"]
    assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": "nope"}).status_code == 401
    latest = client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": keys["read"]})
    assert latest.status_code == 200
    assert latest.json()["label"] == "greed" and latest.json()["date"] == "2026-09-15"


def test_disclosures_join_scores_and_keep_raw_titles(api) -> None:
    client, keys = api
    rows = client.get(
        "/api/dart/disclosures", params={"from": "2026-09-15", "to": "2026-09-15"}, headers={"X-API-Key": keys["read"]}
    ).json()
    by_no = {r["rcept_no"]: r for r in rows}
    assert by_no["20260915000123"]["impact_score"] == 65
    assert by_no["20260915800456"]["impact_score"] is None
    assert by_no["20260915800456"]["report_nm"].endswith("  ")


def test_mart_pages_follow_date_then_key(api, engine) -> None:
    client, keys = api
    with engine.begin() as conn:  # inserted out of key order: the heap order is not the answer
        conn.execute(
            sa.text(
                "insert into dart_marts.disclosure_impact_scores values "
                "('20260914000009', '2026-09-14', '00126380', 'buyback', 60), "
                "('20260914000001', '2026-09-14', '00126380', 'buyback', 61), "
                "('20260914000005', '2026-09-14', '00126380', 'buyback', 62)"
            )
        )
    pages = [
        client.get(
            "/api/dart/impact-scores",
            params={"from": "2026-09-14", "to": "2026-09-15", "limit": 1, "offset": offset},
            headers={"X-API-Key": keys["admin"]},  # the read key's 5/minute would run out
        ).json()
        for offset in range(4)
    ]
    assert [page[0]["rcept_no"] for page in pages] == [
        "20260914000001",
        "20260914000005",
        "20260914000009",
        "20260915000123",
    ]


def test_admin_scope_is_enforced(api) -> None:
    client, keys = api
    assert client.get("/api/dart/admin/dead-letters", headers={"X-API-Key": keys["read"]}).status_code == 403
    assert client.get("/api/dart/admin/dead-letters", headers={"X-API-Key": keys["admin"]}).json() == []


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"from": "2026-13-01"}, "'from'"),
        ({"from": "2026-09-15", "to": "2026-09-01"}, "after"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "at most"),
        ({"corp_code": "123"}, "'corp_code'"),
        ({"limit": "0"}, "'limit'"),
    ],
)
def test_bad_query_parameters_get_clear_400s(api, params, fragment) -> None:
    client, keys = api
    response = client.get("/api/dart/disclosures", params=params, headers={"X-API-Key": keys["read"]})
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_rate_limit_answers_429_with_retry_after(api) -> None:
    client, keys = api
    statuses = [
        client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": keys["read"]}).status_code for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5
    limited = client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": keys["read"]})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    # another key has its own budget
    assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": keys["admin"]}).status_code == 200


def test_missing_mart_is_a_clear_503(api, engine) -> None:
    client, keys = api
    response = client.get("/api/dart/sentiment", headers={"X-API-Key": keys["read"]})
    assert response.status_code == 503 and "not built yet" in response.json()["error"]


def test_revoked_key_is_refused_after_cache_expiry(engine) -> None:
    key = create_api_key(engine, "temp", ["read"], actor="ops-kim")
    assert revoke_api_key(engine, "temp", actor="ops-kim") == 1
    with TestClient(create_app(engine=engine)) as client:
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 401
    with engine.connect() as conn:
        stored = conn.execute(sa.text("select key_hash from dart_ops.api_keys where name = 'temp'")).scalar_one()
    assert key not in stored
    with engine.connect() as conn:
        audit = conn.execute(
            sa.text("select actor, action, details::text from dart_ops.audit_log where target = 'temp' order by id")
        ).all()
    assert [(a, b) for a, b, _ in audit] == [("ops-kim", "api_key.create"), ("ops-kim", "api_key.revoke")]
    assert all(key not in details for _, _, details in audit)
