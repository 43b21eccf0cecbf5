"""sto/stk_bydd_trd: the KOSPI cross-section, about 950 issues a session from 2020-01-02.

The issues are the 953 of the recorded response (codes, names, listed shares, price levels), plus
companies of the bundled DART company list for listings and delistings; the universe changes
only where the seed's total_count does (one listing or delisting at a time), plus a few listings
before the seed and a schedule of them after it. Each issue follows a random walk: beta to the
KOSPI (seed closes, then generated), a small-cap factor, fat-tailed idiosyncratic noise; prices
are on KRX's tick grid and within the daily ±30% limit. A few issues split 1:5 (price / 5, shares
x 5 on the same day) and a few are halted for some sessions (prices "0", volume 0).

On a session of the seed, two things are forced exactly, with the smallest changes found:
- strength: exactly high_count issues make a 52-week high and low_count a 52-week low under the
  definition of dbt's int_market__strength (WINDOW previous sessions of the issue, market value
  at the day's high/low against the max/min of the previous ones, halted sessions counting but
  never setting an extreme); the issues closest to a new extreme are pushed just past it, the
  others capped just short of it, and the move stays in the price (a decaying displacement);
- breadth: ACC_TRDVAL summed over the issues with FLUC_RT > 0 is adv_value x 1,000,000 KRW and
  over FLUC_RT < 0 is dec_value x 1,000,000, split over them in proportion to natural values.
The recorded days are the recording; the walks are anchored on it (the last generated close
before 2024-01-04 is the recorded previous close, and the walk goes on from the 2024-01-05
close), so the cross-section runs through the recorded days without a jump.

The whole history is generated once per seed, sequentially (each day depends on the days
before it only), vectorised over the issues: about a second and ~60 MB.
"""

from __future__ import annotations

import bisect
import itertools
import math
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

from simulators import recorded as dart_recorded
from simulators.market.days import session_positions, stream
from simulators.market.formatting import allocate, change_pct, round_half_up
from simulators.market.recorded import RECORDED_DAYS, recorded_rows
from simulators.market.seeds import SEED_END, seeds
from simulators.market.series import market

ENDPOINT = "sto/stk_bydd_trd"
WINDOW = 251  # previous sessions of the 52-week comparison (dbt var strength_lookback_sessions)
DECAY = 0.999  # daily decay of a forced move: the issue stays where it was moved, drifting back slowly
BRIDGE = 60  # sessions over which forced moves fade to nothing before the recorded days
APPROACH = 250  # sessions before the recording in which they decay faster
APPROACH_DECAY = 0.985
LIMIT = 0.3  # KRX daily price limit
NO_LOW = np.iinfo(np.int64).max
PRE_SEED_LISTINGS = 8
PRE_SEED_DELISTINGS = 5
SCHEDULE_UNTIL = date(2030, 12, 31)  # listings/delistings after the seed: a fixed list, whatever the calendar
SPLIT_DATES = (date(2021, 4, 15), date(2022, 10, 17), date(2024, 9, 2), date(2025, 11, 3))
HALT_SPELLS = 12
BETA_MEAN = 0.6
_DEBUG = None
TREND_PHI = 0.995  # persistence of an issue's own drift (months-long trends, as real issues have)
TREND_SD = 0.0002  # its daily innovation: a stationary drift of about ±0.2% a session
CLOSE_FOLLOW = 1.0  # share (in log) of a forced high's or low's move that the close follows
BOTH_SIDES = 5  # advancing and declining issues at least, on a session with breadth values


# ------------------------------------------------------------------ KRX tick grid (since 2023-01)

_TICK_BANDS = np.array([2_000, 5_000, 20_000, 50_000, 200_000, 500_000])
_TICKS = np.array([1, 5, 10, 50, 100, 500, 1_000])


def tick_size(price: np.ndarray) -> np.ndarray:
    return _TICKS[np.searchsorted(_TICK_BANDS, price, side="right")]


