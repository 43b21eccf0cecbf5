{#- One row per KOSPI trading date with enough components: the composite and its label
    (CNN's half-open bands, macro fear_greed_label). -#}
select
    date::date as date,
    value::numeric as value,
    {{ fear_greed_label('value') }}::text as label,
    n_market_components::integer as n_market_components,
    round(disclosure_weight, 6)::numeric as disclosure_weight,
    momentum_score::numeric as momentum_score,
    strength_score::numeric as strength_score,
    breadth_score::numeric as breadth_score,
    put_call_score::numeric as put_call_score,
    volatility_score::numeric as volatility_score,
    safe_haven_score::numeric as safe_haven_score,
    junk_bond_score::numeric as junk_bond_score,
    disclosure_sentiment_score::numeric as disclosure_sentiment_score
from {{ ref('int_fear_greed__composite') }}
