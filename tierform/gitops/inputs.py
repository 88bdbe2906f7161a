"""`tierform inputs --tier T --job plan|apply`: every input a CI job needs, derived.

Nothing here is a hand-kept list: the inputs come from the synthesized stack (Terraform
variables without a default, the providers it requires, its state backend) and from the
config (the dbt profile's `env_var`s for the tier's target, the dbt service user, the DAG
publisher of the tier's Airflow flavor, the release ledgers it reads). A *plan* job (PR diff,
the deploy's plan, drift) needs what Terraform reads; an *apply* job also runs the release
steps (dbt, DAGs). Both run `promotion-check` in the deploy, which reads the ledgers of the
tiers the promotion rule `requires`: their credentials are inputs of both jobs too.

With `--github-env FILE` the command is the workflows' first real step: it reads the job's
GitHub secrets and variables (JSON in TIERFORM_GITHUB_SECRETS / TIERFORM_GITHUB_VARS, i.e.
`${{ toJSON(secrets) }}` / `${{ toJSON(vars) }}`), and either writes every input to FILE
(`$GITHUB_ENV`) or, when one is missing, writes nothing and exits 2 with one line per
missing input naming where to set it — before anything is planned or applied. Values are
never printed.
"""

from __future__ import annotations

import json
import os
import re
import secrets as random_tokens
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from tierform.cli_options import ConfigOption
from tierform.config import EXIT_BAD_INPUT, ConfigError, PlatformConfig, load_platform
from tierform.config.backend import CloudBackendSpec, GcsBackendSpec, S3BackendSpec
from tierform.config.dbt_cloud_step import DbtCloudStep
from tierform.config.promotion import apply_environment, plan_environment
from tierform.config.release import profile_env_vars
from tierform.config.release_store import GcsStoreSpec, S3StoreSpec, StoreSpec
from tierform.config.tier import TierSpec
from tierform.gitops.terraform import DEFAULT_OUTDIR
from tierform.release.dbt_identity import PROVIDED as RELEASE_SETS_FOR_DBT
from tierform.release.dbt_identity import dbt_identity

JOBS = ("plan", "apply")
# A pull request's data CI (`tierform ci run`): the plan job's inputs (it runs in the tier's
# plan environment and reads its ledger) plus the dbt identity that builds the PR's models.
CI_JOB = "ci"
JOB_KINDS = (*JOBS, CI_JOB)
SECRETS_ENV = "TIERFORM_GITHUB_SECRETS"
VARS_ENV = "TIERFORM_GITHUB_VARS"
# Set by the workflow from its own context, not from a secret or variable.
DEPLOYED_COMMIT = "${{ github.sha }}"
# Read by the tier-env action's AWS step (configure-aws-credentials through OIDC).
AWS_ROLE_INPUT = "TIERFORM_AWS_ROLE_ARN"
AWS_REGION_INPUT = "TIERFORM_AWS_REGION"
_SECRET_NAME = re.compile(r"(PRIVATE_KEY|SECRET|PASSWORD|PASSPHRASE|TOKEN|CREDENTIALS)")
# Set by the release CLI itself (dbt_build) whatever the job exports.
_RELEASE_SETS = {"TIERFORM_DUCKDB_PATH"}


@dataclass(frozen=True)
class Input:
    """One environment variable a job needs.

    `source`: where the value comes from — `secret` / `variable` (a GitHub secret or
    variable named `github_name`, in the job's environment), `workflow` (an expression the
    workflow sets in the job's `env:`, `github_name` holds it) or `fixed` (derived from
    config; `value` holds it, never a secret).
    """

    name: str
    needed_by: str
    kind: str  # "secret" | "variable"
    source: str  # "secret" | "variable" | "workflow" | "fixed"
    github_name: str = ""
    value: str = ""
    jobs: tuple[str, ...] = JOBS
    optional: bool = False
    # Only `promotion-check` needs it (a required tier's ledger): the data CI, which takes the
    # plan job's access, does not.
    promotion_only: bool = False

    def where(self, environment: str) -> str:
        if self.source == "workflow":
            return f"the workflow job's env: {self.name}: {self.github_name}"
        if self.source == "fixed":
            return "derived from config (written by `tierform inputs`)"
        what = "secret" if self.source == "secret" else "variable"
        return f"GitHub {what} {self.github_name} in environment {environment!r}"


