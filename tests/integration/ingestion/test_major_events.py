"""dart_raw/major_events (DS005) materialized from the simulator over HTTP into real PostgreSQL."""

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from dart_assets.core.partitions import DISCLOSURES_KEY, MAJOR_EVENTS_KEY
from dart_assets.sources.dart.assets.major_events import plan_requests
from dart_assets.sources.dart.major_events import ENDPOINTS, endpoint_for_title

TESTDATA = Path(__file__).parents[3] / "simulators/data/responses/material/testdata"
RECORDED = sorted(p.stem for p in TESTDATA.glob("*.json"))
STEM = {e.name: e.stems[0] for e in ENDPOINTS}
DAY = "2025-07-21"  # a Monday; at 150 filings a day it holds about a dozen material events


def recorded_item(endpoint: str) -> dict:
    return json.loads((TESTDATA / f"{endpoint}.json").read_text("utf-8"))["list"][0]


def add_filing(engine: sa.Engine, rcept_no: str, corp_code: str, endpoint: str, *, day: str | None = None) -> str:
    """A 주요사항보고서 filing in dart_raw.disclosures, as the upstream asset would have stored it."""
    day = day or f"{rcept_no[:4]}-{rcept_no[4:6]}-{rcept_no[6:8]}"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO dart_raw.disclosures "
                "(rcept_no, corp_code, corp_name, corp_cls, report_nm, flr_nm, rcept_dt, rm, pblntf_ty) "
                "VALUES (:n, :c, '회사', 'Y', :t, '회사', :d, '', 'B')"
            ),
            {"n": rcept_no, "c": corp_code, "t": f"주요사항보고서({STEM[endpoint]})", "d": date.fromisoformat(day)},
        )
    return day


def stored(engine: sa.Engine) -> dict[tuple[str, str], tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT rcept_no, endpoint, corp_code, rcept_dt, details, first_seen_at FROM dart_raw.major_events")
        ).all()
    return {(r.rcept_no, r.endpoint): tuple(r) for r in rows}


def event_requests(sim) -> list:
    return [r for r in sim.requests if r.endpoint.removesuffix(".json") in STEM]


def mapped_filings(engine: sa.Engine, day: str = DAY) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT rcept_no, corp_code, report_nm FROM dart_raw.disclosures WHERE rcept_dt = :d"),
            {"d": date.fromisoformat(day)},
        ).all()
    return [tuple(r) for r in rows if endpoint_for_title(r.report_nm)]


def test_every_recorded_endpoint_has_a_title_mapping() -> None:
    assert len(RECORDED) == 36 and set(RECORDED) == set(STEM)


@pytest.mark.parametrize("endpoint", RECORDED)
def test_every_endpoint_is_fetched_and_stored_as_dart_sent_it(endpoint, materialize, sim, engine) -> None:
    item = recorded_item(endpoint)
    day = add_filing(engine, item["rcept_no"], item["corp_code"], endpoint)

    run = materialize(MAJOR_EVENTS_KEY, day)

    (request,) = event_requests(sim)
    assert request.endpoint == f"{endpoint}.json" and request.status == "000"
    assert request.params == {
        "corp_code": item["corp_code"],
        "bgn_de": day.replace("-", ""),
        "end_de": day.replace("-", ""),
    }
    rows = stored(engine)
    assert set(rows) == {(item["rcept_no"], endpoint)}
    _, _, corp_code, rcept_dt, details, _ = rows[(item["rcept_no"], endpoint)]
    assert details == item  # every value the string DART sent ("-" and broken dates included)
    assert corp_code == item["corp_code"] and rcept_dt == date.fromisoformat(day)
    meta = run.metadata[day]
    assert (meta["rows_fetched"], meta["rows_inserted"], meta["rows_quarantined"], meta["api_calls"]) == (1, 1, 0, 1)
    assert run.checks == {"no_duplicate_keys": True, "quarantine_rate_below_threshold": True}


def test_a_generated_day_costs_one_call_per_company_and_endpoint(materialize, sim, engine) -> None:
    materialize(DISCLOSURES_KEY, DAY)
    filings = mapped_filings(engine)
    assert len(filings) >= 5
    before = len(sim.requests)

    run = materialize(MAJOR_EVENTS_KEY, DAY)

    calls = event_requests(sim)
    assert len(sim.requests) - before == len(calls)  # nothing but DS005 calls
    asked = Counter(
        (r.endpoint.removesuffix(".json"), r.params["corp_code"], r.params["bgn_de"], r.params["end_de"]) for r in calls
    )
    assert max(asked.values()) == 1  # one call per company, endpoint and day
    assert {(e, c) for e, c, _, _ in asked} == {(endpoint_for_title(t), c) for _, c, t in filings}
    assert len(calls) == len(plan_requests(filings, date.fromisoformat(DAY))) <= len(filings)
    rows = stored(engine)
    for rcept_no, corp_code, title in filings:  # the simulator answers each filing with its own item
        _, _, stored_corp, rcept_dt, details, _ = rows[(rcept_no, endpoint_for_title(title))]
        assert stored_corp == corp_code == details["corp_code"] and details["rcept_no"] == rcept_no
        assert rcept_dt == date.fromisoformat(DAY) and all(isinstance(v, str) for v in details.values())
    meta = run.metadata[DAY]
    assert meta["api_calls"] == len(calls) and meta["rows_inserted"] == len(rows) and meta["rows_quarantined"] == 0
    assert all(run.checks.values())


