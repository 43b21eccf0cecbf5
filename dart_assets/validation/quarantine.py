"""Split a raw frame into the rows that load and the rows that go to `dart_ops.quarantine`.

Validation is lazy: every failed check of every row is collected, so a quarantined row carries
all its reasons at once and an operator fixes the cause in one pass. Failures that name no row
(a missing column, a wrong dtype) concern the whole frame, so every row gets that reason:
nothing is loaded half-checked and nothing is dropped without a trace.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa
import sqlalchemy as sa


@dataclass(frozen=True)
class Quarantined:
    """A row that failed validation: its key (if readable), why, and the payload as received.

    `position` is the row's place in the payload list, so callers can route it to its partition.
    """

    position: int
    record_key: str | None
    reason: str
    payload: Mapping[str, Any]


def _describe(column: Any, check: Any, value: Any) -> str:
    where = column if isinstance(column, str) else "row"
    shown = "null" if value is None or (isinstance(value, float) and pd.isna(value)) else repr(value)
    return f"{where}: {check} (value {shown})"


def failure_reasons(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> dict[Any, list[str]]:
    """Index label -> reasons, for every row of `frame` that fails `schema` (empty when valid)."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return {}
    reasons: dict[Any, list[str]] = defaultdict(list)
    whole_frame: list[str] = []
    for column, check, value, index in cases[["column", "check", "failure_case", "index"]].itertuples(index=False):
        text = _describe(column, check, value)
        if index is None or (isinstance(index, float) and pd.isna(index)):
            whole_frame.append(text)
        else:
            reasons[index].append(text)
    if whole_frame:
        for label in frame.index:
            reasons[label].extend(whole_frame)
    return {label: sorted(set(texts)) for label, texts in reasons.items()}


def split_valid(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    payloads: Sequence[Mapping[str, Any]],
    key_columns: Sequence[str],
) -> tuple[pd.DataFrame, list[Quarantined]]:
    """(rows that pass, rows that fail with their reasons).

    `frame` must have a RangeIndex aligned with `payloads` (the raw rows it was built from), so
    that the quarantine stores what DART sent, not the normalised values.
    """
    reasons = failure_reasons(frame, schema)
    if not reasons:
        return frame, []
    bad = sorted(reasons)
    quarantined = [
        Quarantined(
            position=int(label),
            record_key=_record_key(payloads[label], key_columns),
            reason="; ".join(reasons[label]),
            payload=payloads[label],
        )
        for label in bad
    ]
    return frame.drop(index=bad), quarantined


def _record_key(payload: Mapping[str, Any], key_columns: Sequence[str]) -> str | None:
    parts = [payload.get(name) for name in key_columns]
    if all(part is None for part in parts):
        return None
    return "|".join("" if part is None else str(part) for part in parts)


_DELETE = sa.text("DELETE FROM dart_ops.quarantine WHERE asset_key = :asset_key AND partition_key = :partition_key")
_INSERT = sa.text(
    "INSERT INTO dart_ops.quarantine (asset_key, partition_key, record_key, reason, payload, run_id) "
    "VALUES (:asset_key, :partition_key, :record_key, :reason, CAST(:payload AS jsonb), :run_id)"
)


def jsonb_safe(value: Any) -> Any:
    """`value` with what jsonb cannot hold spelled out: NUL as the text "\\u0000", a lone
    surrogate as its escape. The quarantine must take exactly the rows nothing else can store."""
    if isinstance(value, str):
        return value.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, Mapping):
        return {str(k): jsonb_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonb_safe(v) for v in value]
    return value


def replace_quarantine(
    conn: sa.Connection,
    *,
    asset_key: str,
    partition_key: str,
    rows: Sequence[Quarantined],
    run_id: str | None,
) -> int:
    """Replace the partition's quarantine with `rows`, inside the caller's transaction.

    Replacing (not appending) makes a re-run idempotent: the quarantine then describes the
    partition as last loaded, and a row fixed at the source leaves the quarantine.
    """
    conn.execute(_DELETE, {"asset_key": asset_key, "partition_key": partition_key})
    if rows:
        conn.execute(
            _INSERT,
            [
                {
                    "asset_key": asset_key,
                    "partition_key": partition_key,
                    "record_key": jsonb_safe(row.record_key),
                    "reason": jsonb_safe(row.reason),
                    "payload": json.dumps(jsonb_safe(row.payload), ensure_ascii=False, default=str),
                    "run_id": run_id,
                }
                for row in rows
            ],
        )
    return len(rows)


def quarantined_rows(conn: sa.Connection) -> dict[str, int]:
    """Rows held in dart_ops.quarantine, per asset."""
    rows = conn.execute(sa.text("SELECT asset_key, count(*) FROM dart_ops.quarantine GROUP BY asset_key")).all()
    return {asset: int(n) for asset, n in rows}
