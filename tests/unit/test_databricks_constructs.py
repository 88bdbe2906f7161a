"""Databricks constructs, synthesized for real with cdktf.Testing.

No Databricks workspace is reachable here, and there is no Databricks provider binary on
this machine (no registry access, nothing in the filesystem mirror), so `terraform validate`
cannot run on these resources. Attribute names are covered by the provider's typed bindings
(the constructs use its classes; the dynamic blocks check their fields against the struct
classes) and the values by the subset assertions below.
"""

from __future__ import annotations

import json
from collections import Counter

import cdktf
import pytest
from support import EXAMPLE_CONFIG, copy_config, edit_yaml, stack_synth

from tierform.config import load_platform
from tierform.stacks.sandbox_stack import SandboxStack
from tierform.stacks.tier_stack import TierStack


@pytest.fixture(scope="module")
def platform():
    return load_platform(EXAMPLE_CONFIG)


@pytest.fixture(scope="module")
def synthesized(platform):
    """Every tier and sandbox stack of the example (support.stack_synth: once per process)."""
    return {name: json.loads(stack_synth(EXAMPLE_CONFIG, name)) for name in platform.stack_names}


def res(stack: dict, rtype: str, name: str) -> dict:
    return stack["resource"][rtype][name]


def synth_tier(config, tier: str) -> dict:
    platform = load_platform(config)
    stack = TierStack(cdktf.App(stack_traces=False), platform.tier(tier))
    return json.loads(cdktf.Testing.synth(stack))


# --- workspace connection ---------------------------------------------------------------


def test_provider_has_host_from_config_and_no_credentials(synthesized):
    for tier, host in (("prod", "northwind-prod"), ("dev", "northwind-dev")):
        (provider,) = synthesized[tier]["provider"]["databricks"]
        assert provider == {"host": f"https://{host}.cloud.databricks.com"}


def test_local_tier_has_no_databricks(synthesized):
    assert not any(k.startswith("databricks") for k in synthesized["local"].get("resource", {}))


# --- Unity Catalog ----------------------------------------------------------------------


def test_catalog_per_tier_named_by_the_naming_rule(synthesized):
    for tier in ("dev", "staging", "prod"):
        assert res(synthesized[tier], "databricks_catalog", "catalog")["name"] == (
            f"northwind_{tier}"
        )
    schemas = res(synthesized["prod"], "databricks_schema", "schemas")
    assert schemas["for_each"]["GOLD"] == {
        "name": "gold",
        "comment": "Tables the business reads",
    }
    assert set(schemas["for_each"]) == {"BRONZE", "SILVER", "GOLD"}
    assert schemas["catalog_name"] == "${databricks_catalog.catalog.name}"


def test_prevent_destroy_on_prod_catalog_and_schemas_only(synthesized):
    for rtype, name in (("databricks_catalog", "catalog"), ("databricks_schema", "schemas")):
        assert res(synthesized["prod"], rtype, name)["lifecycle"] == {"prevent_destroy": True}
        for tier in ("dev", "staging"):
            assert "lifecycle" not in res(synthesized[tier], rtype, name)


def test_prod_catalog_bound_to_prod_workspace(synthesized):
    prod = synthesized["prod"]
    assert res(prod, "databricks_catalog", "catalog")["isolation_mode"] == "ISOLATED"
    binding = res(prod, "databricks_workspace_binding", "catalog")
    assert binding["workspace_id"] == 1234567890123456
    assert binding["securable_name"] == "${databricks_catalog.catalog.name}"
    assert "databricks_workspace_binding" not in synthesized["staging"]["resource"]
    assert res(synthesized["staging"], "databricks_catalog", "catalog")["isolation_mode"] == "OPEN"


