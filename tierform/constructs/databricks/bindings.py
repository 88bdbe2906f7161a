"""The Databricks provider seam: every class of the Databricks provider package Tierform uses
is imported here, from cdktf's prebuilt package (cdktf_cdktf_provider_databricks) or CDK Terrain's
(cdktn_provider_databricks), whichever framework tierform.constructs.framework chose. Only tiers with
a `databricks:` section import this module (the package costs seconds to import).

A new construct imports provider classes from here; add them to both branches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierform.constructs.framework import FRAMEWORK
from tierform.constructs.provider_packages import import_lazily

if TYPE_CHECKING or FRAMEWORK == "cdktf":
    # Only the submodules below, not the package's 150-250 (provider_packages.py says why).
    import_lazily("cdktf_cdktf_provider_databricks")
    from cdktf_cdktf_provider_databricks.catalog import (
        Catalog,
    )
    from cdktf_cdktf_provider_databricks.cluster_policy import (
        ClusterPolicy,
    )
    from cdktf_cdktf_provider_databricks.grants import (
        Grants,
        GrantsGrant,
    )
    from cdktf_cdktf_provider_databricks.job import (
        Job,
        JobEmailNotifications,
        JobGitSource,
        JobHealth,
        JobHealthRules,
        JobJobCluster,
        JobJobClusterNewCluster,
        JobJobClusterNewClusterAutoscale,
        JobNotificationSettings,
        JobParameter,
        JobRunAs,
        JobSchedule,
        JobTask,
        JobTaskDbtTask,
        JobTaskDependsOn,
        JobTaskLibrary,
        JobTaskNotebookTask,
        JobTaskPythonWheelTask,
        JobTaskSparkPythonTask,
        JobWebhookNotifications,
        JobWebhookNotificationsOnDurationWarningThresholdExceeded,
        JobWebhookNotificationsOnFailure,
        JobWebhookNotificationsOnStart,
        JobWebhookNotificationsOnSuccess,
    )
    from cdktf_cdktf_provider_databricks.permissions import (
        Permissions,
        PermissionsAccessControl,
    )
    from cdktf_cdktf_provider_databricks.provider import (
        DatabricksProvider,
    )
    from cdktf_cdktf_provider_databricks.repo import (
        Repo,
        RepoSparseCheckout,
    )
    from cdktf_cdktf_provider_databricks.schema import (
        Schema,
    )
    from cdktf_cdktf_provider_databricks.secret_acl import (
        SecretAcl,
    )
    from cdktf_cdktf_provider_databricks.secret_scope import (
        SecretScope,
    )
    from cdktf_cdktf_provider_databricks.service_principal import (
        ServicePrincipal,
    )
    from cdktf_cdktf_provider_databricks.sql_endpoint import (
        SqlEndpoint,
        SqlEndpointTags,
        SqlEndpointTagsCustomTags,
    )
    from cdktf_cdktf_provider_databricks.workspace_binding import (
        WorkspaceBinding,
    )
else:
    from cdktn_provider_databricks.catalog import (
        Catalog,
    )
    from cdktn_provider_databricks.cluster_policy import (
        ClusterPolicy,
    )
    from cdktn_provider_databricks.grants import (
        Grants,
        GrantsGrant,
    )
    from cdktn_provider_databricks.job import (
        Job,
        JobEmailNotifications,
        JobGitSource,
        JobHealth,
        JobHealthRules,
        JobJobCluster,
        JobJobClusterNewCluster,
        JobJobClusterNewClusterAutoscale,
        JobNotificationSettings,
        JobParameter,
        JobRunAs,
        JobSchedule,
        JobTask,
        JobTaskDbtTask,
        JobTaskDependsOn,
        JobTaskLibrary,
        JobTaskNotebookTask,
        JobTaskPythonWheelTask,
        JobTaskSparkPythonTask,
        JobWebhookNotifications,
        JobWebhookNotificationsOnDurationWarningThresholdExceeded,
        JobWebhookNotificationsOnFailure,
        JobWebhookNotificationsOnStart,
        JobWebhookNotificationsOnSuccess,
    )
    from cdktn_provider_databricks.permissions import (
        Permissions,
        PermissionsAccessControl,
    )
    from cdktn_provider_databricks.provider import (
        DatabricksProvider,
    )
    from cdktn_provider_databricks.repo import (
        Repo,
        RepoSparseCheckout,
    )
    from cdktn_provider_databricks.schema import (
        Schema,
    )
    from cdktn_provider_databricks.secret_acl import (
        SecretAcl,
    )
    from cdktn_provider_databricks.secret_scope import (
        SecretScope,
    )
    from cdktn_provider_databricks.service_principal import (
        ServicePrincipal,
    )
    from cdktn_provider_databricks.sql_endpoint import (
        SqlEndpoint,
        SqlEndpointTags,
        SqlEndpointTagsCustomTags,
    )
    from cdktn_provider_databricks.workspace_binding import (
        WorkspaceBinding,
    )

__all__ = [
    "Catalog",
    "ClusterPolicy",
    "DatabricksProvider",
    "Grants",
    "GrantsGrant",
    "Job",
    "JobEmailNotifications",
    "JobGitSource",
    "JobHealth",
    "JobHealthRules",
    "JobJobCluster",
    "JobJobClusterNewCluster",
    "JobJobClusterNewClusterAutoscale",
    "JobNotificationSettings",
    "JobParameter",
    "JobRunAs",
    "JobSchedule",
    "JobTask",
    "JobTaskDbtTask",
    "JobTaskDependsOn",
    "JobTaskLibrary",
    "JobTaskNotebookTask",
    "JobTaskPythonWheelTask",
    "JobTaskSparkPythonTask",
    "JobWebhookNotifications",
    "JobWebhookNotificationsOnDurationWarningThresholdExceeded",
    "JobWebhookNotificationsOnFailure",
    "JobWebhookNotificationsOnStart",
    "JobWebhookNotificationsOnSuccess",
    "Permissions",
    "PermissionsAccessControl",
    "Repo",
    "RepoSparseCheckout",
    "Schema",
    "SecretAcl",
    "SecretScope",
    "ServicePrincipal",
    "SqlEndpoint",
    "SqlEndpointTags",
    "SqlEndpointTagsCustomTags",
    "WorkspaceBinding",
]
