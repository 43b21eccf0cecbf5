"""OpenDART amounts: comma-grouped strings to exact integers.

DART writes amounts as text ("195,936,557,000,000", "-205,875"), uses "-" or "" for "no value",
and real payloads carry stray whitespace and line breaks. Money must stay exact, so the result
is an int (stored as numeric), never a float.
"""

from __future__ import annotations

import re

_EMPTY = {"", "-", "–", "—"}
_INTEGER = re.compile(r"^[+-]?\d+$")
_NOISE = re.compile(r"[\s,]")


def parse_amount(value: str | None) -> int | None:
    """The integer a DART amount string denotes, None for an empty marker; ValueError otherwise."""
    if value is None:
        return None
    cleaned = _NOISE.sub("", value)
    if cleaned in _EMPTY:
        return None
    if not _INTEGER.match(cleaned):
        raise ValueError(f"not an OpenDART amount: {value!r}")
    return int(cleaned)
