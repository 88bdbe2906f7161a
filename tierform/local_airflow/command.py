"""`tierform airflow start|stop --tier local`: what `make airflow` and
`make airflow-stop` run."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tierform.cli_options import ConfigOption
from tierform.command_io import load_or_exit, tier_or_exit
from tierform.config import EXIT_BAD_INPUT
from tierform.local_airflow import processes
from tierform.local_airflow.settings import DEFAULT_PORT, LocalAirflowError, local_airflow

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

TierOption = typer.Option("local", "--tier", help="a tier with airflow.flavor: local")
PortOption = typer.Option(DEFAULT_PORT, "--port", help="port of the API server on 127.0.0.1")


def _airflow(tier: str, config: Path, port: int, command: str):
    platform = load_or_exit(config)
    spec = tier_or_exit(platform, tier, f"airflow {command}")
    try:
        return local_airflow(platform, spec, platform.work_root, port)
    except LocalAirflowError as exc:
        print(f"tierform airflow {command}: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command("start")
def start_command(
    tier: str = TierOption, config: ConfigOption = Path("config"), port: int = PortOption
) -> None:
    """Start api-server, scheduler and dag-processor; print the URL and login."""
    airflow = _airflow(tier, config, port, "start")
    try:
        started = processes.start(airflow)
    except processes.StartFailed as exc:
        print(f"tierform airflow start: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    if not started:
        print("already running (stop it with `make airflow-stop`)")
    print("\n".join(processes.login_lines(airflow)))


@app.command("stop")
def stop_command(tier: str = TierOption, config: ConfigOption = Path("config")) -> None:
    """Stop the tier's local Airflow (every process it started)."""
    platform = load_or_exit(config)
    spec = tier_or_exit(platform, tier, "airflow stop")
    # Stopping needs no published DAGs folder: build the handle without that check.
    from tierform.local_airflow.settings import LocalAirflow

    airflow = LocalAirflow(tier=spec.name, root=Path.cwd(), dags_folder=Path(), port=0)
    stopped = processes.stop(airflow)
    print(f"stopped: {', '.join(stopped)}" if stopped else "no local Airflow was running")
