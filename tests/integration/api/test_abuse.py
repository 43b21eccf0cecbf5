"""Abuse of the read API: floods of unknown keys, of health checks, an exhausted pool."""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import dart_assets.api.app as app_module
from dart_assets.api.app import create_app
from dart_assets.api.keys import KeyStore, create_api_key, revoke_api_key


@pytest.fixture
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends, lower-cased."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement.strip().lower())

    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def _key_lookups(seen: list[str]) -> int:
    return sum("dart_ops.api_keys" in s for s in seen)


def test_random_keys_from_one_address_are_refused_before_any_lookup(engine, statements) -> None:
    """A loop of random keys costs at most the address's failure budget in lookups, then 429s."""
    with TestClient(create_app(engine=engine)) as client:  # the defaults a deployment runs with
        answers = [
            client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": secrets.token_urlsafe(32)})
            for _ in range(60)
        ]
        statuses = [a.status_code for a in answers]
        assert set(statuses) == {401, 429}
        first_429 = statuses.index(429)
        assert set(statuses[first_429:]) == {429}, "once over budget, every unknown key is refused"
        assert first_429 <= 20
        assert int(answers[-1].headers["Retry-After"]) >= 1
        assert answers[-1].json()["status"] == 429 and "unknown API keys" in answers[-1].json()["error"]
        assert _key_lookups(statements) == first_429, "no lookup once the address is over budget"
        # another address is not punished for it
        other = TestClient(client.app, client=("198.51.100.7", 40000))
        assert other.get("/api/dart/fear-greed/latest", headers={"X-API-Key": "x" * 40}).status_code == 401


def test_a_known_key_keeps_working_while_its_address_floods_unknown_ones(engine) -> None:
    key = create_api_key(engine, "reader", ["read"])
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "create schema dart_marts; "
                "create table dart_marts.fear_greed_index (date date, value numeric, label text)"
            )
        )
    with TestClient(create_app(engine=engine, rate_limit="1000/minute")) as client:
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 404
        for _ in range(40):
            client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": secrets.token_urlsafe(32)})
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 404


def test_a_known_key_keeps_working_when_its_address_is_over_the_address_limit(engine) -> None:
    """Behind one NAT: a flood drains the address's budget, a client whose key resolved keeps
    its service (still limited per key); an unknown key or no key from there is refused."""
    key = create_api_key(engine, "reader", ["read"])
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "create schema dart_marts; "
                "create table dart_marts.fear_greed_index (date date, value numeric, label text)"
            )
        )
    with TestClient(create_app(engine=engine, rate_limit="8/hour", address_limit="10/hour")) as client:
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 404
        flood = [client.get("/api/dart/health").status_code for _ in range(15)]
        assert flood.count(429) >= 5, flood
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": "x" * 40}).status_code == 429
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 404
        # the exemption is from the address limit only: the key's own limit still holds
        statuses = [client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code for _ in range(8)]
        assert (
            statuses[-1] == 429
            and "per key exceeded"
            in client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).json()["error"]
        ), statuses


def test_a_known_key_outlives_its_cache_while_its_address_presents_unknown_ones(engine, monkeypatch) -> None:
    """The flood keeps the address over its unknown-key budget for longer than the key cache
    lives: the valid key is looked up again instead of being refused with the flood."""
    monkeypatch.setattr(app_module, "KeyStore", functools.partial(KeyStore, ttl_s=0.05))
    key = create_api_key(engine, "reader", ["read"])
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "create schema dart_marts; "
                "create table dart_marts.fear_greed_index (date date, value numeric, label text)"
            )
        )
    with TestClient(create_app(engine=engine, auth_failure_limit="3/hour")) as client:
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 404
        flood = [
            client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": secrets.token_urlsafe(32)}).status_code
            for _ in range(6)
        ]
        assert flood[-1] == 429, flood
        time.sleep(0.1)  # the key's cache entry has expired
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 404


