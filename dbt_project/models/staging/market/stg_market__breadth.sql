-- Advancing and declining trading value (KRW) of KOSPI issues, one row per session:
-- advancing = change_pct > 0, declining = change_pct < 0 (unchanged and unknown count in neither).
select
    date,
    coalesce(sum(trading_value) filter (where change_pct > 0), 0) as advancing_value,
    coalesce(sum(trading_value) filter (where change_pct < 0), 0) as declining_value,
    coalesce(sum(trading_value) filter (where change_pct > 0), 0)
        - coalesce(sum(trading_value) filter (where change_pct < 0), 0) as value_difference,
    (count(*) filter (where change_pct > 0))::integer as advancing_issues,
    (count(*) filter (where change_pct < 0))::integer as declining_issues,
    (count(*) filter (where change_pct = 0))::integer as unchanged_issues
from {{ ref('stg_market__stock_trades') }}
group by date
