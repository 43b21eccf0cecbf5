"""`dart-fg list` against the simulator: output formats, progress, and clear errors."""

import csv
import io
import json

import pytest
import sqlalchemy as sa

from dart_assets.cli import main
from dart_assets.core.settings import get_settings
from dart_assets.sources.dart import LIST_FIELDS


@pytest.fixture
def env(monkeypatch, sim, keys, tmp_path):
    monkeypatch.setenv("DART_API_BASE_URL", sim.base_url)
    monkeypatch.setenv("DART_API_KEY", keys.KEY)
    monkeypatch.delenv("DART_API_KEYS", raising=False)
    monkeypatch.setenv("DART_FG_REQUESTS_PER_SECOND", "1000")
    monkeypatch.setenv("DART_FG_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_jsonl_with_progress_counts_against_the_warehouse_budget(env, dart_env, db_url, sim, keys, capsys):
    env.setenv("DART_API_KEY", keys.KEY)  # dart_env set its own fake key
    get_settings.cache_clear()
    assert main(["list", "--from", "2026-09-15", "--to", "2026-09-15"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == keys.VOLUME and all(list(r) == list(LIST_FIELDS) for r in rows)
    assert any(not r["report_nm"].isascii() for r in rows) and "\\u" not in out  # Korean as is
    assert "page 3/3: 250/250 rows" in err and "250 disclosures (DART total 250)" in err and "3 API calls" in err
    with sa.create_engine(db_url).connect() as conn:
        assert conn.execute(sa.text("SELECT sum(calls) FROM dart_ops.api_quota_usage")).scalar_one() == 3
    assert keys.KEY not in out + err


def test_csv_of_one_market(env, capsys):
    assert (
        main(
            ["list", "--from", "2026-09-15", "--to", "2026-09-16", "--corp-cls", "K", "--format", "csv", "--no-budget"]
        )
        == 0
    )
    out, _ = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == ",".join(LIST_FIELDS)
    assert rows and {r["corp_cls"] for r in rows} == {"K"} and {r["rcept_dt"] for r in rows} == {"20260915", "20260916"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-9-15x", "--to", "2026-09-15"], "not a date in YYYY-MM-DD form: '2026-9-15x'"),
        (["--from", "2026-02-30", "--to", "2026-03-01"], "not a date in YYYY-MM-DD form"),
        (["--from", "2026-09-15", "--to", "2026-09-15", "--corp-cls", "X"], "invalid choice: 'X'"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(env, capsys, args, message):
    with pytest.raises(SystemExit) as info:
        main(["list", *args, "--no-budget"])
    assert info.value.code == 2 and message in capsys.readouterr().err


def test_reversed_range(env, sim, capsys):
    assert main(["list", "--from", "2026-09-16", "--to", "2026-09-15", "--no-budget"]) == 2
    assert "--to 2026-09-15 is before --from 2026-09-16" in capsys.readouterr().err and sim.requests == []


def test_without_a_key_it_says_so_before_touching_the_warehouse(env, capsys):
    env.delenv("DART_API_KEY")
    env.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/unreachable")  # would fail if used
    get_settings.cache_clear()
    assert main(["list", "--from", "2026-09-15", "--to", "2026-09-15"]) == 2
    assert "no OpenDART API key configured: set DART_API_KEY" in capsys.readouterr().err


def test_wrong_key_and_quota_are_clear_errors_without_traceback(env, sim, keys, capsys):
    sim.config.valid_keys = {keys.OTHER_KEY}
    assert main(["list", "--from", "2026-09-15", "--to", "2026-09-15", "--no-budget"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "not registered with OpenDART (status 010)" in err
    assert "Traceback" not in err and keys.KEY not in err
    sim.config.valid_keys = None
    sim.config.faults.quota = 1
    assert main(["list", "--from", "2026-09-15", "--to", "2026-09-15", "--no-budget"]) == 2
    err = capsys.readouterr().err
    assert "daily quota exhausted" in err and "page 1/3" in err and "Traceback" not in err


def test_list_goes_through_the_shared_breaker(env, dart_env, db_url, sim, keys, capsys):
    from dart_assets.sources.dart.breaker import CircuitBreaker

    env.setenv("DART_API_KEY", keys.KEY)
    get_settings.cache_clear()
    breaker = CircuitBreaker(sa.create_engine(db_url), failure_threshold=1)
    breaker.record_failure("DART maintenance seen by a run")
    before = len(sim.requests)
    assert main(["list", "--from", "2026-09-15", "--to", "2026-09-15"]) == 2
    _, err = capsys.readouterr()
    assert "circuit" in err.lower() and len(sim.requests) == before  # no call while DART is down
