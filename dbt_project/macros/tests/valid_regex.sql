{#- Every pattern must compile: evaluating it makes PostgreSQL raise "invalid regular expression"
    naming the bad one, rather than failing the classification model at run time. -#}
{% test valid_regex(model, column_name) %}
select {{ column_name }}
from {{ model }}
where ('' ~ {{ column_name }}) is null
{% endtest %}
