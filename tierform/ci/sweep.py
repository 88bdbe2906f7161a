"""The scheduled sweep: tear down PR environments whose pull request was closed more than
`ci.sweep_after_days` ago (the pr-closed workflow can miss one: a cancelled run, a PR
closed while CI was down)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tierform.ci.github_checks import pull_request_state
from tierform.ci.pr_env.record import recorded_prs
from tierform.ci.teardown import teardown
from tierform.release.context import ReleaseContext


def sweep(ctx: ReleaseContext, repo: str, days: int, now: datetime | None = None) -> list[str]:
    now = now or datetime.now(UTC)
    lines = []
    for pr in recorded_prs(ctx.ledger):
        state, closed_at = pull_request_state(repo, pr)
        if state != "closed" or not closed_at:
            lines.append(f"PR {pr}: {state}, kept")
            continue
        closed = datetime.fromisoformat(closed_at.replace("Z", "+00:00"))
        if now - closed < timedelta(days=days):
            lines.append(f"PR {pr}: closed {closed_at}, kept (less than {days} day(s) ago)")
            continue
        lines.append(teardown(ctx, pr))
    return lines or [f"no PR environment recorded on tier {ctx.tier.name!r}"]
