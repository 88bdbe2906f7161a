"""Config errors, exactly (issue 15, item 1): each bug found with the second platform
(tests/fixtures/platforms/helix), through the real commands. Bad input: exit code 2, one
line per mistake naming the file that made it and the field, no traceback."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from support import (
    HELIX_ROOT,
    REPO,
    edit_yaml,
    run_synth_in_process,
    run_tierform_in_process,
    stack_json,
    tool_env,
)


@pytest.fixture
def helix(tmp_path: Path) -> Path:
    """A writable copy of helix; commands run from it, so files show as config/…"""
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    return root


def validate(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return run_tierform_in_process("validate", *args, cwd=root, **env)


def bad_input_lines(result: subprocess.CompletedProcess) -> list[str]:
    """The error lines of a command that must refuse its input cleanly."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def _mwaa_on_uat(data: dict) -> None:
    data["airflow"] = {
        "flavor": "mwaa",
        "region": "us-east-2",
        "name": "HELIX_FLOW",
        "airflow_version": "2.10.3",
        "network": {
            "subnet_ids": ["subnet-0c1b2c3d4e5f60001", "subnet-0c1b2c3d4e5f60002"],
            "security_group_ids": ["sg-0c1b2c3d4e5f60001"],
        },
        "access_logs": {"bucket": "helix-access-logs"},
    }


# --- non-UTF-8 input ------------------------------------------------------------------


def test_latin1_tier_file_names_the_byte_and_its_offset(helix):
    (helix / "config/tiers/local.yaml").write_bytes(
        "kind: local\nbackend: {type: local}\n# café\n".encode("latin-1")
    )
    lines = bad_input_lines(validate(helix))
    assert lines == [
        "config/tiers/local.yaml: line 3, column 6 (byte offset 40): byte 0xe9 is not UTF-8 "
        "text; save the file as UTF-8"
    ]


def test_binary_platform_file_is_refused_in_one_line(helix):
    (helix / "config/platform.yaml").write_bytes(b"\xff\xfe\x00b\x00i\x00n")
    lines = bad_input_lines(validate(helix))
    assert len(lines) == 1
    assert lines[0].startswith("config/platform.yaml: line 1, column 1 (byte offset 0): byte 0xff")


# --- errors blamed on the right file, once --------------------------------------------


def test_bucket_missing_in_the_child_is_reported_in_the_child(helix):
    # qa.yaml switches the inherited S3 ledger to GCS and forgets its bucket.
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d["release"].update(store={"type": "gcs", "prefix": "qa"}),
    )
    lines = bad_input_lines(validate(helix))
    assert lines == ["config/tiers/qa.yaml: release.store.bucket: required field is missing"]


def test_null_removing_a_database_names_the_child_and_the_roles_still_using_it(helix):
    edit_yaml(
        helix / "config/tiers/uat.yaml",
        lambda d: d["snowflake"].update(databases={"LANDING": None}),
    )
    lines = bad_input_lines(validate(helix))
    assert lines == [
        "config/tiers/uat.yaml: snowflake.databases.LANDING: null removes a database that "
        "roles INGEST, MODEL, WEB_ANALYST (inherited from prod.yaml) still use"
    ]


def test_null_in_a_tier_others_extend_is_still_one_line(helix):
    # dev extends qa: the mistake breaks both tiers, and is said once, in qa.yaml.
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d["snowflake"].update(databases={"LANDING": None}),
    )
    lines = bad_input_lines(validate(helix))
    assert lines == [
        "config/tiers/qa.yaml: snowflake.databases.LANDING: null removes a database that "
        "roles INGEST, MODEL, WEB_ANALYST (inherited from prod.yaml) still use"
    ]


def test_an_inherited_mistake_is_one_line_not_one_per_tier(helix):
    edit_yaml(
        helix / "config/tiers/prod.yaml",
        lambda d: d["snowflake"]["roles"]["INGEST"].update(warehouses=["ETL", "NOPE"]),
    )
    # uat declares one warehouse more, so each tier would list different "declared" ones.
    edit_yaml(
        helix / "config/tiers/uat.yaml",
        lambda d: d["snowflake"].update(warehouses={"SPARE": {"size": "XSMALL"}}),
    )
    lines = bad_input_lines(validate(helix))
    assert lines == [
        "config/tiers/prod.yaml: snowflake.roles.INGEST.warehouses.1: 'NOPE' is not a declared "
        "warehouse (declared: BI, ETL)"
    ]


