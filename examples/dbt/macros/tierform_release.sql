{#- Tierform's blue/green release on Snowflake runs its statements (schema clones, grants,
    ALTER SCHEMA … SWAP WITH) through this macro, i.e. through dbt's own connection as the
    tier's dbt service user: `dbt run-operation tierform_run_statements --args '{statements: [...]}'`.
    A project released by Tierform onto Snowflake keeps a copy of this file. -#}
{% macro tierform_run_statements(statements) -%}
    {%- for statement in statements -%}
        {%- do log("tierform: " ~ statement, info=true) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
{%- endmacro %}
