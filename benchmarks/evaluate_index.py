"""Does the disclosure component help the Fear & Greed index? Evidence, with block-bootstrap CIs.

`python -m benchmarks.evaluate_index` builds a scratch PostgreSQL with the **real** recorded
filings (`simulators/data/list_rows_2025-03-20_2026-03-20_110corps.csv`, 110 large
caps) and the **real** market history (2020-01-02..2026-05-15, filled into market_raw by
`benchmarks.replay_market_history.fill`), runs one `dbt build`, reads the index's component
scores and the disclosure quality from `dart_marts`, and writes `docs/evaluation.md` with its
plots in `docs/evaluation/`:

- the index with and without the disclosure component, and the component alone, against forward
  KOSPI log returns at 1, 5 and 20 sessions and forward 20-session realised volatility (Pearson
  r), and the extreme bands (forward 20-session return after extreme fear vs extreme greed);
- the disclosure weight swept from 0 to 1/4 of the composite;
- the market-only method on CNN's own inputs against CNN's published composite;
- 95% confidence intervals from a stationary block bootstrap (mean block 20 sessions, 2,000
  resamples, seeded): forward windows overlap, so neighbouring days are not independent and an
  i.i.d. bootstrap (or the textbook r standard error) would be far too narrow.

`--database-url URL` evaluates an existing warehouse instead (for instance the demo's,
`--database-url $(.venv/bin/dart-fg db url)`). Its filings are checked against the simulator:
filings the simulator generates (not recorded ones) and market sessions from its random walks
(after 2026-05-15) carry no market information, and when any are found the report says that
nothing can be claimed from that warehouse.

How the variants are recomputed from the component scores (the formula of
`dbt_project/models/marts/index_weights.sql` and `int_fear_greed__composite.sql`): on a date
with n available market component scores (mean M, each raw weight 1), the disclosure score D
with quality q enters with raw weight r = d*q when D exists and q >= 0.5 (else 0), and
value = (n*M + r*D) / (n + r). The disclosure share of the composite at full quality with all
seven market components is s = d / (7 + d); the project's `disclosure_component_weight` d = 1
gives s = 1/8. The sweep sets d = 7s / (1 - s). s = 0 is the market-only index.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CNN_OUTPUT = Path(__file__).with_name("data") / "cnn" / "cnn_output.json"
DEFAULT_REPORT = ROOT / "docs" / "evaluation.md"

MARKET = ("momentum", "strength", "breadth", "put_call", "volatility", "safe_haven", "junk_bond")
HORIZONS = (1, 5, 20)
VOL_HORIZON = 20
TARGETS = ("fwd_ret_1", "fwd_ret_5", "fwd_ret_20", "fwd_vol_20")
TARGET_LABELS = {
    "fwd_ret_1": "forward 1-session return",
    "fwd_ret_5": "forward 5-session return",
    "fwd_ret_20": "forward 20-session return",
    "fwd_vol_20": "forward 20-session realised vol",
}
#: dbt vars of the index (dbt_project.yml) the recomputation follows.
MIN_QUALITY = 0.5
MIN_COMPONENTS = 4
CURRENT_DISCLOSURE_RAW_WEIGHT = 1.0
FG_WINDOW, FG_MIN_OBS = 126, 20
#: Disclosure share of the composite (full quality, seven market components) in the sweep.
SWEEP_SHARES = (0.0, 1 / 32, 1 / 16, 1 / 12, 1 / 10, 1 / 8, 1 / 6, 3 / 16, 1 / 5, 1 / 4)
EXTREME_FEAR, EXTREME_GREED = 25.0, 75.0
#: Fewer extreme days than this (about one 20-session episode): the band figures are anecdotes,
#: and no interval is shown.
MIN_BAND_DAYS = 20
#: The direction a Fear & Greed index is expected to have, stated from the methodology and not
#: from the sample: contrarian on returns (fear precedes rebounds, greed precedes pullbacks) and
#: negative on volatility (fear comes with turbulence, which persists). "Better" below means a
#: correlation further in this direction.
EXPECTED_SIGN = {"fwd_ret_1": -1.0, "fwd_ret_5": -1.0, "fwd_ret_20": -1.0, "fwd_vol_20": -1.0}
#: The outcome the weight is chosen on, and the block lengths of the sensitivity table.
PRIMARY = "fwd_ret_20"
BLOCK_SENSITIVITY = (1, 5, 10, 20, 40)
CURRENT_SHARE = 1 / 8
#: Real data in the simulator: the recorded filings' window and the end of the market history.
RECORDED_FILINGS = (date(2025, 3, 20), date(2026, 3, 20))
MARKET_HISTORY = (date(2020, 1, 2), date(2026, 5, 15))
#: Share of generated filings or market sessions above which nothing is claimed.
GENERATED_TOLERANCE = 0.0


# ------------------------------------------------------------------ statistics helpers


def stationary_bootstrap_indices(n: int, mean_block: float, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """(n_resamples, n) row indices of a stationary block bootstrap (Politis & Romano 1994).

    Each resample is a chain of blocks of consecutive rows, wrapping circularly, whose lengths
    are geometric with mean `mean_block`: a new block starts at a uniform random row with
    probability 1/mean_block, otherwise the next row follows. Dependence within a block (here
    the overlap of forward windows and the persistence of the index) is kept.
    """
    if n <= 0:
        return np.zeros((n_resamples, 0), dtype=np.int64)
    p = 1.0 / max(mean_block, 1.0)
    starts = rng.integers(0, n, size=(n_resamples, n))
    new_block = rng.random((n_resamples, n)) < p
    new_block[:, 0] = True
    idx = np.empty((n_resamples, n), dtype=np.int64)
    idx[:, 0] = starts[:, 0]
    for t in range(1, n):
        idx[:, t] = np.where(new_block[:, t], starts[:, t], (idx[:, t - 1] + 1) % n)
    return idx


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r over the pairs where both are finite; NaN with fewer than 3 pairs or no spread."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        return math.nan
    x, y = x[ok] - x[ok].mean(), y[ok] - y[ok].mean()
    denom = math.sqrt(float((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / denom) if denom > 0 else math.nan


@dataclass(frozen=True)
class Estimate:
    """A statistic on the sample, its bootstrap 95% interval, and the share of resamples where
    it was defined (a band can be empty in a resample)."""

    value: float
    low: float
    high: float
    defined: float = 1.0

    def excludes(self, x: float) -> bool:
        return bool(np.isfinite(self.low) and (x < self.low or x > self.high))

    def fmt(self, digits: int = 2, signed: bool = True) -> str:
        if not np.isfinite(self.value):
            return "n/a"
        f = f"{{:+.{digits}f}}" if signed else f"{{:.{digits}f}}"
        ci = f"[{f.format(self.low)}, {f.format(self.high)}]" if np.isfinite(self.low) else "[n/a]"
        return f"{f.format(self.value)} {ci}"


def bootstrap(statistic: Callable[[np.ndarray], float], n: int, indices: np.ndarray, alpha: float = 0.05) -> Estimate:
    """`statistic(rows)` on the sample (rows 0..n-1) and on each resample of `indices`; the
    percentile interval over the resamples where it is defined (needs half of them)."""
    value = statistic(np.arange(n))
    draws = np.array([statistic(rows) for rows in indices], dtype=float)
    ok = np.isfinite(draws)
    defined = float(ok.mean()) if len(draws) else 0.0
    if defined < 0.5:
        return Estimate(value, math.nan, math.nan, defined)
    low, high = np.quantile(draws[ok], [alpha / 2, 1 - alpha / 2])
    return Estimate(value, float(low), float(high), defined)


def bootstrap_draws(statistic: Callable[[np.ndarray], float], indices: np.ndarray) -> np.ndarray:
    return np.array([statistic(rows) for rows in indices], dtype=float)


def forward_log_return(close: np.ndarray, h: int) -> np.ndarray:
    """100 x log(close[t+h] / close[t]); NaN where t+h is past the series."""
    close = np.asarray(close, float)
    out = np.full(len(close), math.nan)
    if h < len(close):
        out[:-h] = 100 * np.log(close[h:] / close[:-h])
    return out


def forward_realised_vol(close: np.ndarray, h: int) -> np.ndarray:
    """Annualised % standard deviation of the daily log returns of sessions t+1..t+h."""
    close = np.asarray(close, float)
    r = np.diff(np.log(close))  # r[i] is the return of session i+1
    out = np.full(len(close), math.nan)
    for t in range(len(close) - h):
        out[t] = np.std(r[t : t + h], ddof=1) * math.sqrt(252) * 100
    return out


def percentile_rank(values: np.ndarray, window: int = FG_WINDOW, min_obs: int = FG_MIN_OBS) -> np.ndarray:
    """The dbt score (int_fear_greed__component_scores): share of the last `window` non-null
    values, today included, that are <= today, x100; NaN before `min_obs` values."""
    values = np.asarray(values, float)
    out = np.full(len(values), math.nan)
    seen: list[float] = []
    for i, v in enumerate(values):
        if not np.isfinite(v):
            continue
        seen.append(v)
        w = np.asarray(seen[-window:])
        if len(w) >= min_obs:
            out[i] = 100.0 * float((w <= v).sum()) / len(w)
    return out


def raw_weight_for_share(share: float, n_market: int = len(MARKET)) -> float:
    """Disclosure raw weight d giving the share s = d / (n + d) at full quality."""
    return n_market * share / (1 - share)


def composite(market_scores: np.ndarray, disclosure: np.ndarray, quality: np.ndarray, share: float) -> np.ndarray:
    """The index as dbt computes it, with the disclosure share `share` (see the module doc).

    market_scores: (days, 7) with NaN where a component has no score."""
    market_scores = np.asarray(market_scores, float)
    n = np.isfinite(market_scores).sum(axis=1)
    total = np.nansum(market_scores, axis=1)
    d = raw_weight_for_share(share)
    disclosure, quality = np.asarray(disclosure, float), np.nan_to_num(np.asarray(quality, float))
    r = np.where(np.isfinite(disclosure) & (quality >= MIN_QUALITY), d * quality, 0.0)
    value = (total + r * np.nan_to_num(disclosure)) / np.maximum(n + r, 1e-12)
    return np.where(n >= MIN_COMPONENTS, value, math.nan)


def band_mean(values: np.ndarray, target: np.ndarray, rows: np.ndarray, low: float, high: float) -> float:
    v, y = values[rows], target[rows]
    sel = np.isfinite(v) & np.isfinite(y) & (v >= low) & (v < high)
    return float(y[sel].mean()) if sel.any() else math.nan


def extreme_spread(values: np.ndarray, target: np.ndarray, rows: np.ndarray) -> float:
    """Mean forward return after extreme fear minus after extreme greed (contrarian: > 0)."""
    return band_mean(values, target, rows, -math.inf, EXTREME_FEAR) - band_mean(
        values, target, rows, EXTREME_GREED, math.inf
    )


def extreme_hit_rate(values: np.ndarray, target: np.ndarray, rows: np.ndarray) -> float:
    """Share of extreme days whose forward return has the contrarian sign: up after extreme
    fear, down after extreme greed. NaN without extreme days."""
    v, y = values[rows], target[rows]
    ok = np.isfinite(v) & np.isfinite(y)
    fear, greed = ok & (v < EXTREME_FEAR), ok & (v >= EXTREME_GREED)
    n = int(fear.sum() + greed.sum())
    return float(((y[fear] > 0).sum() + (y[greed] < 0).sum()) / n) if n else math.nan


# ------------------------------------------------------------------ provenance (demo detection)


@dataclass
class Provenance:
    """Where a warehouse's filings and market sessions come from, as far as the simulator knows."""

    filings: int = 0
    recorded: int = 0  # a recorded real filing (same rcept_no, corp_code and title)
    generated: int = 0  # exactly what the simulator generates for that day
    unverified: int = 0  # neither: real DART, or a simulator run with another seed or volume
    market_sessions: int = 0
    market_generated: int = 0  # after the real history, equal to the simulator's random walk
    market_first: date | None = None
    market_last: date | None = None
    filings_first: date | None = None
    filings_last: date | None = None
    sim_seed: int = 42
    notes: list[str] = field(default_factory=list)

    @property
    def generated_share(self) -> float:
        return self.generated / self.filings if self.filings else 0.0

    @property
    def can_claim(self) -> bool:
        return self.filings > 0 and self.generated_share <= GENERATED_TOLERANCE and self.market_generated == 0