def test_grants_mirror_access_levels(synthesized):
    catalog = res(synthesized["prod"], "databricks_grants", "catalog")
    grants = {g["principal"]: g["privileges"] for g in catalog["for_each"]["NORTHWIND"]["grants"]}
    assert "CREATE_SCHEMA" in grants["data-engineers"]
    assert "USE_CATALOG" in grants["${databricks_service_principal.tier.application_id}"]
    # analysts read GOLD only: USE_CATALOG on the catalog, the read set on the schema
    assert grants["analysts"] == ["USE_CATALOG"]
    gold = res(synthesized["prod"], "databricks_grants", "schemas")["for_each"]["GOLD"]
    assert gold == {
        "schema": "northwind_prod.gold",
        "grants": [
            {
                "principal": "analysts",
                "privileges": ["EXECUTE", "READ_VOLUME", "SELECT", "USE_SCHEMA"],
            }
        ],
    }
    assert catalog["dynamic"]["grant"]["for_each"] == "${each.value.grants}"
    assert catalog["dynamic"]["grant"]["iterator"] == "grant"
    assert "grant" not in catalog  # the placeholder block is gone


def _securables(stack: dict) -> list[str]:
    out = []
    for block in stack["resource"].get("databricks_grants", {}).values():
        for value in block["for_each"].values():
            out.append(value.get("catalog") or value["schema"])
    return out


def test_every_securable_has_exactly_one_grants_resource(synthesized):
    for tier in ("dev", "staging", "prod", "dev-alice"):
        securables = _securables(synthesized[tier])
        assert [s for s, n in Counter(securables).items() if n > 1] == []
    assert sorted(_securables(synthesized["prod"])) == ["northwind_prod", "northwind_prod.gold"]
    # one principal appears once per securable (merged privilege sets, no second block)
    catalog = res(synthesized["prod"], "databricks_grants", "catalog")["for_each"]["NORTHWIND"]
    principals = [g["principal"] for g in catalog["grants"]]
    assert len(principals) == len(set(principals))


def test_shared_catalog_layout_prefixes_schemas_and_manages_no_catalog(tmp_path):
    config = copy_config(tmp_path)

    def shared(data):
        catalog = data["databricks"]["catalog"]
        catalog.update(layout="shared", bind_to_workspace=False)
        del catalog["access"]
        catalog["schemas"]["SILVER"] = {"access": {"data-engineers": "RW"}}

    edit_yaml(config / "tiers" / "prod.yaml", shared)
    prod = synth_tier(config, "prod")
    assert "databricks_catalog" not in prod["resource"]
    schemas = res(prod, "databricks_schema", "schemas")
    assert schemas["catalog_name"] == "northwind"
    assert schemas["for_each"]["SILVER"]["name"] == "prod_silver"
    assert "catalog" not in prod["resource"]["databricks_grants"]
    assert sorted(_securables(prod)) == ["northwind.prod_gold", "northwind.prod_silver"]


# --- compute guardrails ----------------------------------------------------------------


def test_cluster_policy_enforces_tier_limits(synthesized):
    def definition(tier):
        policy = res(synthesized[tier], "databricks_cluster_policy", "policies")
        return json.loads(policy["for_each"]["JOBS"]["definition"])

    prod, dev = definition("prod"), definition("dev")
    assert prod["autotermination_minutes"]["maxValue"] == 30
    assert dev["autotermination_minutes"]["maxValue"] == 15
    assert prod["node_type_id"] == {
        "type": "allowlist",
        "values": ["m5d.large", "m5d.xlarge", "i3.xlarge"],
        "defaultValue": "m5d.large",
    }
    assert dev["node_type_id"]["values"] == ["m5d.large"]
    assert prod["autoscale.max_workers"]["maxValue"] == 8
    assert definition("staging")["num_workers"]["maxValue"] == 4
    assert prod["custom_tags.cost_center"] == {"type": "fixed", "value": "analytics"}
    assert prod["custom_tags.tier"] == {"type": "fixed", "value": "prod"}


def test_policy_and_warehouse_permissions_for_groups_and_service_principal(synthesized):
    prod = synthesized["prod"]
    sp = "${databricks_service_principal.tier.application_id}"
    policy = res(prod, "databricks_permissions", "cluster_policies")
    assert policy["for_each"]["JOBS"] == {
        "object_id": '${databricks_cluster_policy.policies["JOBS"].id}',
        "access": [
            {"group_name": "data-engineers", "permission_level": "CAN_USE"},
            {"service_principal_name": sp, "permission_level": "CAN_USE"},
        ],
    }
    assert policy["cluster_policy_id"] == "${each.value.object_id}"
    assert policy["dynamic"]["access_control"]["iterator"] == "acl"
    warehouse = res(prod, "databricks_permissions", "sql_warehouses")
    assert warehouse["sql_endpoint_id"] == "${each.value.object_id}"
    assert {"group_name": "analysts", "permission_level": "CAN_USE"} in warehouse["for_each"]["BI"][
        "access"
    ]


