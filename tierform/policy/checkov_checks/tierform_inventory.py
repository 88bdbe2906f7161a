"""CKV_TF_TF_000: the coverage probe. It passes on every resource and records its address,
so the gate can prove checkov read every resource block of every stack (checkov's
terraform_json runner can otherwise skip a file and still exit 0, checkov #7454)."""

from __future__ import annotations

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

INVENTORY_ID = "CKV_TF_TF_000"


class ResourceInventory(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Tierform coverage probe: checkov read this resource",
            id=INVENTORY_ID,
            categories=[CheckCategories.CONVENTION],
            supported_resources=["*"],
        )

    def scan_resource_conf(self, conf):
        _, entity_type, name = self.entity_path.rsplit(":", 2)
        self.details.append(f"{entity_type}.{name}")
        return CheckResult.PASSED


ResourceInventory()
