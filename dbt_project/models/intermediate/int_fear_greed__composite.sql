{{ config(materialized='table') }}
{#-
    The composite per KOSPI trading date: the weighted mean of the available component scores,
    weights from index_weights (equal for the seven market components; the disclosure component
    lowered or dropped when its coverage is poor). A date needs var fg_min_components market
    components.
-#}
{%- set components = ['momentum', 'strength', 'breadth', 'put_call', 'volatility', 'safe_haven', 'junk_bond', 'disclosure_sentiment'] -%}
with trading_dates as (

    select date from {{ ref('int_market__components') }}

),

scored as (

    select
        s.date,
        s.component,
        s.score,
        w.weight
    from {{ ref('int_fear_greed__component_scores') }} as s
    join {{ ref('index_weights') }} as w on w.date = s.date and w.component = s.component
    join trading_dates as t on t.date = s.date

)

select
    date,
    round(sum(score * weight) / nullif(sum(weight), 0), 2) as value,
    (count(*) filter (where weight > 0 and component <> 'disclosure_sentiment'))::integer as n_market_components,
    coalesce(max(weight) filter (where component = 'disclosure_sentiment'), 0) as disclosure_weight,
    {% for c in components %}
    max(score) filter (where component = '{{ c }}') as {{ c }}_score{{ ',' if not loop.last }}
    {% endfor %}
from scored
group by date
having count(*) filter (where weight > 0 and component <> 'disclosure_sentiment') >= {{ var('fg_min_components') }}