def test_sql_warehouse_sizes_and_auto_stop_per_tier(synthesized):
    def bi(tier):
        return res(synthesized[tier], "databricks_sql_endpoint", "warehouses")["for_each"]["BI"]

    assert bi("prod") == {
        "name": "bi_prod",
        "size": "Small",
        "min_clusters": 1,
        "max_clusters": 3,
        "auto_stop_mins": 15,
        "serverless": True,
    }
    assert (bi("staging")["size"], bi("staging")["max_clusters"]) == ("2X-Small", 1)
    assert bi("dev")["auto_stop_mins"] == 10
    endpoint = res(synthesized["prod"], "databricks_sql_endpoint", "warehouses")
    assert endpoint["cluster_size"] == "${each.value.size}"
    assert {"key": "tier", "value": "prod"} in endpoint["tags"]["custom_tags"]


# --- identities ------------------------------------------------------------------------


def test_service_principal_with_minimal_entitlements(synthesized):
    sp = res(synthesized["prod"], "databricks_service_principal", "tier")
    assert sp["display_name"] == "tierform_prod"
    assert sp["allow_cluster_create"] is False
    assert sp["allow_instance_pool_create"] is False
    assert sp["databricks_sql_access"] is True


def test_secret_scope_and_acls_without_secret_values(synthesized):
    prod = synthesized["prod"]
    assert res(prod, "databricks_secret_scope", "tier")["name"] == "northwind_prod"
    acls = res(prod, "databricks_secret_acl", "acls")
    assert acls["for_each"]["data-engineers"] == {
        "principal": "data-engineers",
        "permission": "MANAGE",
    }
    assert acls["scope"] == "${databricks_secret_scope.tier.name}"
    assert "databricks_secret" not in prod["resource"]


# --- jobs from Git ---------------------------------------------------------------------


def _job(stack: dict) -> tuple[dict, dict]:
    job = res(stack, "databricks_job", "jobs")
    return job, job["for_each"]["NIGHTLY"]


def test_git_ref_per_tier(synthesized):
    assert _job(synthesized["dev"])[0]["git_source"] == {
        "url": "https://github.com/northwind/data-platform",
        "provider": "gitHub",
        "branch": "develop",
    }
    # staging: `git: {follow: deployed}`, the commit CD deploys (the same variable as prod)
    assert _job(synthesized["staging"])[0]["git_source"]["commit"] == "${var.databricks_git_commit}"
    prod_git = _job(synthesized["prod"])[0]["git_source"]
    assert prod_git["commit"] == "${var.databricks_git_commit}"
    assert "branch" not in prod_git
    variable = synthesized["prod"]["variable"]["databricks_git_commit"]
    assert "regex" in variable["validation"][0]["condition"]
    assert "databricks_git_commit" in synthesized["staging"]["variable"]


def test_prod_tag_from_config(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "prod.yaml", lambda d: d["databricks"]["git"].update(tag="v1.4.0"))
    edit_yaml(config / "tiers" / "staging.yaml", lambda d: d["databricks"]["git"].update(tag=None))
    prod = synth_tier(config, "prod")
    assert _job(prod)[0]["git_source"]["tag"] == "v1.4.0"
    assert "databricks_git_commit" not in prod.get("variable", {})


def test_schedules_paused_except_prod_and_names_carry_the_tier(synthesized):
    for tier, status in (("dev", "PAUSED"), ("staging", "PAUSED"), ("prod", "UNPAUSED")):
        _, nightly = _job(synthesized[tier])
        assert nightly["schedule"][0]["pause_status"] == status
        assert nightly["name"] == f"[{tier}] NIGHTLY"


def test_paused_override_from_config(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "staging.yaml",
        lambda d: d["databricks"]["jobs"]["NIGHTLY"].update(paused=False),
    )
    assert _job(synth_tier(config, "staging"))[1]["schedule"][0]["pause_status"] == "UNPAUSED"