# --- TIERFORM_CONFIG everywhere --------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["tiers"],
        ["promotion", "--event", "push", "--ref", "refs/heads/main"],
        ["policy", "--outdir", "cdktf.out"],
        ["inputs", "--tier", "qa"],
        ["release", "status", "--tier", "qa"],
    ],
    ids=lambda c: c[0] if c[0] != "release" else "release-status",
)
def test_every_command_reads_the_config_named_by_TIERFORM_CONFIG(helix, tmp_path, command):
    """Run from a folder with no config/: only $TIERFORM_CONFIG can lead to helix's, whose
    qa.yaml is broken on purpose; each command must refuse it by name."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (helix / "config/tiers/qa.yaml").write_text("kind: staging\nextends: prod\nnope: 1\n")
    result = run_tierform_in_process(*command, cwd=elsewhere, TIERFORM_CONFIG=str(helix / "config"))
    lines = bad_input_lines(result)
    assert any("helix/config/tiers/qa.yaml: nope: unknown key" in line for line in lines), lines


def test_the_config_option_still_wins_over_TIERFORM_CONFIG(helix, tmp_path):
    result = run_tierform_in_process(
        "tiers", "--config", str(helix / "config"), cwd=helix, TIERFORM_CONFIG=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0::2][:5] == ["local", "dev", "qa", "uat", "prod"]


@pytest.mark.parametrize("target", ["policy", "check", "plan-summary", "diff", "ci-apply"])
def test_make_targets_pass_TIERFORM_CONFIG_on(target):
    """`make -n` prints what the target would run: the configuration named in the
    environment, not a hard-coded config/."""
    result = subprocess.run(
        ["make", "-n", target],
        cwd=REPO,
        env=tool_env(TIERFORM_CONFIG="my platforms/helix/config"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # Quoted: a folder with a space is one argument.
    assert '--config "my platforms/helix/config"' in result.stdout, result.stdout
    assert "--config config" not in result.stdout


# --- names ------------------------------------------------------------------------------


def test_name_pattern_without_tier_keeps_the_tier_in_cloud_names(helix):
    from tierform.config import load_platform

    platform = load_platform(helix / "config")  # naming.pattern is "{name}"
    qa = platform.tiers["qa"]
    assert qa.object_name("LANDING") == "LANDING"
    assert qa.airflow.bucket_name("qa") == "helix-flow-qa"
    assert qa.airflow.environment_name("qa") == "helix-flow-qa"


def test_two_tiers_making_one_global_bucket_name_is_an_error_naming_both(helix):
    edit_yaml(helix / "config/tiers/uat.yaml", _mwaa_on_uat)
    edit_yaml(helix / "config/platform.yaml", lambda d: d["naming"].update(cloud_pattern="{name}"))
    lines = bad_input_lines(validate(helix))
    assert lines[0] == (
        "config/tiers/uat.yaml: airflow.name: tier 'uat' makes the S3 bucket name 'helix-flow', "
        "which tier 'qa' also makes (S3 bucket names are global); name the tier in "
        "naming.cloud_pattern (e.g. '{name}-{tier}') or set a name per tier"
    )
    # The environment name clashes too, made by the same field: one mistake, one line.
    assert len(lines) == 1


def test_an_own_bucket_leaves_the_environment_name_clash(helix):
    edit_yaml(helix / "config/tiers/uat.yaml", _mwaa_on_uat)
    edit_yaml(
        helix / "config/tiers/uat.yaml", lambda d: d["airflow"].update(bucket="helix-uat-dags")
    )
    edit_yaml(helix / "config/platform.yaml", lambda d: d["naming"].update(cloud_pattern="{name}"))
    lines = bad_input_lines(validate(helix))
    assert len(lines) == 1
    assert lines[0].startswith(
        "config/tiers/uat.yaml: airflow.name: tier 'uat' makes the MWAA environment name "
        "'helix-flow', which tier 'qa' also makes"
    )


def test_one_environment_name_in_two_regions_still_clashes_on_its_iam_role(helix):
    # MWAA names are per region, IAM role names per account: us-west-2 does not help.
    def mwaa_elsewhere(data: dict) -> None:
        _mwaa_on_uat(data)
        data["airflow"].update(region="us-west-2", bucket="helix-uat-dags")

    edit_yaml(helix / "config/tiers/uat.yaml", mwaa_elsewhere)
    edit_yaml(helix / "config/platform.yaml", lambda d: d["naming"].update(cloud_pattern="{name}"))
    assert bad_input_lines(validate(helix)) == [
        "config/tiers/uat.yaml: airflow.name: tier 'uat' makes the MWAA execution role name "
        "'helix-flow-execution', which tier 'qa' also makes (IAM role names of one AWS account, "
        "in every region); name the tier in naming.cloud_pattern (e.g. '{name}-{tier}') or set "
        "a name per tier"
    ]


def test_two_tiers_in_one_snowflake_account_may_not_share_names(helix):
    edit_yaml(
        helix / "config/tiers/uat.yaml",
        lambda d: d["snowflake"].update(
            connection={"organization_name": "HELIX", "account_name": "HELIX_PROD"}
        ),
    )
    lines = bad_input_lines(validate(helix))
    assert (
        "config/tiers/prod.yaml: snowflake.databases.LANDING: tier 'prod' makes the database "
        "name 'LANDING', which tier 'uat' also makes (Snowflake account HELIX.HELIX_PROD)"
    ) in "\n".join(lines)


# --- validation that used to pass -----------------------------------------------------


def _job(**tasks) -> dict:
    return {
        "cluster": {"policy": "BATCH", "node_type": "m5d.large", "workers": 1},
        "tasks": tasks,
    }


def _set_job(job: dict):
    return lambda d: d["databricks"]["jobs"].update(COMPACT=job)


NOTEBOOK = {"notebook": "notebooks/compact"}
CASES = [
    pytest.param(
        "config/tiers/prod.yaml",
        _set_job(_job(A={**NOTEBOOK, "depends_on": ["B"]}, B={**NOTEBOOK, "depends_on": ["A"]})),
        "config/tiers/prod.yaml: databricks.jobs.COMPACT.tasks.A.depends_on: tasks depend on "
        "each other in a cycle: A → B → A",
        id="task-cycle",
    ),
    pytest.param(
        "config/tiers/prod.yaml",
        _set_job(_job(RUN={**NOTEBOOK, "depends_on": ["RUN"]})),
        "config/tiers/prod.yaml: databricks.jobs.COMPACT.tasks.RUN.depends_on.0: task 'RUN' "
        "depends on itself",
        id="task-self-dependency",
    ),
    pytest.param(
        "config/tiers/prod.yaml",
        _set_job({**_job(RUN=NOTEBOOK), "schedule": {"cron": "0 3 * * *"}}),
        "config/tiers/prod.yaml: databricks.jobs.COMPACT.schedule.cron: '0 3 * * *' is a 5-field "
        "Unix cron; Databricks takes a Quartz cron",
        id="unix-cron",
    ),
    pytest.param(
        "config/tiers/prod.yaml",
        _set_job({**_job(RUN=NOTEBOOK), "schedule": {"cron": "0 0 3 * * *"}}),
        "config/tiers/prod.yaml: databricks.jobs.COMPACT.schedule.cron: '0 0 3 * * *': Quartz "
        "needs '?' in exactly one of day-of-month",
        id="quartz-without-question-mark",
    ),
    pytest.param(
        "config/tiers/prod.yaml",
        _set_job(
            {**_job(RUN=NOTEBOOK), "schedule": {"cron": "0 0 3 * * ?", "timezone": "Mars/Olympus"}}
        ),
        "config/tiers/prod.yaml: databricks.jobs.COMPACT.schedule.timezone: 'Mars/Olympus' is "
        "not a time zone ID",
        id="invalid-time-zone",
    ),
    pytest.param(
        "config/tiers/dev.yaml",
        lambda d: d.update(developers=[{"name": "carol"}]),
        "config/tiers/dev.yaml: developers.0: developer 'carol' names no snowflake_user and no "
        "databricks_user",
        id="developer-without-user",
    ),
]


@pytest.mark.parametrize(("file", "edit", "expected"), CASES)
def test_mistakes_that_used_to_pass_validation(helix, file, edit, expected):
    edit_yaml(helix / file, edit)
    lines = bad_input_lines(validate(helix))
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected), lines


def test_an_empty_dag_folder_is_refused(helix):
    for dag in (helix / "dags").glob("*.py"):
        dag.unlink()
    lines = bad_input_lines(validate(helix))
    assert lines == [
        "config/platform.yaml: release.dags.folder: folder 'dags' holds no DAG file (*.py); add "
        "the DAGs or remove release.dags"
    ]


# --- a project in a monorepo subfolder --------------------------------------------------


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A git repository holding helix in its subfolder `helix/`."""
    repo = tmp_path / "mono"
    repo.mkdir()
    shutil.copytree(HELIX_ROOT, repo / "helix")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_subfolder_project_writes_git_root_paths_into_git_source(monorepo, tmp_path):
    edit_yaml(
        monorepo / "helix/config/tiers/prod.yaml",
        lambda d: d["snowflake"]["resource_monitor"].update(name="CREDITS"),
    )
    outdir = tmp_path / "out"
    result = run_synth_in_process(
        monorepo / "helix/config", outdir, cwd=monorepo, TIERFORM_TIERS="qa"
    )
    assert result.returncode == 0, result.stderr
    stack = stack_json(outdir, "qa")
    text = str(stack["resource"]["databricks_job"])
    # The notebook is checked in helix/notebooks and run from the git root: helix/notebooks.
    assert "'helix/notebooks/compact'" in text, text
    assert "'notebooks/compact'" not in text
    monitors = stack["resource"]["snowflake_resource_monitor"]
    assert [m["name"] for m in monitors.values()] == ["CREDITS"]


