"""Airflow (MWAA) check beyond checkov's built-in S3 and MWAA checks, which the gate runs too."""

from __future__ import annotations

from tierform_checklib import CheckCategories, InstanceCheck, is_reference


class ProdWebserverPrivate(InstanceCheck):
    ID = "CKV_TF_AF_001"
    NAME = "The Airflow (MWAA) webserver is not public in protected tiers"
    CATEGORY = CheckCategories.NETWORKING
    RESOURCES = ("aws_mwaa_environment",)

    def applies(self, tier):
        return tier["kind"] == "prod" or bool(tier.get("protected"))

    def problems(self, block, tier):
        mode = block.get("webserver_access_mode")
        if mode is None:
            return []  # the provider's default is PRIVATE_ONLY
        if is_reference(mode):
            return [f"webserver_access_mode is {mode!r}, not a literal: cannot verify"]
        if str(mode).upper() != "PRIVATE_ONLY":
            return [
                f"webserver_access_mode is {mode}: the webserver is reachable from the internet"
            ]
        return []


ProdWebserverPrivate()