def test_job_runs_as_service_principal_on_a_policy_cluster(synthesized):
    job, nightly = _job(synthesized["prod"])
    assert job["run_as"] == {
        "service_principal_name": "${databricks_service_principal.tier.application_id}"
    }
    assert job["edit_mode"] == "UI_LOCKED"
    cluster = job["job_cluster"][0]["new_cluster"]
    assert cluster["policy_id"] == "${each.value.policy_id}"
    assert cluster["apply_policy_default_values"] is True
    assert nightly["policy_id"] == '${databricks_cluster_policy.policies["JOBS"].id}'
    assert (nightly["node_type"], nightly["workers"]) == ("m5d.xlarge", 4)
    assert (_job(synthesized["dev"])[1]["node_type"], _job(synthesized["dev"])[1]["workers"]) == (
        "m5d.large",
        1,
    )


def test_job_tasks_notebook_and_dbt_from_git(synthesized):
    job, nightly = _job(synthesized["prod"])
    ingest, build = nightly["tasks"][:2]  # then OPTIMIZE_GOLD (test_databricks_job_models.py)
    assert ingest["notebook"] == [
        {
            "path": "examples/databricks/notebooks/ingest_orders",
            "parameters": {
                "catalog": "northwind_prod",
                "schema": "bronze",
                "source_path": "/Volumes/landing/shop/orders",
            },
        }
    ]
    assert build["dbt"] == [
        {
            "project": "examples/dbt",
            "commands": ["dbt deps", "dbt build"],
            "warehouse_id": '${databricks_sql_endpoint.warehouses["BI"].id}',
            "catalog": "northwind_prod",
            "schema": "silver",
        }
    ]
    assert build["depends_on"] == ["INGEST_ORDERS"]
    assert build["libraries"] == ["dbt-databricks>=1.8,<2"]
    task = job["dynamic"]["task"]
    assert task["iterator"] == "task"
    nested = task["content"]["dynamic"]
    assert nested["notebook_task"]["content"]["source"] == "GIT"
    assert nested["dbt_task"]["content"]["source"] == "GIT"
    assert nested["depends_on"]["for_each"] == "${task.value.depends_on}"
    assert "task" not in job and "schedule" not in job  # placeholders removed


def test_dynamic_block_rejects_unknown_fields():
    from cdktf_cdktf_provider_databricks.job import JobTaskNotebookTask

    from tierform.constructs.databricks.dynamic import dynamic

    with pytest.raises(TypeError, match="notebook"):
        dynamic(JobTaskNotebookTask, for_each="x", iterator="nb", content={"notebook": "x"})


# --- sandboxes and the environment's attributes ----------------------------------------


def test_sandbox_schema_owned_by_developer(synthesized):
    alice = synthesized["dev-alice"]
    schema = res(alice, "databricks_schema", "sandbox")
    assert schema["catalog_name"] == "northwind_dev"
    assert schema["name"] == "dev_alice"
    assert schema["owner"] == "alice@northwind.example"
    assert alice["provider"]["databricks"] == [
        {"host": "https://northwind-dev.cloud.databricks.com"}
    ]
    # USE_CATALOG for the developer comes from the dev stack's (single) catalog grants
    catalog = res(synthesized["dev"], "databricks_grants", "catalog")["for_each"]["NORTHWIND"]
    assert {"principal": "alice@northwind.example", "privileges": ["USE_CATALOG"]} in catalog[
        "grants"
    ]
    assert "databricks_grants" not in alice["resource"]


