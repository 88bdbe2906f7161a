"""Authoritative `databricks_permissions` for one kind of workspace object, one per object."""

from __future__ import annotations

from tierform.constructs.databricks.bindings import Permissions, PermissionsAccessControl
from tierform.constructs.databricks.dynamic import dynamic, set_dynamic_blocks
from tierform.constructs.foreach import iterator, stable_address
from tierform.constructs.framework import Construct, TerraformProvider, TerraformResource


def access_entry(principal: str, level: str, *, service_principal: bool) -> dict[str, str]:
    key = "service_principal_name" if service_principal else "group_name"
    return {key: principal, "permission_level": level}


def object_permissions(
    scope: Construct,
    name: str,
    *,
    object_field: str,
    objects: dict[str, dict],
    provider: TerraformProvider,
    depends_on: list[TerraformResource],
    address: str | None = None,
) -> Permissions | None:
    """`databricks_permissions.<name>[<KEY>]`: `objects` maps a key to {"object_id": …,
    "access": [access_entry(…), …]}; `object_field` is e.g. `cluster_policy_id`; `address`
    overrides the Terraform name (default: `name`)."""
    if not objects:
        return None
    it = iterator(objects)
    perms = Permissions(
        scope,
        name,
        for_each=it,
        provider=provider,
        access_control=[PermissionsAccessControl(group_name="-", permission_level="-")],
        depends_on=depends_on,
        **{object_field: it.get_string("object_id")},
    )
    set_dynamic_blocks(
        perms,
        {
            "access_control": dynamic(
                PermissionsAccessControl,
                for_each="${each.value.access}",
                iterator="acl",
                # An entry names a group or a service principal; lookup() gives null for
                # the other, which Terraform treats as unset.
                content={
                    "group_name": '${lookup(acl.value, "group_name", null)}',
                    "service_principal_name": '${lookup(acl.value, "service_principal_name", null)}',
                    "permission_level": "${acl.value.permission_level}",
                },
            )
        },
    )
    return stable_address(perms, address or name)