def test_subfolder_setting_must_match_the_checkout(monorepo):
    edit_yaml(
        monorepo / "helix/config/platform.yaml",
        lambda d: d.update(repository={"subfolder": "platform"}),
    )
    lines = bad_input_lines(
        run_tierform_in_process("validate", "--config", "helix/config", cwd=monorepo)
    )
    assert len(lines) == 1
    assert lines[0].startswith(
        "helix/config/platform.yaml: repository.subfolder: 'platform' does not match the "
        "checkout: the project folder (the config folder's parent) is 'helix'"
    )


def test_subfolder_setting_places_a_checkout_without_git(helix):
    from tierform.config import load_platform

    edit_yaml(helix / "config/platform.yaml", lambda d: d.update(repository={"subfolder": "helix"}))
    platform = load_platform(helix / "config")
    assert platform.repository_subfolder == "helix"
    assert platform.tiers["qa"].databricks.git.subfolder == "helix"


def test_job_paths_cannot_be_placed_per_tier(helix):
    edit_yaml(
        helix / "config/tiers/qa.yaml", lambda d: d["databricks"]["git"].update(subfolder="x")
    )
    lines = bad_input_lines(validate(helix))
    assert lines == [
        "config/tiers/qa.yaml: databricks.git.subfolder: set once for the platform, as "
        "`repository.subfolder` in platform.yaml"
    ]


