"""The loaders against real PostgreSQL: exact round trips, counts, atomicity of a failed load."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from dart_assets.sources.dart.schemas import disclosures_frame, financial_accounts_frame
from dart_assets.sources.loaders import PartitionStats, load_disclosures, load_financial_accounts
from dart_assets.validation.quarantine import Quarantined

KEY = "dart_raw/disclosures"


def filing(rcept_no: str, **overrides) -> dict:
    row = {
        "corp_code": "00126380",
        "corp_name": "삼성전자",
        "stock_code": "005930",
        "corp_cls": "Y",
        "report_nm": "기업설명회(IR)개최(안내공시)              ",
        "rcept_no": rcept_no,
        "flr_nm": "삼성전자",
        "rcept_dt": "20250721",
        "rm": "",
    }
    row.update(overrides)
    return row


def load(engine: sa.Engine, rows: list[dict], quarantined=(), run_id: str = "r1"):
    return load_disclosures(
        engine,
        asset_key=KEY,
        partition_key="2025-07-21",
        frame=disclosures_frame(rows),
        quarantined=list(quarantined),
        stats=PartitionStats(total_count=len(rows) + len(quarantined), api_calls=1),
        run_id=run_id,
    )


def test_values_round_trip_exactly_and_empty_is_not_null(engine) -> None:
    odd = "줄\r바꿈\n탭\t역슬래시\\N 끝 "
    rows = [filing("20250721000001", report_nm=odd, stock_code="", rm=""), filing("20250721000002", rm="유정")]
    result = load(engine, rows)
    assert (result.fetched, result.inserted, result.updated, result.unchanged) == (2, 2, 0, 0)
    with engine.connect() as conn:
        got = conn.execute(
            sa.text("SELECT report_nm, stock_code, rm FROM dart_raw.disclosures ORDER BY rcept_no")
        ).all()
    assert got == [(odd, None, ""), ("기업설명회(IR)개최(안내공시)              ", "005930", "유정")]


def test_counts_separate_changed_rows_from_resightings(engine) -> None:
    load(engine, [filing("20250721000001"), filing("20250721000002")])
    result = load(engine, [filing("20250721000001", rm="정"), filing("20250721000002"), filing("20250721000003")])
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)


def test_a_failing_load_leaves_the_previous_state_and_quarantine(engine) -> None:
    bad = Quarantined(0, "20250721000009", "corp_cls: isin (value 'X')", {"rcept_no": "20250721000009"})
    load(engine, [filing("20250721000001")], quarantined=[bad])
    with pytest.raises(sa.exc.DBAPIError):  # the table's CHECK refuses a 13-digit rcept_no mid-transaction
        load(engine, [filing("20250721000001", rm="정"), filing("2025072100000")], run_id="r2")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT rcept_no, rm FROM dart_raw.disclosures")).all() == [("20250721000001", "")]
        assert conn.execute(sa.text("SELECT record_key, run_id FROM dart_ops.quarantine")).all() == [
            ("20250721000009", "r1")
        ]
        assert conn.execute(sa.text("SELECT run_id FROM dart_ops.partition_loads")).scalar() == "r1"


def test_financial_amounts_are_exact_numerics(engine) -> None:
    rows = [
        {
            "rcept_no": "20240312000736",
            "corp_code": "00126380",
            "bsns_year": "2023",
            "reprt_code": "11011",
            "fs_div": fs,
            "sj_div": "BS",
            "account_nm": "자산총계",
            "ord": "1",
            "thstrm_amount": "455,905,980,000,000,001",
            "frmtrm_amount": "-205,875",
            "bfefrmtrm_amount": "-",
        }
        for fs in ("CFS", "OFS")
    ]
    frame = financial_accounts_frame(rows).assign(week_start="2024-03-11")
    result = load_financial_accounts(
        engine,
        asset_key="dart_raw/financial_accounts",
        partition_key="2024-03-11",
        frame=frame,
        quarantined=[],
        stats=PartitionStats(),
    )
    assert result.inserted == 2
    with engine.connect() as conn:
        got = conn.execute(
            sa.text(
                "SELECT fs_div, thstrm_amount, frmtrm_amount, bfefrmtrm_amount, thstrm_add_amount "
                "FROM dart_raw.financial_accounts ORDER BY fs_div"
            )
        ).all()
    assert got == [(fs, Decimal("455905980000000001"), Decimal("-205875"), None, None) for fs in ("CFS", "OFS")]


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"rcept_no": "20250721000003\n"}, "rcept_no: str_matches"),  # Python's $ would accept it
        ({"corp_name": "삼성\x00전자"}, "corp_name: no_nul_or_lone_surrogate"),  # breaks COPY and jsonb
        ({"report_nm": "주요사항보고서\ud800"}, "report_nm: no_nul_or_lone_surrogate"),  # breaks UTF-8
    ],
)
def test_values_the_database_cannot_store_are_quarantined_and_the_partition_loads(
    engine, tmp_path, overrides, reason
) -> None:
    import gzip
    import json
    from datetime import date

    from dart_assets.sources.archive import write_jsonl_gz
    from dart_assets.sources.dart.schemas import disclosure_schema
    from dart_assets.validation.quarantine import split_valid

    rows = [filing("20250721000001"), {**filing("20250721000002"), **overrides}]
    frame = disclosures_frame(rows)
    valid, quarantined = split_valid(frame, disclosure_schema(date(2025, 7, 21), date(2025, 7, 21)), rows, ["rcept_no"])
    assert [q.position for q in quarantined] == [1] and reason in quarantined[0].reason

    archive = write_jsonl_gz(tmp_path / "day.jsonl.gz", rows)  # the raw copy keeps the odd value
    with gzip.open(archive, "rt", encoding="utf-8") as handle:
        assert [json.loads(line) for line in handle] == rows
    result = load(engine, rows[:1], quarantined=quarantined)
    assert (result.inserted, result.quarantined) == (1, 1)
    with engine.connect() as conn:
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM dart_ops.quarantine WHERE reason LIKE :r"), {"r": f"%{reason}%"}
            ).scalar()
            == 1
        )


def test_two_loads_of_one_partition_run_one_after_the_other(engine) -> None:
    import threading

    from dart_assets.sources.loaders import lock_partition

    bad = Quarantined(0, "20250721000009", "corp_cls: isin (value 'X')", {"rcept_no": "20250721000009"})
    done = threading.Event()
    with engine.begin() as holder:  # a concurrent load of the same partition, mid-transaction
        lock_partition(holder, KEY, "2025-07-21")
        worker = threading.Thread(
            target=lambda: (load(engine, [filing("20250721000001")], quarantined=[bad]), done.set())
        )
        worker.start()
        assert not done.wait(1.0), "the second load must wait for the first"
        other = load_disclosures(  # another partition is not blocked
            engine,
            asset_key=KEY,
            partition_key="2025-07-22",
            frame=disclosures_frame([]),
            quarantined=[],
            stats=PartitionStats(),
            run_id="r3",
        )
        assert other.fetched == 0
    worker.join(10)
    assert done.is_set()
    load(engine, [filing("20250721000001")], quarantined=[bad])
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM dart_ops.quarantine")).scalar() == 1
