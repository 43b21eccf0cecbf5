"""The simulator's disclosure list: real rows where recorded, realistic generated rows elsewhere.

Pure functions, deterministic per (seed, date): the same day always yields the same filings, so
a backfill can be re-run and compared. Days are generated on demand and kept in a bounded LRU
cache, so a year of history costs seconds and little memory; one company's filings are found
without generating whole days, so a corp_code query over ten years stays well under a second.

A day holds
- the recorded rows whose rcept_dt is that day, served verbatim (report_nm keeps its 14 trailing
  spaces);
- the periodic reports due in reporting season (사업보고서 in March, 분기보고서 in May and
  November, 반기보고서 in August), one per listed company and period;
- generated filings sampling the recorded titles and the real company list up to a realistic
  daily volume (about 450-700 on XKRX business days, more in reporting months, a handful on
  weekends and holidays), or exactly `daily_volume` rows on business days when it is given.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple, TypeVar

from simulators import recorded
from simulators.clock import xkrx
from simulators.recorded import Company, Filing, stable_fraction

EXCHANGE_PADDING = " " * 14  # KIND titles carry exactly 14 trailing spaces (opendart-api.md §6.1)
CHANNEL_OF_MARKET = {"Y": "8", "K": "9", "N": "6"}
RM_OF_MARKET = {"Y": "유", "K": "코", "N": "넥"}
MAX_DAILY_VOLUME = 10_000  # keeps regular rcept_no sequences below the reserved ranges
ACCOUNTING_FIRMS = ("삼일회계법인", "삼정회계법인", "안진회계법인", "한영회계법인", "대주회계법인", "신한회계법인")
BLOCK_HOLDERS = (
    "국민연금공단",
    "국민연금공단",
    "삼성자산운용",
    "미래에셋자산운용",
    "한국투자신탁운용",
    "케이비자산운용",
)
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ("민준", "서연", "도윤", "지우", "현우", "수빈", "영호", "정훈", "미경", "성민", "재원", "은정")


T = TypeVar("T")


LIST_FIELDS = Filing._fields[:9]


class Season(NamedTuple):
    """A periodic-report season: the month it is filed in and the report it brings."""

    title: str  # format with the period year
    reprt_code: str
    deadline_day: int
    period_month: int
    year_offset: int  # the business year relative to the filing year


SEASONS = {
    3: Season("사업보고서 ({year}.12)", "11011", 31, 12, -1),
    5: Season("분기보고서 ({year}.03)", "11013", 15, 3, 0),
    8: Season("반기보고서 ({year}.06)", "11012", 14, 6, 0),
    11: Season("분기보고서 ({year}.09)", "11014", 14, 9, 0),
}
SEASON_OF_REPRT = {s.reprt_code: (month, s) for month, s in SEASONS.items()}

_TYPE_RULES: tuple[tuple[str, str], ...] = (
    (r"^(\[[^\]]*\])?사업보고서", "A001"),
    (r"^(\[[^\]]*\])?반기보고서", "A002"),
    (r"^(\[[^\]]*\])?분기보고서", "A003"),
    (r"주요사항보고서", "B001"),
    (r"연결감사보고서", "F002"),
    (r"감사보고서", "F001"),
    (r"집합투자|투자신탁|투자회사", "G001"),
    (r"자산양도|채권양도|유동화", "H001"),
    (r"증권신고서\(지분|지분증권", "C001"),
    (r"증권신고서\(채무|채무증권|일괄신고", "C002"),
    (r"투자설명서|증권신고서|증권발행실적|발행조건", "C005"),
    (r"대량보유", "D001"),
    (r"임원ㆍ주요주주|임원·주요주주", "D002"),
    (r"의결권대리행사", "D003"),
    (r"공개매수", "D004"),
    (r"자기주식|자사주", "E001"),
    (r"신탁계약", "E002"),
    (r"주식매수선택권", "E004"),
    (r"사외이사", "E005"),
    (r"주주총회소집공고", "E006"),
    (r"대규모내부거래|특수관계인|상품ㆍ용역거래|기업집단현황", "J001"),
    (r"비상장회사중요사항", "J005"),
)
_COMPILED_RULES = tuple((re.compile(pattern), code) for pattern, code in _TYPE_RULES)
FAIR_TRADE = re.compile(r"대규모내부거래|특수관계인|상품ㆍ용역거래|기업집단현황|비상장회사중요사항")


@lru_cache(maxsize=32_768)  # titles come from a finite pool: classify each once
def classify(report_nm: str, channel: str) -> tuple[str, str]:
    """(pblntf_ty, pblntf_detail_ty) of a title: exchange channels are I, the rest by keyword."""
    if channel in recorded.EXCHANGE_CHANNELS:
        return "I", "I002" if "공정공시" in report_nm else "I001"
    for pattern, code in _COMPILED_RULES:
        if pattern.search(report_nm):
            return code[0], code
    return "E", "E009"


def _filing(row: Filing) -> Filing:
    pblntf_ty, detail = classify(row.report_nm, row.rcept_no[8])
    if row.pblntf_ty and row.pblntf_ty != pblntf_ty:
        pblntf_ty, detail = row.pblntf_ty, f"{row.pblntf_ty}001"
    return Filing(*row[:9], pblntf_ty, detail)


# ---------------------------------------------------------------- calendar


@lru_cache(maxsize=1)
def _xkrx() -> tuple[date, date, frozenset[date]]:
    calendar = xkrx()
    sessions = frozenset(ts.date() for ts in calendar.sessions)
    return calendar.first_session.date(), calendar.last_session.date(), sessions


def is_business_day(day: date) -> bool:
    """An XKRX session; outside the calendar's range, any weekday."""
    first, last, sessions = _xkrx()
    if first <= day <= last:
        return day in sessions
    return day.weekday() < 5