def test_a_revoked_key_loses_its_exemption(engine) -> None:
    key = create_api_key(engine, "leaver", ["read"])
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "create schema dart_marts; "
                "create table dart_marts.fear_greed_index (date date, value numeric, label text)"
            )
        )
    app = create_app(engine=engine, address_limit="10/hour")
    with TestClient(app) as client:
        assert client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key}).status_code == 404
    store = KeyStore(engine, ttl_s=0.001)
    assert store.lookup(key) is not None and store.recently_valid(key)
    revoke_api_key(engine, "leaver")
    time.sleep(0.01)
    assert store.lookup(key) is None and not store.recently_valid(key)


def test_every_request_is_limited_per_address_health_included(engine) -> None:
    # Hour windows: the per-address counter is approximate right after a window boundary.
    with TestClient(create_app(engine=engine, rate_limit="5/hour")) as client:  # 4 keys' worth: 20/hour
        statuses = [client.get("/api/dart/health").status_code for _ in range(25)]
        assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}, statuses
        limited = client.get("/api/dart/health")
        assert limited.json() == {"error": "rate limit of 20 per 1 hour per client address exceeded", "status": 429}
        assert int(limited.headers["Retry-After"]) >= 1
        assert client.get("/api/dart/openapi.json").status_code == 429  # docs too: nothing is free
    with TestClient(create_app(engine=engine, address_limit="3/hour")) as client:
        assert [client.get("/api/dart/health").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_key_cache_is_bounded_in_size_and_in_time(engine) -> None:
    now = [1000.0]
    store = KeyStore(engine, ttl_s=30, known_size=4, unknown_size=50, clock=lambda: now[0])
    real = create_api_key(engine, "reader", ["read"])
    assert store.lookup(real) is not None
    for _ in range(500):
        assert store.lookup(secrets.token_urlsafe(32)) is None
    known, unknown = store.cache_sizes()
    assert (known, unknown) == (1, 50), "random keys are capped and never evict a real one"
    assert store.cached(real) == (True, store.lookup(real))
    now[0] += 31
    assert store.cached(real) == (False, None), "entries expire after the TTL"


def test_unknown_key_lookup_is_one_read_only_select(engine, statements) -> None:
    store = KeyStore(engine)
    statements.clear()
    assert store.lookup("not-a-key-" + secrets.token_hex(8)) is None
    assert len(statements) == 1 and statements[0].startswith("select"), statements
    assert store.lookup("x" * 10_000) is None  # absurdly long: no query at all
    assert len(statements) == 1


def test_lookups_work_against_a_read_only_database(db_url: str, engine) -> None:
    """A read-only transaction (replica, or default_transaction_read_only) serves every lookup."""
    key = create_api_key(engine, "reader", ["read"])
    read_only = sa.create_engine(db_url, connect_args={"options": "-c default_transaction_read_only=on"})
    try:
        with TestClient(create_app(engine=read_only)) as client:
            unknown = client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": "nope"})
            assert unknown.status_code == 401
            known = client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key})
            assert known.status_code == 503 and "not built yet" in known.json()["error"]  # past the key check
    finally:
        read_only.dispose()


def test_valid_keys_still_record_last_use(engine) -> None:
    key = create_api_key(engine, "reader", ["read"])
    KeyStore(engine).lookup(key)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select last_used_at from dart_ops.api_keys")).scalar_one() is not None


def test_an_exhausted_pool_answers_503_not_500(db_url: str, engine) -> None:
    key = create_api_key(engine, "reader", ["read"])
    tiny = sa.create_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        with TestClient(create_app(engine=tiny), raise_server_exceptions=False) as client:
            held = tiny.connect()
            try:
                busy = client.get("/api/dart/fear-greed/latest", headers={"X-API-Key": key})
            finally:
                held.close()
            assert busy.status_code == 503 and busy.json()["status"] == 503
            assert busy.headers["Retry-After"] == "1"
    finally:
        tiny.dispose()