def _secret_or_variable(name: str) -> str:
    return "secret" if _SECRET_NAME.search(name.upper()) else "variable"


def _github(name: str, needed_by: str, jobs: tuple[str, ...] = JOBS, **kw: Any) -> Input:
    kind = kw.pop("kind", None) or _secret_or_variable(name)
    return Input(name, needed_by, kind, kind, kw.pop("github_name", name.upper()), jobs=jobs, **kw)


# --- what the stack says -------------------------------------------------------------------


def terraform_variables(stack: dict) -> list[Input]:
    found = []
    for name, block in sorted((stack.get("variable") or {}).items()):
        if "default" in block:
            continue
        needed_by = f"Terraform variable {name}"
        if name == "databricks_git_commit":
            found.append(
                Input(
                    f"TF_VAR_{name}",
                    # Prod and `git: {follow: deployed}` tiers. Deploy jobs keep the job's
                    # commit; PR plans and drift replace it with the tier's last deployed
                    # commit (`tierform release deployed --github-env`).
                    needed_by + " (the commit the jobs run: the one CD deploys)",
                    "variable",
                    "workflow",
                    DEPLOYED_COMMIT,
                )
            )
            continue
        kind = "secret" if block.get("sensitive") else _secret_or_variable(name)
        found.append(_github(f"TF_VAR_{name}", needed_by, kind=kind))
    return found


def _dbt_cloud_provider_inputs(stack: dict) -> list[Input]:
    """The dbt Cloud provider reads DBT_CLOUD_TOKEN (a service token) from the environment;
    account and access URL come from config (also written to the provider block)."""
    block = next(iter((stack.get("provider") or {}).get("dbtcloud") or [{}]))
    found = [_github("DBT_CLOUD_TOKEN", "dbt Cloud provider (service token)", kind="secret")]
    for name, attribute in (
        ("DBT_CLOUD_ACCOUNT_ID", "account_id"),
        ("DBT_CLOUD_HOST_URL", "host_url"),
    ):
        if block.get(attribute) is not None:
            found.append(
                Input(name, "dbt Cloud provider", "variable", "fixed", value=str(block[attribute]))
            )
    return found


def _aws_region(stack: dict, tier: TierSpec, ledgers: list[StoreSpec | None]) -> str:
    for block in (stack.get("provider") or {}).get("aws") or []:
        if block.get("region"):
            return str(block["region"])
    if isinstance(tier.backend, S3BackendSpec):
        return tier.backend.region
    for ledger in ledgers:
        if isinstance(ledger, S3StoreSpec) and ledger.region:
            return ledger.region
    return "us-east-1"


def ledger_cloud(store: StoreSpec | None) -> str | None:
    """What reading a release ledger takes — the one rule for a tier's own ledger and for
    the ledgers of the tiers its promotion rule requires: "aws" (S3: the job's AWS role
    through OIDC), "google" (Cloud Storage: GOOGLE_CREDENTIALS) or None (a folder)."""
    if isinstance(store, S3StoreSpec):
        return "aws"
    if isinstance(store, GcsStoreSpec):
        return "google"
    return None


def required_ledgers(platform: PlatformConfig, tier: str) -> dict[str, StoreSpec]:
    """The release stores of the tiers `tier`'s promotion rule requires, by tier: the ledgers
    `promotion-check` reads (tierform/gitops/promotion_check.py) in the deploy's plan and
    apply jobs of `tier`."""
    rule = platform.platform.promotion.tiers.get(tier)
    requires = rule.requires if rule is not None else []
    return {name: platform.release_store(platform.tiers[name]) for name in requires}


