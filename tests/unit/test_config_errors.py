"""Every kind of bad input, through the real command (`python main.py`, as cdktf runs it):
one clear line naming file and field, exit code 2, no traceback, cdktf.out untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import copy_config, edit_yaml, run_synth_in_process, tree_snapshot

from tierform.config import load_platform

PROD = Path("tiers") / "prod.yaml"
DEV = Path("tiers") / "dev.yaml"
PLATFORM = Path("platform.yaml")


def _set(path: list, value):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return edit


def _delete(path: list):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


_MWAA = {
    "region": "eu-west-1",
    "airflow_version": "3.0.6",
    "network": {
        "subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        "security_group_ids": ["sg-0a1b2c3d4e5f60001"],
    },
}
_ASTRO = {
    "flavor": "astronomer",
    "organization_id": "clorg",
    "workspace_id": "clws",
    "cloud_provider": "AWS",
    "region": "us-east-1",
    "runtime_version": "3.0-1",
}

CASES = [
    pytest.param(
        PROD,
        _set(["snowflake", "warehouses", "TRANSFORMING", "size"], "HUGE"),
        "tiers/prod.yaml: snowflake.warehouses.TRANSFORMING.size: 'HUGE' is not one of XSMALL, SMALL, MEDIUM",
        id="bad-enum-value",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "warehouses", "LOADING", "auto_suspend"], "60"),
        "tiers/prod.yaml: snowflake.warehouses.LOADING.auto_suspend: expected an integer, got a string '60'",
        id="wrong-type",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "warehouses", "LOADING", "sise"], "SMALL"),
        "tiers/prod.yaml: snowflake.warehouses.LOADING.sise: unknown key; did you mean 'size'?",
        id="unknown-key",
    ),
    pytest.param(
        PROD,
        _delete(["snowflake", "connection", "account_name"]),
        "tiers/prod.yaml: snowflake.connection.account_name: required field is missing",
        id="missing-field",
    ),
    pytest.param(
        Path("tiers") / "staging.yaml",
        _set(["extends"], "qa"),
        "tiers/staging.yaml: extends: 'qa' is not a tier (tiers: local, dev, staging, prod)",
        id="unknown-extends",
    ),
    pytest.param(
        PROD,
        _set(["extends"], "dev"),
        "tiers/prod.yaml: extends: inheritance cycle: prod → dev → staging → prod",
        id="extends-cycle",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "roles", "REPORTER", "databases", "MARTS"], "RO"),
        "tiers/prod.yaml: snowflake.roles.REPORTER.databases.MARTS: 'MARTS' is not a declared database",
        id="role-unknown-database",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "roles", "LOADER", "warehouses"], ["LOADING", "BIG"]),
        "tiers/prod.yaml: snowflake.roles.LOADER.warehouses.1: 'BIG' is not a declared warehouse",
        id="role-unknown-warehouse",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "service_users", "DBT", "role"], "ADMIN"),
        "tiers/prod.yaml: snowflake.service_users.DBT.role: 'ADMIN' is not a declared role",
        id="user-unknown-role",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "roles", "LOADER", "warehouses"], ["LOADING", "LOADING"]),
        "tiers/prod.yaml: snowflake.roles.LOADER.warehouses: 'LOADING' is listed twice",
        id="duplicate-in-list",
    ),
    pytest.param(
        DEV,
        _set(["developers"], [{"name": "alice"}, {"name": "alice"}]),
        "tiers/dev.yaml: developers.1.name: 'alice' is listed twice",
        id="duplicate-developer",
    ),
    pytest.param(
        PROD,
        _set(["snowflake", "databases", "raw"], {}),
        "tiers/prod.yaml: snowflake.databases.raw: 'raw' is not a valid object name",
        id="bad-identifier",
    ),
    pytest.param(
        PROD,
        _set(
            ["snowflake", "service_users", "DBT", "rsa_public_key"],
            "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
        ),
        "tiers/prod.yaml: snowflake.service_users.DBT.rsa_public_key: this looks like a private key",
        id="private-key-in-config",
    ),
    pytest.param(
        PROD,
        _set(["backend"], {"type": "s4", "bucket": "x"}),
        "tiers/prod.yaml: backend.type: 's4' is not one of local, s3, gcs, cloud",
        id="unknown-backend",
    ),
    pytest.param(
        PROD,
        _set(["backend"], {"type": "s3", "region": "eu-west-1"}),
        "tiers/prod.yaml: backend.bucket: required field is missing",
        id="backend-missing-field",
    ),
    pytest.param(
        PROD,
        _delete(["snowflake", "resource_monitor"]),
        "tiers/prod.yaml: snowflake.resource_monitor: a prod tier with warehouses must declare a resource monitor",
        id="prod-needs-monitor",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "cluster_policies", "JOBS", "node_types"], ["m5d.large", "big-box"]),
        "tiers/prod.yaml: databricks.cluster_policies.JOBS.node_types.1: 'big-box' is not a node type id",
        id="databricks-node-type-format",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "cluster_policies", "JOBS", "auto_termination_minutes"], 90),
        "tiers/prod.yaml: databricks.cluster_policies.JOBS.auto_termination_minutes: 90 is above this tier's maximum (max_auto_termination_minutes: 60)",
        id="databricks-auto-termination-above-max",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "sql_warehouses", "BI", "auto_stop_mins"], 120),
        "tiers/prod.yaml: databricks.sql_warehouses.BI.auto_stop_mins: 120 is above this tier's maximum",
        id="databricks-auto-stop-above-max",
    ),
    pytest.param(
        PROD,
        _set(
            ["databricks", "jobs", "NIGHTLY", "tasks", "INGEST_ORDERS", "notebook"],
            "examples/databricks/notebooks/missing",
        ),
        "tiers/prod.yaml: databricks.jobs.NIGHTLY.tasks.INGEST_ORDERS.notebook: notebook 'examples/databricks/notebooks/missing' does not exist in the repository",
        id="databricks-missing-notebook",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "jobs", "NIGHTLY", "tasks", "DBT_BUILD", "dbt", "project"], "dbt"),
        "tiers/prod.yaml: databricks.jobs.NIGHTLY.tasks.DBT_BUILD.dbt.project: dbt project 'dbt' does not exist in the repository (no dbt/dbt_project.yml)",
        id="databricks-missing-dbt-project",
    ),
    pytest.param(
        PROD,
        _set(
            ["databricks", "jobs", "NIGHTLY", "tasks", "INGEST_ORDERS", "notebook"],
            "../outside/notebook",
        ),
        "databricks.jobs.NIGHTLY.tasks.INGEST_ORDERS.notebook: '../outside/notebook' must be a path inside the repository",
        id="databricks-path-outside-repo",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "catalog", "access", "marketing"], "RO"),
        "tiers/prod.yaml: databricks.catalog.access.marketing: 'marketing' is not a known principal",
        id="databricks-grant-unknown-principal",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "sql_warehouses", "BI", "access", "finance"], "CAN_USE"),
        "tiers/prod.yaml: databricks.sql_warehouses.BI.access.finance: 'finance' is not a known principal",
        id="databricks-permission-unknown-principal",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "jobs", "NIGHTLY", "access", "interns"], "CAN_VIEW"),
        "tiers/prod.yaml: databricks.jobs.NIGHTLY.access.interns: 'interns' is not a known principal",
        id="databricks-job-access-unknown-principal",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "git", "branch"], "main"),
        "tiers/prod.yaml: databricks.git.branch: a prod tier never runs jobs from a moving branch ('main')",
        id="databricks-prod-job-on-branch",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "git", "commit"], "HEAD~1"),
        "tiers/prod.yaml: databricks.git.commit: 'HEAD~1' is not a commit SHA",
        id="databricks-bad-commit",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "jobs", "NIGHTLY", "cluster", "node_type"], "r5d.large"),
        "tiers/prod.yaml: databricks.jobs.NIGHTLY.cluster.node_type: 'r5d.large' is not allowed by policy 'JOBS'",
        id="databricks-job-node-type-not-in-policy",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "jobs", "NIGHTLY", "cluster", "workers"], 20),
        "tiers/prod.yaml: databricks.jobs.NIGHTLY.cluster.workers: 20 is above the max_workers of policy 'JOBS' (8)",
        id="databricks-job-workers-above-policy",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "jobs", "NIGHTLY", "tasks", "DBT_BUILD", "depends_on"], ["INGEST"]),
        "tiers/prod.yaml: databricks.jobs.NIGHTLY.tasks.DBT_BUILD.depends_on.0: 'INGEST' is not a declared task of this job",
        id="databricks-task-unknown-dependency",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "workspace", "host"], "northwind.cloud.databricks.com"),
        "tiers/prod.yaml: databricks.workspace.host: 'northwind.cloud.databricks.com' is not a workspace URL",
        id="databricks-host-not-url",
    ),
    pytest.param(
        DEV,
        _set(["developers"], [{"name": "alice", "databricks_user": "alice"}]),
        "tiers/dev.yaml: developers.0.databricks_user: 'alice' is not a Databricks user name",
        id="databricks-user-not-email",
    ),
    pytest.param(
        PROD,
        _set(["databricks", "sql_warehouses", "BI", "auto_stop_mins"], 5),
        "tiers/prod.yaml: databricks.sql_warehouses.BI.auto_stop_mins: must be at least 10, got 5",
        id="databricks-auto-stop-below-api-minimum",
    ),
    pytest.param(
        Path("tiers") / "local.yaml",
        _set(["databricks"], {"workspace": {"host": "https://x.cloud.databricks.com"}}),
        "tiers/local.yaml: databricks.service_principal: required field is missing",
        id="databricks-on-local-incomplete",
    ),
    pytest.param(
        PROD,
        _set(["protected"], False),
        "tiers/prod.yaml: protected: a prod tier is always protected",
        id="prod-unprotected",
    ),
    pytest.param(
        PROD,
        _delete(["airflow", "region"]),
        "tiers/prod.yaml: airflow.region: required field is missing",
        id="mwaa-missing-field",
    ),
    pytest.param(
        PROD,
        _delete(["airflow", "network"]),
        "tiers/prod.yaml: airflow.network: required field is missing",
        id="mwaa-missing-network",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "airflow_version"], "3.x"),
        "tiers/prod.yaml: airflow.airflow_version: '3.x' is not a valid Airflow version (expected MAJOR.MINOR.PATCH",
        id="mwaa-bad-version-string",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "airflow_version"], 3.0),
        'tiers/prod.yaml: airflow.airflow_version: 3.0 was read as a number; quote the version, e.g. "3.0.6"',
        id="mwaa-version-as-number",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "airflow_version"], "2.3.4"),
        "tiers/prod.yaml: airflow.airflow_version: MWAA does not run Airflow 2.3.4 (supported: ",
        id="mwaa-unsupported-version",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "environment_class"], "mw1.huge"),
        "tiers/prod.yaml: airflow.environment_class: 'mw1.huge' is not one of mw1.micro, mw1.small, mw1.medium",
        id="mwaa-bad-environment-class",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "workspace_id"], "clxyz"),
        "tiers/prod.yaml: airflow.workspace_id: 'workspace_id' belongs to flavor 'astronomer', not 'mwaa'",
        id="mixing-flavor-fields",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "enviroment_class"], "mw1.small"),
        "tiers/prod.yaml: airflow.enviroment_class: unknown key for flavor 'mwaa'; did you mean 'environment_class'?",
        id="mwaa-unknown-key",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "flavor"], "composer"),
        "tiers/prod.yaml: airflow.airflow_version: 'airflow_version' belongs to flavor 'mwaa', not 'composer'",
        id="composer-with-mwaa-keys",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "requirements"], {"path": "requirements.txt"}),
        "tiers/prod.yaml: airflow.requirements: the DAGs' requirements are a file of the repository now: set release.dags.requirements",
        id="mwaa-requirements-moved",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "flavor"], "kubeflow"),
        "tiers/prod.yaml: airflow.flavor: 'kubeflow' is not one of local, mwaa, astronomer, composer",
        id="unknown-flavor",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "min_workers"], 12),
        "tiers/prod.yaml: airflow.min_workers: 12 is more than max_workers (10)",
        id="mwaa-min-over-max",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "network", "subnet_ids"], ["subnet-0a1b2c3d4e5f60001"]),
        "tiers/prod.yaml: airflow.network.subnet_ids: ",
        id="mwaa-one-subnet",
    ),
    pytest.param(
        PROD,
        _set(["airflow", "network", "security_group_ids"], ["default"]),
        "tiers/prod.yaml: airflow.network.security_group_ids: 'default' is not a security group id",
        id="mwaa-bad-security-group",
    ),
    pytest.param(
        Path("tiers") / "local.yaml",
        _set(["airflow"], {"flavor": "mwaa"}),
        "tiers/local.yaml: airflow.region: required field is missing",
        id="mwaa-on-local-incomplete",
    ),
    pytest.param(
        Path("tiers") / "staging.yaml",
        _set(["airflow", "max_workers"], 30),
        "tiers/staging.yaml: airflow.max_workers: must be at most 25, got 30",
        id="override-names-overriding-file",
    ),
    pytest.param(
        Path("tiers") / "local.yaml",
        _set(["airflow"], {**_MWAA, "flavor": "mwaa"}),
        "tiers/local.yaml: airflow.flavor: a local tier runs without a cloud account; use flavor 'local', not 'mwaa'",
        id="cloud-flavor-on-local-tier",
    ),
    pytest.param(
        Path("tiers") / "local.yaml",
        _set(["snowflake"], {"connection": {"organization_name": "O", "account_name": "A"}}),
        "tiers/local.yaml: snowflake: a local tier runs without any cloud account; remove the snowflake section",
        id="snowflake-on-local-tier",
    ),
    pytest.param(
        Path("tiers") / "staging.yaml",
        _set(["airflow"], {"flavor": "local"}),
        "tiers/staging.yaml: airflow.flavor: tier 'staging' (kind staging) would publish its DAGs into a local folder on whichever machine deploys it (in CI a runner's temporary disk); give it a real Airflow (flavor mwaa, astronomer, composer) or set release.dags.enabled: false",
        id="local-airflow-on-shared-tier",
    ),
    pytest.param(
        PROD,
        _set(["airflow"], {**_ASTRO, "region": None}),
        "tiers/prod.yaml: airflow.region: required when deployment_type is STANDARD",
        id="astronomer-standard-needs-region",
    ),
    pytest.param(
        PROD,
        _set(["airflow"], {**_ASTRO, "runtime_version": "latest"}),
        "tiers/prod.yaml: airflow.runtime_version: 'latest' is not a valid Astro Runtime version",
        id="astronomer-bad-runtime",
    ),
    pytest.param(
        PROD,
        _set(["airflow"], {**_ASTRO, "environment_class": "mw1.small"}),
        "tiers/prod.yaml: airflow.environment_class: 'environment_class' belongs to flavor 'mwaa', not 'astronomer'",
        id="astronomer-with-mwaa-field",
    ),
    pytest.param(
        PLATFORM,
        _set(["tiers", 1], "help"),
        "platform.yaml: tiers.1: 'help' cannot name a tier or stack: the cdktf CLI reads `cdktf diff help` as its own help command (it prints the usage, plans nothing and exits 0); choose another name",
        id="tier-named-cdktf-help",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dbt", "project_dir"], "examples/nope"),
        "platform.yaml: release.dbt.project_dir: folder 'examples/nope' does not exist",
        id="release-missing-dbt-folder",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dbt", "project_dir"], "examples/dags"),
        "platform.yaml: release.dbt.project_dir: 'examples/dags' holds no dbt_project.yml",
        id="release-folder-not-dbt",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dags", "folder"], "/srv/dags"),
        "platform.yaml: release.dags.folder: '/srv/dags' must be a path inside the repository",
        id="release-absolute-path",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dags", "folder"], "../elsewhere/dags"),
        "platform.yaml: release.dags.folder: '../elsewhere/dags' must be a path inside the repository",
        id="release-path-escapes-repo",
    ),
    pytest.param(
        PLATFORM,
        _set(["release", "dags", "foldr"], "examples/dags"),
        "platform.yaml: release.dags.foldr: unknown key; did you mean 'folder'?",
        id="release-unknown-key",
    ),
    pytest.param(
        Path("tiers") / "staging.yaml",
        _set(["release"], {"dbt": {"target": "qa"}}),
        "tiers/staging.yaml: release.dbt.target: dbt target 'qa' is not declared in examples/dbt/profiles.yml (targets: local, dev, staging, prod, sandbox)",
        id="release-unknown-dbt-target",
    ),
    pytest.param(
        PROD,
        _set(["release"], {"dags": {"enabled": "yes"}}),
        "tiers/prod.yaml: release.dags.enabled: expected true or false, got a string 'yes'",
        id="release-switch-type",
    ),
]


def _assert_rejected(result, expected: str, config: Path):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr.replace(str(config) + "/", ""), result.stderr


@pytest.mark.parametrize(("file", "edit", "expected"), CASES)
def test_bad_input_is_one_clear_message_and_exit_2(tmp_path, file, edit, expected):
    config = copy_config(tmp_path)
    edit_yaml(config / file, edit)
    outdir = tmp_path / "cdktf.out"
    outdir.mkdir()
    (outdir / "manifest.json").write_text("{}")  # a previous output, left as it was
    before = tree_snapshot(outdir)
    # main.py's own function, in-process (fast); the tests below cross the process boundary
    result = run_synth_in_process(config, outdir)
    _assert_rejected(result, expected, config)
    assert tree_snapshot(outdir) == before


def test_error_in_inherited_file_names_that_file_once(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / PROD, _set(["snowflake", "warehouses", "LOADING", "size"], "TINY"))
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(result, "tiers/prod.yaml: snowflake.warehouses.LOADING.size", config)
    # staging and dev inherit the mistake; it is reported once, where it was written
    assert result.stderr.count("LOADING.size") == 1


def test_override_error_names_the_overriding_file(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "staging.yaml",
        _set(["snowflake", "warehouses", "REPORTING", "size"], "TINY"),
    )
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(
        result, "tiers/staging.yaml: snowflake.warehouses.REPORTING.size: 'TINY'", config
    )


def test_yaml_syntax_error(tmp_path):
    config = copy_config(tmp_path)
    (config / PROD).write_text("kind: prod\nsnowflake: [unclosed\n")
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(result, "tiers/prod.yaml: YAML syntax error: line", config)


def test_duplicate_yaml_key(tmp_path):
    config = copy_config(tmp_path)
    text = (
        (config / PROD)
        .read_text()
        .replace("    LOADING: {", "    REPORTING: {size: XSMALL}\n    LOADING: {", 1)
    )
    (config / PROD).write_text(text)
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(result, "tiers/prod.yaml: line", config)
    assert "duplicate key 'REPORTING'" in result.stderr


def test_missing_tier_file(tmp_path):
    config = copy_config(tmp_path)
    (config / "tiers" / "staging.yaml").unlink()
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(
        result, "tiers/staging.yaml: file not found (tier 'staging' is listed in", config
    )


def test_missing_platform_file(tmp_path):
    config = copy_config(tmp_path)
    (config / "platform.yaml").unlink()
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(result, "platform.yaml: file not found", config)


def test_unknown_stack_selection(tmp_path):
    config = copy_config(tmp_path)
    result = run_synth_in_process(config, tmp_path / "out", TIERFORM_TIERS="qa")
    assert result.returncode == 2
    assert "$TIERFORM_TIERS: 'qa' is not a tier or sandbox stack" in result.stderr


def test_a_stack_selection_of_only_commas_is_refused_not_an_empty_synth(tmp_path):
    outdir = tmp_path / "out"
    assert run_synth_in_process(copy_config(tmp_path), outdir).returncode == 0
    before = tree_snapshot(outdir)
    result = run_synth_in_process(tmp_path / "config", outdir, TIERFORM_TIERS=" , ")
    assert result.returncode == 2, result.stderr
    assert "$TIERFORM_TIERS: ' , ' names no tier or sandbox stack" in result.stderr
    assert tree_snapshot(outdir) == before  # the stacks synthesized before are all still there


def test_databricks_on_local_tier_is_rejected(tmp_path):
    import yaml

    config = copy_config(tmp_path)
    databricks = yaml.safe_load((config / PROD).read_text())["databricks"]
    edit_yaml(config / "tiers" / "local.yaml", _set(["databricks"], databricks))
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(
        result,
        "tiers/local.yaml: databricks: a local tier runs without any cloud account",
        config,
    )


def test_shared_catalog_cannot_be_granted_from_a_tier(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / PROD,
        lambda d: d["databricks"]["catalog"].update(layout="shared", bind_to_workspace=False),
    )
    result = run_synth_in_process(config, tmp_path / "out")
    _assert_rejected(
        result,
        "tiers/prod.yaml: databricks.catalog.access: a shared catalog is managed outside the tier stacks",
        config,
    )


def test_a_field_holding_a_secret_is_one_line_whatever_else_it_breaks(tmp_path):
    # A webhook URL with a token: a secret, and not a notification destination id either.
    config = copy_config(tmp_path)
    url = "https://hooks.example.com/x?token=abcd1234efgh"
    edit_yaml(
        config / PROD,
        lambda d: d["databricks"]["jobs"]["NIGHTLY"]["notifications"]["on_failure"].update(
            webhooks=[url]
        ),
    )
    result = run_synth_in_process(config, tmp_path / "out")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if "webhooks.0" in line]
    assert len(lines) == 1 and "holds what looks like" in lines[0], lines
    assert "abcd1234efgh" not in result.stderr


def test_a_folder_name_with_a_newline_keeps_each_problem_on_one_line():
    from tierform.config import ConfigIssue

    issue = ConfigIssue("my\nplatform/platform.yaml", "tiers\t0", "file not found")
    assert str(issue) == "my\\nplatform/platform.yaml: tiers\\t0: file not found"


def test_a_dbt_service_user_is_checked_only_where_the_tier_has_snowflake(tmp_path):
    """A DuckDB tier that inherits `release.dbt.service_user` from a Snowflake tier has no
    use for it (dbt_identity): it was refused as an unknown user, with `service_user: null`
    the only way out."""
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "local.yaml",
        lambda d: d.setdefault("release", {}).setdefault("dbt", {}).update(service_user="ELT"),
    )
    load_platform(config)  # local has no Snowflake: nothing to sign in as
    edit_yaml(
        config / PROD,
        lambda d: d.setdefault("release", {}).setdefault("dbt", {}).update(service_user="ELT"),
    )
    result = run_synth_in_process(config, tmp_path / "out")
    assert result.returncode == 2
    assert (
        "tiers/prod.yaml: release.dbt.service_user: 'ELT' is not a declared Snowflake service user"
        in result.stderr
    )