class _Draw:
    """Uniform numbers in [0, 1) from a hash of an address such as (seed, day, block, index).

    Hashing instead of one random stream per day makes every generated filing computable on
    its own (see company_filings_for_date); blake2b is fast and stable across processes.
    """

    def __init__(self, *parts: object) -> None:
        digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=64).digest()
        self._values = struct.unpack("<16I", digest)
        self._next = 0

    def u(self) -> float:
        value = self._values[self._next] / 2**32
        self._next += 1
        return value

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.u() * len(items))]


def base_volume(day: date, seed: int) -> int:
    """Ordinary filings of a day: 450-700 on business days, ~x1.3 in reporting months."""
    draw = _Draw(seed, "volume", day)
    if not is_business_day(day):
        return 2 + int(draw.u() * 7)
    volume = 450 + int(draw.u() * 251)
    return int(volume * 1.3) if day.month in SEASONS else volume


# ---------------------------------------------------------------- periodic reports


@lru_cache(maxsize=64)
def _season_schedule(seed: int, year: int, month: int) -> dict[date, tuple[Company, ...]]:
    """Which listed company files its periodic report on which business day of the season.

    Filings bunch up toward the legal deadline, as they do in reality.
    """
    season = SEASONS[month]
    days = [d for d in (date(year, month, n) for n in range(1, season.deadline_day + 1)) if is_business_day(d)]
    skip = _corps_with_recorded_report(season.title.format(year=year + season.year_offset))
    schedule: dict[date, list[Company]] = {d: [] for d in days}
    for company in recorded.listed_companies():
        if company.corp_code in skip:
            continue
        u = stable_fraction(seed, "periodic", company.corp_code, year, month)
        schedule[days[int(len(days) * u**0.5)]].append(company)
    return {d: tuple(cs) for d, cs in schedule.items()}


@lru_cache(maxsize=64)
def _corps_with_recorded_report(title: str) -> frozenset[str]:
    """Companies whose real periodic report of that title is recorded: never generate a twin."""
    return frozenset(
        row.corp_code for rows in recorded.real_rows_by_day().values() for row in rows if row.report_nm.endswith(title)
    )


def periodic_filing_position(corp_code: str, bsns_year: int, reprt_code: str, seed: int) -> tuple[date, int] | None:
    """(day, position among that day's periodic reports) of a company's report, if it has one."""
    month, season = SEASON_OF_REPRT[reprt_code]
    return _season_positions(seed, bsns_year - season.year_offset, month).get(corp_code)


