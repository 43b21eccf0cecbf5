"""The market_raw tables: one per source endpoint, columns as the source names its fields.

One description serves the migration, the loaders and the validation schemas, so the three
cannot drift apart. KRX fields keep their names lower-cased (`BAS_DD` becomes `date`, the
session); every KRX value is a string on the wire and the numeric ones are stored as exact
`numeric` (`"-"` and `""` become NULL). ECOS rows keep the statistic and item codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawTable:
    """A market_raw table: its key (besides `date`), its text and its numeric columns."""

    name: str
    key: tuple[str, ...]
    text_columns: tuple[str, ...]
    numeric_columns: tuple[str, ...]

    @property
    def qualified(self) -> str:
        return f"market_raw.{self.name}"

    @property
    def primary_key(self) -> tuple[str, ...]:
        return ("date", *self.key)

    @property
    def columns(self) -> tuple[str, ...]:
        return ("date", *self.text_columns, *self.numeric_columns)


_INDEX_PRICES = ("clsprc_idx", "cmpprevdd_idx", "fluc_rt", "opnprc_idx", "hgprc_idx", "lwprc_idx")

KOSPI_INDEX = RawTable(
    "kospi_index",
    key=("idx_nm",),
    text_columns=("idx_clss", "idx_nm"),
    numeric_columns=(*_INDEX_PRICES, "acc_trdvol", "acc_trdval", "mktcap"),
)
DERIVATIVE_INDICES = RawTable(
    "derivative_indices",
    key=("idx_clss", "idx_nm"),
    text_columns=("idx_clss", "idx_nm"),
    numeric_columns=_INDEX_PRICES,
)
STOCK_TRADES = RawTable(
    "stock_trades",
    key=("isu_cd",),
    text_columns=("isu_cd", "isu_nm", "mkt_nm", "sect_tp_nm"),
    numeric_columns=(
        "tdd_clsprc",
        "cmpprevdd_prc",
        "fluc_rt",
        "tdd_opnprc",
        "tdd_hgprc",
        "tdd_lwprc",
        "acc_trdvol",
        "acc_trdval",
        "mktcap",
        "list_shrs",
    ),
)
OPTION_TRADES = RawTable(
    "option_trades",
    key=("isu_cd",),
    text_columns=("isu_cd", "isu_nm", "prod_nm", "rght_tp_nm"),
    numeric_columns=(
        "tdd_clsprc",
        "cmpprevdd_prc",
        "tdd_opnprc",
        "tdd_hgprc",
        "tdd_lwprc",
        "imp_volt",
        "nxtdd_bas_prc",
        "acc_trdvol",
        "acc_trdval",
        "acc_opnint_qty",
    ),
)
GOVERNMENT_BONDS = RawTable(
    "government_bonds",
    key=("mkt_nm", "isu_cd"),
    text_columns=("mkt_nm", "isu_cd", "isu_nm", "bnd_exp_tp_nm", "govbnd_isu_tp_nm"),
    numeric_columns=(
        "clsprc",
        "cmpprevdd_prc",
        "clsprc_yd",
        "opnprc",
        "opnprc_yd",
        "hgprc",
        "hgprc_yd",
        "lwprc",
        "lwprc_yd",
        "acc_trdvol",
        "acc_trdval",
    ),
)
BOND_YIELDS = RawTable(
    "bond_yields",
    key=("stat_code", "item_code"),
    text_columns=("stat_code", "item_code", "item_name", "unit_name"),
    numeric_columns=("value",),
)

KRX_TABLES = (KOSPI_INDEX, DERIVATIVE_INDICES, STOCK_TRADES, OPTION_TRADES, GOVERNMENT_BONDS)
ALL_TABLES = (*KRX_TABLES, BOND_YIELDS)


#: ECOS StatisticSearch fields of the bond_yields columns (KRX fields are the upper-cased column
#: names, and BAS_DD for `date`).
_ECOS_FIELDS = {
    "date": "TIME",
    "stat_code": "STAT_CODE",
    "item_code": "ITEM_CODE1",
    "item_name": "ITEM_NAME1",
    "unit_name": "UNIT_NAME",
    "value": "DATA_VALUE",
}


def source_fields(table: RawTable) -> dict[str, str]:
    """Column -> the field of the source's rows it is read from."""
    if table is BOND_YIELDS:
        return dict(_ECOS_FIELDS)
    return {column: "BAS_DD" if column == "date" else column.upper() for column in table.columns}
