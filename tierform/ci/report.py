"""How `ci run`'s outcomes are shown: console lines, GitHub annotations (workflow commands),
the "Data CI" section of the PR comment (one per target tier) and the results file the
comment job reads."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from tierform.ci.result import Annotation, CheckOutcome
from tierform.gitops.markdown import GITHUB_COMMENT_LIMIT, cell, code

MARKER = "<!-- tierform:data-ci -->"
ICON = {"pass": "✅ pass", "fail": "❌ fail", "skip": "➖ skip"}


def console_lines(tier: str, outcomes: list[CheckOutcome]) -> list[str]:
    return [f"tierform ci [{tier}] {o.check}: {o.status} — {o.summary}" for o in outcomes]


def _escape(text: str, properties: bool = False) -> str:
    # GitHub's workflow-command escaping (toolkit/core command.ts).
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if properties else text


def annotation_command(check: str, a: Annotation) -> str:
    props = f"file={_escape(a.path, True)}"
    if a.line is not None:
        props += f",line={a.line}"
    props += f",title={_escape(check, True)}"
    return f"::{a.level} {props}::{_escape(a.message)}"


def tier_section(tier: str, outcomes: list[CheckOutcome], note: str = "") -> str:
    lines = [
        f"### Data CI — tier {code(tier)}",
        "",
        "| check | result | summary |",
        "|---|---|---|",
    ]
    lines += [
        f"| {o.check} | {ICON.get(o.status, o.status)} | {cell(o.summary)} |" for o in outcomes
    ]
    if note:
        lines += ["", note]
    for o in outcomes:
        if o.markdown and o.status != "skip":
            lines += ["", f"<details{' open' if o.failed else ''}><summary>{o.check}</summary>", ""]
            lines += [o.markdown, "", "</details>"]
    return "\n".join(lines)


def missing_section(tier: str) -> str:
    """A target tier whose data CI job wrote no results: it failed or was cancelled before
    the checks ran (setup, credentials, a config error). Said, so the comment never reads
    as if the tier had passed."""
    return "\n".join(
        [
            f"### Data CI — tier {code(tier)}",
            "",
            f"❌ **no result**: the data CI job for {code(tier)} stopped before its checks "
            "reported (failed or cancelled); see the job's log.",
        ]
    )


def sections_for(found: list[tuple[str, list[CheckOutcome]]], expected: list[str]) -> list[str]:
    """One section per target tier in config order (a missing result said as such), then any
    result for a tier that is no longer a target."""
    by_tier = dict(found)
    sections = [
        tier_section(tier, by_tier[tier]) if tier in by_tier else missing_section(tier)
        for tier in expected
    ]
    sections += [tier_section(tier, outcomes) for tier, outcomes in found if tier not in expected]
    return sections


def comment_body(sections: list[str]) -> str:
    body = "\n\n".join([MARKER, "## Data CI", *sections]) + "\n"
    if len(body) > GITHUB_COMMENT_LIMIT:
        cut = GITHUB_COMMENT_LIMIT - 200
        body = body[:cut] + "\n\n… (cut to GitHub's comment limit; the job log has it all)\n"
    return body


def write_results(folder: Path, tier: str, pr: int, outcomes: list[CheckOutcome], extra: dict):
    folder.mkdir(parents=True, exist_ok=True)
    data = {"tier": tier, "pr": pr, "outcomes": [asdict(o) for o in outcomes], **extra}
    (folder / f"{tier}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (folder / f"{tier}.md").write_text(tier_section(tier, outcomes) + "\n", encoding="utf-8")


def read_results(folder: Path) -> list[tuple[str, list[CheckOutcome]]]:
    found = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        outcomes = [
            CheckOutcome(
                **{**o, "annotations": tuple(Annotation(**a) for a in o.get("annotations", ()))}
            )
            for o in data["outcomes"]
        ]
        found.append((str(data["tier"]), outcomes))
    return found
