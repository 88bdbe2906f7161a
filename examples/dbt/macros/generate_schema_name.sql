{#- Where a model with `+schema: marts` lands:
    - on the shared tiers (dev, staging, prod) in the schema of that name (MARTS), the
      schemas declared in config/tiers/*.yaml;
    - everywhere else (local DuckDB, a developer's sandbox) under the target's schema as a
      prefix (main_marts, DEV_ALICE_MARTS), so developers never collide.
    TIERFORM_SCHEMA_SUFFIX: a blue/green release on Snowflake builds into zero-copy clones
    named <schema>__SHADOW and swaps them in after every test passed (README, "Blue/green dbt
    releases"); unset, the suffix is empty.
    TIERFORM_SCHEMA_PREFIX: a pull request's data CI on Snowflake builds into schemas
    PR_<N>_<schema> in the tier's database (README, "Data CI on pull requests"). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set suffix = env_var('TIERFORM_SCHEMA_SUFFIX', '') -%}
    {%- set prefix = env_var('TIERFORM_SCHEMA_PREFIX', '') -%}
    {%- if custom_schema_name is none -%}
        {{ prefix }}{{ target.schema }}{{ suffix }}
    {%- elif target.name in ['dev', 'staging', 'prod'] -%}
        {{ prefix }}{{ custom_schema_name | trim | upper }}{{ suffix }}
    {%- else -%}
        {{ prefix }}{{ target.schema }}_{{ custom_schema_name | trim }}{{ suffix }}
    {%- endif -%}
{%- endmacro %}
