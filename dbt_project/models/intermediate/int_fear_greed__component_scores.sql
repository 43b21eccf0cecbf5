{{ config(materialized='table') }}
{#-
    Each component's raw series turned into a 0-100 score: the rolling percentile rank of today's
    value among the last var fg_window observations, today included (share of window values <=
    today, x100; fear-greed-methodology.md §1.4: r ~ 0.96 against CNN with a 126-day window).
    A score needs var fg_min_observations values. Disclosure sentiment (its decayed score, which
    keeps each event for its half-life) is ranked the same way over the dates with scored
    filings, so that it can enter as an eighth component.
-#}
{%- set components = ['momentum', 'strength', 'breadth', 'put_call', 'volatility', 'safe_haven', 'junk_bond'] -%}
with long as (

    {% for c in components %}
    select date, '{{ c }}'::text as component, {{ c }}::numeric as raw_value
    from {{ ref('int_market__components') }}
    union all
    {% endfor %}
    select date, 'disclosure_sentiment'::text, decayed_sentiment_score::numeric
    from {{ ref('daily_disclosure_sentiment') }}
    where n_scored > 0

),

series as (

    select
        date,
        component,
        raw_value,
        row_number() over (partition by component order by date) as rn
    from long
    where raw_value is not null

),

windows as (

    select
        s.date,
        s.component,
        s.raw_value,
        count(*) as n_window,
        count(*) filter (where w.raw_value <= s.raw_value) as n_at_or_below
    from series as s
    cross join generate_series(0, {{ var('fg_window') }} - 1) as offs(k)
    join series as w on w.component = s.component and w.rn = s.rn - offs.k
    group by s.date, s.component, s.raw_value

)

select
    date,
    component,
    raw_value,
    n_window,
    round(100.0 * n_at_or_below / n_window, 4) as score
from windows
where n_window >= {{ var('fg_min_observations') }}
