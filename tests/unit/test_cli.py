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
