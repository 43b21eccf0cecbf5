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

windows as (

    select
        date,
        component,
        raw_value,
        array_agg(raw_value) over (
            partition by component order by date
            rows between {{ var('fg_window') }} - 1 preceding and current row
        ) as window_values
    from long
    where raw_value is not null

)

select
    date,
    component,
    raw_value,
    cardinality(window_values) as n_window,
    round(
        100.0 * (select count(*) from unnest(window_values) as v where v <= raw_value) / cardinality(window_values),
        4
    ) as score
from windows
where cardinality(window_values) >= {{ var('fg_min_observations') }}
