"""Release-step checks on terraform_data: triggers land in state and the local-exec
environment in plan files and logs, so neither may carry secrets or machine paths."""

from __future__ import annotations

import re

from tierform_checklib import CheckCategories, InstanceCheck, is_reference, strings
from tierform_secret_shapes import SECRET_NAME, find_secret

# What a secret looks like (key material, vendor tokens, key bodies, secrets passed as
# flags) and which names hold one: one definition, shared with config validation.
# A content hash may sit under any name: 64 hex digits are never a credential we hand out.
HASH = re.compile(r"^[0-9a-f]{32,128}$")

ABSOLUTE_PATH = re.compile(
    r"(?:^|[\s=:'\"(])(/(?:home|Users|root|tmp|var|opt|usr|private|mnt|srv|work|Volumes|builds|runner|github)/[^\s'\"]*)"
    r"|(?:^|[\s=:'\"(])([A-Za-z]:\\[^\s'\"]*)"
)

_SCANNED = ("triggers_replace", "input", "provisioner")


def _scanned(block):
    return {k: block[k] for k in _SCANNED if k in block}


class ReleaseNoSecrets(InstanceCheck):
    ID = "CKV_TF_REL_001"
    NAME = "Release steps (terraform_data) hold no secret-looking values"
    CATEGORY = CheckCategories.SECRETS
    RESOURCES = ("terraform_data",)

    def problems(self, block, tier):
        found = []
        for path, value in strings(_scanned(block)):
            what = find_secret(value)
            if what:
                found.append(f"{path} holds {what}")
            else:
                leaf = path.rsplit(".", 1)[-1]
                if (
                    SECRET_NAME.search(leaf)
                    and value
                    and not is_reference(value)
                    and not HASH.match(value)
                ):
                    found.append(f"{path} is a literal {leaf}: pass it through the environment")
        return found


class ReleaseNoMachinePaths(InstanceCheck):
    ID = "CKV_TF_REL_002"
    NAME = "Release steps (terraform_data) hold no absolute machine paths"
    CATEGORY = CheckCategories.CONVENTION
    RESOURCES = ("terraform_data",)

    def problems(self, block, tier):
        found = []
        for path, value in strings(_scanned(block)):
            match = ABSOLUTE_PATH.search(value)
            if match:
                found.append(f"{path} holds the machine path {match.group(1) or match.group(2)}")
        return found


ReleaseNoSecrets()
ReleaseNoMachinePaths()
