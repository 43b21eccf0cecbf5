"""Pandera models of the raw DART frames, as the client hands them over (strings, unparsed).

Validation runs on the raw strings so that a row that fails keeps its original values in the
quarantine: nothing is coerced before we know it is valid. The only normalisation happens in
the frame builders below, and it is one DART documents: an unlisted company's `stock_code` is
"" in list.json and " " in CORPCODE.xml, both meaning NULL. `report_nm` keeps
its trailing spaces (exchange filings carry 14 of them); only the emptiness check strips.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from dart_assets.sources.dart.client import REPORT_CODES
from dart_assets.sources.dart.paging import DISCLOSURE_FIELDS, PUBLICATION_TYPES

CORP_CODE_FIELDS = ("corp_code", "corp_name", "corp_eng_name", "stock_code", "modify_date")
AMOUNT_FIELDS = (
    "thstrm_amount",
    "thstrm_add_amount",
    "frmtrm_amount",
    "frmtrm_add_amount",
    "bfefrmtrm_amount",
)
ACCOUNT_FIELDS = (
    "rcept_no",
    "corp_code",
    "stock_code",
    "bsns_year",
    "reprt_code",
    "fs_div",
    "fs_nm",
    "sj_div",
    "sj_nm",
    "account_nm",
    "ord",
    "thstrm_nm",
    "thstrm_dt",
    "frmtrm_nm",
    "frmtrm_dt",
    "bfefrmtrm_nm",
    "bfefrmtrm_dt",
    "currency",
    *AMOUNT_FIELDS,
)
#: A statement line's identity: the table's primary key and the frame's uniqueness.
ACCOUNT_KEY = ("rcept_no", "fs_div", "sj_div", "account_nm", "ord")

# [0-9] rather than \d: Python's \d also matches non-ASCII digits, PostgreSQL's CHECK does not.
# \Z rather than $: Python's $ also matches before a trailing newline, PostgreSQL's does not, so
# "20240104000001\n" would pass here and then fail the whole partition's load on every retry.
_RCEPT_NO = r"^[0-9]{14}\Z"
_CORP_CODE = r"^[0-9]{8}\Z"
_YYYYMMDD = r"^[0-9]{8}\Z"
_STOCK_CODE = r"^[0-9A-Z]{6}\Z"  # the table's CHECK, anchored the way PostgreSQL anchors it
#: NUL breaks COPY and jsonb, a lone surrogate breaks UTF-8 (the archive, psycopg2): such a row
#: is quarantined with this reason instead of failing the partition.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: object) -> bool:
    """Whether PostgreSQL can store `value` as text (non-strings are other checks' business)."""
    return not (isinstance(value, str) and _UNSTORABLE.search(value))


STORABLE = pa.Check(storable_text, element_wise=True, name="no_nul_or_lone_surrogate")
# Comma-grouped integer, optionally signed, or DART's empty markers ("", "-"); see amounts.py.
_NOT_BLANK = r"^\s*\S"  # str_matches anchors at the start: at least one visible character
_AMOUNT = r"^\s*([+-]?[0-9][0-9,]*|-|–|—)?\s*\Z"


def _real_date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, format="%Y%m%d", errors="coerce").notna()


class DisclosureFrame(pa.DataFrameModel):
    """One list.json item per row, raw strings; `stock_code` None when unlisted."""

    corp_code: Series[str] = pa.Field(str_matches=_CORP_CODE)
    corp_name: Series[str] = pa.Field(str_matches=_NOT_BLANK)
    stock_code: Series[str] = pa.Field(nullable=True, str_matches=_STOCK_CODE)
    corp_cls: Series[str] = pa.Field(isin=["Y", "K", "N", "E"])
    report_nm: Series[str] = pa.Field(str_matches=_NOT_BLANK)
    rcept_no: Series[str] = pa.Field(str_matches=_RCEPT_NO)
    flr_nm: Series[str] = pa.Field(str_matches=_NOT_BLANK)
    rcept_dt: Series[str] = pa.Field(str_matches=_YYYYMMDD)
    rm: Series[str] = pa.Field()
    pblntf_ty: Series[str] = pa.Field(nullable=True, isin=list(PUBLICATION_TYPES))

    @pa.check("rcept_dt", name="calendar_date")
    def _rcept_dt_is_a_date(cls, series: Series[str]) -> Series[bool]:
        return _real_date(series)

    class Config:
        strict = True
        unique = ["rcept_no"]


class CorpCodeFrame(pa.DataFrameModel):
    """One CORPCODE.xml <list> entry per row; `stock_code` None when unlisted."""

    corp_code: Series[str] = pa.Field(str_matches=_CORP_CODE)
    corp_name: Series[str] = pa.Field(str_matches=_NOT_BLANK)
    corp_eng_name: Series[str] = pa.Field(nullable=True)
    stock_code: Series[str] = pa.Field(nullable=True, str_matches=_STOCK_CODE)
    modify_date: Series[str] = pa.Field(nullable=True, str_matches=_YYYYMMDD)

    @pa.check("modify_date", name="calendar_date")
    def _modify_date_is_a_date(cls, series: Series[str]) -> Series[bool]:
        return _real_date(series) | series.isna()

    class Config:
        strict = True
        unique = ["corp_code"]


