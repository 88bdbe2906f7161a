"""The stack of one developer's sandbox (`dev-<name>`), separate from the dev tier's stack so
developers come and go without touching shared dev state."""

from __future__ import annotations

from tierform.config.platform import SandboxRef
from tierform.constructs.addresses import stack_constructor
from tierform.constructs.framework import Construct, TerraformStack
from tierform.constructs.props import ROOT_FALLBACK
from tierform.stacks.backends import add_backend
from tierform.stacks.guardrails import GuardRails, attach


class SandboxStack(TerraformStack):
    """Attributes: `sandbox` (SandboxRef), `snowflake` (SnowflakeSandbox or None),
    `databricks` (DatabricksSandbox or None: only for a developer with a `databricks_user`)."""

    @stack_constructor
    def __init__(self, scope: Construct, sandbox: SandboxRef, *, root: str = ROOT_FALLBACK):
        super().__init__(scope, sandbox.stack)
        self.sandbox = sandbox
        tier = sandbox.tier
        # `root`: the repository root seen from the stack's output folder (TierStack's
        # `release_root`), where a local backend's state path starts.
        add_backend(self, sandbox.stack, tier.backend, root=root)
        # A sandbox is disposable (never protected) but still named by its tier's rule.
        self.guardrails = GuardRails(tier=tier.name, protected=False, naming=tier.naming)
        attach(self, self.guardrails)
        self.snowflake = None
        if tier.snowflake is not None and tier.snowflake.sandboxes is not None:
            from tierform.constructs.snowflake import SnowflakeSandbox

            self.snowflake = SnowflakeSandbox(
                self, "snowflake", tier=tier, developer=sandbox.developer
            )
        self.databricks = None
        if tier.databricks is not None and sandbox.developer.databricks_user is not None:
            from tierform.constructs.databricks import DatabricksSandbox

            self.databricks = DatabricksSandbox(
                self, "databricks", tier=tier, developer=sandbox.developer
            )
