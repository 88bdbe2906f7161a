{#- Where a model with `+schema: marts` lands:
    - on the shared tiers (dev, staging, prod) in the schema of that name (MARTS), the
      schemas declared in config/tiers/*.yaml;
    - everywhere else (local DuckDB, a developer's sandbox) under the target's schema as a
      prefix (main_marts, DEV_ALICE_MARTS), so developers never collide. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name in ['dev', 'staging', 'prod'] -%}
        {{ custom_schema_name | trim | upper }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