class FinancialAccountFrame(pa.DataFrameModel):
    """One fnlttMultiAcnt item per row; amounts still DART's comma strings."""

    rcept_no: Series[str] = pa.Field(str_matches=_RCEPT_NO)
    corp_code: Series[str] = pa.Field(str_matches=_CORP_CODE)
    stock_code: Series[str] = pa.Field(nullable=True, str_matches=_STOCK_CODE)
    bsns_year: Series[str] = pa.Field(str_matches=r"^(19|20)[0-9]{2}\Z")
    reprt_code: Series[str] = pa.Field(isin=list(REPORT_CODES))
    fs_div: Series[str] = pa.Field(isin=["CFS", "OFS"])
    fs_nm: Series[str] = pa.Field(nullable=True)
    sj_div: Series[str] = pa.Field(str_matches=_NOT_BLANK)
    sj_nm: Series[str] = pa.Field(nullable=True)
    account_nm: Series[str] = pa.Field(str_matches=_NOT_BLANK)
    ord: Series[str] = pa.Field(str_matches=r"^[0-9]+\Z")
    thstrm_nm: Series[str] = pa.Field(nullable=True)
    thstrm_dt: Series[str] = pa.Field(nullable=True)
    frmtrm_nm: Series[str] = pa.Field(nullable=True)
    frmtrm_dt: Series[str] = pa.Field(nullable=True)
    bfefrmtrm_nm: Series[str] = pa.Field(nullable=True)
    bfefrmtrm_dt: Series[str] = pa.Field(nullable=True)
    currency: Series[str] = pa.Field(nullable=True)
    thstrm_amount: Series[str] = pa.Field(nullable=True, str_matches=_AMOUNT)
    thstrm_add_amount: Series[str] = pa.Field(nullable=True, str_matches=_AMOUNT)
    frmtrm_amount: Series[str] = pa.Field(nullable=True, str_matches=_AMOUNT)
    frmtrm_add_amount: Series[str] = pa.Field(nullable=True, str_matches=_AMOUNT)
    bfefrmtrm_amount: Series[str] = pa.Field(nullable=True, str_matches=_AMOUNT)

    class Config:
        strict = True
        unique = list(ACCOUNT_KEY)


