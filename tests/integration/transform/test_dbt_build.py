"""The marts of one real `dbt build` over real filings (see conftest.built_warehouse)."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from tests.support import samples


def rows(engine: sa.Engine, sql: str, **params) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def one(engine: sa.Engine, sql: str, **params) -> sa.Row:
    (row,) = rows(engine, sql, **params)
    return row


def test_every_filing_is_scored_once_within_range(built_warehouse: sa.Engine) -> None:
    raw = one(built_warehouse, "select count(*) as n from dart_raw.disclosures").n
    s = one(
        built_warehouse,
        """select count(*) as n, count(distinct rcept_no) as distinct_n,
                  min(impact_score) as lo, max(impact_score) as hi,
                  count(*) filter (where event_type = 'other') as unclassified
           from dart_marts.disclosure_impact_scores""",
    )
    assert s.n == s.distinct_n == raw > 5_000
    assert 0 <= s.lo < 50 < s.hi <= 100
    assert s.unclassified / s.n < 0.03  # the coverage goal: at least 97% classified


def test_score_is_the_documented_monotonic_function_of_expected_return(built_warehouse: sa.Engine) -> None:
    scored = rows(built_warehouse, "select expected_ar_pct, impact_score from dart_marts.disclosure_impact_scores")
    for r in scored:
        assert float(r.impact_score) == pytest.approx(50 + 45 * math.tanh(float(r.expected_ar_pct) / 4), abs=0.006)
    by_return = sorted({(float(r.expected_ar_pct), float(r.impact_score)) for r in scored})
    assert all(a[1] <= b[1] for a, b in zip(by_return, by_return[1:], strict=False))


@pytest.mark.parametrize(
    ("rcept_no", "event_type", "direction"),
    [
        ("20251023800471", "unfaithful_disclosure_prenotice", -1),  # 불성실공시법인지정예고 (exchange)
        ("20251113801252", "unfaithful_disclosure_not_designated", 0),  # 불성실공시법인미지정
        ("20220103900001", "embezzlement", -1),  # 횡령ㆍ배임혐의발생
        ("20220103900693", "acquisition_of_shares", 1),  # 타법인주식및출자증권취득결정
        ("20220103900689", "rights_offering", 1),  # 유상증자결정(종속회사의주요경영사항) (제3자배정)
        ("20260320800948", "holdings_report", 0),  # 최대주주등소유주식변동신고서 (routine)
        ("20260320801417", "agm", 0),  # 정기주주총회결과 (routine)
    ],
)
def test_known_real_titles(built_warehouse: sa.Engine, rcept_no: str, event_type: str, direction: int) -> None:
    r = one(
        built_warehouse,
        "select event_type, impact_score from dart_marts.disclosure_impact_scores where rcept_no = :r",
        r=rcept_no,
    )
    assert r.event_type == event_type
    assert (r.impact_score > 50) - (r.impact_score < 50) == direction


def test_subsidiary_third_party_rights_offering_is_weighted(built_warehouse: sa.Engine) -> None:
    r = one(
        built_warehouse,
        "select * from dart_marts.disclosure_impact_scores where rcept_no = '20220103900689'",
    )
    assert r.event_condition == "third_party_allotment"
    assert r.is_subsidiary and "subsidiary" in r.modifiers
    assert float(r.expected_ar_pct) == pytest.approx(1.18 * 0.3)


def test_withdrawn_filings_expect_no_move_and_weigh_nothing(built_warehouse: sa.Engine) -> None:
    withdrawn = rows(
        built_warehouse,
        """select s.impact_score, s.sentiment_weight, s.modifiers
           from dart_marts.disclosure_impact_scores s
           join dart_raw.disclosures d using (rcept_no)
           where d.rm like '%철%'""",
    )
    assert len(withdrawn) >= 9  # 철 in L and W (obs.)
    assert all(r.impact_score == 50 and r.sentiment_weight == 0 and "withdrawn" in r.modifiers for r in withdrawn)


def test_corrections(built_warehouse: sa.Engine) -> None:
    contract = rows(
        built_warehouse,
        """select event_condition, expected_ar_pct from dart_marts.disclosure_impact_scores
           where report_nm like '[기재정정]단일판매ㆍ공급계약체결%' and not is_subsidiary""",
    )
    assert contract and all(r.event_condition == "contract_correction" and r.expected_ar_pct < 0 for r in contract)
    original = rows(
        built_warehouse,
        """select expected_ar_pct from dart_marts.disclosure_impact_scores
           where report_nm like '단일판매ㆍ공급계약체결%' and size_factor = 1 and not is_withdrawn""",
    )
    assert original and all(r.expected_ar_pct > 0 for r in original)
    halved = one(
        built_warehouse,
        """select count(*) as n from dart_marts.disclosure_impact_scores
           where is_amendment and event_condition is null and not is_withdrawn and not is_routine
             and base_expected_ar_pct <> 0
             and expected_ar_pct <> round(base_expected_ar_pct * 0.5
                 * case when is_subsidiary then 0.3 else 1 end * size_factor, 4)""",
    )
    assert halved.n == 0


def test_daily_sentiment_of_a_full_day(built_warehouse: sa.Engine) -> None:
    day = one(built_warehouse, "select * from dart_marts.daily_disclosure_sentiment where date = '2022-01-03'")
    filed_that_day = sum(1 for r in samples.web_list_rows() if str(r["rcept_dt"]) == "2022-01-03")
    assert day.n_disclosures == filed_that_day == 475
    scores = rows(
        built_warehouse,
        "select impact_score, sentiment_weight from dart_marts.disclosure_impact_scores where rcept_dt = '2022-01-03'",
    )
    weighted = [float(r.impact_score) for r in scores if r.sentiment_weight > 0]
    assert day.n_scored == len(weighted)
    assert float(day.sentiment_score) == pytest.approx(
        50 + sum(s - 50 for s in weighted) / (len(weighted) + 3), abs=0.006
    )
    assert day.n_positive + day.n_negative + day.n_neutral == day.n_scored
    assert 0.97 <= float(day.coverage) <= 1


def test_fear_greed_labels_follow_half_open_bands(built_warehouse: sa.Engine) -> None:
    index = rows(built_warehouse, "select value, label from dart_marts.fear_greed_index")
    assert len(index) > 300  # ~450 market sessions, the first ~70 before 4 components are scored
    bands = [(25, "extreme fear"), (45, "fear"), (55, "neutral"), (75, "greed"), (math.inf, "extreme greed")]
    for r in index:
        assert r.label == next(label for edge, label in bands if float(r.value) < edge)
    assert {r.label for r in index} == {label for _, label in bands}
    values = [float(r.value) for r in index]
    assert 40 < sum(values) / len(values) < 60  # CNN's composite averages ~50


def test_disclosure_weight_follows_coverage(built_warehouse: sa.Engine) -> None:
    sums = rows(built_warehouse, "select date, sum(weight) as total from dart_marts.index_weights group by date")
    assert all(float(r.total) == pytest.approx(1, abs=1e-4) or r.total == 0 for r in sums)
    weights = rows(
        built_warehouse,
        """select w.quality, w.weight from dart_marts.index_weights w
           where w.component = 'disclosure_sentiment' and w.is_available""",
    )
    assert any(r.weight > 0 for r in weights)
    assert all(r.weight == 0 for r in weights if r.quality < 0.5)
    assert any(r.weight == 0 and r.quality < 0.5 for r in weights)  # poor days really exist
    used = one(built_warehouse, "select count(*) as n from dart_marts.fear_greed_index where disclosure_weight > 0")
    assert used.n > 100


def test_company_dimension_uses_financials(built_warehouse: sa.Engine) -> None:
    c = one(built_warehouse, "select * from dart_marts.dim_companies where corp_code = '00139719'")
    assert c.corp_name == "와이지-원" and c.financials_bsns_year == 2025
    assert c.total_assets_krw > 10**12 and c.size_bucket == "small" and c.size_factor == 1


def test_market_moving_events_flag_severe_filings(built_warehouse: sa.Engine) -> None:
    severe = {
        r.rcept_no
        for r in rows(
            built_warehouse, "select rcept_no from dart_marts.market_moving_events where kind = 'severe_event'"
        )
    }
    assert {"20220103900001", "20250515802284"} <= severe  # 횡령ㆍ배임
    kinds = {r.kind for r in rows(built_warehouse, "select distinct kind from dart_marts.market_moving_events")}
    assert {"event_cluster", "severe_event"} <= kinds


def test_mart_contracts_are_enforced_in_the_database(built_warehouse: sa.Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        with built_warehouse.begin() as conn:
            conn.execute(
                sa.text(
                    """insert into dart_marts.disclosure_impact_scores
                         (rcept_no, rcept_dt, corp_code, event_type, impact_score)
                       values ('20990101000001', '2099-01-01', '00000001', 'buyback', 150)"""
                )
            )
    with pytest.raises(sa.exc.IntegrityError):
        with built_warehouse.begin() as conn:
            conn.execute(
                sa.text("insert into dart_marts.fear_greed_index (date, value, label) values ('2099-01-01', 50, null)")
            )


def test_decayed_sentiment_keeps_events_for_their_half_life(built_warehouse: sa.Engine) -> None:
    day = one(built_warehouse, "select * from dart_marts.daily_disclosure_sentiment where date = '2026-03-20'")
    recent = rows(
        built_warehouse,
        """select '2026-03-20'::date - rcept_dt as age, impact_score, half_life_days
           from dart_marts.disclosure_impact_scores
           where sentiment_weight > 0 and rcept_dt <= '2026-03-20' and rcept_dt > '2026-03-20'::date - 60""",
    )
    decay = [0.5 ** (r.age / float(r.half_life_days)) for r in recent]
    expected = 50 + sum(d * (float(r.impact_score) - 50) for d, r in zip(decay, recent, strict=True)) / (sum(decay) + 3)
    assert float(day.decayed_sentiment_score) == pytest.approx(expected, abs=0.006)
    assert any(r.age > 0 for r in recent)  # earlier days really count


# -- the market components, from market_raw (filled by market_rows.fill_market_raw) ------------


def test_every_market_session_has_its_components(built_warehouse: sa.Engine) -> None:
    s = one(
        built_warehouse,
        """select (select count(*) from market_raw.kospi_index where idx_nm = '코스피') as sessions,
                  (select count(*) from dart_intermediate.int_market__components) as components,
                  (select count(*) from dart_marts.fear_greed_index where n_market_components = 7) as complete,
                  (select max(date) from dart_marts.fear_greed_index) as last_index_day,
                  (select max(date) from market_raw.kospi_index) as last_session""",
    )
    assert s.components == s.sessions > 400
    assert s.complete > 150  # strength needs 252 sessions of history, then 20 scored days
    assert s.last_index_day == s.last_session


def test_put_call_counts_only_the_monthly_kospi200_options(built_warehouse: sa.Engine) -> None:
    raw = {
        (r.date, r.product_is_monthly): (r.puts, r.calls)
        for r in rows(
            built_warehouse,
            """select date, prod_nm = '코스피200 옵션' as product_is_monthly,
                      sum(acc_trdvol) filter (where rght_tp_nm = 'PUT') as puts,
                      sum(acc_trdvol) filter (where rght_tp_nm = 'CALL') as calls
               from market_raw.option_trades group by 1, 2""",
        )
    }
    assert any(not monthly for _, monthly in raw)  # the other products are really there
    staged = rows(
        built_warehouse, "select date, put_volume, call_volume, put_call_ratio from dart_staging.stg_market__put_call"
    )
    assert len(staged) == len({day for day, _ in raw})
    for r in staged:
        puts, calls = raw[(r.date, True)]
        assert (r.put_volume, r.call_volume) == (puts, calls)
        assert float(r.put_call_ratio) == pytest.approx(float(puts) / float(calls))


def test_mcclellan_summation_follows_its_recursion(built_warehouse: sa.Engine) -> None:
    by_day = rows(
        built_warehouse,
        """select date,
                  coalesce(sum(acc_trdval) filter (where fluc_rt > 0), 0)
                    - coalesce(sum(acc_trdval) filter (where fluc_rt < 0), 0) as diff
           from market_raw.stock_trades group by date order by date""",
    )
    modelled = {r.date: r for r in rows(built_warehouse, "select * from dart_intermediate.int_market__breadth")}
    ema19 = ema39 = summation = None
    for r in by_day:
        diff = float(r.diff)
        if ema19 is None:
            ema19 = ema39 = diff
            summation = 0.0
        else:
            ema19, ema39 = 0.1 * diff + 0.9 * ema19, 0.05 * diff + 0.95 * ema39
            summation += ema19 - ema39
        m = modelled[r.date]
        assert float(m.value_difference) == diff
        assert float(m.ema19) == pytest.approx(ema19, rel=1e-9, abs=1e-3)
        assert float(m.ema39) == pytest.approx(ema39, rel=1e-9, abs=1e-3)
        assert float(m.mcclellan_summation) == pytest.approx(summation, rel=1e-9)


def test_strength_counts_52_week_market_value_extremes(built_warehouse: sa.Engine) -> None:
    """52-week highs and lows recomputed issue by issue from the raw rows (a split and a halt
    among them) against the model's daily counts."""
    trades = rows(
        built_warehouse,
        """select isu_cd, date, tdd_clsprc, nullif(tdd_hgprc, 0) * list_shrs as high_cap,
                  nullif(tdd_lwprc, 0) * list_shrs as low_cap
           from market_raw.stock_trades order by isu_cd, date""",
    )
    expected: dict = {}
    history: dict[str, list] = {}
    for t in trades:
        previous = history.setdefault(t.isu_cd, [])[-251:]
        highs, lows, universe = expected.setdefault(t.date, [0, 0, 0])
        if len(previous) == 251:
            prior_high = max((p.high_cap for p in previous if p.high_cap is not None), default=None)
            prior_low = min((p.low_cap for p in previous if p.low_cap is not None), default=None)
            highs += t.high_cap is not None and prior_high is not None and t.high_cap > prior_high
            lows += t.low_cap is not None and prior_low is not None and t.low_cap < prior_low
        expected[t.date] = [highs, lows, universe + (t.tdd_clsprc is not None)]
        history[t.isu_cd].append(t)
    daily = {
        r.date: [r.highs, r.lows, r.universe]
        for r in rows(built_warehouse, "select * from dart_intermediate.int_market__strength_daily")
    }
    assert daily == expected
    assert sum(h for h, _, _ in daily.values()) > 0 and sum(low for _, low, _ in daily.values()) > 0


