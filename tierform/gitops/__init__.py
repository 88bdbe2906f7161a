"""GitOps: what CI shows on a pull request (plan summary), which tiers a push deploys
(promotion), applying exactly the reviewed plan, and nightly drift detection.

Every module here is a command that also runs locally; the workflows only call them.
"""
