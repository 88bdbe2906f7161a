"""The policy gate: checkov with Tierform's own checks over synthesized stacks, a plan-level
guard against destroying data, and the catalog of what is checked and why.

`checkov_checks/` is loaded only by checkov, in its own virtualenv; never import it here
(except its checkov-free `tierform_secret_shapes`, see checkov_checks/__init__.py)."""
