"""`tierform approval-check --tier T --repo owner/name`: is `approval: true` really enforced?

`approval: true` only means something if the tier's GitHub environment has required
reviewers; the environment's settings live in GitHub, not in this repository. The apply job
runs this first: it reads `GET /repos/{owner}/{repo}/environments/{name}` with the job's
token and fails closed (exit 1) when the environment has no required reviewers, does not
exist, or cannot be read. Exit 2: bad input.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated

import typer

from tierform.cli_options import ConfigOption
from tierform.config import EXIT_BAD_INPUT, ConfigError, load_platform
from tierform.config.promotion import apply_environment


class NotEnforced(Exception):
    pass


def environment_reviewers(api: str, repo: str, environment: str, token: str | None) -> list:
    """The required reviewers of a GitHub environment; raises NotEnforced when none."""
    url = f"{api.rstrip('/')}/repos/{repo}/environments/{environment}"
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.github+json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise NotEnforced(
            f"GitHub answered {exc.code} for environment {environment!r} ({url})"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise NotEnforced(f"cannot read environment {environment!r} from {url}: {exc}") from None
    rules = data.get("protection_rules") if isinstance(data, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        if (
            isinstance(rule, dict)
            and rule.get("type") == "required_reviewers"
            and rule.get("reviewers")
        ):
            return rule["reviewers"]
    raise NotEnforced(
        f"GitHub environment {environment!r} of {repo} has no required reviewers, so "
        "`approval: true` would not stop anything; add reviewers under Settings → "
        "Environments"
    )


def approval_check_command(
    tier: Annotated[str, typer.Option("--tier", help="the tier about to be applied")],
    repo: Annotated[
        str | None, typer.Option("--repo", help="owner/name (default: $GITHUB_REPOSITORY)")
    ] = None,
    config: ConfigOption = Path("config"),
) -> None:
    """Fail closed unless the tier's GitHub environment has required reviewers (when the
    tier's promotion rule says `approval: true`). Token: $GITHUB_TOKEN or $GH_TOKEN."""
    try:
        platform = load_platform(config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    rule = platform.platform.promotion.tiers.get(tier)
    if tier not in platform.tiers:
        print(f"tierform approval-check: --tier {tier!r} is not a tier", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    if rule is None or not rule.approval:
        print(f"tierform approval-check: tier {tier!r} needs no approval")
        return
    repo = repo or os.environ.get("GITHUB_REPOSITORY")
    if not repo or repo.count("/") != 1:
        print(
            "tierform approval-check: --repo owner/name (or $GITHUB_REPOSITORY) is required",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    environment = apply_environment(platform.platform.promotion, tier)
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    try:
        reviewers = environment_reviewers(api, repo, environment, token)
    except NotEnforced as exc:
        print(f"tierform approval-check: REFUSED: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(
        f"tierform approval-check: ok: environment {environment!r} has {len(reviewers)} required reviewer(s)"
    )