def provider_inputs(
    stack: dict,
    tier: TierSpec,
    *,
    aws_for_release: bool,
    ledger: StoreSpec | None = None,
    required: dict[str, StoreSpec] | None = None,
) -> list[Input]:
    """`ledger`: the tier's release store (PlatformConfig.release_store), None for a sandbox
    stack. Plan jobs read it too (the promotion check, drift, the PR comment's last
    release), so a ledger in S3 or Cloud Storage needs that cloud's credentials in every job
    even where neither the providers nor the state do. `required`: the stores of the tiers
    its promotion rule requires (`required_ledgers`), read by promotion-check in the plan
    and apply jobs — the same rule (`ledger_cloud`), marked `promotion_only`."""
    providers = set((stack.get("terraform") or {}).get("required_providers") or {})
    found: list[Input] = []
    if "snowflake" in providers:
        # The account comes from config (provider block); the identity from the environment.
        found += [
            _github("SNOWFLAKE_USER", "Snowflake provider (deploying user)", kind="variable"),
            _github("SNOWFLAKE_PRIVATE_KEY", "Snowflake provider (deploying user's key)"),
            Input(
                "SNOWFLAKE_AUTHENTICATOR",
                "Snowflake provider",
                "variable",
                "fixed",
                value="SNOWFLAKE_JWT",
            ),
        ]
    if "databricks" in providers:
        found += [
            _github(
                "DATABRICKS_CLIENT_ID", "Databricks provider (service principal)", kind="variable"
            ),
            _github("DATABRICKS_CLIENT_SECRET", "Databricks provider (OAuth secret)"),
        ]
    if "astro" in providers:
        found.append(_github("ASTRO_API_TOKEN", "Astronomer provider and DAG publisher"))
    if "dbtcloud" in providers:
        found += _dbt_cloud_provider_inputs(stack)
    backend = tier.backend
    required = required or {}
    s3_ledger = ledger_cloud(ledger) == "aws" and not isinstance(backend, S3BackendSpec)
    own_aws = "aws" in providers or isinstance(backend, S3BackendSpec) or s3_ledger
    required_s3 = [name for name, store in required.items() if ledger_cloud(store) == "aws"]
    needs_aws = own_aws or bool(required_s3)
    if needs_aws or aws_for_release:
        uses = [
            w
            for w, on in (
                ("AWS provider", "aws" in providers),
                ("S3 state", isinstance(backend, S3BackendSpec)),
                ("S3 release ledger", s3_ledger),
            )
            if on
        ] + [f"{name}'s S3 release ledger for the promotion check" for name in required_s3]

        def why(*more: str) -> str:
            return f"AWS through GitHub OIDC ({', '.join([*uses, *more])})"

        jobs = JOBS if needs_aws else ("apply",)
        if "plan" in jobs:
            found.append(
                _github(
                    AWS_ROLE_INPUT,
                    why() + ", read-only role",
                    ("plan",),
                    kind="variable",
                    github_name="AWS_PLAN_ROLE_ARN",
                    promotion_only=not own_aws,
                )
            )
        found.append(
            _github(
                AWS_ROLE_INPUT,
                why(*(["S3 DAG publisher"] if aws_for_release else [])) + ", deploy role",
                ("apply",),
                kind="variable",
                github_name="AWS_DEPLOY_ROLE_ARN",
                promotion_only=not (own_aws or aws_for_release),
            )
        )
        found.append(
            Input(
                AWS_REGION_INPUT,
                "AWS OIDC session",
                "variable",
                "fixed",
                value=_aws_region(stack, tier, [ledger, *(required[n] for n in required_s3)]),
                jobs=jobs,
                promotion_only=not own_aws,  # what the data CI sees: the plan job's reasons
            )
        )
    if isinstance(backend, GcsBackendSpec):
        found.append(_github("GOOGLE_CREDENTIALS", "gcs state backend (service account key)"))
    if "google" in providers:  # Composer; merged with the gcs backend's entry when both
        found.append(_github("GOOGLE_CREDENTIALS", "Google provider (Composer)"))
    if ledger_cloud(ledger) == "google":
        found.append(_github("GOOGLE_CREDENTIALS", "Cloud Storage release ledger"))
    for name, store in required.items():
        if ledger_cloud(store) == "google":
            why = f"{name}'s Cloud Storage release ledger for the promotion check"
            found.append(_github("GOOGLE_CREDENTIALS", why, promotion_only=True))
    if isinstance(backend, CloudBackendSpec):
        host = backend.hostname.replace(".", "_").replace("-", "__")
        found.append(
            _github(
                f"TF_TOKEN_{host}", f"HCP Terraform backend ({backend.hostname})", kind="secret"
            )
        )
    return found


