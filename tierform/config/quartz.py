"""The schedule fields of a Databricks job: a Quartz cron and a Java time zone ID.

Databricks takes `quartz_cron_expression` (seconds minutes hours day-of-month month
day-of-week [year]) and `timezone_id`; a Unix 5-field cron or a mistyped zone passes
`terraform plan` and fails only when the provider calls the Jobs API.
"""

from __future__ import annotations

import zoneinfo

from tierform.config.error_format import shorten

EXAMPLE = "'0 0 3 * * ?' (03:00 every day)"


def cron_problem(cron: str) -> str | None:
    """Why `cron` is not a Quartz expression Databricks accepts, or None."""
    fields = cron.split()
    if len(fields) == 5:
        return (
            f"{shorten(cron)} is a 5-field Unix cron; Databricks takes a Quartz cron "
            f"(seconds minutes hours day-of-month month day-of-week [year]), e.g. {EXAMPLE}"
        )
    if len(fields) not in (6, 7):
        return (
            f"{shorten(cron)} has {len(fields)} fields; a Quartz cron has 6 or 7 (seconds "
            f"minutes hours day-of-month month day-of-week [year]), e.g. {EXAMPLE}"
        )
    day_of_month, day_of_week = fields[3], fields[5]
    if (day_of_month == "?") == (day_of_week == "?"):
        return (
            f"{shorten(cron)}: Quartz needs '?' in exactly one of day-of-month (4th field) "
            f"and day-of-week (6th field), e.g. {EXAMPLE}"
        )
    return None


def timezone_problem(zone: str) -> str | None:
    """Why `zone` is not a time zone ID (IANA, as Java knows them), or None."""
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"{shorten(zone)} is not a time zone ID (e.g. UTC, Europe/Berlin, America/New_York)"
    return None
