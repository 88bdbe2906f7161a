"""`<plans>/<tier>.status.json`: how a tier's plan went — planned, no changes, or failed.

`tierform diff` writes it for every tier it was asked to plan, also when the plan failed,
so the PR comment can say so instead of silently leaving the tier out:
`{"tier": "dev", "status": "failed", "error": "Error: No valid credential sources found"}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tierform.gitops.plan_model import PlanFormatError

PLANNED = "planned"
NO_CHANGES = "no-changes"
FAILED = "failed"
STATUSES = (PLANNED, NO_CHANGES, FAILED)
SUFFIX = ".status.json"


@dataclass(frozen=True)
class TierStatus:
    tier: str
    status: str  # one of STATUSES
    error: str | None = None  # the first error line, when failed

    @property
    def failed(self) -> bool:
        return self.status == FAILED


def status_path(out: Path, tier: str) -> Path:
    return out / f"{tier}{SUFFIX}"


def write_status(out: Path, status: TierStatus) -> Path:
    path = status_path(out, status.tier)
    out.mkdir(parents=True, exist_ok=True)
    doc = {"tier": status.tier, "status": status.status, "error": status.error}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file
    return path


def read_status(path: Path) -> TierStatus:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanFormatError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFormatError(f"{path}: not JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tier"), str):
        raise PlanFormatError(f"{path}: tier: expected the tier name (a string)")
    if doc.get("status") not in STATUSES:
        raise PlanFormatError(
            f"{path}: status: expected one of {', '.join(STATUSES)}, got {doc.get('status')!r}"
        )
    error = doc.get("error")
    return TierStatus(doc["tier"], doc["status"], error if isinstance(error, str) else None)


def tier_of_status_file(path: Path) -> str:
    return path.name.removesuffix(SUFFIX)
