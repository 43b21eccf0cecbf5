"""Pandera schemas of the raw market rows (KRX OutBlock_1 rows, ECOS StatisticSearch rows).

Validation runs on the strings as received, so a quarantined row keeps what the source sent.
A row loads when its date is the partition's session, its key fields are present, every
numeric field is a number or the source's "missing" marker ("-" or ""), and its key is not
repeated in the answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import pandera.pandas as pa

from dart_assets.sources.dart.schemas import STORABLE
from dart_assets.sources.market.tables import RawTable, source_fields
from dart_assets.sources.market.values import is_number_text


def market_frame(table: RawTable, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The source fields of `table` from `rows` (a field a row lacks is None), one column each."""
    fields = list(source_fields(table).values())
    return pd.DataFrame([{f: row.get(f) for f in fields} for row in rows], columns=fields, dtype=object)


def market_schema(table: RawTable, sessions: Sequence[str]) -> pa.DataFrameSchema:
    """The schema of `table`'s raw rows for partitions `sessions` (YYYY-MM-DD)."""
    fields = source_fields(table)
    allowed_dates = [s.replace("-", "") for s in sessions]
    columns: dict[str, pa.Column] = {
        fields["date"]: pa.Column(
            object,
            pa.Check.isin(allowed_dates, name="session_of_the_partition", error="session_of_the_partition"),
            nullable=False,
        )
    }
    for column in table.text_columns:
        required = column in table.key
        checks = [STORABLE]
        if required:
            checks.append(pa.Check(lambda s: s.map(lambda v: isinstance(v, str) and v.strip() != ""), name="present"))
        columns[fields[column]] = pa.Column(object, checks, nullable=not required)
    for column in table.numeric_columns:
        columns[fields[column]] = pa.Column(
            object, pa.Check(is_number_text, element_wise=True, name="number_or_missing_marker"), nullable=True
        )
    key_fields = [fields[c] for c in table.primary_key]
    return pa.DataFrameSchema(columns, unique=key_fields, report_duplicates="all", strict=False, coerce=False)


def key_fields(table: RawTable) -> list[str]:
    fields = source_fields(table)
    return [fields[c] for c in table.primary_key]