def classify_filings(rows: Sequence[tuple[str, str, str, date]], sim_seed: int = 42) -> tuple[int, int, int]:
    """(recorded, generated, unverified) for (rcept_no, corp_code, report_nm, rcept_dt) rows.

    Recorded: the simulator's recorded real rows. Generated: identical to a filing the simulator
    serves for that day with `sim_seed` (its default daily volume) that is not recorded."""
    from simulators import dataset, recorded

    real = {r.rcept_no: (r.corp_code, r.report_nm) for rs in recorded.real_rows_by_day().values() for r in rs}
    counts = [0, 0, 0]
    by_day: dict[date, list[tuple[str, str, str]]] = {}
    for rcept_no, corp_code, report_nm, rcept_dt in rows:
        if real.get(rcept_no) == (corp_code, report_nm):
            counts[0] += 1
        else:
            by_day.setdefault(rcept_dt, []).append((rcept_no, corp_code, report_nm))
    for day, pending in by_day.items():
        served = {f.rcept_no: (f.corp_code, f.report_nm) for f in dataset.filings_for_date(day, sim_seed)}
        for rcept_no, corp_code, report_nm in pending:
            counts[1 if served.get(rcept_no) == (corp_code, report_nm) else 2] += 1
    return counts[0], counts[1], counts[2]