def tick_floor(price: np.ndarray) -> np.ndarray:
    """The largest price on the tick grid not above `price` (at least 1)."""
    p = np.maximum(np.floor(np.asarray(price, dtype=np.float64)), 1).astype(np.int64)
    return p // tick_size(p) * tick_size(p)


def tick_ceil(price: np.ndarray) -> np.ndarray:
    """The smallest price on the tick grid not below `price` (band edges are on both grids)."""
    p = np.maximum(np.ceil(np.asarray(price, dtype=np.float64)), 1).astype(np.int64)
    t = tick_size(p)
    return -(-p // t) * t


def tick_round(price: np.ndarray) -> np.ndarray:
    p = np.maximum(np.asarray(price, dtype=np.float64), 1)
    t = tick_size(p)
    return np.maximum(round_half_up(p / t) * t, 1)


# ------------------------------------------------------------------ the universe


@dataclass
class _Issue:
    code: str
    name: str
    first: int  # first session position listed
    end: int  # first position after delisting (n: never delisted)
    shares: int
    price: float  # anchor close (recorded: the previous close of 2024-01-04), or the listing price
    post_price: float = 0.0  # recorded: the 2024-01-05 close the walk continues from
    post_shares: int = 0
    value: float = 0.0  # typical trading value, KRW
    recorded: bool = False


@dataclass(frozen=True)
class StockHistory:
    """Served numbers per (session, issue); issues sorted by name, as KRX sorts its rows."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    present: np.ndarray  # bool (n, m): the issue has a row that session
    open: np.ndarray  # int32 (n, m), 0 when halted
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    value: np.ndarray  # int64 (n, m) ACC_TRDVAL
    split_at: np.ndarray  # int64 (m,): first session after the issue's split (n: none)
    shares_before: np.ndarray  # int64 (m,)
    shares_after: np.ndarray
    price_factor: np.ndarray  # float (m,): close of the split day over the close before it (1/5)
    listing_base: np.ndarray  # int64 (m,): base price of the listing day (its "previous close")

    def shares(self, t: int) -> np.ndarray:
        return np.where(t >= self.split_at, self.shares_after, self.shares_before)

    def previous_close(self, t: int, i: int) -> int:
        """The base of day t's change: the last close before it (split-adjusted on the split day)."""
        s = t - 1
        while s >= 0 and not self.present[s, i]:
            s -= 1
        base = int(self.close[s, i]) if s >= 0 else int(self.listing_base[i])
        if t == self.split_at[i] and s >= 0:
            base = int(tick_round(np.array([base * self.price_factor[i]]))[0])
        return base


def _invented_pool(seed: int, taken_codes: set[str], taken_names: set[str]) -> list[tuple[str, str]]:
    """Listed companies of the bundled CORPCODE file, for the issues beyond the recorded ones."""
    pool = {
        entry["stock_code"]: entry["corp_name"]
        for entry in dart_recorded.listed_corpcode_entries().values()
        if len(entry["stock_code"]) == 6
        and entry["stock_code"] not in taken_codes
        and entry["corp_name"] not in taken_names
    }
    return sorted(pool.items(), key=lambda item: zlib.crc32(f"{seed}:{item[0]}".encode()))


def _first_session_on_or_after(day: date, sessions: tuple[date, ...]) -> int | None:
    position = bisect.bisect_left(sessions, day)
    return position if position < len(sessions) else None


def _universe(seed: int, sessions: tuple[date, ...]) -> list[_Issue]:
    """Every issue with its listing span: the seed's total_count on every seed session."""
    positions = session_positions()
    n = len(sessions)
    first_rows = recorded_rows(ENDPOINT, RECORDED_DAYS[0]) or ()
    second = {r["ISU_CD"]: r for r in recorded_rows(ENDPOINT, RECORDED_DAYS[1]) or ()}
    rng = stream(seed, "stocks.universe")
    recorded_values = np.array([int(r["ACC_TRDVAL"]) for r in first_rows if int(r["ACC_TRDVAL"]) > 0], dtype=np.float64)
    issues: list[_Issue] = []
    for row in first_rows:
        later = second.get(row["ISU_CD"], row)
        value = (int(row["ACC_TRDVAL"]) + int(later["ACC_TRDVAL"])) / 2 or float(np.median(recorded_values))
        issues.append(
            _Issue(
                code=row["ISU_CD"],
                name=row["ISU_NM"],
                first=0,
                end=n,
                shares=int(row["LIST_SHRS"]),
                price=int(row["TDD_CLSPRC"]) - int(row["CMPPREVDD_PRC"]),
                post_price=int(later["TDD_CLSPRC"]),
                post_shares=int(later["LIST_SHRS"]),
                value=value,
                recorded=True,
            )
        )
    invented = iter(_invented_pool(seed, {i.code for i in issues}, {i.name for i in issues}))

    def new_issue(first: int, end: int) -> _Issue:
        code, name = next(invented)
        price = float(np.clip(math.exp(rng.normal(math.log(9_000), 0.9)), 600, 400_000))
        shares = int(np.clip(math.exp(rng.normal(math.log(3e7), 1.0)), 2e6, 2e9))
        value = float(np.quantile(recorded_values, rng.random()))
        issue = _Issue(code, name, first, end, shares, price, value=value)
        issues.append(issue)
        return issue

    strength = seeds().strength
    days = sorted(d for d in strength if d in positions and d not in RECORDED_DAYS)
    anchor = max(d for d in days if d < RECORDED_DAYS[0])
    for _ in range(strength[anchor][2] - len(issues)):
        new_issue(0, n)  # the universe of the session before the recording: recorded issues + extras
    # Backward from the recording: a rise in the count was a listing (the newest recorded codes),
    # a fall a delisting (an issue that is gone by 2024).
    newest = iter(sorted((i for i in issues if i.recorded), key=lambda i: i.code, reverse=True))
    before = [d for d in days if d <= anchor]
    for previous, current in reversed(list(itertools.pairwise(before))):
        change = strength[current][2] - strength[previous][2]
        for _ in range(max(change, 0)):
            next(newest).first = positions[current]
        for _ in range(max(-change, 0)):
            new_issue(0, positions[current])
    start = positions[before[0]]
    for p in np.linspace(20, start - 10, PRE_SEED_LISTINGS).astype(int):
        next(newest).first = int(p)
    for p in np.linspace(40, start - 30, PRE_SEED_DELISTINGS).astype(int):
        new_issue(0, int(p))
    # Forward: listings of new companies, delistings drawn from the issues then listed.
    events: list[tuple[int, int]] = []  # (position, +1 listing / -1 delisting)
    after = [d for d in days if d >= anchor]
    for previous, current in itertools.pairwise(after):
        change = strength[current][2] - strength[previous][2]
        events += [(positions[current], 1 if change > 0 else -1)] * abs(change)
    for offset, kind, every in ((23, 1, 41), (37, -1, 53)):
        day = SEED_END + timedelta(days=offset)
        while day <= SCHEDULE_UNTIL:
            found = _first_session_on_or_after(day, sessions)
            events.append((n if found is None else found, kind))
            day += timedelta(days=every)
    for position, kind in sorted(events, key=lambda e: (e[0], -e[1])):
        if kind > 0:
            new_issue(position, n)
        elif position < n:
            listed = [i for i in issues if i.first <= position - 20 and i.end > position]
            listed.sort(key=lambda i: i.code)
            big = {i.code for i in sorted(listed, key=lambda i: -i.shares * i.price)[:100]}
            candidates = [i for i in listed if i.code not in big]
            candidates[int(rng.integers(len(candidates)))].end = position
    return sorted(issues, key=lambda i: (i.name, i.code))


# ------------------------------------------------------------------ generation


@dataclass
class _Day:
    """One session's numbers for the issues listed that day (arrays aligned on `idx`)."""

    idx: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    base: np.ndarray  # previous close the change is measured from
    shares: np.ndarray
    halted: np.ndarray
    sigma: np.ndarray


def _force_extremes(
    day: _Day,
    high_max: np.ndarray,
    low_min: np.ndarray,
    eligible: np.ndarray,
    targets: tuple[int, int],
    draws: np.ndarray,
) -> None:
    """Exactly targets[0] 52-week highs and targets[1] lows among `eligible`, with minimal moves."""
    want_high, want_low = targets
    s = day.shares
    trading = eligible & ~day.halted
    high_cap, low_cap = day.high * s, day.low * s
    can_high = trading & (high_max > 0)
    order = np.flatnonzero(can_high)[np.argsort(high_max[can_high] / high_cap[can_high], kind="stable")]
    if len(order) < want_high:
        raise RuntimeError(f"{want_high} 52-week highs wanted, {len(order)} issues can make one")
    chosen_high = np.zeros(len(s), dtype=bool)
    chosen_high[order[:want_high]] = True
    push = chosen_high & (high_cap <= high_max)
    if push.any():
        new_high = tick_ceil(high_max[push] // s[push] + 1)
        follow = tick_round(
            day.close[push]
            * (new_high / day.high[push]) ** CLOSE_FOLLOW
            * np.exp(-np.abs(draws[push, 0]) * 0.1 * day.sigma[push])
        )
        day.high[push] = new_high  # the close follows half of the way (in log)
        day.close[push] = np.clip(follow, day.close[push], new_high)
    cap = can_high & ~chosen_high & (high_cap > high_max)
    if cap.any():
        ceiling = tick_floor(high_max[cap] // s[cap])
        for field in (day.high, day.close, day.open, day.low):
            field[cap] = np.minimum(field[cap], ceiling)
    can_low = trading & (low_min < NO_LOW) & (low_min > s)
    free = can_low & ~chosen_high
    low_cap = day.low * s
    order = np.flatnonzero(free)[np.argsort(low_cap[free] / low_min[free], kind="stable")]
    if len(order) < want_low:
        raise RuntimeError(f"{want_low} 52-week lows wanted, {len(order)} issues can make one")
    chosen_low = np.zeros(len(s), dtype=bool)
    chosen_low[order[:want_low]] = True
    push = chosen_low & (low_cap >= low_min)
    if push.any():
        new_low = tick_floor((low_min[push] - 1) // s[push])
        follow = tick_round(
            day.close[push]
            * (new_low / day.low[push]) ** CLOSE_FOLLOW
            * np.exp(np.abs(draws[push, 1]) * 0.1 * day.sigma[push])
        )
        day.low[push] = new_low
        day.close[push] = np.clip(follow, new_low, day.close[push])
    raise_ = trading & (low_min < NO_LOW) & ~chosen_low & (low_cap < low_min)
    if raise_.any():
        floor = tick_ceil(-(-low_min[raise_] // s[raise_]))
        for field in (day.low, day.close, day.open, day.high):
            field[raise_] = np.maximum(field[raise_], floor)
    recap = can_high & ~chosen_high & (day.high * s > high_max)  # a raised low lifted a high past its max
    if recap.any():
        ceiling = tick_floor(high_max[recap] // s[recap])
        day.high[recap] = np.maximum(ceiling, day.low[recap])
    day.open[trading] = np.clip(day.open[trading], day.low[trading], day.high[trading])
    day.close[trading] = np.clip(day.close[trading], day.low[trading], day.high[trading])
    highs = int((trading & (high_max > 0) & (day.high * s > high_max)).sum())
    lows = int((trading & (low_min < NO_LOW) & (day.low * s < low_min)).sum())
    if (highs, lows) != targets:
        raise RuntimeError(f"forcing gave {highs} highs / {lows} lows instead of {targets}")


def _both_sides(day: _Day, least: int, extremes: tuple[np.ndarray, np.ndarray, np.ndarray] | None) -> None:
    """At least `least` advancing and declining issues (a seed session has both values): the
    closes nearest the previous one move a tick across it. The day's range widens when needed,
    but never so far that an issue's 52-week high or low status changes (extremes: the window
    max, min and eligibility, on a strength session)."""
    trading = ~day.halted
    s = day.shares
    for sign in (1, -1):
        change = (day.close - day.base) * sign
        missing = least - int((trading & (change > 0)).sum())
        if missing <= 0:
            continue
        target = tick_ceil(day.base + 1) if sign > 0 else tick_floor(day.base - 1)
        room = trading & (change <= 0)
        if extremes is not None:
            high_max, low_min, eligible = extremes
            if sign > 0:
                widened = np.maximum(day.high, target) * s
                room &= ~eligible | (widened <= high_max) | (day.high * s > high_max)
            else:
                widened = np.minimum(day.low, target) * s
                room &= ~eligible | (widened >= low_min) | (day.low * s < low_min)
        order = np.flatnonzero(room)[np.argsort(-change[room], kind="stable")][:missing]
        if len(order) < missing:
            raise RuntimeError("no issue can turn to make both advancing and declining issues")
        day.close[order] = target[order]
        day.high[order] = np.maximum(day.high[order], target[order])
        day.low[order] = np.minimum(day.low[order], target[order])


def _values(
    day: _Day, weights: np.ndarray, foreign: np.ndarray, index_value: int, breadth: tuple[int, int] | None
) -> np.ndarray:
    """ACC_TRDVAL: the seed's advancing/declining totals exactly, the KOSPI's total where possible."""
    values = np.zeros(len(day.idx), dtype=np.int64)
    trading = ~day.halted
    floors = day.high  # at least one share traded
    change = np.where(trading, day.close - day.base, 0)
    if breadth is None:
        domestic = trading & ~foreign
        values[domestic] = allocate(index_value, weights[domestic], floors[domestic])
        scale = index_value / weights[domestic].sum()
        values[trading & foreign] = np.maximum(
            round_half_up(weights[trading & foreign] * scale), floors[trading & foreign]
        )
        return values
    moved = np.zeros(len(values), dtype=bool)
    for side, total in ((change > 0, breadth[0]), (change < 0, breadth[1])):
        side &= trading
        if not side.any():
            raise RuntimeError("a seed session without advancing or declining issues")
        values[side] = allocate(total * 1_000_000, weights[side], floors[side])
        moved |= side
    flat = trading & ~moved
    scale = values[moved].sum() / weights[moved].sum()
    domestic_flat = flat & ~foreign
    need = index_value - int(values[moved & ~foreign].sum())
    if domestic_flat.any() and need >= int(floors[domestic_flat].sum()):
        values[domestic_flat] = allocate(need, weights[domestic_flat], floors[domestic_flat])
        flat &= foreign
    values[flat] = np.maximum(round_half_up(weights[flat] * scale), floors[flat])
    return values


@lru_cache(maxsize=2)
def history(seed: int) -> StockHistory:
    """The cross-section of every session of the calendar, generated once per seed."""
    data = market(seed)
    sessions = data.sessions
    positions = session_positions()
    n = len(sessions)
    issues = _universe(seed, sessions)
    m = len(issues)
    codes = tuple(i.code for i in issues)
    index_of = {code: k for k, code in enumerate(codes)}
    recorded_mask = np.array([i.recorded for i in issues])
    foreign = np.array([i.code.startswith("9") for i in issues])
    first = np.array([i.first for i in issues])
    end = np.array([i.end for i in issues])
    listed = (np.arange(n)[:, None] >= first) & (np.arange(n)[:, None] < end)

    rng = stream(seed, "stocks.issues")
    size = np.array([i.shares * i.price for i in issues])
    size_rank = np.argsort(np.argsort(-size)) / m  # 0 = largest
    # the KOSPI is its large caps: they follow it closely, the rest much less
    beta = np.where(size_rank < 0.03, rng.normal(1.2, 0.15, m), rng.normal(BETA_MEAN, 0.25, m)).clip(0.1, 1.6)
    sigma = (0.010 + 0.020 * size_rank) * np.exp(rng.normal(0, 0.25, m))
    small = rng.normal(0, 1, m) * size_rank

    # splits: 1:5 for a few recorded issues with room for it
    split_at = np.full(m, n, dtype=np.int64)
    shares_before = np.array([i.shares for i in issues], dtype=np.int64)
    shares_after = np.array([i.post_shares or i.shares for i in issues], dtype=np.int64)
    shares_before[~recorded_mask] = shares_after[~recorded_mask]
    price_factor = np.ones(m)
    nominal_before, nominal_after = np.ones(m), np.ones(m)
    candidates = [
        k
        for k, i in enumerate(issues)
        if i.recorded
        and i.first == 0
        and i.code.endswith("0")
        and i.shares % 5 == 0
        and i.price >= 30_000
        and i.shares == i.post_shares
    ]
    candidates.sort(key=lambda k: zlib.crc32(f"{seed}:split:{codes[k]}".encode()))
    for k, split_day in zip(candidates, SPLIT_DATES, strict=False):
        split_at[k] = _first_session_on_or_after(split_day, sessions) or n
        price_factor[k] = 0.2
        if split_day < RECORDED_DAYS[0]:  # shares were a fifth, the price five times, before the split
            shares_before[k] //= 5
            nominal_before[k] = 5.0
        else:
            shares_after[k] *= 5
            nominal_after[k] = 0.2

    halted = np.zeros((n, m), dtype=bool)
    recorded_positions = {positions[d] for d in RECORDED_DAYS}
    for _ in range(HALT_SPELLS):
        k = int(rng.integers(m))
        begin, length = int(rng.integers(5, n - 5)), int(rng.integers(1, 13))
        if split_at[k] < n or any(abs(p - begin) < length + 3 for p in recorded_positions):
            continue
        halted[begin : begin + length, k] = listed[begin : begin + length, k]

    # the walks, anchored on the recording
    market_returns = data.kospi_log_returns()
    factor = np.zeros(n)
    factor_draws = stream(seed, "stocks.small_factor").standard_normal(n) * 0.004
    for t in range(1, n):
        factor[t] = 0.3 * factor[t - 1] + factor_draws[t]
    noise = stream(seed, "stocks.returns").standard_t(4, (n, m)) / math.sqrt(2)
    trend_draws = stream(seed, "stocks.trends").standard_normal((n, m)) * TREND_SD
    trend = np.zeros((n, m))
    for t in range(1, n):
        trend[t] = TREND_PHI * trend[t - 1] + trend_draws[t]
    returns = np.clip(beta * market_returns[:, None] + small * factor[:, None] + trend + sigma * noise, -0.25, 0.25)
    del noise, trend, trend_draws
    cumulative = np.cumsum(returns, axis=0)
    a = positions[RECORDED_DAYS[0]] - 1
    b = positions[RECORDED_DAYS[1]]
    log_walk = np.empty((n, m))
    pre, post = np.arange(n) <= a, np.arange(n) >= b
    for k, issue in enumerate(issues):
        if issue.recorded:
            log_walk[pre, k] = math.log(issue.price) + cumulative[pre, k] - cumulative[a, k]
            log_walk[post, k] = math.log(issue.post_price) + cumulative[post, k] - cumulative[b, k]
        else:
            start = min(issue.first, n - 1)
            log_walk[:, k] = math.log(issue.price) + cumulative[:, k] - cumulative[start, k]
    walk = np.exp(log_walk)
    del log_walk, cumulative

    out_open = np.zeros((n, m), dtype=np.int32)
    out_high = np.zeros((n, m), dtype=np.int32)
    out_low = np.zeros((n, m), dtype=np.int32)
    out_close = np.zeros((n, m), dtype=np.int32)
    out_value = np.zeros((n, m), dtype=np.int64)
    present = listed & ~np.isin(np.arange(n), list(recorded_positions))[:, None]
    listing_base = np.zeros(m, dtype=np.int64)
    displacement = np.zeros(m)
    last_close = np.zeros(m, dtype=np.int64)
    high_caps = np.full((WINDOW, m), -1, dtype=np.int64)
    low_caps = np.full((WINDOW, m), NO_LOW, dtype=np.int64)
    written = np.zeros(m, dtype=np.int64)
    typical_value = np.array([i.value for i in issues])
    strength, breadth = seeds().strength, seeds().breadth
    day_draws = stream(seed, "stocks.days")

    def remember(idx: np.ndarray, high_cap: np.ndarray, low_cap: np.ndarray) -> None:
        slot = written[idx] % WINDOW
        high_caps[slot, idx] = high_cap
        low_caps[slot, idx] = low_cap
        written[idx] += 1

    for t, session in enumerate(sessions):
        draws = day_draws.standard_normal((m, 6))  # intraday (3), trading value (1), forcing (2)
        weights_noise, forcing = draws[:, 3], draws[:, 4:]
        if _DEBUG is not None:
            _DEBUG(t, displacement)
        if a - BRIDGE < t <= a:  # forced moves fade to nothing at the recording (linearly)
            displacement *= (a - t) / (a - t + 1)
        elif a - APPROACH < t <= a:  # and faster in the year before it, so that fading is short
            displacement *= APPROACH_DECAY
        else:
            displacement *= DECAY
        if t in recorded_positions:
            for row in recorded_rows(ENDPOINT, session) or ():
                k = index_of[row["ISU_CD"]]
                present[t, k] = True
                o, h, lo, c = (int(row[f]) for f in ("TDD_OPNPRC", "TDD_HGPRC", "TDD_LWPRC", "TDD_CLSPRC"))
                out_open[t, k], out_high[t, k], out_low[t, k], out_close[t, k] = o, h, lo, c
                out_value[t, k] = int(row["ACC_TRDVAL"])
                listed_shares = int(row["LIST_SHRS"])
                remember(
                    np.array([k]),
                    np.array([h * listed_shares if h else -1]),
                    np.array([lo * listed_shares if lo else NO_LOW]),
                )
                last_close[k] = c
            displacement[:] = 0
            continue
        idx = np.flatnonzero(present[t])
        after_split = t >= split_at[idx]
        nominal = np.where(after_split, nominal_after[idx], nominal_before[idx])
        shares = np.where(after_split, shares_after[idx], shares_before[idx])
        new = last_close[idx] == 0
        base = last_close[idx].copy()
        base[new] = tick_round(walk[t, idx[new]] * np.exp(-returns[t, idx[new]]) * nominal[new])
        listing_base[idx[new]] = base[new]
        split_today = t == split_at[idx]
        base[split_today] = tick_round(base[split_today] * price_factor[idx[split_today]])
        floor, ceiling = tick_ceil(base * (1 - LIMIT)), tick_floor(base * (1 + LIMIT))
        sig = sigma[idx]
        close = np.clip(tick_round(walk[t, idx] * np.exp(displacement[idx]) * nominal), floor, ceiling)
        open_ = np.clip(tick_round(base * np.exp(0.25 * sig * draws[idx, 0])), floor, ceiling)
        top, bottom = np.maximum(open_, close), np.minimum(open_, close)
        high = np.clip(tick_ceil(top * np.exp(0.5 * sig * np.abs(draws[idx, 1]))), top, np.maximum(ceiling, top))
        low = np.clip(
            tick_floor(bottom * np.exp(-0.5 * sig * np.abs(draws[idx, 2]))), np.minimum(floor, bottom), bottom
        )
        stopped = halted[t, idx]
        day = _Day(idx, open_, high, low, close, base, shares, stopped, sig)
        day.open[stopped] = day.high[stopped] = day.low[stopped] = 0
        day.close[stopped] = base[stopped]
        generated_close = day.close.copy()
        if session in strength:
            high_count, low_count, total = strength[session]
            if len(idx) != total:
                raise RuntimeError(f"{session}: {len(idx)} issues listed, the seed counts {total}")
            eligible = written[idx] >= WINDOW
            high_max, low_min = high_caps.max(axis=0)[idx], low_caps.min(axis=0)[idx]
            _force_extremes(day, high_max, low_min, eligible, (high_count, low_count), forcing[idx])
        if session in breadth:
            _both_sides(day, BOTH_SIDES, (high_max, low_min, eligible) if session in strength else None)
        moved = (day.close != generated_close) & ~stopped
        displacement[idx[moved]] += np.log(day.close[moved] / generated_close[moved])
        growth = walk[t, idx] / walk[a, idx]  # trading values grow with the issue's value
        weights = typical_value[idx] * growth * np.exp(0.5 * weights_noise[idx]) * (1 + 10 * np.abs(returns[t, idx]))
        out_value[t, idx] = _values(day, weights, foreign[idx], int(data.kospi_value[t]), breadth.get(session))
        out_open[t, idx], out_high[t, idx], out_low[t, idx], out_close[t, idx] = day.open, day.high, day.low, day.close
        remember(idx, np.where(stopped, -1, day.high * shares), np.where(stopped, NO_LOW, day.low * shares))
        last_close[idx] = day.close
    return StockHistory(
        codes=codes,
        names=tuple(i.name for i in issues),
        present=present,
        open=out_open,
        high=out_high,
        low=out_low,
        close=out_close,
        value=out_value,
        split_at=split_at,
        shares_before=shares_before,
        shares_after=shares_after,
        price_factor=price_factor,
        listing_base=listing_base,
    )


def rows(seed: int, t: int) -> list[dict[str, str]]:
    """The OutBlock_1 of the generated or seed session at position t, sorted by issue name."""
    stocks = history(seed)
    day = f"{market(seed).sessions[t]:%Y%m%d}"
    idx = np.flatnonzero(stocks.present[t])
    shares = stocks.shares(t)[idx]
    close = stocks.close[t, idx].astype(np.int64)
    high, low, open_ = (a[t, idx].astype(np.int64) for a in (stocks.high, stocks.low, stocks.open))
    value = stocks.value[t, idx]
    typical = np.maximum((high + low + close) // 3, 1)
    volume = np.where(value > 0, np.maximum(value // typical, 1), 0)
    out = []
    for j, k in enumerate(idx):
        base = stocks.previous_close(t, int(k)) if t else int(stocks.listing_base[k])
        c = int(close[j])
        out.append(
            {
                "ACC_TRDVAL": str(int(value[j])),
                "ACC_TRDVOL": str(int(volume[j])),
                "BAS_DD": day,
                "CMPPREVDD_PRC": str(c - base),
                "FLUC_RT": change_pct(c - base, base),
                "ISU_CD": stocks.codes[k],
                "ISU_NM": stocks.names[k],
                "LIST_SHRS": str(int(shares[j])),
                "MKTCAP": str(c * int(shares[j])),
                "MKT_NM": "KOSPI",
                "SECT_TP_NM": "-",
                "TDD_CLSPRC": str(c),
                "TDD_HGPRC": str(int(high[j])),
                "TDD_LWPRC": str(int(low[j])),
                "TDD_OPNPRC": str(int(open_[j])),
            }
        )
    return out