def test_faults_are_retried_to_the_same_table(materialize, sim, engine) -> None:
    sim.config.daily_volume = 400  # more material events, so that faults hit DS005 calls
    materialize(DISCLOSURES_KEY, DAY)
    clean = materialize(MAJOR_EVENTS_KEY, DAY)
    expected = {k: v[:5] for k, v in stored(engine).items()}
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE dart_raw.major_events"))
    first = len(sim.requests)

    sim.config.faults.error_rate = 0.15
    sim.config.faults.malformed_rate = 0.1
    sim.config.faults.maintenance_requests = 2  # status 800 twice: OpenDART's maintenance
    run = materialize(MAJOR_EVENTS_KEY, DAY)

    faults = [r.fault for r in sim.requests[first:] if r.fault]
    assert {"http_error", "malformed", "maintenance"} <= set(faults)
    assert run.metadata[DAY]["retries"] == len(faults)  # each fault retried once
    assert run.metadata[DAY]["api_calls"] == clean.metadata[DAY]["api_calls"] + len(faults)
    assert {k: v[:5] for k, v in stored(engine).items()} == expected


def test_quota_stops_the_run_cleanly_and_the_next_day_resumes(materialize, sim, engine) -> None:
    first, last = DAY, "2025-07-22"
    materialize(DISCLOSURES_KEY, first, last)
    day1 = len(plan_requests(mapped_filings(engine, first), date.fromisoformat(first)))
    assert day1 and plan_requests(mapped_filings(engine, last), date.fromisoformat(last))
    sim.reset_quota()
    sim.config.faults.quota = day1  # DART's 020 on the second day's first call

    result = materialize(MAJOR_EVENTS_KEY, first, last, raise_on_error=False)

    assert not result.result.success
    assert "quota" in result.failure.description and f"first partition not loaded: {last}" in result.failure.description
    assert set(result.metadata) == {first}
    with engine.connect() as conn:
        days = conn.execute(sa.text("SELECT DISTINCT rcept_dt::text FROM dart_raw.major_events")).scalars().all()
        loaded = (
            conn.execute(
                sa.text("SELECT partition_key FROM dart_ops.partition_loads WHERE asset_key = 'dart_raw/major_events'")
            )
            .scalars()
            .all()
        )
    assert days == loaded == [first]

    sim.reset_quota()
    sim.config.faults.quota = None
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM dart_ops.api_quota_usage"))
    resumed = materialize(MAJOR_EVENTS_KEY, last)
    assert resumed.metadata[last]["rows_inserted"] > 0


def test_a_rerun_changes_nothing(materialize, engine) -> None:
    materialize(DISCLOSURES_KEY, DAY)
    materialize(MAJOR_EVENTS_KEY, DAY)
    before = stored(engine)
    with engine.connect() as conn:
        seen = conn.execute(sa.text("SELECT max(last_seen_at) FROM dart_raw.major_events")).scalar()

    again = materialize(MAJOR_EVENTS_KEY, DAY).metadata[DAY]

    assert (again["rows_inserted"], again["rows_updated"], again["rows_unchanged"]) == (0, 0, len(before))
    assert stored(engine) == before  # first_seen_at kept
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT min(last_seen_at) FROM dart_raw.major_events")).scalar() > seen
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM dart_ops.partition_loads WHERE asset_key = 'dart_raw/major_events'")
            ).scalar()
            == 1
        )


def test_an_invalid_item_is_quarantined_with_its_reason(materialize, sim, engine) -> None:
    item = recorded_item("piicDecsn")
    day = add_filing(engine, item["rcept_no"], item["corp_code"], "piicDecsn")
    sim.config.faults.event_field_overrides = {"fdpp_op": "7,184,339,000원", "ssl_bgd": "2023-04-03"}

    run = materialize(MAJOR_EVENTS_KEY, day, raise_on_error=False)

    assert run.metadata[day]["rows_quarantined"] == 1 and stored(engine) == {}
    assert run.checks["quarantine_rate_below_threshold"] is False  # blocks what is built on it
    with engine.connect() as conn:
        ((key, reason, payload),) = conn.execute(
            sa.text("SELECT record_key, reason, payload FROM dart_ops.quarantine")
        ).all()
    assert key == f"{item['rcept_no']}|piicDecsn"
    assert "fdpp_op: amount (value '7,184,339,000원')" in reason and "ssl_bgd: date" in reason
    assert payload == {**item, **sim.config.faults.event_field_overrides}  # as DART sent it

    sim.config.faults.event_field_overrides = {}  # fixed at the source
    materialize(MAJOR_EVENTS_KEY, day)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM dart_ops.quarantine")).scalar() == 0
    assert set(stored(engine)) == {(item["rcept_no"], "piicDecsn")}


def test_no_data_is_not_an_error_and_unlisted_items_are_kept(materialize, sim, engine) -> None:
    # 013: a filing whose details DART does not (yet) have.
    add_filing(engine, "20230510000999", "00164779", "crDecsn")
    # A filing of 00126380 on a day DART holds two other items for it (bsnTrfDecsn, cmpDvDecsn):
    # the bsnTrfDecsn one (20230510000222) is not among the day's filings, and is still stored.
    add_filing(engine, "20230510000998", "00126380", "bsnTrfDecsn")

    run = materialize(MAJOR_EVENTS_KEY, "2023-05-10")

    assert sorted(r.status for r in event_requests(sim)) == ["000", "013"]
    assert set(stored(engine)) == {("20230510000222", "bsnTrfDecsn")}
    assert stored(engine)[("20230510000222", "bsnTrfDecsn")][3] == date(2023, 5, 10)
    assert run.metadata["2023-05-10"]["api_calls"] == 2 and run.metadata["2023-05-10"]["retries"] == 0
