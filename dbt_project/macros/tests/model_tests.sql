{#- Tests of one model each, kept generic so that they read as what they assert. -#}

{#- No two rows share the combination of `columns`. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Each date's weights sum to 1 (or to 0 when no component is available). -#}
{% test weights_sum_to_one(model) %}
select date, sum(weight) as total
from {{ model }}
group by date
having abs(sum(weight) - 1) > 0.0001 and sum(weight) <> 0
{% endtest %}

{#- The label is the half-open CNN band of the value. -#}
{% test label_matches_bands(model) %}
select *
from {{ model }}
where label <> {{ fear_greed_label('value') }}
{% endtest %}

{#- The polarity and kind counts of a date add up to its filings. -#}
{% test counts_add_up(model) %}
select *
from {{ model }}
where n_scored <> n_positive + n_negative + n_neutral
   or n_disclosures < n_scored + n_routine
{% endtest %}
