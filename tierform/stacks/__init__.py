"""Stacks: one per tier, one per developer sandbox, and the app that synthesizes them."""