@lru_cache(maxsize=64)
def _season_positions(seed: int, year: int, month: int) -> dict[str, tuple[date, int]]:
    schedule = _season_schedule(seed, year, month)
    return {c.corp_code: (day, k) for day, companies in schedule.items() for k, c in enumerate(companies)}


# ---------------------------------------------------------------- generation
#
# Every generated filing is addressed by (seed, day, block, index) and computed from a hash of
# that address, not from a per-day random stream. Within a block, index i belongs to company
# pool[(a*i + b) mod n], an affine permutation that is cheap to invert: a company's filings on
# any day are found in O(1), so a corp_code query over ten years does not generate ten years.

EXCHANGE, LISTED_DART, UNLISTED_DART = "ex", "ld", "un"
_BLOCK_SHARES = ((EXCHANGE, 0.30), (LISTED_DART, 0.34))  # the rest is filed by unlisted companies
# rcept_no sequences per day come in slots of three numbers (one used, the others leave gaps as
# real numbering has and room to step around a recorded filing): exchange 1+3i; DART listed
# 1+9i, unlisted 4+9i, periodic 7+9k, all below 33,000 within MAX_DAILY_VOLUME. A slot whose
# three numbers are all recorded moves to 33,000 + slot//3; injected filings take 45,000+, and
# filings listed k days after their rcept_no date 50,000 + 15,000*(k-1) + 2i.
_SLOT_OFFSET = {LISTED_DART: 1, UNLISTED_DART: 4}
OVERFLOW_SEQ_BASE = 33_000
INJECTED_SEQ_BASE = 45_000
DELAYED_SEQ_BASE = 50_000


@lru_cache(maxsize=1)
def _title_pools() -> dict[str, tuple[str, ...]]:
    exchange, dart_listed, dart_unlisted = [], [], []
    for title in recorded.titles():
        if title.channel in recorded.EXCHANGE_CHANNELS:
            exchange.append(title.report_nm.rstrip() + EXCHANGE_PADDING)
        elif title.listed:
            dart_listed.append(title.report_nm)
        else:
            dart_unlisted.append(title.report_nm)
    return {EXCHANGE: tuple(exchange), LISTED_DART: tuple(dart_listed), UNLISTED_DART: tuple(dart_unlisted)}


def _pool(block: str) -> tuple[Company, ...]:
    return recorded.unlisted_companies() if block == UNLISTED_DART else recorded.listed_companies()


@lru_cache(maxsize=3)
def _pool_index(block: str) -> dict[str, int]:
    return {c.corp_code: i for i, c in enumerate(_pool(block))}


@lru_cache(maxsize=4096)
def _permutation(seed: int, day: date, block: str, n: int) -> tuple[int, int, int]:
    """(a, b, a⁻¹ mod n) of the day's affine permutation of a company pool."""
    draw = _Draw(seed, "permutation", day, block)
    a = 1 + int(draw.u() * (n - 1))
    while math.gcd(a, n) != 1:
        a = a % (n - 1) + 1
    return a, int(draw.u() * n), pow(a, -1, n)


def _filer(draw: _Draw, company: Company, title: str) -> str:
    """Mostly the company itself; third parties where they really file (§6.5)."""
    if "대량보유" in title and draw.u() < 0.6:
        return draw.pick(BLOCK_HOLDERS)
    if "감사보고서" in title and draw.u() < 0.7:
        return draw.pick(ACCOUNTING_FIRMS)
    if "임원ㆍ주요주주" in title and draw.u() < 0.7:
        return draw.pick(SURNAMES) + draw.pick(GIVEN)
    return company.corp_name


def _dart_rm(draw: _Draw, title: str) -> str:
    """rm of a DART-channel filing, in the observed proportions ("" 76%, 정 21%, 철 rare)."""
    rm = "공" if FAIR_TRADE.search(title) else ""
    u = draw.u()
    if u < 0.2:
        return "정" + rm
    if u < 0.205:
        return "정철"
    if u < 0.207:
        return "철"
    return rm


