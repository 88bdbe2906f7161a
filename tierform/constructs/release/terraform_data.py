"""Terraform's built-in `terraform_data` resource (Terraform ≥ 1.4, no provider), as a
typed block of tierform/constructs/tfgeneric.py rather than cdktf's `DataResource`.

Why not cdktf's class: it adds a synth-time validation that runs `terraform version`
(`execSync`) once per resource, on every synth: 10 processes for the example's release
steps (~0.7 s of CPU and wall here, more where Terraform's version check reaches the
network), and a synth on a machine without Terraform on PATH failed outright, although a
synth needs no Terraform at all. The JSON written is the same block (`triggers_replace`,
`provisioner`, `depends_on`); Terraform itself refuses an older version when it plans.
"""

from __future__ import annotations

from typing import ClassVar

from tierform.constructs.tfgeneric import ResourceModel


class TerraformData(ResourceModel):
    """`resource "terraform_data"`: only the attribute the release steps use."""

    terraform_type: ClassVar[str] = "terraform_data"
    provider_name: ClassVar[str] = "terraform"

    triggers_replace: dict[str, str] | None = None
