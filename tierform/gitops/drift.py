"""`tierform drift --tier T`: has anything changed the tier behind Terraform's back?

Runs `terraform plan -detailed-exitcode` (refresh included) and writes a Markdown report:
the objects changed outside Terraform (`resource_drift`) and what an apply would do now.
What an apply would do is drift only if the checkout is the commit the tier last deployed
(from its release ledger); on a newer commit those changes are merged but not yet promoted:
"pending", reported as such and not as drift.
Exit 0: in sync or only pending changes; 2: drift (report written); 1: terraform failed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tierform.config.errors import CONFIG_VARIABLE
from tierform.gitops import terraform
from tierform.gitops.markdown import code
from tierform.gitops.plan_model import Plan, parse_plan
from tierform.gitops.terraform import DEFAULT_OUTDIR, TerraformError

EXIT_DRIFT = 2


def marker(tier: str) -> str:
    """Identifies the tier's drift issue, so the next night updates it instead of adding one."""
    return f"<!-- tierform:drift:{tier} -->"


def detect(stack: str, *, outdir: Path = DEFAULT_OUTDIR) -> Plan | None:
    """The drift plan, or None when the tier matches its configuration."""
    folder = terraform.stack_dir(stack, outdir)
    terraform.init(folder)
    with tempfile.TemporaryDirectory(prefix="tierform-drift-") as tmp:
        plan_file = Path(tmp) / "drift.tfplan"
        result = terraform.run(
            folder, "plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode",
            f"-out={plan_file}",
        )  # fmt: skip
        if result.returncode == 0:
            return None
        if result.returncode != 2:
            raise TerraformError(
                f"terraform plan failed for {stack!r}:\n{result.output.strip()[-3000:]}"
            )
        import json

        return parse_plan(json.loads(terraform.show_json(folder, plan_file)), f"{stack} plan")


def deployed_commit(config: Path, tier: str) -> str | None:
    """The commit the tier last deployed successfully, from its ledger (None: unknown)."""
    from tierform.config import ConfigError, load_platform
    from tierform.ledger import LedgerError, deployments, tier_ledger

    try:
        platform = load_platform(config)
        if tier not in platform.tiers:
            return None  # a sandbox stack: no ledger of its own
        entry = deployments.last_success(tier_ledger(platform, platform.tiers[tier]))
    except (ConfigError, LedgerError) as exc:
        print(f"tierform drift: {tier}: deployed commit unknown ({exc})", file=sys.stderr)
        return None
    return entry["commit"] if entry else None


def checked_out_commit() -> str | None:
    import os
    import subprocess

    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    result = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def report(
    stack: str, plan: Plan, *, run_url: str | None = None, pending_since: str | None = None
) -> str:
    """`pending_since`: the deployed commit, when the checkout is newer (changes are pending)."""
    lines = [marker(stack), f"## Drift in tier `{stack}`", ""]
    lines.append(
        "`terraform plan -detailed-exitcode` found differences between the tier and its "
        "configuration on the default branch."
    )
    if run_url:
        lines.append(f"Found by [this run]({run_url}).")
    lines.append("")
    if plan.drift:
        lines += [f"**Changed outside Terraform ({len(plan.drift)}):**", ""]
        lines += [f"- {code(r.address)} ({r.action})" for r in plan.drift]
        lines.append("")
    pending = [c for c in plan.changes if c.action in ("add", "change", "destroy", "replace")]
    if pending and pending_since:
        lines += [
            f"**Pending, not drift ({len(pending)}):** merged since the deployed commit "
            f"{code(pending_since[:12])}, waiting for the next promotion:",
            "",
        ]
    elif pending:
        lines += [f"**What the next apply would do ({len(pending)}):**", ""]
        lines += [f"- {r.action}: {code(r.address)}" for r in pending]
        lines.append("")
    lines += [
        "Either re-apply the configuration (`make deploy TIER=" + stack + "`) to undo the "
        "manual change, or change config/ to adopt it. This issue is updated every night "
        "while the drift lasts.",
        "",
    ]
    return "\n".join(lines)


def drift_command(
    tier: Annotated[str, typer.Option("--tier", help="tier (or sandbox stack) to check")],
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="write the Markdown report here (default: stdout)"),
    ] = None,
    outdir: Annotated[Path, typer.Option("--outdir", help="cdktf output folder")] = DEFAULT_OUTDIR,
    run_url: Annotated[
        str | None, typer.Option("--run-url", help="link to the CI run, for the report")
    ] = None,
    config: Annotated[
        Path,
        typer.Option(
            "--config",
            envvar=CONFIG_VARIABLE,
            help="configuration folder (finds the tier's ledger)",
        ),
    ] = Path("config"),
) -> None:
    """Detect drift of one tier: exit 0 in sync (or only pending changes), 2 drifted
    (report written), 1 error."""
    try:
        plan = detect(tier, outdir=outdir)
    except TerraformError as exc:
        print(f"tierform drift: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    if plan is None:
        if report_file is not None:
            report_file.unlink(missing_ok=True)  # a report from an earlier run is no longer true
        print(f"tierform drift: {tier}: no drift", file=sys.stderr)
        return
    deployed, head = deployed_commit(config, tier), checked_out_commit()
    pending_since = deployed if deployed and head and deployed != head else None
    if pending_since and not plan.drift:
        if report_file is not None:
            report_file.unlink(missing_ok=True)
        print(
            f"tierform drift: {tier}: no drift; "
            f"{sum(c.action != 'no-op' for c in plan.changes)} change(s) pending since the "
            f"deployed commit {deployed[:12]} (checked out {head[:12]})",
            file=sys.stderr,
        )
        return
    text = report(tier, plan, run_url=run_url, pending_since=pending_since)
    if report_file is None:
        sys.stdout.write(text)
    else:
        report_file.parent.mkdir(parents=True, exist_ok=True)
        report_file.write_text(text, encoding="utf-8")
    print(
        f"tierform drift: {tier}: DRIFT ({len(plan.drift)} changed outside Terraform)",
        file=sys.stderr,
    )
    raise typer.Exit(EXIT_DRIFT)
