"""The simulator's disclosure list: real rows where recorded, realistic generated rows elsewhere.

Pure functions, deterministic per (seed, date): the same day always yields the same filings, so
a backfill can be re-run and compared. Days are generated on demand and kept in a bounded LRU
cache, so a year of history costs seconds and little memory.

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

import random
import re
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from dart_assets.simulator import recorded
from dart_assets.simulator.recorded import Company, stable_fraction

EXCHANGE_PADDING = " " * 14  # KIND titles carry exactly 14 trailing spaces (opendart-api.md §6.1)
CHANNEL_OF_MARKET = {"Y": "8", "K": "9", "N": "6"}
RM_OF_MARKET = {"Y": "유", "K": "코", "N": "넥"}
DELAYED_SEQ_BASE = 60_000  # + (k-1)*10_000: rcept_no dated k days before rcept_dt
INJECTED_SEQ_BASE = 50_000  # filings that appear while a query is being paged
MAX_DAILY_VOLUME = 40_000  # keeps regular sequences below the reserved ranges
ACCOUNTING_FIRMS = ("삼일회계법인", "삼정회계법인", "안진회계법인", "한영회계법인", "대주회계법인", "신한회계법인")
BLOCK_HOLDERS = ("국민연금공단", "국민연금공단", "삼성자산운용", "미래에셋자산운용", "한국투자신탁운용", "케이비자산운용")
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ("민준", "서연", "도윤", "지우", "현우", "수빈", "영호", "정훈", "미경", "성민", "재원", "은정")


class Filing(NamedTuple):
    """A list.json item (the first nine fields, in the API's order) plus its disclosure type."""

    corp_code: str
    corp_name: str
    stock_code: str
    corp_cls: str
    report_nm: str
    rcept_no: str
    flr_nm: str
    rcept_dt: str
    rm: str
    pblntf_ty: str
    pblntf_detail_ty: str


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


def _filing(row: recorded.RecordedRow) -> Filing:
    pblntf_ty, detail = classify(row.report_nm, row.rcept_no[8])
    if row.pblntf_ty and row.pblntf_ty != pblntf_ty:
        pblntf_ty, detail = row.pblntf_ty, f"{row.pblntf_ty}001"
    return Filing(*row[:9], pblntf_ty, detail)


# ---------------------------------------------------------------- calendar


@lru_cache(maxsize=1)
def _xkrx() -> tuple[date, date, frozenset[date]]:
    import exchange_calendars

    calendar = exchange_calendars.get_calendar("XKRX")
    sessions = frozenset(ts.date() for ts in calendar.sessions)
    return calendar.first_session.date(), calendar.last_session.date(), sessions


def is_business_day(day: date) -> bool:
    """An XKRX session; outside the calendar's range, any weekday."""
    first, last, sessions = _xkrx()
    if first <= day <= last:
        return day in sessions
    return day.weekday() < 5


def _rng(seed: int, *parts: object) -> random.Random:
    # str seeds are hashed with SHA-512 by random.Random: stable across processes and versions.
    return random.Random(":".join(map(str, (seed, *parts))))


def base_volume(day: date, seed: int) -> int:
    """Ordinary filings of a day: 450-700 on business days, ~x1.3 in reporting months."""
    rng = _rng(seed, "volume", day.isoformat())
    if not is_business_day(day):
        return rng.randint(2, 8)
    volume = rng.randint(450, 700)
    return int(volume * 1.3) if day.month in SEASONS else volume


# ---------------------------------------------------------------- periodic reports


@lru_cache(maxsize=64)
def _season_schedule(seed: int, year: int, month: int) -> dict[date, tuple[Company, ...]]:
    """Which listed company files its periodic report on which business day of the season.

    Filings bunch up toward the legal deadline, as they do in reality.
    """
    season = SEASONS[month]
    days = [
        d
        for d in (date(year, month, n) for n in range(1, season.deadline_day + 1))
        if is_business_day(d)
    ]
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


def periodic_companies(day: date, seed: int) -> tuple[Company, ...]:
    if day.month not in SEASONS or not is_business_day(day):
        return ()
    return _season_schedule(seed, day.year, day.month).get(day, ())


def periodic_filing_day(corp_code: str, bsns_year: int, reprt_code: str, seed: int) -> date | None:
    """The day the simulator lists that company's periodic report, or None if it has none."""
    month, season = SEASON_OF_REPRT[reprt_code]
    return _season_days(seed, bsns_year - season.year_offset, month).get(corp_code)


@lru_cache(maxsize=64)
def _season_days(seed: int, year: int, month: int) -> dict[str, date]:
    return {c.corp_code: day for day, companies in _season_schedule(seed, year, month).items() for c in companies}


# ---------------------------------------------------------------- generation


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
    return {"exchange": tuple(exchange), "listed": tuple(dart_listed), "unlisted": tuple(dart_unlisted)}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _filer(rng: random.Random, company: Company, title: str) -> str:
    """Mostly the company itself; third parties where they really file (§6.5)."""
    if "대량보유" in title and rng.random() < 0.6:
        return rng.choice(BLOCK_HOLDERS)
    if "감사보고서" in title and rng.random() < 0.7:
        return rng.choice(ACCOUNTING_FIRMS)
    if "임원ㆍ주요주주" in title and rng.random() < 0.7:
        return _person(rng)
    return company.corp_name


def _dart_rm(rng: random.Random, title: str) -> str:
    """rm of a DART-channel filing, in the observed proportions ("" 76%, 정 21%, 철 rare)."""
    rm = "공" if FAIR_TRADE.search(title) else ""
    u = rng.random()
    if u < 0.2:
        rm = "정" + rm
    elif u < 0.205:
        rm = "정철"
    elif u < 0.207:
        rm = "철"
    return rm


class _Draft(NamedTuple):
    company: Company
    report_nm: str
    channel: str
    flr_nm: str
    rm: str
    delay_days: int  # rcept_no dated this many days before rcept_dt


def _draft_ordinary(rng: random.Random) -> _Draft:
    pools = _title_pools()
    u = rng.random()
    if u < 0.30:
        company = rng.choice(recorded.listed_companies())
        title = rng.choice(pools["exchange"])
        rm = RM_OF_MARKET[company.corp_cls]
        if company.corp_cls != "N" and rng.random() < 0.1:
            rm += "정"
        return _Draft(company, title, CHANNEL_OF_MARKET[company.corp_cls], company.corp_name, rm, 0)
    if u < 0.64:
        company = rng.choice(recorded.listed_companies())
        title = rng.choice(pools["listed"])
    else:
        company = rng.choice(recorded.unlisted_companies())
        title = rng.choice(pools["unlisted"])
    # Mostly 대량보유 reports and 주주총회소집공고 are listed a few days after their rcept_no date.
    delayed = (("대량보유" in title or "소집공고" in title) and rng.random() < 0.1) or rng.random() < 0.003
    channel = "1" if rng.random() < 0.06 else "0"
    return _Draft(company, title, channel, _filer(rng, company, title), _dart_rm(rng, title), rng.randint(1, 3) if delayed else 0)


def _draft_periodic(rng: random.Random, company: Company, day: date) -> _Draft:
    season = SEASONS[day.month]
    title = season.title.format(year=day.year + season.year_offset)
    rm = "연" if rng.random() < 0.7 else ""
    if rng.random() < 0.08:
        rm = "정" + rm
    return _Draft(company, title, "0", company.corp_name, rm, 0)


def _number(day: date, channel: str, seq: int) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}{channel}{seq:05d}"  # strftime is slow


