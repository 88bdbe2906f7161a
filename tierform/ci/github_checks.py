"""Each check of `ci run` as a commit status (context `data-ci/<tier>/<check>`), and the
state of a pull request for the sweep, through the `gh` CLI (tierform/gitops/github.py)."""

from __future__ import annotations

from tierform.ci.result import CheckOutcome
from tierform.gitops.github import _gh

STATE = {"pass": "success", "fail": "failure", "skip": "success"}


def post_statuses(repo: str, sha: str, tier: str, outcomes: list[CheckOutcome], url: str | None):
    for o in outcomes:
        body = {
            "state": STATE.get(o.status, "error"),
            "context": f"data-ci/{tier}/{o.check}",
            "description": o.summary[:140],
        }
        if url:
            body["target_url"] = url
        _gh(f"repos/{repo}/statuses/{sha}", "-X", "POST", body=body)


def pull_request_state(repo: str, pr: int) -> tuple[str, str | None]:
    """(state, closed_at) of the pull request: ("open", None) or ("closed", ISO time)."""
    data = _gh(f"repos/{repo}/pulls/{pr}")
    if not isinstance(data, dict):
        return "unknown", None
    return str(data.get("state")), data.get("closed_at")
