{#- Schemas are exactly the configured names (dart_staging, dart_intermediate, dart_marts),
    not dbt's default "<target schema>_<custom schema>", because CONTRACTS.md names them. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
