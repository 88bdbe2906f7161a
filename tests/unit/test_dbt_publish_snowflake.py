"""Blue/green on Snowflake: the generated statements (clone, grants, SWAP, rollback target)
for one- and multi-schema releases, and the publisher running them through dbt.

There is no Snowflake account here: dbt (`parse`, `run-operation tierform_run_statements`)
is MOCKED; only the statements Tierform generates and the order it sends them are tested.
They run for real only against an account.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import EXAMPLE_CONFIG

from tierform.config import load_platform
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.dbt_publish import snowflake_schemas
from tierform.release.dbt_publish import snowflake_sql as sql
from tierform.release.report import Reporter

MARTS = sql.SchemaRef("ANALYTICS_PROD", "MARTS")
STAGING = sql.SchemaRef("ANALYTICS_PROD", "STAGING")


def test_one_schema_clone_grants_swap_and_rollback_target():
    grants = {MARTS: [sql.SchemaGrant(("USAGE",), "DATABASE ROLE ANALYTICS_PROD.RO")]}
    assert sql.prepare_statements([MARTS], grants) == [
        "CREATE SCHEMA IF NOT EXISTS ANALYTICS_PROD.MARTS",
        "CREATE OR REPLACE SCHEMA ANALYTICS_PROD.MARTS__SHADOW CLONE ANALYTICS_PROD.MARTS",
        "GRANT USAGE ON SCHEMA ANALYTICS_PROD.MARTS__SHADOW TO DATABASE ROLE ANALYTICS_PROD.RO",
    ]
    assert sql.publish_statements([MARTS]) == [
        "ALTER SCHEMA ANALYTICS_PROD.MARTS SWAP WITH ANALYTICS_PROD.MARTS__SHADOW",
        "DROP SCHEMA IF EXISTS ANALYTICS_PROD.MARTS__PREVIOUS",
        "ALTER SCHEMA ANALYTICS_PROD.MARTS__SHADOW RENAME TO ANALYTICS_PROD.MARTS__PREVIOUS",
    ]
    assert sql.rollback_statements([MARTS]) == [
        "ALTER SCHEMA ANALYTICS_PROD.MARTS SWAP WITH ANALYTICS_PROD.MARTS__PREVIOUS"
    ]


def test_multi_schema_release_swaps_every_schema_before_renaming_any():
    statements = sql.publish_statements([MARTS, STAGING])
    assert statements[:2] == [
        "ALTER SCHEMA ANALYTICS_PROD.MARTS SWAP WITH ANALYTICS_PROD.MARTS__SHADOW",
        "ALTER SCHEMA ANALYTICS_PROD.STAGING SWAP WITH ANALYTICS_PROD.STAGING__SHADOW",
    ]
    assert statements[2:] == [
        "DROP SCHEMA IF EXISTS ANALYTICS_PROD.MARTS__PREVIOUS",
        "ALTER SCHEMA ANALYTICS_PROD.MARTS__SHADOW RENAME TO ANALYTICS_PROD.MARTS__PREVIOUS",
        "DROP SCHEMA IF EXISTS ANALYTICS_PROD.STAGING__PREVIOUS",
        "ALTER SCHEMA ANALYTICS_PROD.STAGING__SHADOW RENAME TO ANALYTICS_PROD.STAGING__PREVIOUS",
    ]


def test_access_role_grants_follow_tierforms_access_levels():
    levels = snowflake_schemas.access_levels()
    grants = sql.access_role_grants([MARTS, STAGING], levels)
    statements = sql.prepare_statements([MARTS, STAGING], grants)
    assert (
        "GRANT USAGE ON SCHEMA ANALYTICS_PROD.MARTS__SHADOW TO DATABASE ROLE ANALYTICS_PROD.RO"
        in statements
    )
    assert (
        "GRANT USAGE ON SCHEMA ANALYTICS_PROD.STAGING__SHADOW TO DATABASE ROLE ANALYTICS_PROD.RW"
        in statements
    )
    owner = [
        s for s in statements if s.endswith("MARTS__SHADOW TO DATABASE ROLE ANALYTICS_PROD.OWNER")
    ]
    assert len(owner) == 1 and "CREATE TABLE" in owner[0] and "CREATE VIEW" in owner[0]
    # Grants follow their clone: nothing is granted on the live schema.
    assert not [s for s in statements if s.startswith("GRANT") and "__SHADOW" not in s]


def test_schemas_come_from_materialized_nodes_only():
    manifest = {
        "nodes": {
            "model.p.a": _node("model", "marts", "table"),
            "model.p.b": _node("model", "staging", "view"),
            "model.p.c": _node("model", "intermediate", "ephemeral"),
            "seed.p.s": _node("seed", "raw", "seed"),
            "test.p.t": _node("test", "dbt_test__audit", "test"),
        }
    }
    assert [r.schema for r in sql.release_schemas(manifest)] == ["marts", "raw", "staging"]
    assert sql.release_schemas(manifest)[0].name(sql.SHADOW) == "ANALYTICS_PROD.MARTS__SHADOW"


def test_names_that_need_quotes_are_refused():
    with pytest.raises(ReleaseError, match="plain database and schema names"):
        sql.SchemaRef("ANALYTICS", 'MARTS"; DROP DATABASE X; --').name()


def _node(kind: str, schema: str, materialized: str) -> dict:
    return {
        "resource_type": kind,
        "database": "ANALYTICS_PROD",
        "schema": schema,
        "config": {"materialized": materialized},
    }


class FakeDbt:
    """Stands in for dbtRunner: records each invocation; `parse` writes a manifest."""

    def __init__(self, manifest: dict, fail: str | None = None):
        self.calls: list[list[str]] = []
        self.manifest, self.fail = manifest, fail

    def __call__(self, args: list[str]):
        self.calls.append(args)
        if args[0] == "parse":
            target = Path(args[args.index("--target-path") + 1])
            target.mkdir(parents=True, exist_ok=True)
            (target / "manifest.json").write_text(json.dumps(self.manifest))
        ok = self.fail is None or self.fail not in json.dumps(args)
        return SimpleNamespace(success=ok, exception=None if ok else RuntimeError("denied"))

    def statements(self) -> list[list[str]]:
        return [
            json.loads(c[c.index("--args") + 1])["statements"]
            for c in self.calls
            if c[0] == "run-operation"
        ]


def _publisher(tmp_path: Path, monkeypatch, fake: FakeDbt):
    platform = load_platform(EXAMPLE_CONFIG)
    ctx = ReleaseContext(root=tmp_path, platform=platform, tier=platform.tiers["prod"])
    monkeypatch.setattr(snowflake_schemas, "_run_dbt", fake)
    step = platform.dbt_step(ctx.tier)
    assert step.adapter == "snowflake"
    return snowflake_schemas.SnowflakeSchemaPublisher(ctx, step)


MANIFEST = {
    "nodes": {
        "model.p.fct": _node("model", "MARTS", "table"),
        "model.p.stg": _node("model", "STAGING", "view"),
    }
}


def test_publisher_clones_builds_with_suffix_then_swaps_through_run_operation(
    tmp_path: Path, monkeypatch
):
    fake = FakeDbt(MANIFEST)
    publisher = _publisher(tmp_path, monkeypatch, fake)
    args = ["--project-dir", "p", "--profiles-dir", "p", "--target", "prod"]
    env = publisher.prepare(Reporter("dbt", "prod"), args, tmp_path)
    assert env == {"TIERFORM_SCHEMA_SUFFIX": "__SHADOW"}
    assert fake.calls[0][0] == "parse"
    assert fake.calls[1][:2] == ["run-operation", "tierform_run_statements"]
    assert fake.calls[1][-6:] == args  # dbt's own connection, as the tier's target
    prepare = fake.statements()[0]
    assert prepare[:2] == [
        "CREATE SCHEMA IF NOT EXISTS ANALYTICS_PROD.MARTS",
        "CREATE OR REPLACE SCHEMA ANALYTICS_PROD.MARTS__SHADOW CLONE ANALYTICS_PROD.MARTS",
    ]
    assert any(
        s.startswith("GRANT USAGE ON SCHEMA ANALYTICS_PROD.STAGING__SHADOW") for s in prepare
    )
    where = publisher.publish(Reporter("dbt", "prod"))
    assert fake.statements()[1] == sql.publish_statements([MARTS, STAGING])
    assert where == {
        "live": "ANALYTICS_PROD.MARTS, ANALYTICS_PROD.STAGING",
        "previous": "ANALYTICS_PROD.MARTS__PREVIOUS, ANALYTICS_PROD.STAGING__PREVIOUS",
    }


def test_a_failed_clone_stops_the_release_before_dbt_builds(tmp_path: Path, monkeypatch):
    fake = FakeDbt(MANIFEST, fail="CLONE")
    publisher = _publisher(tmp_path, monkeypatch, fake)
    with pytest.raises(ReleaseError, match="Snowflake shadow clone failed: denied"):
        publisher.prepare(Reporter("dbt", "prod"), ["--target", "prod"], tmp_path)
    assert [c[0] for c in fake.calls] == ["parse", "run-operation"]


def test_rollback_swaps_live_and_previous(tmp_path: Path, monkeypatch):
    fake = FakeDbt(MANIFEST)
    publisher = _publisher(tmp_path, monkeypatch, fake)
    publisher.rollback(Reporter("rollback", "prod"))
    assert fake.statements() == [sql.rollback_statements([MARTS, STAGING])]


def test_the_example_project_names_shadow_schemas_through_its_macro():
    macro = EXAMPLE_CONFIG.parent / "examples" / "dbt" / "macros" / "generate_schema_name.sql"
    text = macro.read_text()
    assert text.count("{{ suffix }}") == 3  # every branch
    assert "env_var('TIERFORM_SCHEMA_SUFFIX', '')" in text
    runner = EXAMPLE_CONFIG.parent / "examples" / "dbt" / "macros" / "tierform_release.sql"
    assert "macro tierform_run_statements(statements)" in runner.read_text()
