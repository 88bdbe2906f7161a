"""Release steps: the dbt build and the DAG publish, as Terraform steps of a tier's stack."""

from tierform.constructs.release.step import ReleaseStep, release_command

__all__ = ["ReleaseStep", "release_command"]