# --- what the release steps need (apply only) ----------------------------------------------


def release_inputs(platform: PlatformConfig, tier: TierSpec, root: Path) -> list[Input]:
    found: list[Input] = []
    step = platform.dbt_step(tier)
    if step is not None and step.cloud is not None:
        found += _dbt_cloud_release_inputs(step.cloud)
    elif step is not None:
        project = yaml.safe_load((root / step.project_dir / "dbt_project.yml").read_text()) or {}
        names = profile_env_vars(
            root / step.profiles_dir / "profiles.yml", str(project.get("profile")), step.target
        )
        identity = dbt_identity(tier) if step.adapter == "snowflake" else None
        provided = _RELEASE_SETS | (set(RELEASE_SETS_FOR_DBT) if identity else set())
        if identity is not None:
            found.append(
                _github(
                    identity.key_variable,
                    f"dbt release as {identity.user} (its own private key)",
                    ("apply", CI_JOB),
                    kind="secret",
                )
            )
        for name in names:
            if name not in provided:
                found.append(_github(name, f"dbt profile target {step.target}", ("apply", CI_JOB)))
    if tier.databricks is not None and tier.databricks.git_folders is not None:
        # `tierform.release git-folders` calls the Repos API as the deploying service
        # principal (OAuth M2M, tierform/ci/databricks_api.py): the provider's identity.
        why = "Git folders release step (Repos API)"
        found.append(_github("DATABRICKS_CLIENT_ID", why, ("apply",), kind="variable"))
        found.append(_github("DATABRICKS_CLIENT_SECRET", why, ("apply",), kind="secret"))
    dags = platform.dags_step(tier)
    if dags is not None and tier.airflow is not None:
        target = tier.airflow.dag_target(tier.name)
        if target.kind == "astronomer":
            found.append(_github("ASTRO_API_TOKEN", "Astronomer DAG publisher", ("apply",)))
            found += _astro_variable_inputs(tier)
    return found


def _dbt_cloud_release_inputs(cloud: DbtCloudStep) -> list[Input]:
    """A dbt_cloud tier's release triggers its deploy job with the API token after setting
    the credential's secret through the API; its data CI triggers the CI job (token only).
    No profiles.yml variable: dbt Cloud builds with its own connection."""
    found = [
        _github(
            cloud.token_env,
            "dbt Cloud API (deploy and CI job runs)",
            ("apply", CI_JOB),
            kind="secret",
        )
    ]
    if cloud.secret_env:
        what = "key" if cloud.credential_type == "snowflake" else "token"
        why = f"dbt Cloud {cloud.credential_type} credential's {what} (set through the API)"
        found.append(_github(cloud.secret_env, why, ("apply",), kind="secret"))
    if cloud.secret_passphrase_env:
        found.append(
            _github(
                cloud.secret_passphrase_env,
                "passphrase of the dbt Cloud credential's key (only for an encrypted key)",
                ("apply",),
                kind="secret",
                optional=True,
            )
        )
    return found


def _astro_variable_inputs(tier: TierSpec) -> list[Input]:
    """The CI secrets and variables the Astronomer deployment's environment variables take
    their values from (airflow.environment_variables): set by the release step, apply only."""
    from tierform.config.airflow import AstronomerAirflowSpec

    spec = tier.airflow
    if not isinstance(spec, AstronomerAirflowSpec):
        return []
    found = []
    for name, variable in sorted(spec.environment_variables.items()):
        source = variable.source(name)
        kind = (
            "secret" if variable.secret or _secret_or_variable(source) == "secret" else "variable"
        )
        why = f"Astronomer deployment environment variable {name}"
        found.append(_github(source, why, ("apply",), kind=kind))
    return found