def test_developer_without_databricks_user_gets_no_databricks_sandbox(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(config / "tiers" / "dev.yaml", lambda d: d["developers"][1].pop("databricks_user"))
    platform = load_platform(config)
    bob = SandboxStack(cdktf.App(stack_traces=False), platform.sandboxes[1])
    assert bob.databricks is None
    assert "databricks_schema" not in json.loads(cdktf.Testing.synth(bob))["resource"]


def test_environment_attributes(platform):
    stack = TierStack(cdktf.App(stack_traces=False), platform.tier("prod"))
    dbx = stack.databricks
    assert dbx.catalog_name == "northwind_prod"
    assert dbx.schema_names == {"BRONZE": "bronze", "SILVER": "silver", "GOLD": "gold"}
    assert dbx.service_principal.display_name == "tierform_prod"
    assert dbx.job_names == {"NIGHTLY": "[prod] NIGHTLY"}
    assert dbx.git_ref == ("variable", None)
    types = {r.terraform_resource_type for r in dbx.release_dependencies}
    assert {"databricks_catalog", "databricks_schema", "databricks_grants"} <= types
    assert "databricks_sql_endpoint" in types


def test_job_permissions_for_groups(synthesized):
    perms = res(synthesized["prod"], "databricks_permissions", "jobs")
    assert perms["job_id"] == "${each.value.object_id}"
    assert perms["for_each"]["NIGHTLY"] == {
        "object_id": '${databricks_job.jobs["NIGHTLY"].id}',
        "access": [
            {"group_name": "analysts", "permission_level": "CAN_VIEW"},
            {"group_name": "data-engineers", "permission_level": "CAN_MANAGE_RUN"},
        ],
    }


# --- constructs on their own, in a bare stack --------------------------------------------


def _bare_stack():
    from tierform.config.databricks import WorkspaceSpec
    from tierform.constructs.databricks.provider import databricks_provider

    stack = cdktf.TerraformStack(cdktf.App(stack_traces=False), "bare")
    return stack, databricks_provider(stack, WorkspaceSpec(host="https://x.cloud.databricks.com"))


def test_catalog_grants_merge_one_block_per_principal():
    from tierform.config.databricks import CatalogSpec
    from tierform.constructs.databricks.grants import CatalogGrants

    stack, provider = _bare_stack()
    spec = CatalogSpec.model_validate(
        {
            "name": "LAKE",
            "access": {"eng": "RO"},
            "schemas": {
                "A": {"access": {"eng": "RW", "bi": "RO"}},
                "B": {"access": {"bi": "RO"}},
                "C": {},
            },
        }
    )
    grants = CatalogGrants(
        stack,
        "grants",
        spec=spec,
        catalog_name="lake_dev",
        schema_names={"A": "a", "B": "b", "C": "c"},
        principal_ids={"eng": "eng", "bi": "bi"},
        catalog_users=["bi", "dev@example.com"],
        provider=provider,
        depends_on=[],
    )
    assert grants.securables == ["lake_dev", "lake_dev.a", "lake_dev.b"]
    data = json.loads(cdktf.Testing.synth(stack))["resource"]["databricks_grants"]
    catalog = data["catalog"]["for_each"]["LAKE"]["grants"]
    assert [g["principal"] for g in catalog] == ["bi", "dev@example.com", "eng"]
    assert catalog[0]["privileges"] == ["USE_CATALOG"]
    assert "SELECT" in catalog[2]["privileges"]
    assert set(data["schemas"]["for_each"]) == {"A", "B"}  # C has no access: not managed


def test_cluster_policies_and_warehouses_without_any_make_no_resources():
    from tierform.constructs.databricks.cluster_policies import ClusterPolicies
    from tierform.constructs.databricks.sql_warehouses import SqlWarehouses

    stack, provider = _bare_stack()
    common = {"physical_name": {}, "cost_tags": {}, "access": {}, "provider": provider}
    policies = ClusterPolicies(stack, "p", policies={}, tier="dev", depends_on=[], **common)
    warehouses = SqlWarehouses(stack, "w", warehouses={}, depends_on=[], **common)
    assert (policies.policies, policies.permissions) == (None, None)
    assert (warehouses.warehouses, warehouses.permissions) == (None, None)
    assert "resource" not in json.loads(cdktf.Testing.synth(stack))


def test_unity_catalog_shared_layout_creates_no_catalog():
    from tierform.config.databricks import CatalogSpec
    from tierform.constructs.databricks.catalog import UnityCatalog

    stack, provider = _bare_stack()
    uc = UnityCatalog(
        stack,
        "uc",
        spec=CatalogSpec.model_validate({"name": "LAKE", "layout": "shared", "schemas": ["A"]}),
        catalog_name="lake",
        schema_names={"A": "prod_a"},
        tier="prod",
        protected=True,
        workspace_id=None,
        provider=provider,
    )
    assert uc.catalog is None and uc.binding is None
    schema = json.loads(cdktf.Testing.synth(stack))["resource"]["databricks_schema"]["schemas"]
    assert schema["catalog_name"] == "lake"
    assert schema["lifecycle"] == {"prevent_destroy": True}