def _assign_numbers(day: date, drafts: list[_Draft], rng: random.Random) -> list[Filing]:
    """Give each draft a unique rcept_no: per channel, increasing with gaps, skipping real ones."""
    taken = recorded.real_rcept_nos()
    next_seq: dict[str, int] = {}
    delayed_seq: dict[int, int] = {}
    rcept_dt = f"{day:%Y%m%d}"
    filings = []
    for draft in drafts:
        if draft.delay_days:
            k = draft.delay_days
            delayed_seq[k] = delayed_seq.get(k, DELAYED_SEQ_BASE + (k - 1) * 10_000) + 1
            number = _number(day - timedelta(days=k), "0", delayed_seq[k])
        else:
            while True:
                next_seq[draft.channel] = next_seq.get(draft.channel, 0) + rng.randint(1, 3)
                number = _number(day, draft.channel, next_seq[draft.channel])
                if number not in taken:
                    break
        c = draft.company
        pblntf_ty, detail = classify(draft.report_nm, draft.channel)
        filings.append(
            Filing(c.corp_code, c.corp_name, c.stock_code, c.corp_cls, draft.report_nm, number, draft.flr_nm, rcept_dt, draft.rm, pblntf_ty, detail)
        )
    return filings


@lru_cache(maxsize=128)
def filings_for_date(day: date, seed: int, daily_volume: int | None = None) -> tuple[Filing, ...]:
    """Every filing listed under `day`, newest first (rcept_no descending), as DART sorts."""
    if daily_volume is not None and not 0 <= daily_volume <= MAX_DAILY_VOLUME:
        raise ValueError(f"daily_volume must be between 0 and {MAX_DAILY_VOLUME}, got {daily_volume}")
    rng = _rng(seed, "day", day.isoformat())
    real = [_filing(row) for row in recorded.real_rows_by_day().get(day, ())]
    budget = base_volume(day, seed) + len(periodic_companies(day, seed))
    if daily_volume is not None and is_business_day(day):
        budget = daily_volume
    budget = max(0, budget - len(real))
    drafts = [_draft_periodic(rng, c, day) for c in periodic_companies(day, seed)][:budget]
    drafts += [_draft_ordinary(rng) for _ in range(budget - len(drafts))]
    rng.shuffle(drafts)  # periodic reports arrive all day long, mixed with the rest
    filings = real + _assign_numbers(day, drafts, rng)
    filings.sort(key=lambda f: f.rcept_no, reverse=True)
    return tuple(filings)


