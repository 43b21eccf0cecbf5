{#- The score mapping, documented in models/marts/_marts.yml:
    impact_score = 50 + A * tanh(expected_ar_pct / S), A = var score_amplitude (45), S = var
    score_scale_pct (4). Strictly increasing in the expected abnormal return, 50 at 0, inside
    [50 - A, 50 + A] = [5, 95]: e.g. +1.13% -> 62.4, -3.04% -> 21.9, -6.44% -> 8.7. -#}
{% macro impact_score(expected_ar_pct) -%}
    round((50 + {{ var('score_amplitude') }} * tanh(({{ expected_ar_pct }})::numeric / {{ var('score_scale_pct') }}))::numeric, 2)
{%- endmacro %}

{#- CNN's half-open bands (fear-greed-methodology.md §1.3). -#}
{% macro fear_greed_label(value) -%}
    case
        when {{ value }} < 25 then 'extreme fear'
        when {{ value }} < 45 then 'fear'
        when {{ value }} < 55 then 'neutral'
        when {{ value }} < 75 then 'greed'
        else 'extreme greed'
    end
{%- endmacro %}

{#- Size modifier on expected abnormal returns, from total assets (vars size_*). Unknown size: 1. -#}
{% macro size_factor(total_assets_krw) -%}
    case
        when {{ total_assets_krw }} >= {{ var('size_large_assets_krw') }} then {{ var('size_large_factor') }}
        when {{ total_assets_krw }} >= {{ var('size_mid_assets_krw') }} then {{ var('size_mid_factor') }}
        else 1.0
    end::numeric
{%- endmacro %}

{% macro size_bucket(total_assets_krw) -%}
    case
        when {{ total_assets_krw }} is null then 'unknown'
        when {{ total_assets_krw }} >= {{ var('size_large_assets_krw') }} then 'large'
        when {{ total_assets_krw }} >= {{ var('size_mid_assets_krw') }} then 'mid'
        else 'small'
    end
{%- endmacro %}

{#- A DART amount, count or ratio string as an exact numeric: "1,234", "-205,875", "5.00";
    "-", "" and anything else that is not a number (a stray word) are NULL. -#}
{% macro dart_number(text) -%}
    (case
        when regexp_replace({{ text }}, '[,\s]', '', 'g') ~ '^[+-]?[0-9]+(\.[0-9]+)?$'
            then regexp_replace({{ text }}, '[,\s]', '', 'g')::numeric
    end)
{%- endmacro %}

{#- The sum of DART number strings, NULL only when none of them is a number. -#}
{% macro dart_sum(texts) -%}
    (case when {% for t in texts %}{{ dart_number(t) }} is not null{% if not loop.last %} or {% endif %}{% endfor %}
        then {% for t in texts %}coalesce({{ dart_number(t) }}, 0){% if not loop.last %} + {% endif %}{% endfor %}
    end)
{%- endmacro %}
