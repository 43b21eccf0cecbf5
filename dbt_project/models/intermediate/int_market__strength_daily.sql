{{ config(materialized='table') }}
{#- KOSPI issues at 52-week highs and lows per session (int_market__strength), against the
    universe of issues with a numeric close that day. The share is NULL until some issue has a
    full year of earlier sessions (before that no issue can be at a 52-week high or low, and a
    run of zeros would rank as a component value). -#}
{%- set lookback = var('strength_lookback_sessions') | int -%}
select
    date,
    (count(*) filter (where is_52w_high))::integer as highs,
    (count(*) filter (where is_52w_low))::integer as lows,
    (count(*) filter (where in_universe))::integer as universe,
    (count(*) filter (where prior_sessions >= {{ lookback }}))::integer as eligible_issues,
    case when count(*) filter (where prior_sessions >= {{ lookback }}) > 0 then
        ((count(*) filter (where is_52w_high)) - (count(*) filter (where is_52w_low)))::numeric
            / nullif(count(*) filter (where in_universe), 0)
    end as net_highs_share
from {{ ref('int_market__strength') }}
group by date