def _publishes_to_s3(platform: PlatformConfig, tier: TierSpec) -> bool:
    return (
        platform.dags_step(tier) is not None
        and tier.airflow is not None
        and tier.airflow.dag_target(tier.name).kind == "s3"
    )


def derive(platform: PlatformConfig, stack_name: str, stack: dict, root: Path) -> list[Input]:
    """Every input of the stack's plan and apply jobs (merged: one entry per name and job)."""
    sandbox = next((s for s in platform.sandboxes if s.stack == stack_name), None)
    tier = sandbox.tier if sandbox else platform.tiers[stack_name]
    releases = [] if sandbox else release_inputs(platform, tier, root)
    found = [
        *provider_inputs(
            stack,
            tier,
            aws_for_release=not sandbox and _publishes_to_s3(platform, tier),
            ledger=None if sandbox else platform.release_store(tier),
            required=None if sandbox else required_ledgers(platform, tier.name),
        ),
        *terraform_variables(stack),
        *releases,
    ]
    merged: dict[tuple[str, str], Input] = {}
    for item in found:
        key = (item.name, item.github_name)
        if key in merged:
            old = merged[key]
            jobs = tuple(j for j in JOB_KINDS if j in old.jobs or j in item.jobs)
            needed_by = (
                old.needed_by
                if item.needed_by in old.needed_by
                else f"{old.needed_by}; {item.needed_by}"
            )
            promotion_only = old.promotion_only and item.promotion_only
            item = Input(
                **{
                    **asdict(old),
                    "jobs": jobs,
                    "needed_by": needed_by,
                    "promotion_only": promotion_only,
                }
            )
        merged[key] = item
    return list(merged.values())


def for_job(inputs: list[Input], job: str) -> list[Input]:
    if job == CI_JOB:  # the plan job's access, not its Terraform variables (CI plans nothing)
        return [  # nor the required tiers' ledgers (CI runs no promotion check)
            i
            for i in inputs
            if CI_JOB in i.jobs
            or ("plan" in i.jobs and not i.name.startswith("TF_VAR_") and not i.promotion_only)
        ]
    return [i for i in inputs if job in i.jobs]


# --- writing $GITHUB_ENV --------------------------------------------------------------------


@dataclass
class Resolution:
    values: dict[str, str] = field(default_factory=dict)
    missing: list[Input] = field(default_factory=list)


def resolve(inputs: list[Input], secrets: dict[str, Any], variables: dict[str, Any]) -> Resolution:
    upper_secrets = {str(k).upper(): v for k, v in secrets.items()}
    upper_vars = {str(k).upper(): v for k, v in variables.items()}
    out = Resolution()
    for item in inputs:
        if item.source == "workflow":
            continue  # the job's own env: carries it
        if item.source == "fixed":
            out.values[item.name] = item.value
            continue
        pool = upper_secrets if item.source == "secret" else upper_vars
        value = pool.get(item.github_name.upper())
        if value in (None, ""):
            if not item.optional:
                out.missing.append(item)
            continue
        out.values[item.name] = str(value)
    return out


def github_env_lines(values: dict[str, str]) -> str:
    """GITHUB_ENV syntax; every value in a heredoc block whose delimiter it cannot contain."""
    chunks = []
    for name, value in values.items():
        delimiter = f"TIERFORM_EOF_{random_tokens.token_hex(8)}"
        while delimiter in value:
            delimiter = f"TIERFORM_EOF_{random_tokens.token_hex(8)}"
        chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(chunks)


