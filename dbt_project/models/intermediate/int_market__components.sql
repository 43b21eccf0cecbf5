{{ config(materialized='table') }}
{#-
    The seven CNN components on KOSPI data, oriented so that up means greed
    (fear-greed-methodology.md §1.4 and §3), one row per KOSPI trading date:
    momentum   = close / 125-day mean close - 1
    strength   = (52-week highs - lows) / universe           (int_market__strength_daily)
    breadth    = McClellan summation index of advancing minus declining trading value
                                                             (int_market__breadth, KRW)
    put_call   = -(5-day mean put/call volume ratio)
    volatility = -(VKOSPI / its 50-day mean)
    safe_haven = 20-day KOSPI return - 20-day bond return proxy (-duration x yield change), in %
    junk_bond  = -(junk spread: corporate BBB- 3y - AA- 3y yield, ECOS)
    Windows count rows (trading days), and a value needs its whole window. The 10-year yield
    and the spreads are matched to the session (the yield carried forward over gaps).
-#}
with kospi as (

    select
        date,
        close,
        avg(close) over (order by date rows between 124 preceding and current row) as close_ma125,
        count(*) over (order by date rows between 124 preceding and current row) as n125,
        lag(close, 20) over (order by date) as close_20
    from {{ ref('stg_market__kospi') }}

),

vkospi as (

    select
        date,
        vkospi / avg(vkospi) over (order by date rows between 49 preceding and current row) as ratio_ma50,
        count(*) over (order by date rows between 49 preceding and current row) as n50
    from {{ ref('stg_market__vkospi') }}

),

put_call as (

    select
        date,
        avg(put_call_ratio) over (order by date rows between 4 preceding and current row) as ratio_5d,
        count(put_call_ratio) over (order by date rows between 4 preceding and current row) as n5
    from {{ ref('stg_market__put_call') }}

),

ktb10 as (

    -- each quote holds until the next one, so weekends and gaps carry the latest yield forward
    select date, yield_pct, lead(date) over (order by date) as next_date
    from {{ ref('stg_market__ktb10') }}

),

bonds as (

    select
        k.date,
        y.yield_pct,
        lag(y.yield_pct, 20) over (order by k.date) as yield_pct_20
    from kospi as k
    left join ktb10 as y on k.date >= y.date and (y.next_date is null or k.date < y.next_date)

)

select
    k.date,
    case when k.n125 = 125 then k.close / k.close_ma125 - 1 end as momentum,
    s.net_highs_share as strength,
    b.mcclellan_summation as breadth,
    case when p.n5 = 5 then -p.ratio_5d end as put_call,
    case when v.n50 = 50 then -v.ratio_ma50 end as volatility,
    (k.close / k.close_20 - 1) * 100
        + {{ var('ktb10_duration') }} * (bo.yield_pct - bo.yield_pct_20) as safe_haven,
    -c.junk_spread as junk_bond
from kospi as k
left join {{ ref('int_market__strength_daily') }} as s on s.date = k.date
left join {{ ref('int_market__breadth') }} as b on b.date = k.date
left join put_call as p on p.date = k.date
left join vkospi as v on v.date = k.date
left join bonds as bo on bo.date = k.date
left join {{ ref('stg_market__credit_spreads') }} as c on c.date = k.date
