"""Configuration: YAML in config/, validated into typed models. Knows nothing of cdktf."""

from tierform.config.errors import EXIT_BAD_INPUT, ConfigError, ConfigIssue
from tierform.config.loader import load_platform
from tierform.config.platform import PlatformConfig, PlatformSpec, SandboxRef
from tierform.config.tier import DeveloperSpec, TierSpec

__all__ = [
    "EXIT_BAD_INPUT",
    "ConfigError",
    "ConfigIssue",
    "DeveloperSpec",
    "PlatformConfig",
    "PlatformSpec",
    "SandboxRef",
    "TierSpec",
    "load_platform",
]
