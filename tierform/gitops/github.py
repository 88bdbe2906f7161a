"""Post or update one PR comment / one issue, found by a hidden marker, via the `gh` CLI.

`gh` is preinstalled on GitHub's runners and authenticates from GH_TOKEN; using it keeps
tokens out of our code. Re-running a workflow updates the same comment or issue rather
than adding another.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer


class GitHubError(RuntimeError):
    pass


def _gh(*args: str, body: dict | None = None) -> object:
    cmd = ["gh", "api", *args]
    if body is not None:
        cmd += ["--input", "-"]
    try:
        proc = subprocess.run(
            cmd,
            input=json.dumps(body) if body is not None else None,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:
        raise GitHubError("the GitHub CLI `gh` is not on PATH") from None
    if proc.returncode != 0:
        raise GitHubError(f"gh api {args[0] if args else ''} failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout) if proc.stdout.strip() else None


def _marker(body: str) -> str:
    first = body.lstrip().splitlines()[0] if body.strip() else ""
    if not (first.startswith("<!--") and first.endswith("-->")):
        raise GitHubError("the body must start with a hidden marker line like <!-- tierform:… -->")
    return first


def upsert_comment(repo: str, pr: int, body: str) -> str:
    marker = _marker(body)
    comments = _gh(f"repos/{repo}/issues/{pr}/comments", "--paginate", "--slurp")
    for page in comments or []:
        for comment in page:
            if comment.get("body", "").lstrip().startswith(marker):
                _gh(
                    f"repos/{repo}/issues/comments/{comment['id']}",
                    "-X",
                    "PATCH",
                    body={"body": body},
                )
                return f"updated comment {comment['id']}"
    _gh(f"repos/{repo}/issues/{pr}/comments", "-X", "POST", body={"body": body})
    return "posted a new comment"


def upsert_issue(repo: str, title: str, body: str, labels: list[str]) -> str:
    marker = _marker(body)
    issues = _gh(f"repos/{repo}/issues?state=open&per_page=100", "--paginate", "--slurp")
    for page in issues or []:
        for issue in page:
            if issue.get("body") and issue["body"].lstrip().startswith(marker):
                _gh(
                    f"repos/{repo}/issues/{issue['number']}",
                    "-X",
                    "PATCH",
                    body={"title": title, "body": body},
                )
                return f"updated issue #{issue['number']}"
    created = _gh(
        f"repos/{repo}/issues", "-X", "POST", body={"title": title, "body": body, "labels": labels}
    )
    return f"opened issue #{created['number'] if isinstance(created, dict) else '?'}"


def comment_command(
    repo: Annotated[str, typer.Option("--repo", envvar="GITHUB_REPOSITORY", help="owner/name")],
    pr: Annotated[int, typer.Option("--pr", help="pull request number")],
    body_file: Annotated[
        Path, typer.Option("--body-file", help="Markdown starting with a marker line")
    ],
) -> None:
    """Post the PR comment, or update the one carrying the same marker."""
    try:
        print(f"tierform pr-comment: {upsert_comment(repo, pr, body_file.read_text())}")
    except GitHubError as exc:
        print(f"tierform pr-comment: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None


def issue_command(
    repo: Annotated[str, typer.Option("--repo", envvar="GITHUB_REPOSITORY", help="owner/name")],
    title: Annotated[str, typer.Option("--title")],
    body_file: Annotated[
        Path, typer.Option("--body-file", help="Markdown starting with a marker line")
    ],
    label: Annotated[
        list[str] | None, typer.Option("--label", help="labels for a new issue")
    ] = None,
) -> None:
    """Open an issue, or update the open one carrying the same marker."""
    try:
        print(f"tierform issue: {upsert_issue(repo, title, body_file.read_text(), label or [])}")
    except GitHubError as exc:
        print(f"tierform issue: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