# --- what a stack or a hint names ------------------------------------------------------


def test_shared_catalog_sandbox_schema_is_tier_and_developer(helix):
    from tierform.config import load_platform
    from tierform.config.databricks_naming import sandbox_schema_name

    def dev_with_databricks(d):
        # qa's shared catalog, in a workspace of dev's own (one workspace would make both
        # tiers' cluster policies `batch`: refused, see shared_names.py).
        d["databricks"] = {
            "workspace": {"host": "https://helix-dev.cloud.databricks.com", "id": 7000000000000003}
        }
        d["developers"] = [
            {
                "name": "carol",
                "snowflake_user": "CAROL@HELIX.EXAMPLE",
                "databricks_user": "carol@helix.example",
            }
        ]

    edit_yaml(helix / "config/tiers/dev.yaml", dev_with_databricks)
    dev = load_platform(helix / "config").tiers["dev"]
    assert dev.databricks.catalog.layout == "shared"
    assert sandbox_schema_name(dev, "carol") == "dev_carol"


def test_status_hints_name_no_table_of_the_example():
    from tierform.release.status import how_to_look

    status = {"dbt": {"duckdb_file": ".tierform/duckdb/local.duckdb"}, "dags": None}
    text = "\n".join(how_to_look(status))
    assert "information_schema.tables" in text
    assert "dim_customers" not in text and "marts" not in text