def _ymd(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime is several times slower


def _number(day: date, channel: str, seq: int) -> str:
    return f"{_ymd(day)}{channel}{seq:05d}"


def _free_number(day: date, channel: str, slot: int, draw: _Draw) -> str:
    """A number of the three-number slot that no recorded filing uses, picked at random."""
    start = int(draw.u() * 3)
    candidates = [_number(day, channel, slot + (start + j) % 3) for j in range(3)]
    taken = recorded.real_rcept_nos()
    return next((n for n in candidates if n not in taken), _number(day, channel, OVERFLOW_SEQ_BASE + slot // 3))


def _make(company: Company, title: str, number: str, flr_nm: str, day: date, rm: str) -> Filing:
    pblntf_ty, detail = classify(title, number[8])
    return Filing(
        company.corp_code, company.corp_name, company.stock_code, company.corp_cls,
        title, number, flr_nm, _ymd(day), rm, pblntf_ty, detail,
    )  # fmt: skip


def _ordinary(seed: int, day: date, block: str, i: int, company: Company) -> Filing:
    draw = _Draw(seed, day, block, i)
    title = draw.pick(_title_pools()[block])
    if block == EXCHANGE:
        rm = RM_OF_MARKET[company.corp_cls]
        if company.corp_cls != "N" and draw.u() < 0.1:
            rm += "정"
        number = _free_number(day, CHANNEL_OF_MARKET[company.corp_cls], 1 + 3 * i, draw)
        return _make(company, title, number, company.corp_name, day, rm)
    flr_nm, rm = _filer(draw, company, title), _dart_rm(draw, title)
    # Mostly 대량보유 reports and 주주총회소집공고 are listed a few days after their rcept_no date.
    if (("대량보유" in title or "소집공고" in title) and draw.u() < 0.1) or draw.u() < 0.003:
        k = 1 + int(draw.u() * 3)
        seq = DELAYED_SEQ_BASE + (k - 1) * 15_000 + 2 * i + (block == UNLISTED_DART)
        return _make(company, title, _number(day - timedelta(days=k), "0", seq), flr_nm, day, rm)
    channel = "1" if draw.u() < 0.06 else "0"
    number = _free_number(day, channel, _SLOT_OFFSET[block] + 9 * i, draw)
    return _make(company, title, number, flr_nm, day, rm)


def _periodic(seed: int, day: date, k: int, company: Company) -> Filing:
    draw = _Draw(seed, day, "periodic", k)
    season = SEASONS[day.month]
    rm = "연" if draw.u() < 0.7 else ""
    if draw.u() < 0.08:
        rm = "정" + rm
    number = _free_number(day, "0", 7 + 9 * k, draw)
    return _make(company, season.title.format(year=day.year + season.year_offset), number, company.corp_name, day, rm)


@lru_cache(maxsize=1)
def _real_filings_by_day() -> dict[date, tuple[Filing, ...]]:
    return {day: tuple(_filing(row) for row in rows) for day, rows in recorded.real_rows_by_day().items()}


class _DayPlan(NamedTuple):
    real: tuple[Filing, ...]
    periodic: int  # how many of the day's scheduled periodic reports fit in the volume
    blocks: tuple[tuple[str, int], ...]  # generated filings per block


def check_daily_volume(daily_volume: int | None) -> None:
    if daily_volume is not None and not 0 <= daily_volume <= MAX_DAILY_VOLUME:
        raise ValueError(f"daily_volume must be between 0 and {MAX_DAILY_VOLUME}, got {daily_volume}")


@lru_cache(maxsize=8192)
def _plan(day: date, seed: int, daily_volume: int | None) -> _DayPlan:
    check_daily_volume(daily_volume)
    real = _real_filings_by_day().get(day, ())
    scheduled = len(periodic_companies(day, seed))
    total = base_volume(day, seed) + scheduled
    if daily_volume is not None and is_business_day(day):
        total = daily_volume
    budget = max(0, total - len(real))
    periodic = min(scheduled, budget)
    ordinary = budget - periodic
    blocks = [(block, round(ordinary * share)) for block, share in _BLOCK_SHARES]
    blocks.append((UNLISTED_DART, ordinary - sum(n for _, n in blocks)))
    return _DayPlan(real, periodic, tuple(blocks))


def periodic_companies(day: date, seed: int) -> tuple[Company, ...]:
    if day.month not in SEASONS or not is_business_day(day):
        return ()
    return _season_schedule(seed, day.year, day.month).get(day, ())


@lru_cache(maxsize=128)
def filings_for_date(day: date, seed: int, daily_volume: int | None = None) -> tuple[Filing, ...]:
    """Every filing listed under `day`, newest first (rcept_no descending), as DART sorts."""
    plan = _plan(day, seed, daily_volume)
    filings = list(plan.real)
    filings += [_periodic(seed, day, k, c) for k, c in enumerate(periodic_companies(day, seed)[: plan.periodic])]
    for block, count in plan.blocks:
        pool = _pool(block)
        a, b, _ = _permutation(seed, day, block, len(pool))
        filings += [_ordinary(seed, day, block, i, pool[(a * i + b) % len(pool)]) for i in range(count)]
    filings.sort(key=lambda f: f.rcept_no, reverse=True)
    return tuple(filings)


def company_filings_for_date(day: date, seed: int, daily_volume: int | None, corp_code: str) -> list[Filing]:
    """The filings of one company on `day`: the same rows filings_for_date holds, found in O(1)."""
    plan = _plan(day, seed, daily_volume)
    filings = [f for f in plan.real if f.corp_code == corp_code]
    company = recorded.company_by_code().get(corp_code)
    if company is None:
        return filings
    if plan.periodic and day.month in SEASONS:
        position = _season_positions(seed, day.year, day.month).get(corp_code)
        if position is not None and position[0] == day and position[1] < plan.periodic:
            filings.append(_periodic(seed, day, position[1], company))
    for block, count in plan.blocks:
        index = _pool_index(block).get(corp_code)
        if index is None or count == 0:
            continue
        n = len(_pool(block))
        a, b, a_inv = _permutation(seed, day, block, n)
        first = (index - b) * a_inv % n
        filings += [_ordinary(seed, day, block, i, company) for i in range(first, count, n)]
    filings.sort(key=lambda f: f.rcept_no, reverse=True)
    return filings


def injected_filing(day: date, seed: int, index: int, corp_code: str | None, corp_cls: str | None) -> Filing:
    """A filing that "arrives" while a client pages a query, numbered above the day's others.

    It matches the query's company or market, so it really lands in the paged result; as the
    newest row it sorts first and pushes every row one place toward later pages.
    """
    draw = _Draw(seed, "inject", day, index)
    company = recorded.company_by_code().get(corp_code or "")
    if company is None:
        market = corp_cls or "K"
        pool = (
            recorded.unlisted_companies()
            if market == "E"
            else [c for c in recorded.listed_companies() if c.corp_cls == market]
        )
        company = draw.pick(pool)
    if company.corp_cls == "E":
        title, channel, rm = draw.pick(_title_pools()[UNLISTED_DART]), "0", ""
    else:
        title, channel, rm = (
            draw.pick(_title_pools()[EXCHANGE]),
            CHANNEL_OF_MARKET[company.corp_cls],
            RM_OF_MARKET[company.corp_cls],
        )
    return _make(company, title, _number(day, channel, INJECTED_SEQ_BASE + index), company.corp_name, day, rm)


def find_periodic_filing(
    corp_code: str, bsns_year: int, reprt_code: str, seed: int, daily_volume: int | None
) -> Filing | None:
    """The listed periodic report behind a financial statement, so fnltt* rcept_no joins to list.json."""
    position = periodic_filing_position(corp_code, bsns_year, reprt_code, seed)
    if position is None:
        return None
    month, season = SEASON_OF_REPRT[reprt_code]
    title = season.title.format(year=bsns_year)
    for filing in company_filings_for_date(position[0], seed, daily_volume, corp_code):
        if filing.report_nm == title:
            return filing
    return None
