{{ config(materialized='table') }}
{#-
    The McClellan oscillator and summation index of KOSPI trading value, one row per session:
      diff        = advancing - declining trading value (KRW), stg_market__breadth
      ema19       = 0.1 x diff + 0.9 x previous ema19      (alpha 0.1, "19-day")
      ema39       = 0.05 x diff + 0.95 x previous ema39    (alpha 0.05, "39-day")
      oscillator  = ema19 - ema39
      summation   = running sum of the oscillator
    Both EMAs start at the first session's diff, so the first oscillator and summation are 0.
    The recursion walks the sessions in order over one array of the diffs (one row per step,
    no re-scan of the sessions), in exact numeric rounded to 1e-6 KRW at each step.
-#}
with recursive sessions as (

    select
        date,
        advancing_value,
        declining_value,
        value_difference,
        row_number() over (order by date) as session_number
    from {{ ref('stg_market__breadth') }}

),

series as (

    select
        array_agg(value_difference::numeric order by session_number) as diffs,
        count(*) as n_sessions
    from sessions

),

ema (session_number, ema19, ema39) as (

    select 1::bigint, diffs[1], diffs[1]
    from series
    where n_sessions > 0

    union all

    select
        e.session_number + 1,
        round(0.1 * s.diffs[e.session_number + 1] + 0.9 * e.ema19, 6),
        round(0.05 * s.diffs[e.session_number + 1] + 0.95 * e.ema39, 6)
    from ema as e
    cross join series as s
    where e.session_number < s.n_sessions

)

select
    s.date,
    s.session_number,
    s.advancing_value,
    s.declining_value,
    s.value_difference,
    e.ema19,
    e.ema39,
    e.ema19 - e.ema39 as oscillator,
    sum(e.ema19 - e.ema39) over (order by s.session_number rows unbounded preceding) as mcclellan_summation
from sessions as s
join ema as e on e.session_number = s.session_number
