"""list.json: parameter validation, filtering, sorting and paging over the simulated dataset."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from simulators.dataset import LIST_FIELDS, Filing
from simulators.protocol import ApiError, ok

MAX_PAGE_COUNT = 100
FIRST_DAY = date(2015, 1, 1)  # older days are served empty: generating decades per query is too slow
THREE_MONTH_MESSAGE = "corp_code가 없는 경우 검색기간은 3개월만 가능합니다."
SORT_KEYS: dict[str, Callable[[Filing], tuple[str, ...]]] = {
    "date": lambda f: (f.rcept_dt, f.rcept_no),
    "crp": lambda f: (f.corp_name, f.rcept_no),
    "rpt": lambda f: (f.report_nm, f.rcept_no),
}
_DIGITS8 = re.compile(r"\d{8}")


@dataclass(frozen=True)
class ListQuery:
    """A validated list.json request without its page: the key of one paged result."""

    bgn: date
    end: date
    corp_code: str | None
    last_reprt_at: bool
    pblntf_ty: str | None
    pblntf_detail_ty: str | None
    corp_cls: str | None
    sort: str
    descending: bool

    def matches(self, filing: Filing) -> bool:
        return (
            (self.corp_code is None or filing.corp_code == self.corp_code)
            and (self.corp_cls is None or filing.corp_cls == self.corp_cls)
            and (self.pblntf_ty is None or filing.pblntf_ty == self.pblntf_ty)
            and (self.pblntf_detail_ty is None or filing.pblntf_detail_ty == self.pblntf_detail_ty)
            # "Y" keeps only final versions: a filing corrected later (rm 정) is superseded.
            and not (self.last_reprt_at and "정" in filing.rm)
        )


def _date_param(params: Mapping[str, str], name: str, default: date) -> date:
    value = params.get(name, "")
    if value == "":
        return default
    if not _DIGITS8.fullmatch(value):
        raise ApiError("100")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ApiError("100") from None


def _choice(params: Mapping[str, str], name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
    """The value if it is one of `allowed` (a sequence of whole values, never a string)."""
    value = params.get(name) or default
    if value is not None and value not in allowed:
        raise ApiError("100")
    return value


def _positive_int(params: Mapping[str, str], name: str, default: int) -> int:
    value = params.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise ApiError("100")
    return int(value)


def parse_query(params: Mapping[str, str], today: date) -> tuple[ListQuery, int, int]:
    """(query, page_no, page_count) or ApiError with the status DART gives for that mistake."""
    corp_code = params.get("corp_code") or None
    if corp_code is not None and not _DIGITS8.fullmatch(corp_code):
        raise ApiError("100")
    end = _date_param(params, "end_de", today)
    bgn = _date_param(params, "bgn_de", end)
    if bgn > end:
        raise ApiError("100")
    if corp_code is None and bgn + relativedelta(months=3) < end:
        raise ApiError("100", THREE_MONTH_MESSAGE)
    detail = params.get("pblntf_detail_ty") or None
    if detail is not None and not re.fullmatch(r"[A-J]\d{3}", detail):
        raise ApiError("100")
    query = ListQuery(
        bgn=bgn,
        end=end,
        corp_code=corp_code,
        last_reprt_at=_choice(params, "last_reprt_at", ("Y", "N"), "N") == "Y",
        pblntf_ty=_choice(params, "pblntf_ty", tuple("ABCDEFGHIJ")),
        pblntf_detail_ty=detail,
        corp_cls=_choice(params, "corp_cls", tuple("YKNE")),
        sort=_choice(params, "sort", ("date", "crp", "rpt"), "date") or "date",
        descending=_choice(params, "sort_mth", ("asc", "desc"), "desc") == "desc",
    )
    page_count = _positive_int(params, "page_count", 10)
    if page_count > MAX_PAGE_COUNT:
        raise ApiError("100")
    return query, _positive_int(params, "page_no", 1), page_count


def select(query: ListQuery, day_filings: Callable[[date, str | None], Sequence[Filing]], today: date) -> list[Filing]:
    """Every filing matching the query in its sort order. Days after `today` have no filings yet.

    `day_filings(day, corp_code)` may return only that company's filings when corp_code is set.
    """
    first, last = max(query.bgn, FIRST_DAY), min(query.end, today)
    rows: list[Filing] = []
    day = last
    while day >= first:  # newest day first: with the default sort no global sort is needed
        rows.extend(f for f in day_filings(day, query.corp_code) if query.matches(f))
        day -= timedelta(days=1)
    if query.sort != "date":
        rows.sort(key=SORT_KEYS[query.sort], reverse=True)
    if not query.descending:
        rows.reverse()
    return rows


def page_payload(rows: Sequence[Filing], page_no: int, page_count: int) -> dict[str, object]:
    """The envelope of real responses: numeric paging fields, then the nine item fields."""
    if not rows:
        raise ApiError("013")
    start = (page_no - 1) * page_count
    return ok(
        page_no=page_no,
        page_count=page_count,
        total_count=len(rows),
        total_page=math.ceil(len(rows) / page_count),
        list=[dict(zip(LIST_FIELDS, f[:9], strict=True)) for f in rows[start : start + page_count]],
    )
