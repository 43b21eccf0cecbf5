"""Cursors of keyset pagination, and the bounds of what a request may ask for.

A cursor is opaque to clients: URL-safe base64 of a JSON array, the listing's name then the
order values of the last row answered. It is decoded strictly (type by type), so a forged or
truncated cursor is a 400, never a query error; it carries no secret and needs none, since it
only says where to resume within what the key may read anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dart_assets.api.errors import ApiError
from dart_assets.api.queries import Listing

SEOUL = ZoneInfo("Asia/Seoul")

# Dates a request may name: wide enough for any KOSPI or DART history, narrow enough that
# date arithmetic (the default 30-day window) can never leave Python's or PostgreSQL's range.
MIN_DATE = date(1980, 1, 1)
MAX_DATE = date(2099, 12, 31)
DEFAULT_RANGE_DAYS = 30
MAX_RANGE_DAYS = 366
# Offsets are kept for the first pages; past this many rows, follow the cursor.
MAX_OFFSET = 10_000
MAX_CURSOR_LENGTH = 512
_MAX_TEXT = 200
_BIGINT = 2**63 - 1


def seoul_day(now: datetime) -> date:
    """The Asia/Seoul calendar date of an instant: DART's and KRX's day, whatever the host's zone."""
    if now.tzinfo is None:
        raise ValueError("the API clock must give timezone-aware instants")
    return now.astimezone(SEOUL).date()


def check_date(name: str, value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ApiError(400, f"invalid parameter '{name}': dates run from {MIN_DATE} to {MAX_DATE}")
    return value


def resolve_range(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The [from, to] a list answers: `to` defaults to today (Seoul), `from` to 30 days before."""
    if start is not None:
        check_date("from", start)
    if end is not None:
        check_date("to", end)
    end = end or today
    start = start or max(MIN_DATE, end - timedelta(days=DEFAULT_RANGE_DAYS))
    if start > end:
        raise ApiError(400, f"invalid range: 'from' ({start}) is after 'to' ({end})")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ApiError(400, f"invalid range: at most {MAX_RANGE_DAYS} days per request")
    return start, end


def _encode_value(value: Any, kind: str) -> Any:
    if kind in ("date", "ts"):
        return value.isoformat()
    if kind == "int":
        return int(value)
    return str(value)


def encode(listing: Listing, row: dict[str, Any]) -> str:
    """The cursor that resumes after `row`."""
    payload = [listing.name, *(_encode_value(row[c.name], c.kind) for c in listing.order)]
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _invalid(reason: str) -> ApiError:
    return ApiError(400, f"invalid parameter 'cursor': {reason} (use the cursor of the previous page as given)")


def _decode_value(value: Any, kind: str) -> Any:
    if kind == "int":
        if type(value) is not int or not 0 <= value <= _BIGINT:
            raise ValueError("not an id")
        return value
    if not isinstance(value, str) or not value or len(value) > _MAX_TEXT or "\x00" in value:
        raise ValueError("not a string")
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "ts":
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("timestamp without zone")
        return parsed
    return value


def decode(listing: Listing, token: str) -> tuple[Any, ...]:
    """The order values a cursor of `listing` carries; ApiError 400 for anything else."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise _invalid("too long")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid("not a cursor") from None
    if not isinstance(payload, list) or len(payload) != len(listing.order) + 1:
        raise _invalid("not a cursor of this endpoint")
    if payload[0] != listing.name:
        raise _invalid("not a cursor of this endpoint")
    try:
        return tuple(_decode_value(v, c.kind) for v, c in zip(payload[1:], listing.order, strict=True))
    except (ValueError, TypeError, OverflowError):
        raise _invalid("malformed") from None


def next_link(path: str, query: Sequence[tuple[str, str]], cursor: str) -> str:
    """A relative RFC 8288 `Link` to the next page: the same query, `cursor` set, no `offset`."""
    from urllib.parse import urlencode

    kept = [(k, v) for k, v in query if k not in ("cursor", "offset")]
    return f'<{path}?{urlencode([*kept, ("cursor", cursor)])}>; rel="next"'
