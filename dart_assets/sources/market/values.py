"""Exact values from the strings KRX and ECOS send.

Every KRX value is a string; missing numbers are "-" or "" and large ones may carry thousands
separators. Parsing to Decimal (never float) keeps 2587.02 exactly 2587.02 in `numeric`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
MISSING = frozenset({"", "-"})


def is_number_text(value: object) -> bool:
    """Whether `value` is a number as KRX/ECOS write it, or their "missing" marker."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip().replace(",", "")
    return text in MISSING or _NUMBER.fullmatch(text) is not None


def parse_decimal(value: str | None) -> Decimal | None:
    """The exact number of a KRX/ECOS string; None for "-", "" and None."""
    if value is None:
        return None
    text = value.strip().replace(",", "")
    if text in MISSING:
        return None
    if _NUMBER.fullmatch(text) is None:
        raise ValueError(f"not a number: {value!r}")
    return Decimal(text)


def parse_yyyymmdd(value: str) -> date:
    return datetime.strptime(value, "%Y%m%d").date()
