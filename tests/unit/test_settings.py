"""Settings: defaults, validation, and that no error ever echoes a key."""

from __future__ import annotations

import pytest

from dart_assets.core.settings import DEFAULT_BASE_URL, SettingsError, load_settings


def test_defaults_without_environment() -> None:
    s = load_settings({})
    assert s.api_keys == ()
    assert s.base_url == DEFAULT_BASE_URL
    assert s.database_url is None
    assert s.home.name == ".dart_fg"
    assert s.dagster_home == s.home / "dagster"
    assert not s.uses_simulator


def test_keys_list_wins_over_single_key() -> None:
    s = load_settings({"DART_API_KEY": "a" * 40, "DART_API_KEYS": f"{'b' * 40}, {'c' * 40}"})
    assert s.api_keys == ("b" * 40, "c" * 40)


def test_bad_key_error_names_variable_but_not_value() -> None:
    secret = "S3cr3t" * 6  # 36 characters: invalid
    with pytest.raises(SettingsError) as info:
        load_settings({"DART_API_KEY": secret})
    assert "DART_API_KEY" in str(info.value)
    assert secret not in str(info.value)


def test_repr_hides_keys() -> None:
    s = load_settings({"DART_API_KEY": "k" * 40, "KRX_API_KEY": "krx-secret", "ECOS_API_KEY": "ecos-secret"})
    assert "k" * 40 not in repr(s) and "krx-secret" not in repr(s) and "ecos-secret" not in repr(s)


def test_market_defaults_are_the_real_services() -> None:
    s = load_settings({})
    assert s.krx_base_url == "https://data-dbg.krx.co.kr/svc/apis"
    assert s.ecos_base_url == "https://ecos.bok.or.kr/api"
    assert s.krx_api_key is None and s.ecos_api_key is None and not s.market_uses_simulator
    sim = load_settings({"KRX_API_BASE_URL": "http://127.0.0.1:1/krx/", "ECOS_API_BASE_URL": "http://127.0.0.1:1/ecos"})
    assert sim.krx_base_url == "http://127.0.0.1:1/krx" and sim.market_uses_simulator


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"DART_API_BASE_URL": "ftp://x"}, "DART_API_BASE_URL"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DART_FG_REQUESTS_PER_SECOND": "-1"}, "DART_FG_REQUESTS_PER_SECOND"),
        ({"DART_FG_REQUESTS_PER_SECOND": "nan"}, "DART_FG_REQUESTS_PER_SECOND"),
        ({"DART_FG_REQUESTS_PER_SECOND": "inf"}, "DART_FG_REQUESTS_PER_SECOND"),
        ({"DART_FG_DAILY_CALL_BUDGET": "lots"}, "DART_FG_DAILY_CALL_BUDGET"),
        ({"KRX_API_BASE_URL": "data-dbg.krx.co.kr"}, "KRX_API_BASE_URL"),
        ({"ECOS_API_BASE_URL": "file:///x"}, "ECOS_API_BASE_URL"),
        ({"DART_FG_MARKET_DAILY_CALL_BUDGET": "0"}, "DART_FG_MARKET_DAILY_CALL_BUDGET"),
    ],
)
def test_invalid_values_are_named(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings(env)