def test_status_hints_point_at_make_airflow_for_the_ui():
    from tierform.release.status import how_to_look

    status = {
        "tier": "sandbox",
        "dbt": None,
        "dags": {
            "target": {"kind": "local", "location": ".tierform/dags/sandbox"},
            "active": {"dag_ids": ["daily"]},
        },
    }
    text = "\n".join(how_to_look(status))
    assert "make airflow TIER=sandbox" in text
    assert "airflow dags test daily" in text and "standalone" not in text
    # One Airflow home for the tier: the one `make airflow` runs with.
    assert "export AIRFLOW_HOME=$PWD/.tierform/airflow/sandbox/home " in text


def test_protected_data_stores_are_one_list_for_guardrail_plan_guard_and_gate():
    """checkov's check module cannot be imported here (another virtualenv): read the
    RESOURCES line it evaluates, and the catalog entry the gate reports."""
    from tierform.policy.catalog import BY_ID
    from tierform.policy.checkov_checks.tierform_data_stores import PROTECTED_DATA_STORES
    from tierform.policy.plan_guard import PROTECTED_TYPES
    from tierform.stacks.guardrails import DATA_STORE_TYPES

    source = (REPO / "tierform/policy/checkov_checks/tierform_snowflake.py").read_text()
    assert "RESOURCES = tuple(PROTECTED_DATA_STORES)" in source
    assert set(BY_ID["CKV_TF_SF_004"].resources) == set(PROTECTED_DATA_STORES)
    assert set(PROTECTED_TYPES) == DATA_STORE_TYPES == set(PROTECTED_DATA_STORES)
    assert {"databricks_catalog", "aws_s3_bucket"} <= DATA_STORE_TYPES


def test_no_command_leaks_a_traceback_on_a_binary_config(helix):
    (helix / "config/tiers/qa.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run_synth_in_process(Path("config"), helix / "out", cwd=helix)  # main.py's main()
    lines = bad_input_lines(result)
    assert len(lines) == 1 and lines[0].startswith("config/tiers/qa.yaml: line 1, column 1")


def test_an_inherited_value_that_breaks_only_a_child_names_that_tier(helix):
    # qa narrows the policy; prod.yaml's job (fine in prod) no longer fits it in qa.
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d["databricks"].update(
            cluster_policies={"BATCH": {"node_types": ["m5d.xlarge"], "max_workers": 2}}
        ),
    )
    lines = bad_input_lines(validate(helix))
    assert lines == [
        "config/tiers/prod.yaml: databricks.jobs.COMPACT.cluster.node_type: 'm5d.large' is not "
        "allowed by policy 'BATCH' (allowed: m5d.xlarge) (breaks tier qa, which inherits it)"
    ]


# --- HCP Terraform backend and Google labels: refused at load, not by the service ----------


def _prod_backend(**values):
    return lambda d: d["backend"].update(values)


def test_hcp_hostname_given_as_a_url_is_refused(helix):
    # It also names the token variable (TF_TOKEN_<host>): a URL would make no valid name.
    edit_yaml(helix / "config/tiers/prod.yaml", _prod_backend(hostname="https://app.terraform.io"))
    assert bad_input_lines(validate(helix)) == [
        "config/tiers/prod.yaml: backend.hostname: 'https://app.terraform.io' is not a host "
        "name (e.g. app.terraform.io or tfe.example.com: no scheme, path or port, lower case)"
    ]


def test_hcp_organization_and_prefix_must_be_hcp_names(helix):
    edit_yaml(
        helix / "config/tiers/prod.yaml",
        _prod_backend(organization="helix data", workspace_prefix="helix/"),
    )
    assert bad_input_lines(validate(helix)) == [
        "config/tiers/prod.yaml: backend.organization: 'helix data': up to 60 letters, digits, "
        "'-' and '_' (HCP Terraform names)",
        "config/tiers/prod.yaml: backend.workspace_prefix: 'helix/': up to 60 letters, digits, "
        "'-' and '_' (HCP Terraform names)",
    ]


