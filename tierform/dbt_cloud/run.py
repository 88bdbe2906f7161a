"""A dbt Cloud run as the Administrative API v2 describes it (`data` of GET .../runs/{id}/):
numeric status codes, their names, the run's page (`href`)."""

from __future__ import annotations

from dataclasses import dataclass

QUEUED, STARTING, RUNNING, SUCCESS, ERROR, CANCELLED = 1, 2, 3, 10, 20, 30
STATUS_NAMES = {
    QUEUED: "Queued",
    STARTING: "Starting",
    RUNNING: "Running",
    SUCCESS: "Success",
    ERROR: "Error",
    CANCELLED: "Cancelled",
}
FINAL = {SUCCESS, ERROR, CANCELLED}


@dataclass(frozen=True)
class Run:
    id: int
    status: int
    href: str
    status_message: str | None = None
    git_sha: str | None = None

    @property
    def name(self) -> str:
        return STATUS_NAMES.get(self.status, f"status {self.status}")

    @property
    def is_complete(self) -> bool:
        return self.status in FINAL

    @property
    def is_success(self) -> bool:
        return self.status == SUCCESS


def parse_run(data: object, where: str) -> Run:
    """The run in an API response's `data`; DbtCloudError when it is not one."""
    from tierform.dbt_cloud.errors import DbtCloudError

    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise DbtCloudError(f"{where}: dbt Cloud answered without a run (no data.id)")
    status = data.get("status")
    if not isinstance(status, int):
        raise DbtCloudError(f"{where}: dbt Cloud answered run {data['id']} without a status code")
    message = data.get("status_message")
    sha = data.get("git_sha")
    return Run(
        id=data["id"],
        status=status,
        href=str(data.get("href") or ""),
        status_message=str(message) if message else None,
        git_sha=str(sha) if sha else None,
    )
