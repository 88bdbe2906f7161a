"""`python -m tierform …` / `tierform …`: the project's commands, each a thin layer over a
module that does one thing. Commands register here with one line each."""

from __future__ import annotations

from pathlib import Path

import typer

from tierform.ci.command import app as ci_app
from tierform.cli_options import ConfigOption
from tierform.command_io import load_or_exit
from tierform.dags.command import dag_check_command
from tierform.gitops.apply_plan import apply_plan_command
from tierform.gitops.apply_tier import apply_command
from tierform.gitops.approval_check import approval_check_command
from tierform.gitops.diff_tier import diff_command
from tierform.gitops.drift import drift_command
from tierform.gitops.github import comment_command, issue_command
from tierform.gitops.inputs import inputs_command
from tierform.gitops.plan_summary import plan_summary
from tierform.gitops.plan_tier import plan_command
from tierform.gitops.promotion import promotion_command
from tierform.gitops.promotion_check import promotion_check_command
from tierform.gitops.record_deployed import record_deployed_command
from tierform.gitops.sandbox_check import sandbox_stack_command
from tierform.gitops.tfcheck import tfcheck_command
from tierform.gitops.tier_environment import environment_command
from tierform.local_airflow.command import app as airflow_app
from tierform.policy.command import policy
from tierform.release.cli import app as release_app

app = typer.Typer(
    name="tierform",
    help="A data platform as code, promoted tier by tier.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def validate(config: ConfigOption = Path("config")) -> None:
    """Validate config/ without synthesizing (exit 2 with every problem found)."""
    platform = load_or_exit(config)
    print(f"{config}: valid — stacks: {', '.join(platform.stack_names)}")


@app.command()
def tiers(config: ConfigOption = Path("config")) -> None:
    """List the tiers in promotion order, with kind and protection."""
    platform = load_or_exit(config)
    for tier in platform.tiers.values():
        flags = " (protected)" if tier.is_protected else ""
        print(f"{tier.name}\t{tier.kind}{flags}")


# GitOps (issue 7): every step the workflows run is one of these commands.
app.command("plan-summary")(plan_summary)
app.command("promotion")(promotion_command)
app.command("promotion-check")(promotion_check_command)
app.command("approval-check")(approval_check_command)
app.command("plan")(plan_command)
app.command("apply-plan")(apply_plan_command)
app.command("diff")(diff_command)
app.command("apply")(apply_command)
app.command("drift")(drift_command)
app.command("pr-comment")(comment_command)
app.command("issue")(issue_command)
app.command("tfcheck")(tfcheck_command)
app.command("dag-check")(dag_check_command)  # issue 12: the DAG checks alone
app.command("inputs")(inputs_command)
app.command("sandbox-stack")(sandbox_stack_command)
app.command("environment")(environment_command)
app.command("record-deployed")(record_deployed_command)
app.command()(policy)
app.add_typer(release_app, name="release", help="Release steps: dbt build, DAG publish, status.")
app.add_typer(
    ci_app, name="ci", help="Data CI of a pull request: lint, DAG checks, slim dbt build."
)
app.add_typer(airflow_app, name="airflow", help="A real Airflow on this machine for a local tier.")


def main() -> None:
    from tierform.guard import run_guarded

    run_guarded(app, "tierform")
