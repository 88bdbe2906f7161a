"""Small Markdown helpers for GitHub comments and issues."""

from __future__ import annotations

# GitHub rejects issue and PR comment bodies over 65,536 characters.
GITHUB_COMMENT_LIMIT = 65_536


def code(text: str) -> str:
    """Inline code that survives backticks inside the text."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def cell(text: str) -> str:
    """A table cell: pipes and newlines would break the row."""
    return text.replace("|", "\\|").replace("\n", " ")


def short_hash(value: str | None) -> str:
    if value is None:
        return "(unknown until apply)"
    return value if len(value) <= 12 else value[:12] + "…"
