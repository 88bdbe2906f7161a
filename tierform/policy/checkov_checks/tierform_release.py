"""Release-step checks on terraform_data: triggers land in state and the local-exec
environment in plan files and logs, so neither may carry secrets or machine paths."""

from __future__ import annotations

import re

from tierform_checklib import CheckCategories, InstanceCheck, is_reference, strings

# Values that are secrets whatever they are called.
SECRET_VALUES = [
    (re.compile(r"-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----"), "key material"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\bdapi[0-9a-f]{32}\b"), "a Databricks token"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"), "a GitHub token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."), "a JWT"),
    (
        re.compile(r"(?i)(password|passwd|pwd|secret|token|api[_-]?key)\s*[=:]\s*[^\s$]{4,}"),
        "an inline credential",
    ),
    (re.compile(r"://[^/\s:@]+:[^/\s@]+@"), "credentials in a URL"),
]
# Keys whose literal value is a secret (a reference to a variable is fine: the value then
# comes from the environment at apply time).
SECRET_KEYS = re.compile(r"(?i)(password|passwd|secret|token|private_key|api_key|access_key)")
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
            for pattern, what in SECRET_VALUES:
                if pattern.search(value):
                    found.append(f"{path} holds {what}")
                    break
            else:
                leaf = path.rsplit(".", 1)[-1]
                if (
                    SECRET_KEYS.search(leaf)
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
