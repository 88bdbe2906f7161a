"""One tier's Airflow environment, whatever the flavor, behind one interface."""

from __future__ import annotations

from tierform.config.airflow import (
    AstronomerAirflowSpec,
    ComposerAirflowSpec,
    DagTarget,
    LocalAirflowSpec,
    MwaaAirflowSpec,
)
from tierform.config.dag_target import AirflowInstallFiles
from tierform.config.protection import guards
from tierform.config.tier import TierSpec
from tierform.constructs.addresses import set_address_prefix
from tierform.constructs.framework import Construct, TerraformResource
from tierform.constructs.literal import literal_spec
from tierform.constructs.name_claims import claim_names
from tierform.constructs.props import AirflowEnvironmentProps, environment_props


class AirflowEnvironment(Construct):
    """Attributes the release step uses:

    - `dag_target`: where DAGs are published, the environment's name/URL, and the names of
      the credentials the publisher needs (DagTarget, computed from config);
    - `release_dependencies`: resources the DAG release must wait for (none for `local`);
    - `release_environment`: variables the release step must set from the stack (name →
      Terraform reference), e.g. ASTRO_DEPLOYMENT_ID of a deployment created by this stack;
    - `flavor`: the flavor's own construct (MwaaAirflow, AstronomerAirflow) or None.

    `files`: what the environment installs from (requirements, plugins), read from the
    repository by the caller (tierform.release.artifact.airflow_install_files).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        props: AirflowEnvironmentProps | None = None,
        *,
        tier: TierSpec | None = None,
        files: AirflowInstallFiles | None = None,
    ):
        super().__init__(scope, id)
        props = environment_props(AirflowEnvironmentProps, props, tier)
        set_address_prefix(self, props.address_prefix)
        claim_names(self, props.tier_spec())
        self.props = props
        # Its tier's guardrails, unless a tier stack above carries them (a stack of one's own).
        from tierform.stacks.guardrails import guard_environment

        self.guardrails = guard_environment(self, props.tier_spec())
        tier = literal_spec(
            props.tier_spec()
        )  # config text becomes Terraform literals (see literal.py)
        spec = tier.airflow
        if spec is None:
            raise ValueError(f"tier {tier.name!r} has no airflow section")
        self.dag_target: DagTarget = spec.dag_target(tier.name)
        self.release_dependencies: list[TerraformResource] = []
        self.release_environment: dict[str, str] = {}
        self.flavor = None
        match spec:
            case LocalAirflowSpec():
                pass  # no cloud resources; the DAGs folder is created by the release.
            case MwaaAirflowSpec():
                from tierform.constructs.airflow.mwaa import MwaaAirflow

                self.flavor = MwaaAirflow(
                    self,
                    "mwaa",
                    spec=spec,
                    tier=tier.name,
                    protected=guards(tier, "airflow.environment"),
                    protected_bucket=guards(tier, "airflow.dag_bucket"),
                    files=files,
                )
                self.release_dependencies = self.flavor.release_dependencies
            case AstronomerAirflowSpec():
                from tierform.constructs.airflow.astronomer import AstronomerAirflow

                self.flavor = AstronomerAirflow(
                    self,
                    "astronomer",
                    spec=spec,
                    tier=tier.name,
                    protected=guards(tier, "airflow.environment"),
                )
                self.release_dependencies = self.flavor.release_dependencies
                self.release_environment = self.flavor.release_environment
            case ComposerAirflowSpec():
                from tierform.constructs.airflow.composer import ComposerAirflow

                self.flavor = ComposerAirflow(
                    self,
                    "composer",
                    spec=spec,
                    tier=tier.name,
                    protected=guards(tier, "airflow.environment"),
                    protected_bucket=guards(tier, "airflow.dag_bucket"),
                    files=files,
                )
                self.release_dependencies = self.flavor.release_dependencies
                self.release_environment = self.flavor.release_environment
            case _:  # pragma: no cover - config validation admits nothing else
                raise TypeError(f"unsupported Airflow flavor {spec.flavor!r}")
