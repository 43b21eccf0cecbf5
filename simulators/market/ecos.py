"""ECOS StatisticSearch rows of table 817Y002 (시장금리(일별)), one per item and weekday.

No raw ECOS response was recorded: the row shape follows ECOS's documented StatisticSearch
fields (every field present, ITEM_CODE2..4, ITEM_NAME2..4 and WGT null for this table), and the
values come from series.rates (KTB 10y = the seed's ten_ratio; the others built on it).
"""

from __future__ import annotations

from datetime import date

from simulators.market.days import weekday_positions
from simulators.market.formatting import fixed
from simulators.market.series import rates

STAT_CODE = "817Y002"
STAT_NAME = "1.3.2.1. 시장금리(일별)"
CYCLE = "D"
UNIT_NAME = "연%"
ITEMS = {
    "010200000": ("국고채(3년)", "ktb3"),
    "010210000": ("국고채(10년)", "ktb10"),
    "010300000": ("회사채(3년, AA-)", "aa_minus"),
    "010320000": ("회사채(3년, BBB-)", "bbb_minus"),
}


def rows(item_code: str, start: date, end: date, seed: int) -> list[dict[str, str | None]]:
    """The item's rows for every weekday from start to end (inclusive), oldest first."""
    name, series = ITEMS[item_code]
    values = getattr(rates(seed), series)
    out: list[dict[str, str | None]] = []
    for day, position in weekday_positions().items():
        if start <= day <= end:
            out.append(
                {
                    "STAT_CODE": STAT_CODE,
                    "STAT_NAME": STAT_NAME,
                    "ITEM_CODE1": item_code,
                    "ITEM_NAME1": name,
                    "ITEM_CODE2": None,
                    "ITEM_NAME2": None,
                    "ITEM_CODE3": None,
                    "ITEM_NAME3": None,
                    "ITEM_CODE4": None,
                    "ITEM_NAME4": None,
                    "UNIT_NAME": UNIT_NAME,
                    "WGT": None,
                    "TIME": f"{day:%Y%m%d}",
                    "DATA_VALUE": fixed(int(values[position]), 3),
                }
            )
    return out
