"""astronomer/astro resource types, as typed models for tierform.constructs.tfgeneric (no
prebuilt cdktf binding exists for this provider)."""
