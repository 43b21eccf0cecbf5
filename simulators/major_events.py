"""The simulator's DS005 endpoints (주요사항보고서 주요정보): `GET /api/<endpoint>.json` with
`corp_code`, `bgn_de`, `end_de` (all required, as in the guide).

An answer lists the company's items whose first filing date (최초접수일, here the rcept_no's date)
is in [bgn_de, end_de]:
- the recorded real answers (data/responses/material/testdata/<endpoint>.json), served verbatim
  when the request names their corp_code and covers their rcept_no date;
- for every generated or recorded filing of the company with a 주요사항보고서 title this module
  maps to the endpoint, a generated item consistent with the filing: same rcept_no, corp_code,
  corp_name and corp_cls, the endpoint's fields (those of the recorded answer, in its order)
  with plausible values in DART's string formats (comma-grouped amounts, `"5.00"` ratios,
  `YYYY년 MM월 DD일` or YYYYMMDD dates near the filing, `"-"` where the recorded answer is
  empty), deterministic from (seed, rcept_no, endpoint).
Nothing listed is answered 013 (no data). Keys, quota and faults are the server's, as for
list.json.

The title -> endpoint table is the simulator's own (it imitates DART, not the client): the
issue tracker keeps the simulators independent of the clients they test. Corrections
(`[기재정정]...`) get an item of their own under their own rcept_no date; real DART may file
them under the original's first filing date.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache

from simulators.protocol import ApiError, ok
from simulators.recorded import DATA_DIR, Filing

TESTDATA = DATA_DIR / "responses" / "material" / "testdata"

#: Event names inside 주요사항보고서(...) (spaces removed) -> endpoint, from the DART guide's list.
TITLE_ENDPOINTS: dict[str, str] = {
    "중요한자산양수도결정(기타)": "astInhtrfEtcPtbkOpt",
    "자산양수도(기타),풋백옵션": "astInhtrfEtcPtbkOpt",
    "부도발생": "dfOcr",
    "영업정지": "bsnSp",
    "회생절차개시신청": "ctrcvsBgrq",
    "해산사유발생": "dsRsOcr",
    "유상증자결정": "piicDecsn",
    "무상증자결정": "fricDecsn",
    "유무상증자결정": "pifricDecsn",
    "감자결정": "crDecsn",
    "채권은행등의관리절차개시": "bnkMngtPcbg",
    "소송등의제기": "lwstLg",
    "해외증권시장주권등상장결정": "ovLstDecsn",
    "해외증권시장주권등상장폐지결정": "ovDlstDecsn",
    "해외증권시장주권등상장": "ovLst",
    "해외증권시장주권등상장폐지": "ovDlst",
    "전환사채권발행결정": "cvbdIsDecsn",
    "신주인수권부사채권발행결정": "bdwtIsDecsn",
    "교환사채권발행결정": "exbdIsDecsn",
    "채권은행등의관리절차중단": "bnkMngtPcsp",
    "상각형조건부자본증권발행결정": "wdCocobdIsDecsn",
    "자기주식취득결정": "tsstkAqDecsn",
    "자기주식처분결정": "tsstkDpDecsn",
    "자기주식취득신탁계약체결결정": "tsstkAqTrctrCnsDecsn",
    "자기주식취득신탁계약해지결정": "tsstkAqTrctrCcDecsn",
    "영업양수결정": "bsnInhDecsn",
    "영업양도결정": "bsnTrfDecsn",
    "유형자산양수결정": "tgastInhDecsn",
    "유형자산양도결정": "tgastTrfDecsn",
    "타법인주식및출자증권양수결정": "otcprStkInvscrInhDecsn",
    "타법인주식및출자증권양도결정": "otcprStkInvscrTrfDecsn",
    "주권관련사채권양수결정": "stkrtbdInhDecsn",
    "주권관련사채권양도결정": "stkrtbdTrfDecsn",
    "회사합병결정": "cmpMgDecsn",
    "회사분할결정": "cmpDvDecsn",
    "회사분할합병결정": "cmpDvmgDecsn",
    "주식교환ㆍ이전결정": "stkExtrDecsn",
    "주식교환·이전결정": "stkExtrDecsn",
}
ENDPOINTS = frozenset(TITLE_ENDPOINTS.values())
#: listings show a filing up to 3 days after its rcept_no date (dataset.DELAYED_SEQ_BASE)
MAX_LISTING_DELAY_DAYS = 3
_EVENT = re.compile(r"주요사항보고서\s*\((.+)\)")
_SUBSIDIARY = re.compile(r"(자회사|종속회사)의\s*주요경영사항")
_KOREAN_DATE = re.compile(r"^(\d{4})년 (\d{2})월 (\d{2})일$")
_YMD = re.compile(r"^\d{8}$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
_DECIMAL = re.compile(r"^\d+\.(\d+)$")
ALLOTMENT_METHODS = ("주주배정증자", "주주배정후 실권주 일반공모", "제3자배정증자", "일반공모증자", "주주우선공모증자")
BOND_ISSUE_METHODS = ("사모", "공모")
SPLIT_METHODS = ("인적분할", "물적분할")


def endpoint_of_title(report_nm: str) -> str | None:
    """The DS005 endpoint holding a filing's details, by its title (None for most titles)."""
    if "주요사항보고서" not in report_nm or _SUBSIDIARY.search(report_nm):
        return None
    match = _EVENT.search(report_nm.strip())
    if match is None:
        return None
    inner, depth = match.group(1), 0
    for i, char in enumerate(inner):  # the balanced part: 중요한자산양수도결정(기타)
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            inner = inner[:i]
            break
    return TITLE_ENDPOINTS.get(re.sub(r"\s+", "", inner))


