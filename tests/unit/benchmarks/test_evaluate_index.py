"""The statistics helpers of benchmarks/evaluate_index.py and its generated-data check."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from benchmarks import evaluate_index as ev


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    x = np.empty(n)
    x[0] = rng.standard_normal()
    for t in range(1, n):
        x[t] = phi * x[t - 1] + math.sqrt(1 - phi * phi) * rng.standard_normal()
    return x


def _pair(n: int, rho: float, phi: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two persistent series whose population correlation is exactly rho."""
    rng = np.random.default_rng(seed)
    x, e = _ar1(n, phi, rng), _ar1(n, phi, rng)
    return x, rho * x + math.sqrt(1 - rho * rho) * e


def _corr_ci(x: np.ndarray, y: np.ndarray, block: float, resamples: int, seed: int) -> ev.Estimate:
    idx = ev.stationary_bootstrap_indices(len(x), block, resamples, np.random.default_rng(seed))
    return ev.bootstrap(lambda rows: ev.pearson(x[rows], y[rows]), len(x), idx)


def test_stationary_bootstrap_indices_are_runs_of_consecutive_rows() -> None:
    idx = ev.stationary_bootstrap_indices(300, 20, 200, np.random.default_rng(1))
    assert idx.shape == (200, 300) and idx.min() >= 0 and idx.max() < 300
    steps = (np.diff(idx, axis=1) % 300) == 1
    mean_run = steps.size / max((~steps).sum(), 1)
    assert 15 < mean_run < 27  # geometric blocks of mean 20
    again = ev.stationary_bootstrap_indices(300, 20, 200, np.random.default_rng(1))
    assert (idx == again).all()  # seeded


def test_block_bootstrap_ci_covers_a_known_correlation() -> None:
    x, y = _pair(500, 0.4, 0.9, seed=3)
    est = _corr_ci(x, y, 20, 1000, seed=4)
    assert est.low < 0.4 < est.high
    assert est.low < est.value < est.high
    assert est.defined == 1.0


def test_block_bootstrap_covers_where_iid_is_too_narrow() -> None:
    """On persistent data the block intervals cover the true r in most replications; i.i.d.
    resampling of days gives intervals much narrower, the mistake the evaluation avoids."""
    covered, widths_block, widths_iid = 0, [], []
    for k in range(20):
        x, y = _pair(250, 0.3, 0.95, seed=100 + k)
        block = _corr_ci(x, y, 20, 300, seed=k)
        iid = _corr_ci(x, y, 1, 300, seed=k)
        covered += block.low <= 0.3 <= block.high
        widths_block.append(block.high - block.low)
        widths_iid.append(iid.high - iid.low)
    assert covered >= 15
    assert np.mean(widths_iid) < 0.6 * np.mean(widths_block)


def test_pearson_ignores_missing_pairs_and_is_nan_when_undefined() -> None:
    x = np.array([1.0, 2.0, 3.0, np.nan, 5.0])
    y = np.array([2.0, 4.0, 6.0, 1.0, np.nan])
    assert ev.pearson(x, y) == pytest.approx(1.0)
    assert math.isnan(ev.pearson(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])))
    assert math.isnan(ev.pearson(np.array([1.0, 2.0]), np.array([1.0, 2.0])))


def test_bootstrap_reports_no_interval_when_mostly_undefined() -> None:
    idx = ev.stationary_bootstrap_indices(50, 5, 100, np.random.default_rng(0))
    est = ev.bootstrap(lambda rows: math.nan if rows[0] % 2 else 1.0, 50, idx)
    assert 0.3 < est.defined < 0.7 or math.isnan(est.low)
    none = ev.bootstrap(lambda rows: math.nan, 50, idx)
    assert none.defined == 0 and math.isnan(none.low) and not none.excludes(0.0)


def test_forward_return_and_realised_vol() -> None:
    close = np.array([100.0, 110.0, 99.0, 99.0])
    r1 = ev.forward_log_return(close, 1)
    assert r1[0] == pytest.approx(100 * math.log(1.1)) and math.isnan(r1[-1])
    r2 = ev.forward_log_return(close, 2)
    assert r2[0] == pytest.approx(100 * math.log(0.99)) and np.isnan(r2[-2:]).all()
    vol = ev.forward_realised_vol(close, 2)
    daily = np.diff(np.log(close))
    assert vol[0] == pytest.approx(np.std(daily[:2], ddof=1) * math.sqrt(252) * 100)
    assert np.isnan(vol[-2:]).all()


