"""policydiff: track how government policies change from one version to the next."""

__version__ = "0.1.0"
TOOL_NAME = "policydiff"
