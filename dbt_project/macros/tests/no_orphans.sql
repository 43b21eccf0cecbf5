{#- Rows of `parent` (inside the partition window, when the column is given) with no row here:
    nothing the pipeline received may silently vanish between layers. -#}
{% test no_orphans(model, column_name, parent, parent_column, parent_date_column=none) %}
select p.{{ parent_column }}
from {{ parent }} as p
left join {{ model }} as m on m.{{ column_name }} = p.{{ parent_column }}
where m.{{ column_name }} is null
{%- if parent_date_column %}
  and {{ in_partition_window('p.' ~ parent_date_column) }}
{%- endif %}
{% endtest %}