def test_percentile_rank_is_the_dbt_score() -> None:
    values = np.array([3.0, 1.0, np.nan, 2.0, 5.0, 4.0])
    ranks = ev.percentile_rank(values, window=3, min_obs=2)
    # window of the last 3 non-null values, today included, share <= today
    assert math.isnan(ranks[0]) and math.isnan(ranks[2])
    assert ranks[1] == pytest.approx(50.0)  # [3, 1]
    assert ranks[3] == pytest.approx(200 / 3)  # [3, 1, 2]
    assert ranks[4] == pytest.approx(100.0)  # [1, 2, 5]
    assert ranks[5] == pytest.approx(200 / 3)  # [2, 5, 4]


def test_composite_follows_index_weights() -> None:
    market = np.array(
        [
            [40.0] * 7,
            [40.0] * 7,
            [40.0] * 7,
            [40.0, 40.0, 40.0, np.nan, np.nan, np.nan, np.nan],
            [40.0] * 3 + [np.nan] * 4,
        ]
    )
    disclosure = np.array([80.0, 80.0, 80.0, 80.0, np.nan])
    quality = np.array([1.0, 0.4, 0.6, 1.0, 1.0])
    assert ev.raw_weight_for_share(1 / 8) == pytest.approx(ev.CURRENT_DISCLOSURE_RAW_WEIGHT)
    v = ev.composite(market, disclosure, quality, 1 / 8)
    assert v[0] == pytest.approx(40 + 40 / 8)  # share 1/8 at full quality
    assert v[1] == pytest.approx(40.0)  # quality below 0.5: dropped
    assert v[2] == pytest.approx((7 * 40 + 0.6 * 80) / 7.6)
    assert math.isnan(v[3]) and math.isnan(v[4])  # fewer than 4 market components
    assert ev.composite(market, disclosure, quality, 0.0)[0] == pytest.approx(40.0)
    assert ev.composite(market, disclosure, quality, 1 / 4)[0] == pytest.approx(0.75 * 40 + 0.25 * 80)


def test_extreme_bands() -> None:
    values = np.array([10.0, 20.0, 50.0, 80.0, 90.0])
    fwd = np.array([5.0, -1.0, 0.0, -2.0, 3.0])
    rows = np.arange(5)
    assert ev.extreme_spread(values, fwd, rows) == pytest.approx(2.0 - 0.5)
    assert ev.extreme_hit_rate(values, fwd, rows) == pytest.approx(2 / 4)
    assert math.isnan(ev.extreme_hit_rate(np.array([50.0]), np.array([1.0]), np.arange(1)))


def test_generated_filings_are_told_from_recorded_ones() -> None:
    from simulators import dataset, recorded

    day = date(2026, 11, 10)
    generated = [(f.rcept_no, f.corp_code, f.report_nm, day) for f in dataset.filings_for_date(day, 42)[:50]]
    real = [
        (r.rcept_no, r.corp_code, r.report_nm, date(int(r.rcept_dt[:4]), int(r.rcept_dt[4:6]), int(r.rcept_dt[6:])))
        for r in recorded.list_rows()[:30]
    ]
    unknown = [("20261110000999", "00126380", "a filing the simulator never serves", day)]
    assert ev.classify_filings([*generated, *real, *unknown]) == (30, 50, 1)
    assert ev.classify_filings(generated, sim_seed=7)[1] == 0  # another seed: unverified, not generated


def test_a_warehouse_with_generated_data_claims_nothing(tmp_path) -> None:
    demo = ev.Provenance(filings=1000, recorded=0, generated=1000, market_sessions=275, market_generated=140)
    assert not demo.can_claim
    real = ev.Provenance(filings=5307, recorded=5307, market_sessions=1563)
    assert real.can_claim
    assert not ev.Provenance().can_claim  # no filings at all
    text = ev.no_claim_report(demo, None, tmp_path / "evaluation.md", None)
    assert "nothing can be claimed" in text
    assert "generated by the simulator" in text and "random walks" in text
    for claim in ("helps:", "stays at", "r ="):
        assert claim not in text
