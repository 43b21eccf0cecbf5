"""Circuit breaker and daily budget persisted in real PostgreSQL (dart_ops), shared across processes."""

import time
from datetime import date

import pytest
import sqlalchemy as sa

from dart_assets.core.redaction import key_id
from dart_assets.sources.dart import CircuitBreaker, errors
from dart_assets.sources.http.quota import PostgresQuota, seoul_today


def test_breaker_opens_after_the_threshold_and_refuses_calls(engine):
    breaker = CircuitBreaker(engine, failure_threshold=3, cooldown_s=60)
    breaker.before_call()
    for _ in range(2):
        breaker.record_failure("list.json: OpenDART is down for maintenance (status 800)")
    assert breaker.status()["state"] == "closed" and breaker.status()["consecutive_failures"] == 2
    breaker.before_call()
    breaker.record_failure("list.json: transport error: timed out")
    status = breaker.status()
    assert status["state"] == "open" and status["opened_at"] is not None
    assert status["last_error"] == "list.json: transport error: timed out"
    with pytest.raises(errors.CircuitOpenError, match="3 consecutive failures.*timed out") as info:
        breaker.before_call("list.json")
    assert info.value.endpoint == "list.json" and not info.value.retryable


def test_a_success_resets_the_count(engine):
    breaker = CircuitBreaker(engine, failure_threshold=2)
    breaker.record_failure("x")
    breaker.record_success()
    breaker.record_failure("y")
    assert breaker.status()["state"] == "closed" and breaker.status()["consecutive_failures"] == 1


def test_after_cooldown_one_probe_goes_through_and_decides(engine):
    breaker = CircuitBreaker(engine, failure_threshold=1, cooldown_s=0.3)
    breaker.record_failure("down")
    with pytest.raises(errors.CircuitOpenError):
        breaker.before_call()
    time.sleep(0.35)
    breaker.before_call()  # the probe
    other_process = CircuitBreaker(sa.create_engine(engine.url), failure_threshold=1, cooldown_s=0.3)
    assert other_process.status()["state"] == "half_open"
    with pytest.raises(errors.CircuitOpenError, match="half_open"):
        other_process.before_call()  # only one probe at a time
    breaker.record_failure("still down")  # the probe failed: open again, cool-down restarts
    assert other_process.status()["state"] == "open"
    with pytest.raises(errors.CircuitOpenError):
        other_process.before_call()
    time.sleep(0.35)
    other_process.before_call()
    other_process.record_success()
    assert breaker.status() | {"opened_at": None, "last_failure_at": None} == {
        "name": "dart_api",
        "state": "closed",
        "consecutive_failures": 0,
        "opened_at": None,
        "last_failure_at": None,
        "last_error": "still down",
    }
    other_process.engine.dispose()


def test_breaker_state_survives_a_new_engine_and_names_are_separate(engine):
    CircuitBreaker(engine, failure_threshold=1).record_failure("boom")
    fresh = sa.create_engine(engine.url)
    assert CircuitBreaker(fresh).status()["state"] == "open"
    assert CircuitBreaker(fresh, name="other_api").status()["state"] == "closed"
    fresh.dispose()


def test_stored_error_is_redacted(engine):
    key = "Q" * 40
    breaker = CircuitBreaker(engine, secrets=(key,))
    breaker.record_failure(f"GET http://h/api/list.json?crtfc_key={key}&page_no=1 failed; key {key}")
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT last_error FROM dart_ops.circuit_breaker")).scalar_one()
    assert key not in stored and "crtfc_key=***" in stored


def test_client_trips_the_breaker_on_outages_and_then_stops_calling(engine, sim, dart):
    sim.config.faults.maintenance = True
    breaker = CircuitBreaker(engine, failure_threshold=3, cooldown_s=600)
    client = dart(breaker=breaker, max_attempts=5)
    with pytest.raises(errors.CircuitOpenError):
        client.company("00126380")
    assert len(sim.requests) == 3 and breaker.status()["state"] == "open"
    assert "status 800" in breaker.status()["last_error"]
    with pytest.raises(errors.CircuitOpenError):  # another run: refused without calling DART
        dart(breaker=CircuitBreaker(engine)).list_disclosures(date(2026, 9, 15), date(2026, 9, 15))
    assert len(sim.requests) == 3


def test_business_errors_do_not_trip_the_breaker(engine, sim, dart, keys):
    sim.config.valid_keys = {keys.OTHER_KEY}
    breaker = CircuitBreaker(engine, failure_threshold=1)
    with pytest.raises(errors.InvalidKeyError):
        dart(breaker=breaker).company("00126380")
    assert breaker.status()["state"] == "closed"


def test_budget_is_counted_per_key_and_seoul_day_in_the_warehouse(engine, sim, dart, keys):
    first = dart(engine=engine, daily_call_budget=4)
    first.list_disclosures(date(2026, 9, 15), date(2026, 9, 15))  # 3 calls
    assert first.remaining_budget() == 1
    second = dart(engine=engine, daily_call_budget=4)  # another run sees the same count
    assert second.remaining_budget() == 1
    second.company("00126380")
    with pytest.raises(errors.DailyBudgetExhaustedError, match="4 calls per key per day"):
        second.company("00126380")
    assert len(sim.requests) == 4
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT key_id, usage_date, calls, exhausted FROM dart_ops.api_quota_usage")).all()
    assert rows == [(key_id(keys.KEY), seoul_today(), 4, False)]
    assert keys.KEY not in str(rows)


def test_quota_020_is_shared_with_other_runs(engine, sim, dart, keys):
    sim.config.faults.quota = 1
    first = dart(keys=(keys.KEY, keys.OTHER_KEY), engine=engine)
    first.company("00126380")
    first.company("00126380")  # 020 on KEY, served by OTHER_KEY
    later = dart(keys=(keys.KEY, keys.OTHER_KEY), engine=engine)
    sim.requests.clear()
    with pytest.raises(errors.QuotaExceededError, match="daily quota exhausted on all 2 key"):
        later.company("00126380")
    assert [r.status for r in sim.requests] == ["020"]  # KEY skipped without asking DART; OTHER_KEY spent
    with engine.connect() as conn:
        exhausted = dict(conn.execute(sa.text("SELECT key_id, exhausted FROM dart_ops.api_quota_usage")).all())
    assert exhausted[key_id(keys.KEY)] is True


def test_postgres_ledger_refuses_atomically(engine):
    ledger = PostgresQuota(engine, budget=2)
    assert [ledger.reserve("abc"), ledger.reserve("abc"), ledger.reserve("abc")] == [True, True, False]
    assert ledger.remaining("abc") == 0 and ledger.remaining("def") == 2
    ledger.mark_exhausted("def")
    assert ledger.reserve("def") is False and ledger.remaining("def") == 0


def test_garbled_answers_neither_trip_nor_reset_the_breaker(engine, sim, dart):
    breaker = CircuitBreaker(engine, failure_threshold=5)
    breaker.record_failure("earlier timeout")
    sim.config.faults.malformed_rate = 1.0
    with pytest.raises(errors.MalformedResponseError):
        dart(breaker=breaker, max_attempts=3).company("00126380")
    assert len(sim.requests) == 3
    assert breaker.status()["state"] == "closed" and breaker.status()["consecutive_failures"] == 1
