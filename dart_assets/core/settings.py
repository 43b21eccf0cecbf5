"""Settings from the environment (see CONTRACTS.md), validated once.

Why a hand-written loader rather than pydantic-settings: validation errors must never
echo a key, and pydantic's errors include the offending input value.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_BASE_URL = "https://opendart.fss.or.kr/api"
DEFAULT_KRX_BASE_URL = "https://data-dbg.krx.co.kr/svc/apis"
DEFAULT_ECOS_BASE_URL = "https://ecos.bok.or.kr/api"
_KEY_RE = re.compile(r"^[0-9A-Za-z]{40}$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable, never a secret."""


@dataclass(frozen=True)
class Settings:
    api_keys: tuple[str, ...] = field(repr=False)
    base_url: str
    database_url: str | None = field(repr=False)  # may hold a password
    home: Path
    dagster_home: Path
    alert_webhook_url: str | None = field(default=None, repr=False)
    # Client-side request ceiling: DART blocks IPs reported at ~1,000 requests/minute.
    requests_per_second: float = 5.0
    # Daily budget per key, counted per Asia/Seoul day (DART allows 20,000; plan for 10,000).
    daily_call_budget: int = 10_000
    # Market data (KRX Open API, ECOS): one key each, secrets like the DART key.
    krx_api_key: str | None = field(default=None, repr=False)
    krx_base_url: str = DEFAULT_KRX_BASE_URL
    ecos_api_key: str | None = field(default=None, repr=False)
    ecos_base_url: str = DEFAULT_ECOS_BASE_URL
    # KRX is reported to allow ~10,000 calls per key per day; a full backfill since 2020 needs ~8,500.
    market_requests_per_second: float = 5.0
    market_daily_call_budget: int = 10_000

    @property
    def uses_simulator(self) -> bool:
        return self.base_url.rstrip("/") != DEFAULT_BASE_URL

    @property
    def market_uses_simulator(self) -> bool:
        return (self.krx_base_url, self.ecos_base_url) != (DEFAULT_KRX_BASE_URL, DEFAULT_ECOS_BASE_URL)

    @property
    def archive_dir(self) -> Path:
        return Path(os.environ.get("DART_FG_ARCHIVE_DIR") or self.home / "archive")


def _validate_key(key: str, variable: str, position: int) -> str:
    if not _KEY_RE.match(key):
        # Never echo the value: say which one and what is wrong with it.
        raise SettingsError(
            f"{variable}: key #{position} is not a 40-character alphanumeric OpenDART key "
            f"(it has {len(key)} characters)"
        )
    return key


def _parse_keys(env: dict[str, str]) -> tuple[str, ...]:
    many = env.get("DART_API_KEYS", "").strip()
    if many:
        keys = [k.strip() for k in many.split(",") if k.strip()]
        return tuple(_validate_key(k, "DART_API_KEYS", i + 1) for i, k in enumerate(keys))
    one = env.get("DART_API_KEY", "").strip()
    return (_validate_key(one, "DART_API_KEY", 1),) if one else ()


def _positive(env: dict[str, str], name: str, default: float, cast: type) -> float | int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a positive number, got {raw!r}") from None
    if not (0 < value < math.inf):  # also refuses nan, which would silently disable the rate limit
        raise SettingsError(f"{name} must be a positive number, got {raw!r}")
    return value


def _base_url(env: dict[str, str], name: str, default: str) -> str:
    url = (env.get(name) or default).rstrip("/")
    if not re.match(r"^https?://", url):
        raise SettingsError(f"{name} must start with http:// or https://, got {url!r}")
    return url


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read and validate the environment; raises SettingsError naming the bad variable."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("DART_FG_HOME") or "./.dart_fg").absolute()
    base_url = _base_url(env, "DART_API_BASE_URL", DEFAULT_BASE_URL)
    database_url = env.get("DATABASE_URL") or None
    if database_url and not database_url.startswith("postgresql"):
        raise SettingsError("DATABASE_URL must be a postgresql:// URL")
    return Settings(
        api_keys=_parse_keys(env),
        base_url=base_url,
        database_url=database_url,
        home=home,
        dagster_home=Path(env.get("DAGSTER_HOME") or home / "dagster").absolute(),
        alert_webhook_url=env.get("DART_FG_ALERT_WEBHOOK_URL") or None,
        requests_per_second=_positive(env, "DART_FG_REQUESTS_PER_SECOND", 5.0, float),
        daily_call_budget=int(_positive(env, "DART_FG_DAILY_CALL_BUDGET", 10_000, int)),
        krx_api_key=env.get("KRX_API_KEY", "").strip() or None,
        krx_base_url=_base_url(env, "KRX_API_BASE_URL", DEFAULT_KRX_BASE_URL),
        ecos_api_key=env.get("ECOS_API_KEY", "").strip() or None,
        ecos_base_url=_base_url(env, "ECOS_API_BASE_URL", DEFAULT_ECOS_BASE_URL),
        market_requests_per_second=_positive(env, "DART_FG_MARKET_REQUESTS_PER_SECOND", 5.0, float),
        market_daily_call_budget=int(_positive(env, "DART_FG_MARKET_DAILY_CALL_BUDGET", 10_000, int)),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings; tests call get_settings.cache_clear() after changing the environment."""
    return load_settings()
