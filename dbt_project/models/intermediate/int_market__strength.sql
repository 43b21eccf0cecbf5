{{ config(materialized='table') }}
{#-
    52-week highs and lows per KOSPI issue and session (the strength component's input).
    With W = var strength_lookback_sessions (251: a year of sessions before today), issue i is on
    session D, having at least W earlier sessions of its own,
      a 52-week high when high_cap(D) > max(high_cap) over its previous W sessions,
      a 52-week low  when low_cap(D)  < min(low_cap)  over its previous W sessions,
    where high_cap = high x listed shares and low_cap = low x listed shares: the market value at
    the day's high and low, so a split (price / k, shares x k) is no new high or low. Sessions
    without a traded price (NULL caps) count as sessions but never set the extremes.

    ~1.6M issue-sessions since 2020. A window frame "W preceding .. 1 preceding" would
    recompute max/min over W rows for every row (PostgreSQL has no inverse for them: minutes
    here), so the sliding extremes use blocks of W sessions per issue (van Herk/Gil-Werman):
    a window of W sessions ending yesterday covers the tail of one block and the head of the
    next, so its max is greatest(max from its first session to the end of that block, max from
    the start of the next block to yesterday), both running aggregates: linear work.
-#}
{%- set lookback = var('strength_lookback_sessions') | int -%}
with trades as (

    select
        date,
        isu_cd,
        close is not null as in_universe,
        high_cap,
        low_cap,
        row_number() over (partition by isu_cd order by date) - 1 as seq
    from {{ ref('stg_market__stock_trades') }}

),

blocks as (

    select
        *,
        seq / {{ lookback }} as block,
        -- from the block's first session to this one
        max(high_cap) over block_so_far as head_max,
        min(low_cap) over block_so_far as head_min,
        -- from this session to the block's last one
        max(high_cap) over block_rest as tail_max,
        min(low_cap) over block_rest as tail_min
    from trades
    window
        block_so_far as (partition by isu_cd, seq / {{ lookback }} order by seq rows unbounded preceding),
        block_rest as (partition by isu_cd, seq / {{ lookback }} order by seq desc rows unbounded preceding)

),

windowed as (

    -- the previous W sessions are seq - W .. seq - 1: the tail of the block holding seq - W
    -- and the head of the block holding seq - 1 (the same block when seq is a multiple of W)
    select
        date,
        isu_cd,
        in_universe,
        high_cap,
        low_cap,
        least(seq, {{ lookback }}) as prior_sessions,
        greatest(lag(tail_max, {{ lookback }}) over by_issue, lag(head_max) over by_issue) as prior_high_cap,
        least(lag(tail_min, {{ lookback }}) over by_issue, lag(head_min) over by_issue) as prior_low_cap
    from blocks
    window by_issue as (partition by isu_cd order by seq)

)

select
    date,
    isu_cd,
    in_universe,
    prior_sessions::integer as prior_sessions,
    high_cap,
    low_cap,
    prior_high_cap,
    prior_low_cap,
    coalesce(prior_sessions >= {{ lookback }} and high_cap > prior_high_cap, false) as is_52w_high,
    coalesce(prior_sessions >= {{ lookback }} and low_cap < prior_low_cap, false) as is_52w_low
from windowed