def generated_market_sessions(closes: dict[date, float], sim_seed: int = 42) -> int:
    """Sessions after the real history whose KOSPI close is the simulator's generated one."""
    from simulators.market import history

    n = 0
    for day, close in closes.items():
        if day <= MARKET_HISTORY[1]:
            continue
        rows = [r for r in history.krx_rows("idx/kospi_dd_trd", day, seed=sim_seed) if r.get("IDX_NM") == "코스피"]
        if rows and abs(float(rows[0]["CLSPRC_IDX"].replace(",", "")) - close) < 0.005:
            n += 1
    return n


def provenance(engine, sim_seed: int = 42) -> Provenance:
    import sqlalchemy as sa

    with engine.connect() as conn:
        filings = conn.execute(
            sa.text("select rcept_no, corp_code, report_nm, rcept_dt from dart_raw.disclosures")
        ).all()
        closes = dict(conn.execute(sa.text("select date, close::float from dart_staging.stg_market__kospi")).all())
    p = Provenance(filings=len(filings), sim_seed=sim_seed, market_sessions=len(closes))
    p.recorded, p.generated, p.unverified = classify_filings([tuple(r) for r in filings], sim_seed)
    p.market_generated = generated_market_sessions(closes, sim_seed)
    if closes:
        p.market_first, p.market_last = min(closes), max(closes)
    if filings:
        days = [r[3] for r in filings]
        p.filings_first, p.filings_last = min(days), max(days)
    return p


# ------------------------------------------------------------------ warehouse


@contextmanager
def real_warehouse(log: Callable[[str], None] = print) -> Iterator[str]:
    """A scratch PostgreSQL with the recorded filings and the real market history, built by dbt."""
    import sqlalchemy as sa

    from benchmarks.common import scratch_postgres
    from benchmarks.replay_market_history import fill
    from tests.support import samples
    from tests.support.dbt import run_dbt

    with scratch_postgres() as url:
        engine = sa.create_engine(url)
        started = time.perf_counter()
        counts = fill(engine, *MARKET_HISTORY)
        log(f"market_raw filled from the real history: {counts['sessions']} sessions in {counts['load_s']:.0f} s")
        n = samples.load_disclosures(engine, samples.list_rows())
        log(f"dart_raw.disclosures: {n} recorded filings of 110 large caps")
        engine.dispose()
        target = Path(f"/tmp/evaluate_index_target_{os.getpid()}")
        result = run_dbt(["build"], url, target)
        if result.returncode != 0:
            raise SystemExit(result.stdout[-6000:] + result.stderr[-2000:])
        log(f"dbt build done ({time.perf_counter() - started:.0f} s in all)")
        yield url


def read_warehouse(engine) -> pd.DataFrame:
    """One row per index date: KOSPI close, the eight component scores, the disclosure quality,
    the warehouse's own value and disclosure weight, the day's filing counts."""
    import sqlalchemy as sa

    scores = ", ".join(f"f.{c}_score::float as {c}" for c in (*MARKET, "disclosure_sentiment"))
    sql = f"""
        select k.date, k.close::float as close, f.value::float as value,
               f.disclosure_weight::float as disclosure_weight, {scores},
               w.quality::float as quality,
               s.n_disclosures, s.n_scored
        from dart_staging.stg_market__kospi k
        left join dart_marts.fear_greed_index f on f.date = k.date
        left join dart_marts.index_weights w on w.date = k.date and w.component = 'disclosure_sentiment'
        left join dart_marts.daily_disclosure_sentiment s on s.date = k.date
        order by k.date"""
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(sql), conn)
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


# ------------------------------------------------------------------ evaluation