def test_composer_labels_follow_google_label_rules(helix):
    edit_yaml(
        helix / "config/tiers/prod.yaml", lambda d: d["airflow"].update(labels={"Team": "data"})
    )
    assert bad_input_lines(validate(helix)) == [
        "config/tiers/prod.yaml: airflow.labels: label key 'Team': 1-63 lower-case letters, "
        "digits, '_' and '-', starting with a letter"
    ]
    edit_yaml(
        helix / "config/tiers/prod.yaml",
        lambda d: d["airflow"].update(labels={"team": "Data Platform"}),
    )
    assert bad_input_lines(validate(helix)) == [
        "config/tiers/prod.yaml: airflow.labels: label team: value 'Data Platform': up to 63 "
        "lower-case letters, digits, '_' and '-'"
    ]


def test_a_duplicate_key_in_profiles_yml_is_reported_against_profiles_yml(helix):
    profiles = helix / "dbt" / "profiles" / "profiles.yml"
    lines = profiles.read_text().splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip().startswith("type:"))
    lines.insert(target + 1, lines[target])  # the same `type:` key twice in one target
    profiles.write_text("\n".join(lines) + "\n")
    [line] = bad_input_lines(validate(helix))
    assert line == f"dbt/profiles/profiles.yml: line {target + 2}: duplicate key 'type'", line


def test_a_catalog_clash_across_workspaces_says_what_fixes_it(helix):
    # qa extends prod with its own workspace; a per-tier catalog under helix's "{name}"
    # pattern is HELIX in both, and a catalog name is unique per metastore, which the two
    # workspaces may share: "own workspaces" is not the fix to suggest.
    edit_yaml(
        helix / "config/tiers/prod.yaml",
        lambda d: d["databricks"]["catalog"].update(layout="per_tier"),
    )
    text = "\n".join(bad_input_lines(validate(helix)))
    line = next(x for x in text.splitlines() if "makes the catalog name" in x)
    assert "(Unity Catalog metastore (workspaces may share one))" in line, line
    assert line.endswith(
        "name the tier in naming.pattern, set catalog.name per tier, or use catalog.layout: "
        "shared (one catalog, a schema per tier)"
    ), line


def test_a_required_tier_with_its_ledger_in_the_checkout_is_refused(helix):
    # promotion-check of uat reads qa's deployments from qa's ledger on a fresh CI runner;
    # a relative local store is not there, so uat could never be promoted.
    edit_yaml(
        helix / "config/platform.yaml",
        lambda d: d["promotion"]["tiers"]["uat"].update(requires=["qa"]),
    )
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d.setdefault("release", {}).update(store={"type": "local"}),
    )
    [line] = bad_input_lines(validate(helix))
    assert line.startswith(
        "config/platform.yaml: promotion.tiers.uat.requires.0: tier 'qa' keeps its release "
        "ledger in the checkout ('.tierform/ledger', a local store)"
    ), line
    # An absolute folder (shared by the runners) is what a local store may be here.
    edit_yaml(
        helix / "config/tiers/qa.yaml",
        lambda d: d["release"]["store"].update(directory="/srv/tierform/ledger"),
    )
    assert validate(helix).returncode == 0


def test_a_tier_ci_deploys_with_its_state_in_the_checkout_is_refused(helix):
    # qa is deployed on pushes to main; a fresh runner has no .tierform/state, so every
    # deploy would plan to create everything again (and fail on what exists).
    edit_yaml(helix / "config/tiers/qa.yaml", lambda d: d.update(backend={"type": "local"}))
    [line] = bad_input_lines(validate(helix))
    assert line.startswith(
        "config/tiers/qa.yaml: backend: tier 'qa' is deployed by CI (promotion.tiers.qa) but "
        "keeps its Terraform state in the checkout ('.tierform/state', backend type local)"
    ), line
    # helix's laptop tier `local` has no promotion rule: its local state is what it is for.
    edit_yaml(helix / "config/platform.yaml", lambda d: d["promotion"]["tiers"].pop("qa"))
    assert validate(helix).returncode == 0