def test_ktb10_falls_back_to_the_krx_benchmark_when_ecos_has_no_row(built_warehouse: sa.Engine) -> None:
    fallback = rows(
        built_warehouse,
        """select k.date, k.yield_pct, b.clsprc_yd
           from dart_staging.stg_market__ktb10 k
           join market_raw.government_bonds b
             on b.date = k.date and b.bnd_exp_tp_nm = '10' and b.govbnd_isu_tp_nm = '지표' and b.isu_nm not like '물가%'
           where k.source = 'krx'""",
    )
    assert all(r.yield_pct == r.clsprc_yd for r in fallback)
    missing = one(
        built_warehouse,
        """select count(*) as n from market_raw.kospi_index s
           where s.idx_nm = '코스피'
             and not exists (select 1 from market_raw.bond_yields y where y.date = s.date and y.item_code = '010210000')
             and exists (select 1 from market_raw.government_bonds b
                         where b.date = s.date and b.bnd_exp_tp_nm = '10')""",
    )
    assert len(fallback) == missing.n  # the synthetic market leaves ECOS out on every 37th session


def test_real_ds005_terms_decide_the_rights_issue_scores(built_warehouse: sa.Engine) -> None:
    """남양유업's 주주우선공모 of 33,338 new shares on 886,662 (3.8%: half the effect of a 10%
    issue) and 에코캡's 주주배정 with 5,600,000 new on 14,558,800 (38%: twice, the cap), read
    from their real DS005 answers, not from the titles, which name no method."""
    by_no = {
        r.rcept_no: r
        for r in rows(
            built_warehouse,
            """select rcept_no, event_type, event_condition, allotment_method, terms_endpoint, relative_size,
                      terms_factor, expected_ar_pct, impact_score, modifiers
               from dart_marts.disclosure_impact_scores where rcept_no in ('20230530000410', '20220527000497')""",
        )
    }
    namyang, ecocap = by_no["20230530000410"], by_no["20220527000497"]
    assert (namyang.event_type, namyang.terms_endpoint, namyang.allotment_method) == (
        "rights_offering",
        "piicDecsn",
        "public_offering",
    )
    assert float(namyang.relative_size) == pytest.approx(33338 / 886662, abs=1e-6)
    assert (float(namyang.terms_factor), float(namyang.expected_ar_pct)) == (0.5, -0.75)
    assert namyang.impact_score < 50 and "issue_size" in namyang.modifiers
    assert (ecocap.event_type, ecocap.event_condition, ecocap.terms_endpoint) == (
        "rights_and_bonus_issue",
        "shareholder_allotment",
        "pifricDecsn",
    )
    assert (float(ecocap.terms_factor), float(ecocap.expected_ar_pct)) == (2.0, -2.56)


def test_half_year_review_bundles_are_graded_below_an_annual_disclaimer(built_warehouse: sa.Engine) -> None:
    graded = rows(
        built_warehouse,
        """select event_type, event_condition, expected_ar_pct from dart_marts.disclosure_impact_scores
           where event_title like '반기검토(감사)의견부적정등사실확인%' and not is_withdrawn and not is_amendment""",
    )
    assert graded and all(r.event_type == "half_year_review_adverse" for r in graded)
    # no remark says which: the milder designation warning, not the -7% of a disclaimer
    assert all(r.event_condition == "capital_impairment" and float(r.expected_ar_pct) == -3.0 for r in graded)
