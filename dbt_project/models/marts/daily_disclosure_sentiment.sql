{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='date',
    on_schema_change='append_new_columns',
    tags=['daily'],
) }}
{#-
    Market-level disclosure sentiment per filing date: the weighted mean deviation of impact
    scores from 50, shrunk toward 50 by var sentiment_prior_weight pseudo-filings so that a day
    with one filing cannot reach an extreme. Routine, withdrawn and unclassified filings weigh 0.
    decayed_sentiment_score also counts the filings of the previous var sentiment_decay_days
    days, each weighted 0.5 ^ (age in days / its event's half-life): what is still moving prices.
-#}
{%- set lookback = var('sentiment_decay_days') -%}
with scores as (

    select * from {{ ref('disclosure_impact_scores') }}
    {{ partition_window_filter('rcept_dt') }}

),

recent as (

    select rcept_dt, impact_score, sentiment_weight, half_life_days
    from {{ ref('disclosure_impact_scores') }}
    where sentiment_weight > 0
    {% if is_incremental() %}
      and {{ in_partition_window('rcept_dt', lookback_days=lookback) }}
    {% endif %}

),

decayed as (

    select
        d.date,
        sum(r.sentiment_weight * (r.impact_score - 50) * power(0.5, (d.date - r.rcept_dt) / r.half_life_days)) as deviation,
        sum(r.sentiment_weight * power(0.5, (d.date - r.rcept_dt) / r.half_life_days)) as weight
    from (select distinct rcept_dt as date from scores) as d
    join recent as r on r.rcept_dt <= d.date and r.rcept_dt > d.date - {{ lookback }}
    group by d.date

),

daily as (

    select
    rcept_dt::date as date,
    count(*)::integer as n_disclosures,
    (count(*) filter (where sentiment_weight > 0))::integer as n_scored,
    (count(*) filter (where sentiment_weight > 0 and expected_ar_pct > 0))::integer as n_positive,
    (count(*) filter (where sentiment_weight > 0 and expected_ar_pct < 0))::integer as n_negative,
    (count(*) filter (where sentiment_weight > 0 and expected_ar_pct = 0))::integer as n_neutral,
    (count(*) filter (where is_routine))::integer as n_routine,
    (count(*) filter (where event_type = 'other'))::integer as n_unclassified,
    (count(*) filter (where is_withdrawn))::integer as n_withdrawn,
    round(avg(impact_score) filter (where sentiment_weight > 0), 2)::numeric as mean_impact_score,
    round(
        50 + coalesce(sum(sentiment_weight * (impact_score - 50)), 0)
            / (sum(sentiment_weight) + {{ var('sentiment_prior_weight') }}),
        2
    )::numeric as sentiment_score,
    round(coalesce(sum(sentiment_weight * expected_ar_pct), 0), 4)::numeric as net_expected_ar_pct,
    round(1 - (count(*) filter (where event_type = 'other'))::numeric / count(*), 4)::numeric as coverage
from scores
group by rcept_dt

)

select
    daily.*,
    round(
        50 + coalesce(decayed.deviation, 0) / (coalesce(decayed.weight, 0) + {{ var('sentiment_prior_weight') }}),
        2
    )::numeric as decayed_sentiment_score
from daily
left join decayed on decayed.date = daily.date
