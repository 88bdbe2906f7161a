"""Generated platforms for the benchmarks (imported by scripts/bench_*.py).

Three tiers (dev extends staging extends prod) sharing one Snowflake account: D databases
holding S schemas per tier, R functional roles with grants on 4 databases each, 5
warehouses, 5 service users; and a Databricks workspace per tier (S/5 schemas with grants,
5 policies and SQL warehouses, 20 jobs). D and R grow with S, so every kind of block grows,
not only the schemas. Instances per tier ≈ 1.4·S + 24·D + 6·R + 70.
"""

from __future__ import annotations

from pathlib import Path

import yaml

# Label → schemas per tier, sized for about that many resource instances in all 3 tiers.
SIZES = {"1k": 120, "5k": 1_000, "15k": 3_000, "50k": 11_000}


def shape(schemas_per_tier: int) -> tuple[int, int]:
    """(databases, roles) for a platform of this many schemas per tier."""
    databases = max(2, min(50, schemas_per_tier // 100))
    roles = max(4, min(40, schemas_per_tier // 50))
    return databases, roles


def generate_config(target: Path, schemas_per_tier: int) -> None:
    """Write a platform configuration folder (platform.yaml + tiers/) at `target`; the
    notebook the Databricks jobs run goes beside it (validation looks for it)."""
    (target / "tiers").mkdir(parents=True)
    (target / "platform.yaml").write_text(
        yaml.safe_dump({"name": "large", "tiers": ["dev", "staging", "prod"]})
    )
    dbs, role_count = shape(schemas_per_tier)
    per_db = max(1, schemas_per_tier // dbs)
    databases = {
        f"DB{d:02d}": {
            "schemas": [f"S{s:05d}" for s in range(per_db)],
            "data_retention_time_in_days": 1,
        }
        for d in range(dbs)
    }
    warehouses = {f"WH{w}": {"size": "XSMALL"} for w in range(5)}
    roles = {
        f"ROLE{r:02d}": {
            "databases": {f"DB{(r + i) % dbs:02d}": ["RO", "RW", "OWNER"][i % 3] for i in range(4)},
            "warehouses": [f"WH{r % 5}"],
        }
        for r in range(role_count)
    }
    users = {f"SVC{u}": {"role": f"ROLE{u % role_count:02d}", "warehouse": "WH0"} for u in range(5)}
    prod = {
        "kind": "prod",
        "snowflake": {
            "connection": {"organization_name": "ORG", "account_name": "ACCT"},
            "databases": databases,
            "warehouses": warehouses,
            "resource_monitor": {"credit_quota": 100},
            "roles": roles,
            "service_users": users,
        },
        "databricks": databricks(target.parent, schemas=max(1, schemas_per_tier // 5), jobs=20),
    }
    (target / "tiers" / "prod.yaml").write_text(yaml.safe_dump(prod))
    (target / "tiers" / "staging.yaml").write_text(
        yaml.safe_dump({"kind": "staging", "extends": "prod"})
    )
    (target / "tiers" / "dev.yaml").write_text(
        yaml.safe_dump({"kind": "dev", "extends": "staging"})
    )


def databricks(repo: Path, *, schemas: int, jobs: int) -> dict:
    """A catalog of `schemas` schemas with grants, 5 policies and warehouses, `jobs` jobs of
    3 notebook tasks each. The notebook is written under `repo` (config/'s parent)."""
    (repo / "notebooks").mkdir(parents=True, exist_ok=True)
    (repo / "notebooks" / "task.py").write_text("# Databricks notebook source\n")
    groups = [f"group-{g}" for g in range(5)]
    return {
        "workspace": {"host": "https://bench.cloud.databricks.com"},
        "git": {"url": "https://example.com/repo.git", "provider": "gitHub", "tag": "v1.0.0"},
        "groups": groups,
        "service_principal": {"name": "DEPLOYER"},
        "catalog": {
            "name": "LAKE",
            "access": {"group-0": "OWNER", "DEPLOYER": "OWNER"},
            "schemas": {
                f"S{s:05d}": {"access": {groups[1 + s % 4]: ["RO", "RW"][s % 2]}}
                for s in range(schemas)
            },
        },
        "cluster_policies": {
            f"P{p}": {"node_types": ["m5d.large"], "max_workers": 4, "access": groups[:2]}
            for p in range(5)
        },
        "sql_warehouses": {f"W{w}": {"access": {"group-1": "CAN_USE"}} for w in range(5)},
        "jobs": {
            f"J{j:03d}": {
                "cluster": {"policy": f"P{j % 5}", "node_type": "m5d.large"},
                "tasks": {f"T{t}": {"notebook": "notebooks/task"} for t in range(3)},
            }
            for j in range(jobs)
        },
    }


def generate_plan(path: Path, changes: int) -> None:
    """`terraform show -json` shaped plan with `changes` resource changes: 1% destroys or
    replaces, 10% in-place updates, the rest creates, over schemas and grants."""
    import json

    rows = []
    for i in range(changes):
        rtype = "snowflake_schema" if i % 3 else "snowflake_grant_privileges_to_database_role"
        key = f"DB{i % 50:02d}.S{i:06d}"
        after = {"name": f"S{i:06d}", "database": f"DB{i % 50:02d}", "comment": None}
        if i % 100 == 7:
            actions, before = ["delete"], {**after, "comment": "old"}
            after = None
        elif i % 100 == 57:
            actions, before = ["delete", "create"], {**after, "database": "OLD"}
        elif i % 10 == 3:
            actions, before = ["update"], {**after, "comment": "before"}
        else:
            actions, before = ["create"], None
        change = {"actions": actions, "before": before, "after": after, "after_unknown": {}}
        if actions == ["delete", "create"]:
            change["replace_paths"] = [["database"]]
        rows.append(
            {"address": f'{rtype}.this["{key}"]', "mode": "managed", "type": rtype,
             "name": "this", "index": key, "change": change}
        )  # fmt: skip
    plan = {"format_version": "1.2", "terraform_version": "1.11.4", "planned_values": {},
            "resource_changes": rows}  # fmt: skip
    path.write_text(json.dumps(plan), encoding="utf-8")
