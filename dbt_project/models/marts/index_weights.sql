{{ config(indexes=[{'columns': ['date', 'component']}]) }}
{#-
    Weight of each index component per date; the weights of a date sum to 1 over its available
    components. Market components weigh var market_component_weight each. The disclosure
    component weighs var disclosure_component_weight x quality, and 0 when quality falls below
    var disclosure_min_quality, where
      quality      = coverage x completeness
      coverage     = filings that day / mean of the previous var disclosure_baseline_days filing
                     days (var disclosure_min_daily_count before there is history), capped at 1
      completeness = classified share x loaded share (fetched / total_count of the day's
                     partition in dart_ops.partition_loads; 1 when not recorded).
-#}
{%- set components = ['momentum', 'strength', 'breadth', 'put_call', 'volatility', 'safe_haven', 'junk_bond', 'disclosure_sentiment'] -%}
with scores as (

    select * from {{ ref('int_fear_greed__component_scores') }}

),

dates as (

    select distinct date from scores

),

components as (

    {% for c in components %}
    select '{{ c }}'::text as component{{ ' union all' if not loop.last }}
    {% endfor %}

),

loads as (

    select
        partition_key::date as date,
        least(1, fetched::numeric / nullif(total_count, 0)) as loaded_share
    from {{ source('dart_ops', 'partition_loads') }}
    where asset_key = 'dart_raw/disclosures'
      and partition_key ~ '^\d{4}-\d{2}-\d{2}$'

),

sentiment as (

    select
        s.date,
        s.n_disclosures,
        s.coverage as classified_share,
        coalesce(l.loaded_share, 1) as loaded_share,
        avg(s.n_disclosures) over (
            order by s.date rows between {{ var('disclosure_baseline_days') }} preceding and 1 preceding
        ) as baseline_n
    from {{ ref('daily_disclosure_sentiment') }} as s
    left join loads as l on l.date = s.date

),

quality as (

    select
        date,
        least(1, n_disclosures / greatest(coalesce(baseline_n, {{ var('disclosure_min_daily_count') }}), 1)) as coverage,
        classified_share * loaded_share as completeness
    from sentiment

),

grid as (

    select
        d.date,
        c.component,
        s.score is not null as is_available,
        case when c.component = 'disclosure_sentiment' then coalesce(q.coverage, 0) else 1 end as coverage,
        case when c.component = 'disclosure_sentiment' then coalesce(q.completeness, 0) else 1 end as completeness
    from dates as d
    cross join components as c
    left join scores as s on s.date = d.date and s.component = c.component
    left join quality as q on q.date = d.date and c.component = 'disclosure_sentiment'

),

raw as (

    select
        *,
        coverage * completeness as quality,
        case
            when not is_available then 0
            when component <> 'disclosure_sentiment' then {{ var('market_component_weight') }}
            when coverage * completeness < {{ var('disclosure_min_quality') }} then 0
            else {{ var('disclosure_component_weight') }} * coverage * completeness
        end as raw_weight
    from grid

)

select
    date::date as date,
    component::text as component,
    round(coalesce(raw_weight / nullif(sum(raw_weight) over (partition by date), 0), 0), 6)::numeric as weight,
    round(raw_weight, 6)::numeric as raw_weight,
    round(quality, 4)::numeric as quality,
    round(coverage, 4)::numeric as coverage,
    round(completeness, 4)::numeric as completeness,
    is_available::boolean as is_available
from raw
