"""The market simulator's data, as served: KRX OutBlock_1 rows per endpoint and session, ECOS rows.

Per KRX session (XKRX, from 2020-01-02), in this order of precedence:
1. the recorded responses (2024-01-04 and 2024-01-05), exactly as recorded;
2. the seed history (2020-01-02..2026-05-15) re-served in KRX's shape, so that the project's dbt
   models recompute each seed value exactly: the 코스피 close, VKOSPI, KOSPI200 put and call
   volumes, the 10-year KTB yield, advancing/declining trading value, 52-week highs and lows;
3. generated days, calibrated on the seed history, deterministic per seed.
A day's values depend only on the seed and the days before it, never on today's date: whether a
day is served yet (today, the future, "not yet published") is the server's business.
"""

from __future__ import annotations

from datetime import date

from simulators.market import bonds, ecos, indices, options, stocks
from simulators.market.days import FIRST_SESSION, all_sessions, session_positions
from simulators.market.recorded import RECORDED_DAYS, recorded_rows
from simulators.market.seeds import SEED_END

__all__ = ["ECOS_ITEMS", "KRX_ENDPOINTS", "RECORDED_DAYS", "SEED_END", "ecos_rows", "krx_rows", "sessions"]

_BUILDERS = {
    "idx/kospi_dd_trd": lambda seed, t: indices.rows(indices.KOSPI_INDEX, seed, t),
    "idx/drvprod_dd_trd": lambda seed, t: indices.rows(indices.DERIVATIVE_INDICES, seed, t),
    "sto/stk_bydd_trd": stocks.rows,
    "drv/opt_bydd_trd": options.rows,
    "bon/kts_bydd_trd": bonds.rows,
    "idx/bon_dd_trd": lambda seed, t: [],  # bond indices: the recorded days only
}
KRX_ENDPOINTS = frozenset(_BUILDERS)
ECOS_ITEMS = dict((code, name) for code, (name, _) in ecos.ITEMS.items())


def sessions(until: date) -> list[date]:
    """XKRX sessions from 2020-01-02 up to `until` (inclusive)."""
    return [day for day in all_sessions() if day <= until]


def krx_rows(endpoint: str, day: date, *, seed: int = 42) -> list[dict[str, str]]:
    """OutBlock_1 of a KRX endpoint ("idx/kospi_dd_trd", ...) for a day, exactly as served; [] when
    the day is no session (weekend, holiday, before 2020-01-02 or past the calendar)."""
    if endpoint not in _BUILDERS:
        raise ValueError(f"unknown KRX endpoint {endpoint!r}; known: {sorted(_BUILDERS)}")
    position = session_positions().get(day)
    if position is None or day < FIRST_SESSION:
        return []
    recorded = recorded_rows(endpoint, day)
    if recorded is not None:
        return [dict(row) for row in recorded]
    return _BUILDERS[endpoint](seed, position)


def ecos_rows(item_code: str, start: date, end: date, *, seed: int = 42) -> list[dict[str, str]]:
    """ECOS 817Y002 rows of an item for every weekday start..end (inclusive), oldest first; the
    null fields (ITEM_CODE2.., WGT) are None, as ECOS sends them. [] for an unknown item."""
    if item_code not in ecos.ITEMS:
        return []
    return ecos.rows(item_code, start, end, seed)  # type: ignore[return-value]