def add_targets(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values("date").reset_index(drop=True).copy()
    close = frame["close"].to_numpy(float)
    for h in HORIZONS:
        frame[f"fwd_ret_{h}"] = forward_log_return(close, h)
    frame[f"fwd_vol_{VOL_HORIZON}"] = forward_realised_vol(close, VOL_HORIZON)
    market = frame[list(MARKET)].to_numpy(float)
    for share in SWEEP_SHARES:
        frame[f"index_{share:.5f}"] = composite(market, frame["disclosure_sentiment"], frame["quality"], share)
    frame["with_disclosure"] = composite(market, frame["disclosure_sentiment"], frame["quality"], 1 / 8)
    frame["without_disclosure"] = composite(market, frame["disclosure_sentiment"], frame["quality"], 0.0)
    frame["disclosure_alone"] = frame["disclosure_sentiment"]
    return frame


def overlap_window(frame: pd.DataFrame) -> tuple[date, date] | None:
    """First to last session where the index has a disclosure score and the filings are recorded
    (the recorded window, or the warehouse's filings)."""
    has = frame[frame["disclosure_sentiment"].notna() & frame["value"].notna()]
    if has.empty:
        return None
    return has["date"].iloc[0], has["date"].iloc[-1]


VARIANTS = {
    "without_disclosure": "market only (7 components)",
    "with_disclosure": "with disclosure (share 1/8, as dbt)",
    "disclosure_alone": "disclosure component alone",
}


@dataclass
class Results:
    start: date
    end: date
    n: int
    block: float
    resamples: int
    seed: int
    recompute_max_diff: float
    corr: dict[tuple[str, str], Estimate]
    corr_diff: dict[str, Estimate]  # with - without, per target
    sweep: dict[tuple[float, str], Estimate]
    sweep_diff: dict[tuple[float, str], Estimate]  # r(s) - r(0)
    best_share: dict[str, tuple[float, float, float, float]]  # target -> (best on sample, q2.5, q97.5, P(best >= 1/8))
    best_vs_current: dict[str, Estimate]  # target -> r(best s on sample) - r(1/8)
    blocks: dict[float, tuple[Estimate, Estimate]]  # mean block -> (r with, fwd 20; with - without, fwd 20)
    effective_share: float  # mean disclosure weight of the warehouse over the window
    bands: dict[str, dict[str, Estimate | int]]
    long_corr: dict[str, Estimate]
    long_window: tuple[date, date, int]
    frame: pd.DataFrame


def evaluate(frame: pd.DataFrame, block: float = 20, resamples: int = 2000, seed: int = 20250320) -> Results:
    frame = add_targets(frame)
    window = overlap_window(frame)
    if window is None:
        raise ValueError("no index date with a disclosure score: nothing to evaluate")
    sample = frame[(frame["date"] >= window[0]) & (frame["date"] <= window[1])].reset_index(drop=True)
    n = len(sample)
    rng = np.random.default_rng(seed)
    idx = stationary_bootstrap_indices(n, block, resamples, rng)
    col = {c: sample[c].to_numpy(float) for c in sample.columns if c != "date"}

    check = sample[sample["value"].notna()]
    recompute_max_diff = float(np.nanmax(np.abs(check["with_disclosure"] - check["value"]))) if len(check) else math.nan

    def corr_of(a: str, t: str) -> Callable[[np.ndarray], float]:
        return lambda rows: pearson(col[a][rows], col[t][rows])

    corr = {(v, t): bootstrap(corr_of(v, t), n, idx) for v in VARIANTS for t in TARGETS}
    corr_diff = {
        t: bootstrap(
            lambda rows, t=t: (
                pearson(col["with_disclosure"][rows], col[t][rows])
                - pearson(col["without_disclosure"][rows], col[t][rows])
            ),
            n,
            idx,
        )
        for t in TARGETS
    }
    sweep, sweep_diff, best_share, best_vs_current = {}, {}, {}, {}
    for t in TARGETS:
        draws = {}
        for s in SWEEP_SHARES:
            key = f"index_{s:.5f}"
            sweep[(s, t)] = bootstrap(corr_of(key, t), n, idx)
            sweep_diff[(s, t)] = bootstrap(
                lambda rows, key=key, t=t: (
                    pearson(col[key][rows], col[t][rows]) - pearson(col["index_0.00000"][rows], col[t][rows])
                ),
                n,
                idx,
            )
            draws[s] = bootstrap_draws(corr_of(key, t), idx)
        # "Better" = further in the expected direction (EXPECTED_SIGN), not the sample's.
        sign = EXPECTED_SIGN[t]
        shares = np.array(SWEEP_SHARES)
        on_sample = float(shares[int(np.nanargmax([sign * sweep[(s, t)].value for s in SWEEP_SHARES]))])
        matrix = np.vstack([sign * draws[s] for s in SWEEP_SHARES])  # (shares, resamples)
        best = shares[np.nanargmax(np.nan_to_num(matrix, nan=-np.inf), axis=0)]
        best_share[t] = (
            on_sample,
            float(np.quantile(best, 0.025, method="lower")),  # grid values, not interpolations
            float(np.quantile(best, 0.975, method="higher")),
            float((best >= CURRENT_SHARE - 1e-12).mean()),
        )
        best_key, current_key = f"index_{on_sample:.5f}", f"index_{CURRENT_SHARE:.5f}"
        best_vs_current[t] = bootstrap(
            lambda rows, b=best_key, c=current_key, t=t: (
                pearson(col[b][rows], col[t][rows]) - pearson(col[c][rows], col[t][rows])
            ),
            n,
            idx,
        )

    blocks = {}
    for b in BLOCK_SENSITIVITY:
        bidx = (
            idx if b == block else stationary_bootstrap_indices(n, b, resamples, np.random.default_rng(seed + 100 + b))
        )
        blocks[b] = (
            bootstrap(corr_of("with_disclosure", PRIMARY), n, bidx),
            bootstrap(
                lambda rows: (
                    pearson(col["with_disclosure"][rows], col[PRIMARY][rows])
                    - pearson(col["without_disclosure"][rows], col[PRIMARY][rows])
                ),
                n,
                bidx,
            ),
        )

    bands: dict[str, dict[str, Estimate | int]] = {}
    y = col["fwd_ret_20"]
    for v in VARIANTS:
        x = col[v]
        bands[v] = {
            "n_fear": int(np.sum(np.isfinite(x) & (x < EXTREME_FEAR) & np.isfinite(y))),
            "n_greed": int(np.sum(np.isfinite(x) & (x >= EXTREME_GREED) & np.isfinite(y))),
            "fear": bootstrap(lambda rows, x=x: band_mean(x, y, rows, -math.inf, EXTREME_FEAR), n, idx),
            "greed": bootstrap(lambda rows, x=x: band_mean(x, y, rows, EXTREME_GREED, math.inf), n, idx),
            "spread": bootstrap(lambda rows, x=x: extreme_spread(x, y, rows), n, idx),
            "hit": bootstrap(lambda rows, x=x: extreme_hit_rate(x, y, rows), n, idx),
        }

    # Context: the market-only index over the whole real history (no disclosures there).
    long = frame[
        frame["without_disclosure"].notna() & frame["fwd_ret_20"].notna() & (frame["date"] <= MARKET_HISTORY[1])
    ].reset_index(drop=True)
    lidx = stationary_bootstrap_indices(len(long), block, resamples, np.random.default_rng(seed + 1))
    lcol = {c: long[c].to_numpy(float) for c in ("without_disclosure", *TARGETS)}
    long_corr = {
        t: bootstrap(lambda rows, t=t: pearson(lcol["without_disclosure"][rows], lcol[t][rows]), len(long), lidx)
        for t in TARGETS
    }
    long_window = (long["date"].iloc[0], long["date"].iloc[-1], len(long)) if len(long) else (window[0], window[1], 0)
    return Results(
        window[0],
        window[1],
        n,
        block,
        resamples,
        seed,
        recompute_max_diff,
        corr,
        corr_diff,
        sweep,
        sweep_diff,
        best_share,
        best_vs_current,
        blocks,
        float(sample["disclosure_weight"].mean()),
        bands,
        long_corr,
        long_window,
        sample,
    )


# ------------------------------------------------------------------ CNN sanity check


@dataclass(frozen=True)
class CnnCheck:
    start: date
    end: date
    n: int
    r: float
    mae: float
    same_band: float
    frame: pd.DataFrame


def _cnn_series(data: dict, key: str) -> pd.Series:
    points = data[key]["data"]
    s = pd.Series(
        [p["y"] for p in points],
        index=[datetime.fromtimestamp(p["x"] / 1000, tz=UTC).date() for p in points],
        dtype=float,
    )
    return s[~s.index.duplicated(keep="last")].sort_index()


def band_of(v: float) -> int:
    return 0 if v < 25 else 1 if v < 45 else 2 if v < 55 else 3 if v < 75 else 4


def cnn_check(path: Path = CNN_OUTPUT, start: date = date(2022, 6, 1), end: date = date(2026, 5, 1)) -> CnnCheck:
    """The market-only method (each oriented series -> rolling 126-day percentile rank, equal
    weights) on CNN's seven raw inputs, against CNN's published composite."""
    data = json.loads(path.read_text())
    raw = pd.DataFrame(
        {
            "momentum": _cnn_series(data, "market_momentum_sp500") / _cnn_series(data, "market_momentum_sp125") - 1,
            "strength": _cnn_series(data, "stock_price_strength"),
            "breadth": _cnn_series(data, "stock_price_breadth"),
            "put_call": -_cnn_series(data, "put_call_options"),
            "volatility": -(_cnn_series(data, "market_volatility_vix") / _cnn_series(data, "market_volatility_vix_50")),
            "safe_haven": _cnn_series(data, "safe_haven_demand"),
            "junk_bond": -_cnn_series(data, "junk_bond_demand"),
        }
    ).sort_index()
    scores = np.column_stack([percentile_rank(raw[c].to_numpy()) for c in raw.columns])
    ours = pd.Series(composite(scores, np.full(len(raw), np.nan), np.zeros(len(raw)), 0.0), index=raw.index)
    published = _cnn_series(data, "fear_and_greed_historical")
    both = pd.DataFrame({"ours": ours, "cnn": published}).dropna()
    both = both[(both.index >= start) & (both.index <= end)]
    same = float(np.mean([band_of(a) == band_of(b) for a, b in zip(both["ours"], both["cnn"], strict=True)]))
    return CnnCheck(
        both.index[0],
        both.index[-1],
        len(both),
        pearson(both["ours"].to_numpy(), both["cnn"].to_numpy()),
        float(np.mean(np.abs(both["ours"] - both["cnn"]))),
        same,
        both,
    )


# ------------------------------------------------------------------ plots


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_all(res: Results, cnn: CnnCheck, outdir: Path) -> dict[str, Path]:
    plt = _plt()
    outdir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    f = res.frame
    dates = pd.to_datetime(f["date"])

    fig, (a1, a2) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True, gridspec_kw={"height_ratios": [1, 1.6]})
    a1.plot(dates, f["close"], color="black", lw=1)
    a1.set_ylabel("KOSPI close")
    a1.set_title(f"KOSPI and the index, {res.start}..{res.end} (recorded filings window)")
    a2.axhspan(0, EXTREME_FEAR, color="tab:red", alpha=0.08)
    a2.axhspan(EXTREME_GREED, 100, color="tab:green", alpha=0.08)
    a2.plot(dates, f["without_disclosure"], label=VARIANTS["without_disclosure"], lw=1.2)
    a2.plot(dates, f["with_disclosure"], label=VARIANTS["with_disclosure"], lw=1.2)
    a2.plot(dates, f["disclosure_alone"], label=VARIANTS["disclosure_alone"], lw=0.8, alpha=0.7, color="tab:gray")
    a2.set_ylim(0, 100)
    a2.set_ylabel("score (0-100)")
    a2.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    paths["timeseries"] = outdir / "timeseries.png"
    fig.savefig(paths["timeseries"], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.26
    for k, v in enumerate(VARIANTS):
        xs = np.arange(len(TARGETS)) + (k - 1) * width
        est = [res.corr[(v, t)] for t in TARGETS]
        vals = np.array([e.value for e in est])
        err = np.array([[e.value - e.low for e in est], [e.high - e.value for e in est]])
        ax.bar(xs, vals, width, yerr=err, capsize=3, label=VARIANTS[v])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(np.arange(len(TARGETS)), [TARGET_LABELS[t] for t in TARGETS], fontsize=8)
    ax.set_ylabel("Pearson r (95% block-bootstrap CI)")
    ax.set_title(f"Index vs forward KOSPI outcomes, {res.n} sessions")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths["correlations"] = outdir / "correlations.png"
    fig.savefig(paths["correlations"], dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, len(TARGETS), figsize=(12, 3.6), sharex=True)
    shares = np.array(SWEEP_SHARES)
    for ax, t in zip(axes, TARGETS, strict=True):
        est = [res.sweep_diff[(s, t)] for s in SWEEP_SHARES]
        ax.fill_between(shares, [e.low for e in est], [e.high for e in est], alpha=0.25)
        ax.plot(shares, [e.value for e in est], marker="o", ms=3)
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(1 / 8, color="tab:red", ls="--", lw=0.8)
        ax.set_title(TARGET_LABELS[t], fontsize=9)
        ax.set_xlabel("disclosure share s")
    axes[0].set_ylabel("r(s) - r(0), 95% CI")
    fig.suptitle("Disclosure weight sweep (dashed: current 1/8)", fontsize=10)
    fig.tight_layout()
    paths["weight_sweep"] = outdir / "weight_sweep.png"
    fig.savefig(paths["weight_sweep"], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4))
    for k, v in enumerate(VARIANTS):
        b = res.bands[v]
        for j, (key, _label) in enumerate((("fear", "after extreme fear"), ("greed", "after extreme greed"))):
            e = b[key]
            x = k * 3 + j
            if np.isfinite(e.value):
                shown = np.isfinite(e.low) and b["n_" + key] >= MIN_BAND_DAYS
                yerr = [[e.value - e.low], [e.high - e.value]] if shown else None
                ax.bar(x, e.value, yerr=yerr, capsize=3, color="tab:red" if key == "fear" else "tab:green")
            ax.text(x, 0, f"n={b['n_' + key]}", ha="center", va="bottom", fontsize=7)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks([k * 3 + 0.5 for k in range(len(VARIANTS))], [VARIANTS[v] for v in VARIANTS], fontsize=8)
    ax.set_ylabel("mean forward 20-session return, %")
    ax.set_title(f"Extreme bands (red: value < 25, green: value >= 75; no interval under {MIN_BAND_DAYS} days)")
    fig.tight_layout()
    paths["extreme_bands"] = outdir / "extreme_bands.png"
    fig.savefig(paths["extreme_bands"], dpi=110)
    plt.close(fig)

    paths["cnn_sanity"] = plot_cnn(cnn, outdir)
    return paths


