{#- The [min_date, max_date) window of an incremental run. Dagster passes a daily partition's
    window as vars; the project defaults cover everything. Bad values fail with a clear message
    before any SQL runs. -#}
{% macro partition_bounds() %}
    {%- set bounds = [] -%}
    {%- for name in ['min_date', 'max_date'] -%}
        {%- set value = var(name) | string -%}
        {%- if not modules.re.match('^\d{4}-\d{2}-\d{2}$', value) -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a YYYY-MM-DD date, got '" ~ value ~ "'") }}
        {%- endif -%}
        {%- do bounds.append(value) -%}
    {%- endfor -%}
    {%- if bounds[0] >= bounds[1] -%}
        {{ exceptions.raise_compiler_error("min_date (" ~ bounds[0] ~ ") must be before max_date (" ~ bounds[1] ~ ")") }}
    {%- endif -%}
    {{ return(bounds) }}
{% endmacro %}

{% macro in_partition_window(column, lookback_days=0) %}
    {%- set bounds = partition_bounds() -%}
    ({{ column }} >= date '{{ bounds[0] }}' - {{ lookback_days }} and {{ column }} < date '{{ bounds[1] }}')
{%- endmacro %}

{#- The filter of a model reading only its own partition window (plus lookback_days of history
    before it): incremental runs see the window, a full refresh (or first build) sees every row. -#}
{% macro partition_window_filter(column, lookback_days=0) -%}
    {%- if is_incremental() %}
    where {{ in_partition_window(column, lookback_days) }}
    {%- endif %}
{%- endmacro %}
