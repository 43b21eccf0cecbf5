"""Pure helpers of the ingestion assets: windows, row ownership, report codes, shares, archive."""

import gzip
import json
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from dart_assets.sources.archive import archive_path, write_jsonl_gz
from dart_assets.sources.dart.assets.disclosures import partition_of_rows, windows
from dart_assets.sources.dart.assets.financials import report_codes
from dart_assets.sources.dart.breaker import COOLDOWN_S
from dart_assets.sources.policies import DART_RETRY_POLICY
from dart_assets.sources.runs import split_count, split_total


def days(start: str, n: int) -> list[str]:
    return [d.date().isoformat() for d in pd.date_range(start, periods=n)]


def test_windows_stay_inside_a_month_and_break_at_gaps() -> None:
    keys = days("2025-01-29", 8) + ["2025-02-10"]
    assert windows(keys) == [
        ["2025-01-29", "2025-01-30", "2025-01-31"],
        ["2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04", "2025-02-05"],
        ["2025-02-10"],
    ]


def test_a_year_is_twelve_windows_within_darts_three_month_limit() -> None:
    year = windows(days("2025-01-01", 365))
    assert len(year) == 12 and sum(map(len, year)) == 365
    assert all(len(w) <= 31 for w in year)


def test_rows_belong_to_their_rcept_dt_or_the_first_day_of_the_window() -> None:
    window = ["2025-07-21", "2025-07-22"]
    owner = partition_of_rows(pd.Series(["20250722", "20250721", "20250801", None], dtype=object), window)
    assert list(owner) == ["2025-07-22", "2025-07-21", "2025-07-21", "2025-07-21"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("사업보고서 (2020.12)", [(2020, "11011")]),
        ("[기재정정]반기보고서 (2025.06)", [(2025, "11012")]),
        ("분기보고서 (2025.03)", [(2025, "11013")]),
        ("분기보고서 (2024.09)", [(2024, "11014")]),
        ("분기보고서 (2024.12)", [(2024, "11013"), (2024, "11014")]),  # June fiscal year: quarter unknown
        ("감사보고서 (2024.12)", []),
        ("주요사항보고서(자기주식취득결정)", []),
    ],
)
def test_report_codes_from_periodic_titles(title: str, expected: list) -> None:
    assert report_codes(title) == expected


def test_shares_add_up_to_what_the_window_cost() -> None:
    assert split_count(21, [2000, 2000, 5]) == [11, 10, 0]  # whole calls, largest remainder first
    assert sum(split_count(7, [3, 3, 3])) == 7
    assert split_count(5, [0, 0]) in ([3, 2], [2, 3])
    assert split_total(1.0, [1, 3]) == [0.25, 0.75]
    assert split_count(0, []) == []


def test_archive_is_written_whole_under_the_asset_path(tmp_path: Path) -> None:
    path = archive_path(tmp_path, ["dart_raw", "disclosures"], "2025-07-21")
    assert path == tmp_path / "dart_raw" / "disclosures" / "2025-07-21.jsonl.gz"
    rows = [{"rcept_no": "20250721900123", "report_nm": "정기주주총회결과              "}]
    write_jsonl_gz(path, rows)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        assert [json.loads(line) for line in handle] == rows
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_archive_failure_keeps_the_previous_file(tmp_path: Path) -> None:
    path = archive_path(tmp_path, ["dart_raw", "disclosures"], "2025-07-21")
    write_jsonl_gz(path, [{"a": 1}])

    def broken():
        yield {"a": 2}
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        write_jsonl_gz(path, broken())
    with gzip.open(path, "rt") as handle:
        assert handle.read() == '{"a": 1}\n'
    assert list(path.parent.iterdir()) == [path]


def test_retry_policy_backs_off_exponentially_with_jitter() -> None:
    assert DART_RETRY_POLICY.max_retries == 3
    assert DART_RETRY_POLICY.backoff == dg.Backoff.EXPONENTIAL
    assert DART_RETRY_POLICY.jitter == dg.Jitter.PLUS_MINUS
    assert DART_RETRY_POLICY.delay and DART_RETRY_POLICY.delay >= 30


def test_the_last_step_retry_comes_after_the_circuit_breaker_cooled_down() -> None:
    # Earliest start of the last retry: each exponential delay minus its full jitter.
    base, retries = DART_RETRY_POLICY.delay, DART_RETRY_POLICY.max_retries
    earliest = sum((2**n - 1) * base - base for n in range(1, retries + 1))
    assert earliest > COOLDOWN_S