def injected_filing(day: date, seed: int, index: int, corp_code: str | None, corp_cls: str | None) -> Filing:
    """A filing that "arrives" while a client pages a query, numbered above the day's others.

    It matches the query's company or market, so it really lands in the paged result; as the
    newest row it sorts first and pushes every row one place toward later pages.
    """
    rng = _rng(seed, "inject", day.isoformat(), index)
    company = recorded.company_by_code().get(corp_code or "")
    if company is None:
        market = corp_cls or "K"
        pool = recorded.unlisted_companies() if market == "E" else [c for c in recorded.listed_companies() if c.corp_cls == market]
        company = rng.choice(pool)
    if company.corp_cls == "E":
        title, channel, rm = rng.choice(_title_pools()["unlisted"]), "0", ""
    else:
        title, channel, rm = rng.choice(_title_pools()["exchange"]), CHANNEL_OF_MARKET[company.corp_cls], RM_OF_MARKET[company.corp_cls]
    pblntf_ty, detail = classify(title, channel)
    number = _number(day, channel, INJECTED_SEQ_BASE + index)
    return Filing(company.corp_code, company.corp_name, company.stock_code, company.corp_cls, title, number, company.corp_name, f"{day:%Y%m%d}", rm, pblntf_ty, detail)


def find_periodic_filing(corp_code: str, bsns_year: int, reprt_code: str, seed: int, daily_volume: int | None) -> Filing | None:
    """The listed periodic report behind a financial statement, so fnltt* rcept_no joins to list.json."""
    day = periodic_filing_day(corp_code, bsns_year, reprt_code, seed)
    if day is None:
        return None
    month, season = SEASON_OF_REPRT[reprt_code]
    title = season.title.format(year=bsns_year)
    for filing in filings_for_date(day, seed, daily_volume):
        if filing.corp_code == corp_code and filing.report_nm == title:
            return filing
    return None
