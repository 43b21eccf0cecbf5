-- KOSPI stocks at 52-week highs and lows.
select
    left(date, 10)::date as date,
    high_count::integer as highs,
    low_count::integer as lows,
    total_count::integer as universe,
    (high_count::integer - low_count::integer)::numeric / nullif(total_count::integer, 0) as net_highs_share
from {{ ref('stock_strength') }}