def _json_env(name: str) -> dict[str, Any]:
    text = os.environ.get(name)
    if text is None:
        raise ValueError(f"{name} is not set (the workflow passes ${{{{ toJSON(...) }}}} in it)")
    try:
        data = json.loads(text)
    except ValueError:
        raise ValueError(f"{name} is not JSON") from None
    if not isinstance(data, dict):
        raise ValueError(f"{name} is not a JSON object")
    return data


def _environment_of(platform: PlatformConfig, stack: str, job: str) -> str:
    tier = platform.stack_tier(stack).name
    sandbox = tier != stack
    if job in ("plan", CI_JOB) and not sandbox:
        return plan_environment(platform.platform.promotion, tier)
    return apply_environment(platform.platform.promotion, tier)


def _fail(message: str) -> typer.Exit:
    print(message, file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def inputs_command(
    tier: Annotated[str, typer.Option("--tier", help="tier (or sandbox stack)")],
    job: Annotated[str, typer.Option("--job", help="plan | apply | ci")] = "plan",
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
    config: ConfigOption = Path("config"),
    outdir: Annotated[Path, typer.Option("--outdir", help="cdktf output folder")] = DEFAULT_OUTDIR,
    github_env: Annotated[
        Path | None,
        typer.Option("--github-env", help="write the inputs to this file ($GITHUB_ENV)"),
    ] = None,
    environment: Annotated[
        str | None,
        typer.Option("--environment", help="GitHub environment named in messages"),
    ] = None,
    status_file: Annotated[
        Path | None,
        typer.Option(
            "--status-file",
            help="on missing inputs also write a failed plan status here (plans/T.status.json)",
        ),
    ] = None,
) -> None:
    """The inputs (secrets, variables) a plan or apply job of one tier needs."""
    if job not in JOB_KINDS:
        raise _fail(f"--job {job!r}: expected plan, apply or ci")
    try:
        platform = load_platform(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    if tier not in platform.stack_names:
        raise _fail(f"--tier {tier!r}: not a stack of {config} ({', '.join(platform.stack_names)})")
    stack_file = outdir / "stacks" / tier / "cdk.tf.json"
    if not stack_file.is_file():
        raise _fail(f"{stack_file}: not synthesized; run `TIERFORM_TIERS={tier} make synth` first")
    try:
        stack = json.loads(stack_file.read_text(encoding="utf-8"))
        needed = for_job(derive(platform, tier, stack, config.resolve().parent), job)
    except (OSError, ValueError) as exc:
        raise _fail(f"inputs of {tier!r}: {exc}") from None
    env_name = environment or _environment_of(platform, tier, job)
    if github_env is not None:
        try:
            resolved = resolve(needed, _json_env(SECRETS_ENV), _json_env(VARS_ENV))
        except ValueError as exc:
            raise _fail(str(exc)) from None
        if resolved.missing:
            lines = [
                f"missing {item.name} ({item.needed_by}): set {item.where(env_name)}"
                for item in resolved.missing
            ]
            for line in lines:
                print(line, file=sys.stderr)
            if status_file is not None:
                # The PR comment then says why this tier has no plan, instead of losing it.
                status_file.parent.mkdir(parents=True, exist_ok=True)
                error = lines[0] + (f" (and {len(lines) - 1} more)" if len(lines) > 1 else "")
                status_file.write_text(
                    json.dumps({"tier": tier, "status": "failed", "error": error}) + "\n",
                    encoding="utf-8",
                )
            raise typer.Exit(EXIT_BAD_INPUT)
        with github_env.open("a", encoding="utf-8") as handle:
            handle.write(github_env_lines(resolved.values))
        print(f"{tier} {job}: {len(resolved.values)} input(s) set (values not shown)")
        return
    if as_json:
        print(
            json.dumps(
                [
                    {**asdict(i), "where": i.where(env_name)}
                    | ({"value": ""} if i.kind == "secret" else {})
                    for i in needed
                ],
                indent=2,
            )
        )
        return
    print(f"{tier} — {job} job (GitHub environment {env_name!r})")
    for item in needed:
        print(f"  {item.name:<46} {item.kind:<8} {item.where(env_name)}  — {item.needed_by}")
