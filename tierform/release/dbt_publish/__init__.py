"""Blue/green dbt releases: build and test in a shadow of the tier's warehouse, publish it in
one step only when everything passed, keep the previous version as the rollback target.

One module per warehouse kind: duckdb_file.py (local tier: a copy of the file, atomic rename),
snowflake_schemas.py (zero-copy schema clones, `ALTER SCHEMA … SWAP WITH`; statements in
snowflake_sql.py). Other adapters (Databricks) build in place, and say so wherever the mode
is shown (release log, status, PR comment): see `publish_mode`.

The ledger's `dbt/<target>/publish.json` says which build is live, the rollback target and
the shadow of a failed build kept for inspection (tierform/ledger/dbt_records.py).
"""

from __future__ import annotations

from typing import Protocol

from tierform.config.release import BLUE_GREEN_ADAPTERS, DbtStep
from tierform.ledger import dbt_records
from tierform.release.context import ReleaseContext, ReleaseError
from tierform.release.records import now
from tierform.release.report import Reporter

BLUE_GREEN, IN_PLACE = "blue_green", "in_place"
SUPPORTED_ADAPTERS = BLUE_GREEN_ADAPTERS


def publish_mode(step: DbtStep) -> tuple[str, str | None]:
    """(the mode a release of this step really uses, why it differs from the config)."""
    if step.runner == "dbt_cloud":  # dbt Cloud's deploy job builds; Tierform keeps no shadow
        return "dbt_cloud", "the tier's dbt Cloud deploy job builds over the tier's data"
    if step.publish == IN_PLACE:
        return IN_PLACE, None
    if step.adapter not in SUPPORTED_ADAPTERS:
        return IN_PLACE, (
            f"blue/green is not available for the {step.adapter} adapter: dbt builds in place, "
            "so a model whose test fails stays live"
        )
    return BLUE_GREEN, None


def describe_mode(step: DbtStep) -> str:
    """One line for the PR comment and `status`."""
    mode, note = publish_mode(step)
    if mode == "dbt_cloud":
        return "by the tier's dbt Cloud deploy job (it builds over the tier's data)"
    if mode == BLUE_GREEN:
        return "blue/green (built and tested in a shadow, published only when every test passed)"
    if note:
        return f"in place — {note}"
    return "in place (`release.dbt.publish: in_place`: a model whose test fails stays live)"


class Publisher(Protocol):
    mode: str

    def prepare(self, report: Reporter, dbt_args: list[str], scratch) -> dict[str, str]:
        """Make the shadow (dropping the last one); the environment the build runs with."""

    def publish(self, report: Reporter) -> dict:
        """Shadow becomes live, live becomes the rollback target; returns their locations."""

    def shadow_location(self) -> str: ...

    def rollback(self, report: Reporter) -> None:
        """Swap live and the rollback target."""


def publisher_for(ctx: ReleaseContext, step: DbtStep, report: Reporter | None) -> Publisher | None:
    mode, note = publish_mode(step)
    if note and report is not None:
        report.info(f"WARNING: {note} (set release.dbt.publish: in_place to silence this)")
    if mode != BLUE_GREEN:
        return None
    if step.adapter == "duckdb":
        from tierform.release.dbt_build import duckdb_path
        from tierform.release.dbt_publish.duckdb_file import DuckDBFilePublisher

        return DuckDBFilePublisher(ctx.root, duckdb_path(ctx, step.target))
    from tierform.release.dbt_publish.snowflake_schemas import SnowflakeSchemaPublisher

    return SnowflakeSchemaPublisher(ctx, step)


def conclude(
    ctx: ReleaseContext, report: Reporter, step: DbtStep, publisher: Publisher, version: dict
) -> tuple[bool, dict]:
    """After the build: publish when it passed, else keep the shadow. (published?, the
    run record's `publish` entry); the ledger's publish.json is updated either way."""
    ledger, target = ctx.ledger, step.target
    state = dbt_records.read_publish(ledger, target) or {"live": None, "previous": None}
    state = {**state, "mode": BLUE_GREEN}
    if version["success"]:
        # Said before the swap: a release killed during it leaves a record `status` shows.
        dbt_records.write_publish(ledger, target, {**state, "publishing": version})
        try:
            where = publisher.publish(report)
        except (OSError, ReleaseError) as exc:
            report.fail(f"publishing the shadow failed, the live data is unchanged: {exc}")
            state["shadow"] = {**version, "success": False, "location": publisher.shadow_location()}
            state["publishing"] = None
            dbt_records.write_publish(ledger, target, state)
            return False, {"mode": BLUE_GREEN, "published": False, "error": str(exc)}
        previous = state.get("live")
        kept = previous if previous and where["previous"] else None
        state.update(
            live={**version, "published_at": now(), "location": where["live"]},
            previous={**kept, "location": where["previous"]} if kept else None,
            shadow=None,
            publishing=None,
        )
        dbt_records.write_publish(ledger, target, state)
        if kept:
            after = f"the previous version {kept['run_id']} is kept in {where['previous']}"
        elif previous:
            # The ledger's live version is a warehouse this machine does not hold (a DuckDB
            # file of another clone): there is nothing here to keep, nor to roll back to.
            after = (
                f"no previous version here (the last one published, {previous['run_id']}, "
                "is not on this machine): no rollback target"
            )
        else:
            after = "no previous version (first publish)"
        report.ok(f"published build {version['run_id']} to {where['live']} (blue/green); {after}")
        return True, {"mode": BLUE_GREEN, "published": True, "live": version["run_id"]}
    location = publisher.shadow_location()
    state["shadow"] = {**version, "location": location}
    dbt_records.write_publish(ledger, target, state)
    report.fail(
        f"not published: the live data is unchanged; the failing build is kept in {location} "
        "for inspection (the next release replaces it)"
    )
    return False, {"mode": BLUE_GREEN, "published": False, "shadow": location}


def rollback(ctx: ReleaseContext, report: Reporter, step: DbtStep) -> bool:
    """`release rollback --step dbt`: the previous version becomes live again (and the
    current one the rollback target, so a second rollback undoes the first)."""
    mode, note = publish_mode(step)
    if mode != BLUE_GREEN:
        raise ReleaseError(
            f"tier {ctx.tier.name!r} releases dbt in place ({note or 'release.dbt.publish'}): "
            "there is no previous version to swap back to"
        )
    ledger, target = ctx.ledger, step.target
    state = dbt_records.read_publish(ledger, target)
    if not state or not state.get("previous"):
        report.fail(f"nothing to roll back to: tier {ctx.tier.name!r} has one published dbt build")
        return False
    publisher = publisher_for(ctx, step, None)
    assert publisher is not None
    publisher.rollback(report)
    live, previous = state["previous"], state["live"]
    live_loc, prev_loc = live.get("location"), previous.get("location")
    state.update(
        live={**live, "location": prev_loc, "published_at": now(), "rolled_back": True},
        previous={**previous, "location": live_loc},
    )
    dbt_records.write_publish(ledger, target, state)
    record = dbt_records.run_record(ledger, target, live["run_id"])
    if record is not None:  # --slim defers to the build that is live again
        dbt_records.set_last_success(ledger, target, record)
    report.ok(
        f"rolled back: build {live['run_id']} (content {live['content_sha256'][:12]}) is live "
        f"again; {previous['run_id']} is now the rollback target"
    )
    return True