def plot_cnn(cnn: CnnCheck, outdir: Path) -> Path:
    plt = _plt()
    outdir.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(10, 3.8))
    idx = pd.to_datetime(pd.Index(cnn.frame.index))
    ax.plot(idx, cnn.frame["cnn"], label="CNN published composite", lw=1)
    ax.plot(idx, cnn.frame["ours"], label="market-only method on CNN's inputs", lw=1)
    ax.set_ylim(0, 100)
    ax.set_title(f"CNN sanity check: r = {cnn.r:.3f}, mean |diff| = {cnn.mae:.1f} points ({cnn.n} days)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = outdir / "cnn_sanity.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# ------------------------------------------------------------------ report


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    from benchmarks.common import table

    return table(header, rows)


def _frac(x: float) -> str:
    for num, den in ((0, 1), (1, 32), (1, 16), (1, 12), (1, 10), (1, 8), (1, 6), (3, 16), (1, 5), (1, 4)):
        if abs(x - num / den) < 1e-9:
            return "0" if num == 0 else f"{num}/{den}"
    return f"{x:.3f}"


def _rel(path: Path, report: Path) -> str:
    return os.path.relpath(path, report.parent)


def cnn_lines(cnn: CnnCheck) -> list[str]:
    return [
        "## Sanity: the method on CNN's own inputs",
        "",
        "The market-only composite's method (each series oriented so that up means greed, its rolling "
        f"{FG_WINDOW}-day percentile rank, today included, then the equal-weight mean; the formula of "
        "`int_fear_greed__component_scores.sql`) applied to CNN's seven raw inputs in "
        "`benchmarks/data/cnn/cnn_output.json` (provenance in its README) and compared with CNN's published composite "
        f"on {cnn.start}..{cnn.end} ({cnn.n} days, after warm-up):",
        "",
        f"- **r = {cnn.r:.3f}, mean absolute difference {cnn.mae:.1f} points**, "
        f"same label band on {cnn.same_band:.0%} of days "
        "(the methodology note reports r 0.957, MAE 5.8, 67% for this transform and window).",
        "- The composite is reproduced; CNN's own per-indicator transform is not public, "
        "so component scores are not compared.",
        "",
    ]


def provenance_lines(p: Provenance) -> list[str]:
    return [
        f"- filings in `dart_raw.disclosures`: {p.filings:,} ({p.filings_first}..{p.filings_last}); "
        f"recorded real filings {p.recorded:,}, generated by the simulator (seed {p.sim_seed}) {p.generated:,}, "
        f"of unverified origin {p.unverified:,};",
        f"- KOSPI sessions: {p.market_sessions:,} ({p.market_first}..{p.market_last}); "
        f"generated by the simulator's random walks after the real history ends on {MARKET_HISTORY[1]}: "
        f"{p.market_generated:,}.",
    ]


def no_claim_report(p: Provenance, cnn: CnnCheck | None, report: Path, cnn_png: Path | None) -> str:
    reasons = []
    if p.filings == 0:
        reasons.append("the warehouse holds no filings")
    if p.generated:
        reasons.append(
            f"{p.generated:,} of its {p.filings:,} filings ({p.generated_share:.0%}) are generated by the simulator: "
            "their titles and companies are sampled at random from recorded ones, "
            "so their sentiment is noise by construction and carries no information about the market"
        )
    if p.market_generated:
        reasons.append(
            f"{p.market_generated:,} of its KOSPI sessions are the simulator's seeded random walks "
            f"(after {MARKET_HISTORY[1]}), so there are no real forward returns to compare with"
        )
    lines = [
        "# Evaluation of the Fear & Greed index: nothing can be claimed from this warehouse",
        "",
        "`python -m benchmarks.evaluate_index --database-url ...` was run on a warehouse whose data is "
        "(at least partly) generated. **No statement about whether the disclosure component helps, "
        "or about any weight, can be made from it**, because " + "; and ".join(reasons) + ".",
        "",
        "What the warehouse holds:",
        "",
        *provenance_lines(p),
        "",
        "Run `python -m benchmarks.evaluate_index` without `--database-url` for the evaluation "
        "on the recorded real filings and the real market history "
        "(its report is `docs/evaluation.md` in the repository).",
        "",
    ]
    if cnn is not None:
        lines += cnn_lines(cnn)
        if cnn_png is not None:
            lines += [f"![CNN sanity check]({_rel(cnn_png, report)})", ""]
    lines += [f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M UTC}.", ""]
    return "\n".join(lines)


def verdict(res: Results) -> tuple[str, str]:
    """(does the component help, what weight the evidence suggests), in plain words."""
    better = [
        t for t in TARGETS if res.corr_diff[t].excludes(0.0) and np.sign(res.corr_diff[t].value) == EXPECTED_SIGN[t]
    ]
    worse = [t for t in TARGETS if res.corr_diff[t].excludes(0.0) and t not in better]
    if not better and not worse:
        help_text = (
            "The sample cannot tell whether the disclosure component helps: for every outcome the 95% interval of the "
            "change in correlation from adding it (share 1/8) includes zero."
        )
    else:
        parts = []
        if better:
            parts.append(
                "moves the correlation with "
                + ", ".join(f"{TARGET_LABELS[t]} ({res.corr_diff[t].fmt(3)})" for t in better)
                + " in the expected direction"
            )
        if worse:
            parts.append(
                "moves the correlation with "
                + ", ".join(f"{TARGET_LABELS[t]} ({res.corr_diff[t].fmt(3)})" for t in worse)
                + " against it"
            )
        rest = [t for t in TARGETS if t not in better and t not in worse]
        help_text = (
            "Adding the disclosure component (share 1/8) "
            + "; it ".join(parts)
            + ", with a 95% interval excluding zero"
            + (f"; for the other {len(rest)} outcomes the interval includes zero" if rest else "")
            + (
                f". With {len(TARGETS)} outcomes tested, "
                "one interval excluding zero is what chance alone gives up to about "
                "one time in five: this is weak evidence, not a demonstrated improvement."
                if len(better) + len(worse) == 1
                else f". The intervals are not corrected for testing {len(TARGETS)} outcomes."
            )
        )
    on_sample, lo, hi, _ = res.best_share[PRIMARY]
    gain = res.best_vs_current[PRIMARY]
    if lo <= CURRENT_SHARE <= hi or not gain.excludes(0.0):
        weight_text = (
            f"Weight: on the primary outcome ({TARGET_LABELS[PRIMARY]}) "
            f"the best share on the sample is {_frac(on_sample)}, "
            f"but the bootstrap 95% interval of the best share ({_frac(lo)}..{_frac(hi)}) contains the current 1/8 and "
            f"r changes by {gain.fmt(3)} from 1/8 to it (negative is better): "
            "no clear evidence for a different weight, so "
            "`disclosure_component_weight` stays at 1 (share 1/8)."
        )
    else:
        weight_text = (
            f"Weight: on the primary outcome ({TARGET_LABELS[PRIMARY]}) the best share is {_frac(on_sample)}; "
            f"the bootstrap 95% interval of the best share ({_frac(lo)}..{_frac(hi)}) excludes the current 1/8 "
            f"and r changes by {gain.fmt(3)} from 1/8 to it: "
            "the evidence points to a share in that interval (mind the caveats on the sample)."
        )
    return help_text, weight_text


def context_lines(res: Results) -> list[str]:
    """The plain facts around the verdict: the component alone, the market-only index itself."""
    alone = {t: res.corr[("disclosure_alone", t)] for t in TARGETS}
    long_sig = [t for t in TARGETS if res.long_corr[t].excludes(0.0)]
    blocks = [b for b, (_, d) in res.blocks.items() if b != 1 and d.excludes(0.0)]
    others = [b for b in res.blocks if b != 1 and b not in blocks]
    lines = [
        f"- The disclosure component alone: r = {alone['fwd_ret_20'].fmt(3)} "
        f"with the {TARGET_LABELS['fwd_ret_20']} and "
        f"{alone['fwd_vol_20'].fmt(3)} with the {TARGET_LABELS['fwd_vol_20']}"
        + (
            " (both intervals include zero)"
            if not alone["fwd_ret_20"].excludes(0) and not alone["fwd_vol_20"].excludes(0)
            else ""
        )
        + "; "
        + ", ".join(
            f"its sign on the {TARGET_LABELS[t]} is "
            + ("the expected one" if np.sign(alone[t].value) == EXPECTED_SIGN[t] else "opposite to the expected one")
            for t in ("fwd_ret_20", "fwd_vol_20")
        )
        + ".",
        "- The market-only index itself does not forecast either: over the whole real market history "
        f"({res.long_window[0]}..{res.long_window[1]}) its r with the {TARGET_LABELS['fwd_ret_20']} is "
        f"{res.long_corr['fwd_ret_20'].fmt(3)} and with the {TARGET_LABELS['fwd_vol_20']} "
        f"{res.long_corr['fwd_vol_20'].fmt(3)}"
        + (
            " (no interval excludes zero)."
            if not long_sig
            else "; intervals excluding zero: " + ", ".join(TARGET_LABELS[t] for t in long_sig) + "."
        ),
    ]
    if blocks and others:
        lines.append(
            f"- The change on the {TARGET_LABELS[PRIMARY]} is borderline: "
            "its interval excludes zero with mean blocks of "
            f"{' and '.join(f'{b:g}' for b in blocks)} sessions "
            f"and not with {' and '.join(f'{b:g}' for b in others)} (table below)."
        )
    return lines


REAL_SOURCE = (
    "a scratch PostgreSQL with the recorded real filings "
    "(`simulators/data/list_rows_2025-03-20_2026-03-20_110corps.csv`) "
    f"and the real market history {MARKET_HISTORY[0]}..{MARKET_HISTORY[1]} (the market simulator's history, filled by "
    "`benchmarks.replay_market_history.fill`), one `dbt build`"
)


def _band(e: Estimate, n: int) -> str:
    if n == 0:
        return "n/a"
    if n < MIN_BAND_DAYS:
        return f"{e.value:+.2f} (too few days for an interval)"
    return e.fmt(2)


def report_text(
    res: Results,
    cnn: CnnCheck,
    p: Provenance | None,
    paths: dict[str, Path],
    report: Path,
    elapsed: float,
    source: str = REAL_SOURCE,
) -> str:
    help_text, weight_text = verdict(res)
    corr_rows = [(VARIANTS[v], *(res.corr[(v, t)].fmt(3) for t in TARGETS)) for v in VARIANTS]
    corr_rows.append(("with − without", *(res.corr_diff[t].fmt(3) for t in TARGETS)))
    n_disc = int(np.isfinite(res.frame["disclosure_alone"]).sum())
    n_weighted = int(((res.frame["quality"].fillna(0) >= MIN_QUALITY) & res.frame["disclosure_alone"].notna()).sum())
    sweep_rows = [
        (
            _frac(s),
            f"{raw_weight_for_share(s):.3f}",
            *(f"{res.sweep[(s, t)].fmt(3)}; Δ {res.sweep_diff[(s, t)].value:+.3f}" for t in TARGETS),
        )
        for s in SWEEP_SHARES
    ]
    best_rows = [
        (TARGET_LABELS[t], _frac(b[0]), f"{_frac(b[1])}..{_frac(b[2])}", f"{b[3]:.0%}", res.best_vs_current[t].fmt(3))
        for t, b in res.best_share.items()
    ]
    band_rows = []
    for v in VARIANTS:
        b = res.bands[v]
        small = min(b["n_fear"], b["n_greed"])
        band_rows.append(
            (
                VARIANTS[v],
                b["n_fear"],
                _band(b["fear"], b["n_fear"]),
                b["n_greed"],
                _band(b["greed"], b["n_greed"]),
                _band(b["spread"], small),
                b["hit"].fmt(2, signed=False) if small >= MIN_BAND_DAYS else f"{b['hit'].value:.2f} (too few days)",
            )
        )
    block_rows = [
        (
            f"{b:g}" + (" (i.i.d.)" if b == 1 else " (used)" if b == res.block else ""),
            w.fmt(3),
            d.fmt(3),
            f"{w.high - w.low:.3f}",
        )
        for b, (w, d) in res.blocks.items()
    ]
    long_rows = [(TARGET_LABELS[t], res.long_corr[t].fmt(3)) for t in TARGETS]
    f = res.frame
    kospi_move = 100 * (f["close"].iloc[-1] / f["close"].iloc[0] - 1)
    fig = lambda key, alt: f"![{alt}]({_rel(paths[key], report)})"  # noqa: E731
    lines = [
        "# Evaluation of the Fear & Greed index: does the disclosure component help?",
        "",
        f"Generated by `python -m benchmarks.evaluate_index` from data in the repository: {source}, then the component "
        "scores of `dart_marts.fear_greed_index` and the disclosure quality of `dart_marts.index_weights`. "
        f"Run time {elapsed / 60:.1f} min; generated {datetime.now(UTC):%Y-%m-%d %H:%M UTC}.",
        "",
        "## Result",
        "",
        f"- {help_text}",
        f"- {weight_text}",
        *context_lines(res),
        "",
        "## What this sample can and cannot show",
        "",
        f"- **One year, one market path.** Real disclosures and real market data overlap on {res.start}..{res.end}: "
        f"{res.n} KOSPI sessions, {n_disc} of them with a disclosure score, {n_weighted} where its quality "
        f"(≥ {MIN_QUALITY}) lets it into the index; "
        f"its mean weight in the warehouse's index is {res.effective_share:.3f} "
        f"(1/8 at full quality). The KOSPI moved {kospi_move:+.0f}% over the window, one long rally. With a 20-session "
        f"mean block, that is only about {res.n // int(res.block)} independent blocks: intervals are wide, and a "
        "correlation with 20-session returns mostly reflects a few swings.",
        "- **Not the market's filings.** The recorded filings cover 110 large caps only, and were keyword-filtered and "
        "first-page-only by their collector (see `simulators/data/README.md`): the disclosure component here is "
        "built from a biased subset of a few per day, not from the ~500 filings DART lists on a business day. "
        "A null result does not show that a complete feed would not help; "
        "a positive one would not show that it generalises.",
        "- **In-sample.** Scores, weights and the sweep are evaluated on the same year; "
        "choosing the best of ten weights on it overfits, "
        "which the bootstrap interval of the best weight (below) shows.",
        "- **Association, not trading performance.** Pearson correlations with forward KOSPI log returns (no costs, no "
        "out-of-sample strategy). Forward windows overlap; the stationary block bootstrap (mean block "
        f"{res.block:.0f} sessions, {res.resamples:,} resamples, seed {res.seed}) "
        "resamples runs of consecutive days, so the "
        "intervals account for that overlap; i.i.d. intervals are much narrower (table below).",
        "- **Expected directions, stated before looking:** a fear & greed index is read contrarian, so it should "
        "correlate negatively with forward returns (fear precedes rebounds) "
        "and negatively with forward volatility (fear "
        'comes with turbulence, which persists). "Better" in this report means further in that direction.',
        "- The market-only index is the same in both variants, so their difference isolates the disclosure component; "
        "the recomputation from component scores matches the warehouse's `value` "
        f"within {res.recompute_max_diff:.3f} points.",
        "",
        "## Correlations with forward KOSPI outcomes",
        "",
        "Pearson r with 95% block-bootstrap intervals; `with − without` is the paired difference (same resamples). "
        "Forward return: 100·log(close[t+h]/close[t]); realised vol: annualised standard deviation of the daily log "
        "returns of sessions t+1..t+20. The disclosure component alone uses the days it is scored.",
        "",
        *_table(("variant", *(TARGET_LABELS[t] for t in TARGETS)), corr_rows),
        "",
        f"Why a block bootstrap: the same figures for the {TARGET_LABELS[PRIMARY]} with other mean block lengths "
        "(1 = i.i.d. resampling of days, which ignores that neighbouring forward windows share 19 of 20 sessions):",
        "",
        *_table(
            ("mean block (sessions)", "r, with disclosure", "with − without", "width of the r interval"), block_rows
        ),
        "",
        fig("correlations", "correlations"),
        "",
        fig("timeseries", "time series"),
        "",
        "For context, the market-only index over the whole real market history "
        f"({res.long_window[0]}..{res.long_window[1]}, "
        f"{res.long_window[2]:,} sessions, no disclosures there):",
        "",
        *_table(("outcome", "r [95% CI]"), long_rows),
        "",
        "## Extreme bands",
        "",
        f"Mean forward 20-session return (%) after extreme fear (value < {EXTREME_FEAR:.0f}) and extreme greed "
        f"(value ≥ {EXTREME_GREED:.0f}); spread = fear − greed (a contrarian index has spread > 0); "
        "hit rate = share of extreme days followed by a move in the contrarian direction "
        "(up after fear, down after greed). n counts days; "
        "consecutive extreme days are one episode, so the effective count is much smaller. "
        "n/a: no such day in the sample.",
        "",
        *_table(("variant", "n fear", "after fear", "n greed", "after greed", "spread", "hit rate"), band_rows),
        "",
        fig("extreme_bands", "extreme bands"),
        "",
        "## The disclosure weight, 0 to 1/4",
        "",
        "Share s of the disclosure component in the composite at full quality with seven market components "
        "(raw weight d = 7s/(1−s); the warehouse uses d = `disclosure_component_weight` = 1, s = 1/8). Each cell: "
        "r [95% CI]; Δ = r(s) − r(0).",
        "",
        *_table(("s", "d", *(TARGET_LABELS[t] for t in TARGETS)), sweep_rows),
        "",
        fig("weight_sweep", "weight sweep"),
        "",
        'Best share per outcome ("best" = the correlation furthest in the expected direction), the 95% interval of '
        "the best share over the bootstrap resamples, "
        "and the change in r from the current 1/8 to the sample's best share "
        "(every expected sign is negative, so a negative change is an improvement):",
        "",
        *_table(
            (
                "outcome",
                "best s on sample",
                "95% interval of best s",
                "resamples with best s ≥ 1/8",
                "r(best) − r(1/8)",
            ),
            best_rows,
        ),
        "",
        "Decision rule (in the script, not tuned to this sample): "
        "the weight in `index_weights` changes only if, on the "
        f"primary outcome ({TARGET_LABELS[PRIMARY]}), the interval of the best share excludes the current 1/8 and the "
        "interval of r(best) − r(1/8) excludes zero.",
        "",
        *cnn_lines(cnn),
        fig("cnn_sanity", "CNN sanity check"),
        "",
    ]
    if p is not None:
        lines += ["## Data provenance of the evaluated warehouse", "", *provenance_lines(p), ""]
    lines += [
        "## Method",
        "",
        "- Index variants recomputed from `dart_marts.fear_greed_index` component scores with the dbt formula: "
        "value = (n·M + r·D)/(n + r), n available market scores with mean M, disclosure score D, "
        "r = d·q when D exists and "
        f"its quality q ≥ {MIN_QUALITY} (`index_weights`), else 0; at least {MIN_COMPONENTS} market components.",
        f"- Bootstrap: stationary (Politis–Romano) block bootstrap, geometric block lengths with mean {res.block:.0f}, "
        "circular; percentile intervals; a statistic undefined in a resample (an empty band) is left out, "
        "and an interval is reported only when it is defined in at least half of them.",
        "- The helpers are tested in `tests/unit/benchmarks/test_evaluate_index.py`.",
        "",
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="evaluate this warehouse (e.g. the demo's) instead of building the real one"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="report path (default docs/evaluation.md; with --database-url "
        "$DART_FG_HOME/evaluation/evaluation.md, so a demo run never overwrites the committed report)",
    )
    parser.add_argument("--block", type=float, default=20, help="mean block length in sessions (default 20)")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20250320, help="bootstrap seed")
    parser.add_argument("--sim-seed", type=int, default=42, help="simulator seed the generated-data check assumes")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.output is not None:
        report = args.output
    elif args.database_url:
        report = Path(os.environ.get("DART_FG_HOME", ROOT / ".dart_fg")) / "evaluation" / "evaluation.md"
    else:
        report = DEFAULT_REPORT
    report = report.resolve()
    outdir = report.parent / report.stem
    cnn = cnn_check()
    print(f"CNN sanity: r={cnn.r:.3f} MAE={cnn.mae:.2f} on {cnn.n} days", flush=True)

    import sqlalchemy as sa

    if args.database_url:
        engine = sa.create_engine(args.database_url)
        prov = provenance(engine, args.sim_seed)
        print(f"provenance: {prov}", flush=True)
        if not prov.can_claim:
            engine.dispose()
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(no_claim_report(prov, cnn, report, plot_cnn(cnn, outdir)))
            print(f"generated data found: nothing claimed; wrote {report}")
            return 0
        frame = read_warehouse(engine)
        engine.dispose()
    else:
        with real_warehouse() as url:
            engine = sa.create_engine(url)
            prov = provenance(engine, args.sim_seed)
            frame = read_warehouse(engine)
            engine.dispose()
        if not prov.can_claim:  # the real build must hold recorded data only
            raise SystemExit(f"the real warehouse holds generated data: {prov}")
    res = evaluate(frame, args.block, args.resamples, args.seed)
    paths = plot_all(res, cnn, outdir)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(report_text(res, cnn, prov, paths, report, time.perf_counter() - started))
    print(verdict(res)[0])
    print(verdict(res)[1])
    print(f"wrote {report} and {len(paths)} plots in {outdir} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