@lru_cache(maxsize=64)
def recorded_items(endpoint: str) -> tuple[dict[str, str], ...]:
    path = TESTDATA / f"{endpoint}.json"
    if not path.is_file():
        return ()
    return tuple(json.loads(path.read_text("utf-8")).get("list") or ())


def _required_date(params: Mapping[str, str], name: str) -> date:
    value = params.get(name, "")
    if not _YMD.fullmatch(value):
        raise ApiError("100")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise ApiError("100") from None


def _korean(day: date) -> str:
    return f"{day.year:04d}년 {day.month:02d}월 {day.day:02d}일"


def _value(rng: random.Random, name: str, template: str, filed: date, filing: Filing) -> str:
    """A plausible value shaped like the recorded `template` of the field."""
    if template in ("", "-"):
        return template
    if name in ("ic_mthn", "piic_ic_mthn"):
        return rng.choice(ALLOTMENT_METHODS)
    if name == "bdis_mthn":
        return rng.choice(BOND_ISSUE_METHODS)
    if name == "dv_mth":
        return rng.choice(SPLIT_METHODS)
    board = name.endswith("bddd") or name in ("aq_dd", "dp_dd")
    if _KOREAN_DATE.match(template) or _YMD.match(template):
        offset = -rng.randint(0, 2) if board else rng.randint(1, 120)
        day = filed + timedelta(days=offset)
        return _korean(day) if _KOREAN_DATE.match(template) else f"{day:%Y%m%d}"
    if _GROUPED.match(template):
        number = int(template.replace(",", ""))
        if number < 1000:  # counts of directors, bond series, conversion ratios in %
            return template
        scaled = int(number * 10 ** rng.uniform(-0.7, 0.7))
        digits = max(0, len(str(scaled)) - 3)
        return f"{round(scaled, -digits):,}"
    decimal = _DECIMAL.match(template)
    if decimal:
        return f"{float(template) * rng.uniform(0.3, 2.0):.{len(decimal.group(1))}f}"
    if "테스트" in template:
        return filing.corp_name
    return template


def generated_item(endpoint: str, filing: Filing, seed: int) -> dict[str, str]:
    """The DS005 item of a simulated filing; fields and their order from the recorded answer."""
    template = recorded_items(endpoint)[0]
    rng = random.Random(f"{seed}:{endpoint}:{filing.rcept_no}")
    filed = date(int(filing.rcept_no[:4]), int(filing.rcept_no[4:6]), int(filing.rcept_no[6:8]))
    identity = {
        "rcept_no": filing.rcept_no,
        "corp_cls": filing.corp_cls,
        "corp_code": filing.corp_code,
        "corp_name": filing.corp_name,
    }
    return {name: identity.get(name) or _value(rng, name, value, filed, filing) for name, value in template.items()}


def answer(
    endpoint: str,
    params: Mapping[str, str],
    company_filings: Callable[[date, str], Sequence[Filing]],
    seed: int,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """The JSON payload of `<endpoint>.json`; ApiError 100 for a bad request, 013 when empty.

    `company_filings(day, corp_code)` is what list.json lists for the company on that day.
    `overrides` (the `event_field_overrides` fault) replace fields of every item served.
    """
    corp_code = params.get("corp_code", "")
    if not re.fullmatch(r"\d{8}", corp_code):
        raise ApiError("100")
    bgn, end = _required_date(params, "bgn_de"), _required_date(params, "end_de")
    if bgn > end:
        raise ApiError("100")
    low, high = f"{bgn:%Y%m%d}", f"{end:%Y%m%d}"
    items: dict[str, dict[str, str]] = {}
    for item in recorded_items(endpoint):
        if item.get("corp_code") == corp_code and low <= str(item.get("rcept_no", ""))[:8] <= high:
            items[item["rcept_no"]] = dict(item)
    day = bgn
    while day <= end + timedelta(days=MAX_LISTING_DELAY_DAYS):
        for filing in company_filings(day, corp_code):
            if (
                low <= filing.rcept_no[:8] <= high
                and filing.rcept_no not in items
                and endpoint_of_title(filing.report_nm) == endpoint
            ):
                items[filing.rcept_no] = generated_item(endpoint, filing, seed)
        day += timedelta(days=1)
    if not items:
        raise ApiError("013")
    listed = [{**item, **(overrides or {})} for _, item in sorted(items.items())]
    return ok(list=listed)
