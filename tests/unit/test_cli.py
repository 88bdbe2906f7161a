"""The tierform CLI's config commands, run as a user would (`python -m tierform`)."""

from __future__ import annotations

from support import EXAMPLE_CONFIG, copy_config, edit_yaml, run_tierform_in_process


def run(*args: str):
    return run_tierform_in_process(*args)


def test_validate_ok_lists_stacks():
    result = run("validate", "--config", str(EXAMPLE_CONFIG))
    assert result.returncode == 0, result.stderr
    assert "local, dev, staging, prod, dev-alice, dev-bob" in result.stdout


def test_validate_bad_config_exit_2_without_traceback(tmp_path):
    config = copy_config(tmp_path)
    edit_yaml(
        config / "tiers" / "prod.yaml",
        lambda d: d["snowflake"]["warehouses"]["LOADING"].update(size="HUGE"),
    )
    result = run("validate", "--config", str(config))
    assert result.returncode == 2
    assert "snowflake.warehouses.LOADING.size: 'HUGE' is not one of" in result.stderr
    assert "Traceback" not in result.stderr


def test_tiers_in_promotion_order():
    result = run("tiers", "--config", str(EXAMPLE_CONFIG))
    assert result.stdout.split("\n")[:4] == [
        "local\tlocal",
        "dev\tdev",
        "staging\tstaging",
        "prod\tprod (protected)",
    ]


def test_release_commands_are_registered():
    result = run("release", "--help")
    assert result.returncode == 0, result.stderr
    for command in ("dbt", "dags", "rollback", "status"):
        assert command in result.stdout


def test_every_command_with_a_config_folder_reads_tierform_config() -> None:
    """README: every command reads TIERFORM_CONFIG. `dag-check` and `airflow start|stop`
    used to ignore it and load `config/`, another platform's tiers."""
    import typer.main

    from tierform.cli import app
    from tierform.config.errors import CONFIG_VARIABLE
    from tierform.release.cli import app as release_app

    def commands(command, path: str):
        if hasattr(command, "commands"):  # a group (typer ships its own click)
            for name, sub in command.commands.items():
                yield from commands(sub, f"{path} {name}")
        else:
            yield path, command

    found = []
    for root, prog in ((app, "tierform"), (release_app, "tierform.release")):
        for path, command in commands(typer.main.get_command(root), prog):
            for param in command.params:
                if "--config" in getattr(param, "opts", ()):
                    found.append(path)
                    assert param.envvar == CONFIG_VARIABLE, path
    assert {"tierform dag-check", "tierform airflow start", "tierform airflow stop"} <= set(found)
    assert len(found) >= 15, found