def model_schema(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The model's schema, reporting duplicates after the first: the first copy of a key loads,
    the later ones are quarantined as duplicates (DART's pages can shift under new filings)."""
    schema = copy.copy(model.to_schema())
    schema.report_duplicates = "exclude_first"
    for name, column in schema.columns.items():
        schema = schema.update_column(name, checks=[*column.checks, STORABLE])
    return schema


def disclosure_schema(first_day: date, last_day: date) -> pa.DataFrameSchema:
    """The disclosure schema with `rcept_dt` bound to the partition(s) being loaded.

    A row filed on another day belongs to another partition; loading it here would make two
    partitions disagree about who owns it, so it is quarantined instead.
    """
    schema = model_schema(DisclosureFrame)
    low, high = first_day.strftime("%Y%m%d"), last_day.strftime("%Y%m%d")
    in_partition = pa.Check(
        # Element by element: a non-string value fails its own row; a vectorised comparison
        # would raise, and Pandera would then fail the whole column (every row quarantined).
        lambda s: s.map(lambda v: isinstance(v, str) and low <= v <= high).astype(bool),
        error=f"rcept_dt outside the partition {first_day.isoformat()}..{last_day.isoformat()}",
    )
    column = schema.columns["rcept_dt"]
    return schema.update_column("rcept_dt", checks=[*column.checks, in_partition])


def _frame(rows: Iterable[Mapping[str, Any]], fields: tuple[str, ...]) -> pd.DataFrame:
    """Rows as an object-dtype frame with exactly `fields`; missing keys become None."""
    records = [tuple(row.get(name) for name in fields) for row in rows]
    return pd.DataFrame.from_records(records, columns=list(fields)).astype(object)


def _blank_to_none(series: pd.Series) -> pd.Series:
    return series.map(lambda v: None if v is None or (isinstance(v, str) and not v.strip()) else v)


def disclosures_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """list.json items as a frame; stock_code "" -> None, everything else untouched."""
    frame = _frame(rows, DISCLOSURE_FIELDS)
    frame["stock_code"] = _blank_to_none(frame["stock_code"])
    return frame


def corp_codes_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """CORPCODE.xml entries as a frame; blank stock_code, eng name and modify_date -> None."""
    frame = _frame(rows, CORP_CODE_FIELDS)
    for name in ("stock_code", "corp_eng_name", "modify_date"):
        frame[name] = _blank_to_none(frame[name])
    return frame


def financial_accounts_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """fnlttMultiAcnt items as a frame (keys absent on some statements become None).

    A missing `ord` is 0 here, as the table stores it, so that the uniqueness check sees the key
    the row will have: (.., None) and (.., "0") would pass it and then collide in the upsert,
    failing the whole week's load.
    """
    frame = _frame(rows, ACCOUNT_FIELDS)
    frame["stock_code"] = _blank_to_none(frame["stock_code"])
    frame["ord"] = frame["ord"].map(lambda v: "0" if v is None else v)
    return frame


# ---------------------------------------------------------------- DS005 material events
#
# One schema per endpoint, built from the field classes of dart_assets/sources/dart/major_events.py.
# Only the classified fields are checked, and only their format: the item itself is stored as
# DART sent it (all strings, in dart_raw.major_events.details) and dbt parses the numbers.

#: A material event's identity: the table's primary key.
MAJOR_EVENT_KEY = ("rcept_no", "endpoint")
_EMPTY_MARKS = ("", "-", "–", "—")
_DECIMAL_NUMBER = re.compile(r"[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")
_WHOLE_COUNT = re.compile(r"[0-9]{1,3}(,[0-9]{3})+|[0-9]+")
_KOREAN_DATE = re.compile(r"([0-9]{4})년 ?([0-9]{1,2})월 ?([0-9]{1,2})일")
#: DART's date form with numbers left out by the filer ("2025년 년 월 1일일" in a real
#: ovLstDecsn answer, opendart-api.md §3): kept, parsed to NULL downstream, never guessed.
_BLANKED_KOREAN_DATE = re.compile(r"[0-9 ]*년[0-9년월일 ]*")


def _empty_mark(value: str) -> bool:
    return value.strip() in _EMPTY_MARKS


def event_amount(value: object) -> bool:
    """A comma-grouped number (sign and decimals allowed: parsed exactly, never as float) or empty."""
    return isinstance(value, str) and (_empty_mark(value) or bool(_DECIMAL_NUMBER.fullmatch(value.strip())))


def event_count(value: object) -> bool:
    """A comma-grouped whole number (shares, directors, bond series) or empty."""
    return isinstance(value, str) and (_empty_mark(value) or bool(_WHOLE_COUNT.fullmatch(value.strip())))


def _calendar(year: str, month: str, day: str) -> bool:
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def event_date(value: object) -> bool:
    """`YYYY년 MM월 DD일`, YYYYMMDD (a real calendar date either way), empty, or DART's blanked form."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if _empty_mark(text):
        return True
    if re.fullmatch(r"[0-9]{8}", text):
        return _calendar(text[:4], text[4:6], text[6:])
    korean = _KOREAN_DATE.fullmatch(text)
    if korean:
        return _calendar(*korean.groups())
    return bool(_BLANKED_KOREAN_DATE.fullmatch(text)) and not re.search(r"[0-9]{4}년 ?[0-9]{1,2}월 ?[0-9]{1,2}일", text)


def event_details_storable(item: object) -> bool:
    """DART sends only strings; and PostgreSQL's jsonb must be able to hold every one of them."""
    return isinstance(item, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) and storable_text(k) and storable_text(v) for k, v in item.items()
    )


def _element_check(function: Any, name: str) -> pa.Check:
    return pa.Check(function, element_wise=True, name=name)


def major_event_schema(endpoint: str) -> pa.DataFrameSchema:
    """The checks of one DS005 endpoint's items (a frame from `major_events_frame`)."""
    from dart_assets.sources.dart.major_events import FIELDS

    fields = FIELDS[endpoint]
    columns: dict[str, pa.Column] = {
        "rcept_no": pa.Column(checks=pa.Check.str_matches(_RCEPT_NO)),
        "corp_code": pa.Column(checks=pa.Check.str_matches(_CORP_CODE)),
        "corp_cls": pa.Column(checks=pa.Check.isin(["Y", "K", "N", "E"])),
        "corp_name": pa.Column(checks=pa.Check.str_matches(_NOT_BLANK)),
        "endpoint": pa.Column(checks=pa.Check.isin([endpoint])),
        "details": pa.Column(checks=_element_check(event_details_storable, "all_values_storable_strings")),
    }
    for names, check in (
        (fields.amounts, _element_check(event_amount, "amount")),
        (fields.counts, _element_check(event_count, "count")),
        (fields.ratios, _element_check(event_amount, "ratio")),
        (fields.dates, _element_check(event_date, "date")),
    ):
        for name in names:
            columns[name] = pa.Column(nullable=True, checks=check)  # absent from the item: None
    return pa.DataFrameSchema(columns, strict=True, unique=["rcept_no"], report_duplicates="exclude_first")


def major_events_frame(endpoint: str, items: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One DS005 endpoint's items as a frame: identity, the checked fields, and the whole item."""
    from dart_assets.sources.dart.major_events import FIELDS, IDENTITY_FIELDS

    fields = FIELDS[endpoint]
    names = tuple(dict.fromkeys((*IDENTITY_FIELDS, *fields.amounts, *fields.counts, *fields.ratios, *fields.dates)))
    items = list(items)
    frame = _frame(items, names)
    frame["endpoint"] = endpoint
    frame["details"] = pd.Series(items, index=frame.index, dtype=object)
    return frame
