"""CKV_TF_SEC_001: no resource attribute, in any resource type, holds what a secret looks
like (key material, a vendor token, credentials in a URL: tierform_secret_shapes.py, the
shapes config validation refuses).

Config validation refuses these in the YAML and in Props built in code; this is the gate's
line for everything else a stack can carry: a library user's own resources next to ours, a
construct that copies a value it should not. Everything in a resource lands in the plan and
in state. Release steps (terraform_data) have CKV_TF_REL_001, which also judges
secret-named fields, so they are not reported twice.

One pass over the block as written, its for_each map included (no per-instance copy of the
block): a value inside the map is named by its instance, like the instance checks do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tierform_checklib import BaseResourceCheck, CheckCategories, CheckResult, label, unwrap
from tierform_secret_shapes import find_secret

# Checked by CKV_TF_REL_001, with the same shapes.
_RELEASE_STEP = "terraform_data"


def _hits(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, what) for every string (a map key included) under `value` shaped like a
    secret. checkov's one-element list wrappers add nothing to the path."""
    value = unwrap(value)
    if isinstance(value, str):
        what = find_secret(value)
        if what:
            yield path, what
    elif isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("__"):  # checkov's line markers
                continue
            what = find_secret(key)
            if what:
                yield (*path, "<key>"), what
            yield from _hits(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _hits(item, (*path, f"[{index}]"))


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path).replace(".[", "[")


class NoSecretShapes(BaseResourceCheck):
    ID = "CKV_TF_SEC_001"

    def __init__(self) -> None:
        super().__init__(
            name="No resource attribute holds a secret (key material, token, credentials in a URL)",
            id=self.ID,
            categories=[CheckCategories.SECRETS],
            supported_resources=["*"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_path.rsplit(":", 2)[1] == _RELEASE_STEP:
            return CheckResult.PASSED
        found = []
        for name, value in conf.items():
            if name == "//" or name.startswith("__"):
                continue
            each = unwrap(value) if name == "for_each" else None
            if isinstance(each, dict):
                for key in sorted(each):
                    # A finding names its instance by key, unless the key is the secret.
                    key_secret = find_secret(key) if isinstance(key, str) else None
                    if key_secret:
                        found.append(f"a for_each key holds {key_secret}")
                    found.extend(
                        f"{'' if key_secret else label(key)}"
                        f"{_dotted(('each.value', *path))} holds {what}"
                        for path, what in _hits(each[key], ())
                    )
            else:
                found.extend(
                    f"{_dotted(path)} holds {what}" for path, what in _hits(value, (name,))
                )
        self.details.extend(found)
        return CheckResult.FAILED if found else CheckResult.PASSED


NoSecretShapes()
