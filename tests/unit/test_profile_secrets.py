"""A literal secret in dbt's profiles.yml is refused at validation (before any step runs:
synth, the policy gate, the dbt build), in every target of the file, with one line per
field naming profiles.yml and the field, exit 2, and never the value. The rule is
tierform/config/profile_secrets.py; the DAG release applies it again to the target it
ships (tests/unit/test_dag_artifact.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hostile_values import PKCS8_BODY, PKCS8_PEM
from support import HELIX_ROOT, edit_yaml, run_synth_in_process, run_tierform_in_process

from tierform.config.profile_secrets import literal_secrets, profiles_literal_secrets

PROFILES = "dbt/profiles/profiles.yml"  # helix keeps profiles.yml in release.dbt.profiles_dir
PASSWORD = "Sup3rS3cretPassw0rd!"
EXPECTED = "write \"{{ env_var('…') }}\" so it comes from the environment at run time"


@pytest.fixture
def helix(tmp_path: Path) -> Path:
    """A writable copy of helix; commands run from it, so files show as dbt/profiles/…"""
    root = tmp_path / "helix"
    shutil.copytree(HELIX_ROOT, root)
    return root


def validate(root: Path) -> subprocess.CompletedProcess:
    return run_tierform_in_process("validate", cwd=root)


def bad_input_lines(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def edit_output(root: Path, target: str, **fields) -> None:
    edit_yaml(root / PROFILES, lambda d: d["helix_wh"]["outputs"][target].update(fields))


# --- through the commands ---------------------------------------------------------------


def test_literal_password_is_refused_in_one_line_without_the_value(helix):
    text = (helix / PROFILES).read_text()
    (helix / PROFILES).write_text(
        text.replace("      type: duckdb\n", f'      type: duckdb\n      password: "{PASSWORD}"\n')
    )
    result = validate(helix)
    assert bad_input_lines(result) == [
        f"{PROFILES}: helix_wh.outputs.laptop.password: a literal secret (not shown); {EXPECTED}"
    ]
    assert PASSWORD not in result.stdout + result.stderr


def test_pem_private_key_is_refused_in_every_target_reading_it(helix):
    """helix's Snowflake targets share one anchor: each target dbt can build with is a field
    of its own, so each is named (the same key, once per target)."""
    text = (helix / PROFILES).read_text()
    pem = PKCS8_PEM.strip().replace("\n", "\\n")
    (helix / PROFILES).write_text(
        text.replace("\"{{ env_var('SNOWFLAKE_PRIVATE_KEY') }}\"", f'"{pem}"')
    )
    result = validate(helix)
    lines = bad_input_lines(result)
    assert lines == [
        f"{PROFILES}: helix_wh.outputs.{target}.private_key: a literal secret (key material, "
        f"not shown); {EXPECTED}"
        for target in ("snow_dev", "snow_qa", "snow_uat", "snow_prod")
    ]
    out = result.stdout + result.stderr
    assert "BEGIN PRIVATE KEY" not in out and PKCS8_BODY[:40] not in out


def test_a_target_no_tier_builds_with_is_refused_too(helix):
    """profiles.yml is committed whole: a secret in a spare target leaks as well."""
    edit_yaml(
        helix / PROFILES,
        lambda d: d["helix_wh"]["outputs"].update(
            spare={"type": "postgres", "host": "db", "user": "me", "password": PASSWORD}
        ),
    )
    result = validate(helix)
    assert bad_input_lines(result) == [
        f"{PROFILES}: helix_wh.outputs.spare.password: a literal secret (not shown); {EXPECTED}"
    ]
    assert PASSWORD not in result.stdout + result.stderr


def test_harmless_literals_and_env_var_values_pass(helix):
    edit_output(
        helix,
        "laptop",
        path="helix.duckdb",
        threads=4,
        schema="main",
        settings={"memory_limit": "1GB"},
    )
    edit_output(
        helix,
        "snow_dev",
        password="{{ env_var('SNOWFLAKE_PASSWORD') }}",
        private_key_passphrase="{{ env_var('SNOWFLAKE_PRIVATE_KEY_PASSPHRASE', '') }}",
        private_key_path="/run/secrets/snowflake.p8",
        token="",
        client_session_keep_alive=False,
    )
    result = validate(helix)
    assert result.returncode == 0, result.stderr


def test_synth_refuses_and_writes_nothing(helix, tmp_path):
    edit_output(helix, "snow_prod", password=PASSWORD)
    outdir = tmp_path / "out"
    result = run_synth_in_process(helix / "config", outdir, cwd=helix)
    lines = bad_input_lines(result)
    assert f"{PROFILES}: helix_wh.outputs.snow_prod.password: a literal secret" in "\n".join(lines)
    assert PASSWORD not in result.stdout + result.stderr
    assert not outdir.exists()


# --- the rule ---------------------------------------------------------------------------

SECRET = ["p", "outputs", "t"]


@pytest.mark.parametrize(
    "output, field",
    [
        ({"password": PASSWORD}, "password"),
        ({"password": 12345678}, "password"),  # YAML reads it as a number
        ({"user": "x", "private_key": PKCS8_BODY}, "private_key"),
        ({"pass": "hunter22"}, "pass"),  # dbt-postgres / dbt-redshift: `pass` = `password`
        ({"token": "dapi" + "0" * 32}, "token"),
        ({"client_secret": "s3cr3t"}, "client_secret"),
        ({"oauth_client_secret": "s3cr3t"}, "oauth_client_secret"),
        ({"keyfile_json": '{"type": "service_account"}'}, "keyfile_json"),
        ({"keyfile_json": {"private_key": "abc", "private_key_id": "0a1b"}}, "keyfile_json.private_key"),
        ({"settings": {"s3_secret_access_key": "wJalrXUtnFEMI"}}, "settings.s3_secret_access_key"),
        # a key's shape is refused under any name, even as an env_var default
        ({"user": f"{{{{ env_var('U', '{PKCS8_BODY}') }}}}"}, "user"),
        ({"host": "postgres://me:hunter22@db:5432/x"}, "host"),
        # a default is used whenever the variable is unset: written down all the same
        ({"password": "{{ env_var('PG_PASSWORD', 'postgres') }}"}, "password"),
        ({"password": "{{ env_var('DB_PASSWORD') | default('Hunter2Hunter2xyz') }}"}, "password"),
        ({"password": "{{ env_var(\"DB_PASSWORD\") or 'Hunter2Hunter2xyz' }}"}, "password"),
        ({"token": "{{ env_var('T') ~ 'suffix-written-down' }}"}, "token"),
    ],
)  # fmt: skip
def test_literal_secrets_are_found(output, field):
    (found,) = list(literal_secrets(output, SECRET))
    path, message = found
    assert ".".join(map(str, path)) == f"p.outputs.t.{field}"
    assert message.startswith("a literal secret ") and "env_var" in message
    for value in _leaves(output):  # never quoted, not even in part
        assert len(str(value)) < 6 or str(value)[-20:] not in message


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


@pytest.mark.parametrize(
    "output",
    [
        {"type": "duckdb", "path": "/data/x.duckdb", "threads": 8, "schema": "main"},
        {"password": "{{ env_var('PG_PASSWORD') }}", "token": None, "secret": ""},
        {"private_key_passphrase": "{{ env_var('SNOWFLAKE_PRIVATE_KEY_PASSPHRASE', '') }}"},
        {"password": "{{ env_var('PG_PASSWORD') | trim }}", "token": "{{ env_var(\"T\") or '' }}"},
        # a Jinja expression in a URL's query, without spaces (MotherDuck's token)
        {"path": "md:db?motherduck_token={{env_var('MOTHERDUCK_TOKEN')}}"},
        {"private_key_path": "~/.ssh/snowflake.p8", "token_uri": "https://oauth2.googleapis.com/token"},
        {"keyfile_json": {"private_key": "{{ env_var('BQ_KEY') }}", "private_key_id": "0a1b"}},
        {"authenticator": "snowflake_jwt", "client_session_keep_alive": False, "retry_all": True},
        "not a mapping",
    ],
)  # fmt: skip
def test_harmless_values_are_not_secrets(output):
    assert list(literal_secrets(output, SECRET)) == []


def test_every_profile_of_the_file_is_read_and_config_is_not_a_profile():
    data = {
        "config": {"send_anonymous_usage_stats": False},
        "mine": {"target": "a", "outputs": {"a": {"password": "{{ env_var('X') }}"}}},
        "theirs": {"outputs": {"b": {"password": "hunter22"}, "c": "odd"}},
        "broken": ["not", "a", "profile"],
    }
    assert [p for p, _ in profiles_literal_secrets(data)] == [
        ["theirs", "outputs", "b", "password"]
    ]
