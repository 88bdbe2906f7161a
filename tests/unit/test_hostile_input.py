"""Hostile and broken input (issue 18, items 1, 5, 6, 8): each reproduction of the attack
report, through the real commands, is refused with exit 2 and one clear line — never a
traceback, never a moved folder, never a printed secret."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
import yaml
from hostile_values import ALIAS_BOMB, BAD_NAMES, PKCS8_BODY, PUBLIC_BODY, PUBLIC_PEM, SECRETS
from support import REPO, copy_config, dump_yaml, edit_yaml, run_tierform_in_process

from tierform.config import ConfigError, load_platform
from tierform.config.repo_paths import confinement_problem
from tierform.policy.checkov_checks.tierform_secret_shapes import find_secret

# A hang guard for the subprocess, not a timing assertion: an alias bomb used to run >10 min.
HANG_GUARD = 120


def run(module: str, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS`, run in this process (support.run_tierform_in_process)."""
    return run_tierform_in_process(*args, module=module, cwd=cwd, **env)


@contextlib.contextmanager
def hang_guard(seconds: int = HANG_GUARD):
    """Fail, rather than hang, when in-process input handling runs away (SIGALRM: the test
    runs in the main thread, under xdist too)."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_refused(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


def issues_of(config: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_platform(config)
    return str(caught.value)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy_config(tmp_path)
    return tmp_path


def set_local_dags_folder(config: Path, value: str) -> None:
    edit_yaml(
        config / "tiers" / "local.yaml",
        lambda d: d.update(airflow={"flavor": "local", "dags_folder": value}),
    )


# --- item 1: paths confined ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (".", "must not be the repository root itself"),
        ("config", "must not be (or contain) the configuration folder"),
        ("/tmp/elsewhere", "not absolute"),
        ("../outside", "without '..'"),
        ("examples/dags", "must be inside .tierform/"),
        (".tierform", "must be inside .tierform/"),
    ],
)
def test_local_dags_folder_must_be_a_generated_folder(repo: Path, value: str, expected: str):
    set_local_dags_folder(repo / "config", value)
    result = run("tierform", "validate", "--config", "config", cwd=repo)
    assert_refused(result, "tiers/local.yaml: airflow.dags_folder:", expected)


def test_a_symlink_escaping_the_repository_is_refused(repo: Path, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (repo / ".tierform").mkdir()
    (repo / ".tierform" / "escape").symlink_to(outside, target_is_directory=True)
    set_local_dags_folder(repo / "config", ".tierform/escape/dags")
    assert "leads outside" in issues_of(repo / "config")


def test_a_source_folder_that_is_itself_a_symlink_out_of_the_repository_is_refused(
    repo: Path, tmp_path_factory
):
    """The DAGs folder as a link to a folder outside: its files were published and copied
    into the release ledger. (A link earlier on the way was refused already.)"""
    outside = tmp_path_factory.mktemp("outside")
    (outside / "notes.py").write_text("# not the repository's\n")
    (repo / "examples" / "linked_dags").symlink_to(outside, target_is_directory=True)
    edit_yaml(
        repo / "config" / "platform.yaml",
        lambda d: d["release"]["dags"].update(folder="examples/linked_dags"),
    )
    assert "leads outside" in issues_of(repo / "config")
    inside = repo / "examples" / "dags_link"
    inside.symlink_to(repo / "examples" / "dags", target_is_directory=True)  # stays inside
    assert confinement_problem("examples/dags_link", repo) is None


def test_a_tracked_folder_is_never_a_generated_folder(repo: Path):
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / ".tierform" / "kept").mkdir(parents=True)
    (repo / ".tierform" / "kept" / "file.txt").write_text("tracked")
    subprocess.run(["git", "add", "-f", ".tierform/kept/file.txt"], cwd=repo, check=True)
    assert "tracked by git" in (confinement_problem(".tierform/kept", repo, generated=True) or "")
    assert confinement_problem(".tierform/other", repo, generated=True) is None


@pytest.mark.parametrize("value", [".", "config", "/srv/state", "../state", "state"])
def test_local_state_directory_is_confined(repo: Path, value: str):
    edit_yaml(
        repo / "config" / "tiers" / "local.yaml", lambda d: d["backend"].update(directory=value)
    )
    assert "backend.directory:" in issues_of(repo / "config")


@pytest.mark.parametrize("value", ["config", ".", "../x", "/abs"])
def test_release_folders_are_confined(repo: Path, value: str):
    edit_yaml(
        repo / "config" / "platform.yaml", lambda d: d["release"]["dags"].update(folder=value)
    )
    assert "release.dags.folder:" in issues_of(repo / "config")


def test_publisher_leaves_a_checkout_alone_when_config_is_bypassed(repo: Path):
    """The Python API can skip load_platform: the publisher applies the rule itself."""
    from tierform.config.airflow import DagTarget
    from tierform.release.context import ReleaseError
    from tierform.release.publishers import publisher_for

    version = repo / ".tierform" / "releases" / "local" / "dags" / "versions" / "r1"
    version.mkdir(parents=True)
    before = sorted(p.name for p in repo.iterdir())
    for location in (".", "config", str(repo / "examples"), "../x"):
        target = DagTarget(kind="local", location=location, environment_name="local-local")
        with pytest.raises(ReleaseError) as caught:
            publisher_for(target, repo).publish(version)
        assert getattr(caught.value, "exit_code", 1) == 2
    assert sorted(p.name for p in repo.iterdir()) == before
    assert not any(p.is_symlink() for p in repo.iterdir())


def test_publisher_refuses_a_symlink_it_did_not_make(repo: Path, tmp_path_factory):
    from tierform.config.airflow import DagTarget
    from tierform.release.context import ReleaseError
    from tierform.release.publishers import publisher_for

    elsewhere = tmp_path_factory.mktemp("elsewhere")
    link = repo / ".tierform" / "airflow" / "dags"
    link.parent.mkdir(parents=True)
    link.symlink_to(elsewhere, target_is_directory=True)
    version = repo / ".tierform" / "releases" / "local" / "dags" / "versions" / "r1"
    version.mkdir(parents=True)
    target = DagTarget(kind="local", location=".tierform/airflow/dags", environment_name="x")
    with pytest.raises(ReleaseError, match="not to a release under"):
        publisher_for(target, repo).publish(version)
    assert link.resolve() == elsewhere.resolve()


# --- item 5: input limits ---------------------------------------------------------------


def _bomb_in(config: Path, file: str, edit) -> None:
    """Append the alias bomb's anchors to `file`, then point one field at its biggest alias."""
    path = config / file
    data = yaml.safe_load(path.read_text())
    edit(data)
    text = yaml.safe_dump(data, sort_keys=False).replace("'*BOMB'", "*i")
    path.write_text(
        "x-bomb:\n" + "\n".join("  " + line for line in ALIAS_BOMB.splitlines()) + "\n" + text
    )


@pytest.mark.parametrize(
    ("file", "edit"),
    [
        (
            "tiers/prod.yaml",
            lambda d: d["snowflake"]["resource_monitor"].update(notify_users="*BOMB"),
        ),
        ("tiers/prod.yaml", lambda d: d["databricks"].update(groups="*BOMB")),
        ("tiers/prod.yaml", lambda d: d["airflow"].update(tags="*BOMB")),
        ("tiers/prod.yaml", lambda d: d.update(kind="*BOMB")),
        ("tiers/dev.yaml", lambda d: d.update(extends="*BOMB")),
    ],
    ids=["notify_users", "groups", "tags", "kind", "extends"],
)
def test_alias_bomb_fails_fast(repo: Path, file: str, edit):
    _bomb_in(repo / "config", file, edit)
    with hang_guard():  # the guard turns TimeoutError into "internal error": the test fails
        result = run("tierform", "validate", "--config", "config", cwd=repo)
    assert_refused(result, file, "expands by more than 100000 values through YAML aliases")
    assert len(result.stderr.splitlines()) == 1


def test_a_large_file_written_out_is_read_but_aliases_may_not_add_as_much(tmp_path: Path):
    # The alias limit is about what aliases add: a big platform writing 150,000 values
    # itself (no alias) is read; the same values added through aliases are refused.
    from tierform.config.yaml_io import MAX_ALIAS_VALUES, read_yaml_mapping

    written = "schemas:\n" + "".join(f"  S{n:06d}: {{comment: c{n}}}\n" for n in range(40_000))
    big = tmp_path / "big.yaml"
    big.write_text(written)
    assert len(read_yaml_mapping(big, "big.yaml")["schemas"]) == 40_000
    anchor = "base: &b [" + ", ".join(f"v{n}" for n in range(1_000)) + "]\n"
    aliases = "copies:\n" + "".join("  - *b\n" for _ in range(MAX_ALIAS_VALUES // 1_000 + 1))
    bomb = tmp_path / "aliases.yaml"
    bomb.write_text(anchor + aliases)
    with pytest.raises(
        ConfigError, match="expands by more than 100000 values through YAML aliases"
    ):
        read_yaml_mapping(bomb, "aliases.yaml")
    # One copy fewer than the limit adds: read.
    bomb.write_text(anchor + "copies:\n" + "  - *b\n" * (MAX_ALIAS_VALUES // 1_000 - 1))
    assert len(read_yaml_mapping(bomb, "aliases.yaml")["copies"]) == MAX_ALIAS_VALUES // 1_000 - 1


def test_merge_keys_may_override_but_keys_may_not_repeat(tmp_path: Path):
    from tierform.config.yaml_io import read_yaml_mapping

    (tmp_path / "ok.yaml").write_text("a: &x {k: 1, j: 2}\nb:\n  <<: *x\n  k: 3\n")
    assert read_yaml_mapping(tmp_path / "ok.yaml", "ok.yaml")["b"] == {"k": 3, "j": 2}
    (tmp_path / "dup.yaml").write_text("a: 1\na: 2\n")
    with pytest.raises(ConfigError, match="duplicate key 'a'"):
        read_yaml_mapping(tmp_path / "dup.yaml", "dup.yaml")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.symlink_to("/dev/zero"), "is not a regular file"),
        (lambda p: os.mkfifo(p), "is not a regular file"),
        (lambda p: p.mkdir(), "is a folder, expected a file"),
        (lambda p: p.write_text("# padding\n" * 420_000), "over the limit of 4194304 bytes"),
        (lambda p: p.write_bytes("kind: d\xe9v\n".encode("latin-1")), "not UTF-8 text"),
        (lambda p: p.write_bytes(b"\x00\x01binary\xff"), "not UTF-8 text"),
        (lambda p: p.write_bytes(b"kind: dev\x00\n"), "control character #x0000"),
        (lambda p: p.write_text("a: &a [*a]\n"), "an alias refers to its own anchor"),
        (lambda p: p.write_text("a: " + "[" * 3000 + "]" * 3000 + "\n"), "nested too deeply"),
        (lambda p: p.write_text("? [a]\n: 1\n"), "a mapping key must be a plain value"),
        (lambda p: p.symlink_to(p), "cannot read file"),
    ],
    ids=["dev-zero", "fifo", "folder", "too-big", "latin-1", "binary", "nul", "recursive-alias",
         "deep", "list-key", "symlink-loop"],
)  # fmt: skip
def test_only_regular_small_utf8_files_are_read(repo: Path, make, expected: str):
    tier_file = repo / "config" / "tiers" / "dev.yaml"
    tier_file.unlink()
    make(tier_file)
    result = run("tierform", "validate", "--config", "config", cwd=repo)
    assert_refused(result, "config/tiers/dev.yaml", expected)


def test_messages_shorten_values(repo: Path):
    edit_yaml(repo / "config" / "tiers" / "dev.yaml", lambda d: d.update(extends=["x" * 5000] * 50))
    message = issues_of(repo / "config")
    assert "extends: expected a tier name" in message and len(message) < 300


def test_gate_timeout_is_exit_2_with_a_line(tmp_path: Path):
    stack = tmp_path / "cdktf.out" / "stacks" / "local" / "cdk.tf.json"
    stack.parent.mkdir(parents=True)
    stack.write_text(json.dumps({"resource": {"terraform_data": {"x": {"input": "a"}}}}))
    slow = tmp_path / "slow-checkov"
    slow.write_text("#!/bin/sh\nsleep 60\n")
    slow.chmod(0o755)
    result = run(
        "tierform", "policy", cwd=tmp_path, TIERFORM_CHECKOV=str(slow), TIERFORM_CHECKOV_TIMEOUT="1"
    )
    assert_refused(result, "checkov did not finish within 1 s")


# --- item 6: names and secrets ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BAD_NAMES))
def test_bad_names_are_refused(repo: Path, name: str):
    bad = BAD_NAMES[name]

    def rename(data):
        dbs = data["snowflake"]["databases"]
        dbs[bad] = dbs.pop("RAW")

    edit_yaml(repo / "config" / "tiers" / "prod.yaml", rename)
    message = issues_of(repo / "config")
    assert "snowflake.databases" in message
    assert all(": " in line for line in message.splitlines())  # one line per problem
    assert bad not in message or len(bad) < 60  # a 300-character name is shortened


def test_names_fit_255_after_the_naming_pattern(repo: Path):
    long = "A" * 250  # valid alone; RAW_PROD-style suffix makes it 255+

    def rename(data):
        dbs = data["snowflake"]["databases"]
        dbs[long] = dbs.pop("RAW")

    edit_yaml(repo / "config" / "tiers" / "prod.yaml", rename)
    message = issues_of(repo / "config")
    assert "Snowflake names have at most 255" in message and "naming pattern" in message


def test_rsa_public_key_must_be_a_public_key(repo: Path):
    def set_key(value):
        def edit(data):
            users = data["snowflake"]["service_users"]
            next(iter(users.values()))["rsa_public_key"] = value

        return edit

    prod = repo / "config" / "tiers" / "prod.yaml"
    original = prod.read_text()
    for good in (PUBLIC_BODY, PUBLIC_PEM):
        prod.write_text(original)
        edit_yaml(prod, set_key(good))
        load_platform(repo / "config")
    for bad in (PKCS8_BODY, "not a key at all", "MIIB" + "A" * 300):
        prod.write_text(original)
        edit_yaml(prod, set_key(bad))
        message = issues_of(repo / "config")
        assert "rsa_public_key" in message and PKCS8_BODY[:40] not in message


@pytest.mark.parametrize("shape", sorted(SECRETS))
def test_secrets_in_free_text_are_refused_and_never_printed(repo: Path, shape: str):
    secret = SECRETS[shape]
    edit_yaml(
        repo / "config" / "tiers" / "prod.yaml",
        lambda d: d["snowflake"]["databases"]["RAW"].update(comment=f"see {secret} here"),
    )
    result = run("tierform", "validate", "--config", "config", cwd=repo)
    assert_refused(result, "snowflake.databases.RAW.comment: holds what looks like")
    for line in secret.splitlines():
        if len(line) >= 8 and find_secret(line):
            assert line not in result.stderr


_WRITTEN_DOWN = "Hunter2Hunter2xyz"  # no secret's shape: refused for where it is written


def _airflow_option(d):
    d["airflow"]["airflow_configuration_options"] = {"smtp.smtp_password": _WRITTEN_DOWN}


def _job_parameter(d):
    d["databricks"]["jobs"]["NIGHTLY"]["parameters"]["api_token"] = _WRITTEN_DOWN


def _flag_argument(d):
    task = d["databricks"]["jobs"]["NIGHTLY"]["tasks"]["OPTIMIZE_GOLD"]["spark_python"]
    task["parameters"] += ["--password", _WRITTEN_DOWN]


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (_airflow_option, "airflow.airflow_configuration_options.smtp.smtp_password"),
        (lambda d: d["airflow"]["tags"].update(db_password=_WRITTEN_DOWN), "airflow.tags.db_password"),
        (_job_parameter, "databricks.jobs.NIGHTLY.parameters.api_token"),
        (lambda d: d["databricks"]["cost_tags"].update(secret=_WRITTEN_DOWN), "databricks.cost_tags.secret"),
        (_flag_argument, "databricks.jobs.NIGHTLY.tasks.OPTIMIZE_GOLD.spark_python.parameters.3"),
    ],
    ids=["airflow-option", "tag", "job-parameter", "cost-tag", "flag-argument"],
)  # fmt: skip
def test_a_value_written_down_under_a_secrets_name_is_refused(repo: Path, edit, field):
    """Not every secret has a shape: `smtp_password: Hunter2…` reached cdk.tf.json, and the
    policy gate passed it."""
    edit_yaml(repo / "config" / "tiers" / "prod.yaml", edit)
    result = run("tierform", "validate", "--config", "config", cwd=repo)
    assert_refused(result, f"{field}: holds what looks like a secret written down")
    assert _WRITTEN_DOWN not in result.stdout + result.stderr


def test_names_that_only_mention_a_secret_and_references_are_not_refused():
    from tierform.config.secrets import secrets_in

    harmless = {
        "tags": {"password_policy": "strict", "secret_name": "prod/db", "token_env": "TOKEN"},
        "options": {"core.fernet_key": "${var.fernet}", "api_token": "{{ var.value.t }}"},
        "empty": {"password": "", "secret": True},
        "args": ["--token", "$API_TOKEN", "--secret", "--verbose"],
    }
    assert list(secrets_in(harmless)) == []


def test_example_config_holds_no_secret_shape():
    for path in (REPO / "config").rglob("*.yaml"):
        text = path.read_text()
        assert find_secret(text) is None, path


# --- item 8: no tracebacks from other commands ---------------------------------------------


@pytest.mark.parametrize(
    "content", ["[1]", "{", "\xff", "DIR", "FIFO", '{"releases": 5}'],
    ids=["list", "truncated", "binary", "folder", "fifo", "wrong-type"],
)  # fmt: skip
@pytest.mark.parametrize("command", ["status", "rollback"])
def test_release_commands_report_corrupt_records(repo: Path, content: str, command: str):
    # The local tier's DAG state in its release ledger (default store: .tierform/ledger).
    record = repo / ".tierform" / "ledger" / "local" / "dags" / "state.json"
    record.parent.mkdir(parents=True)
    if content == "DIR":
        record.mkdir()
    elif content == "FIFO":
        os.mkfifo(record)
    else:
        record.write_bytes(content.encode("latin-1"))
    result = run("tierform.release", command, "--tier", "local", cwd=repo)
    assert "Traceback" not in result.stderr
    assert_refused(result, f"ledger object {record} ")


@pytest.mark.parametrize(
    "content",
    ["[1]", '{"format_version": "1.2", "resource_changes": [', "\xff\xfe", "DIR", "FIFO",
     '{"resource_changes": "x"}', '{"resource_changes": [null]}'],
    ids=["list", "truncated", "binary", "folder", "fifo", "wrong-type", "null-change"],
)  # fmt: skip
@pytest.mark.parametrize("command", ["plan-summary", "policy"])
def test_plan_readers_report_bad_plans(tmp_path: Path, content: str, command: str):
    plan = tmp_path / "local.json"
    if content == "DIR":
        plan.mkdir()
    elif content == "FIFO":
        os.mkfifo(plan)
    else:
        plan.write_bytes(content.encode("latin-1"))
    stack = tmp_path / "cdktf.out" / "stacks" / "local" / "cdk.tf.json"
    stack.parent.mkdir(parents=True)
    stack.write_text(json.dumps({"resource": {"terraform_data": {"x": {"input": "a"}}}}))
    never = tmp_path / "no-checkov"  # the plan must be refused before checkov would run
    never.write_text("#!/bin/sh\necho 'checkov ran' >&2\nexit 3\n")
    never.chmod(0o755)
    args = ["--plan", f"local={plan}"]
    result = run("tierform", command, *args, cwd=tmp_path, TIERFORM_CHECKOV=str(never))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    out = (result.stdout + result.stderr).strip().splitlines()
    assert "local.json" in out[-1] or "checkov" in out[-1], out


_NOT_A_BOOKMARK = '{"remote_plan_format": 2, "run_id": "run-x", "hostname": "app.terraform.io"}'


@pytest.mark.parametrize(
    "content",
    ["[1]", "{", "DIR", "FIFO", _NOT_A_BOOKMARK, "{" + " " * 5000 + "}"],
    ids=["json", "text", "folder", "fifo", "bookmark-format-2", "big-json"],
)
def test_apply_plan_refuses_what_is_not_a_saved_plan(tmp_path: Path, content: str):
    stack = tmp_path / "cdktf.out" / "stacks" / "local" / "cdk.tf.json"
    stack.parent.mkdir(parents=True)
    stack.write_text(json.dumps({"resource": {"terraform_data": {"x": {"input": "a"}}}}))
    plan = tmp_path / "local.tfplan"
    if content == "DIR":
        plan.mkdir()
    elif content == "FIFO":
        os.mkfifo(plan)
    else:
        plan.write_text(content)
    result = run("tierform", "apply-plan", "--tier", "local", "--plan", str(plan), cwd=tmp_path)
    assert_refused(result, "local.tfplan")
    assert not (stack.parent / ".terraform").exists()  # refused before terraform ran


def _paths(node, prefix=(), depth=3):
    if depth == 0:
        return []
    out = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        out.append((*prefix, key))
        out += _paths(value, (*prefix, key), depth - 1)
    return out


@pytest.mark.parametrize("file", ["platform.yaml", "tiers/prod.yaml", "tiers/dev.yaml"])
def test_wrong_types_at_every_level_are_config_errors(repo: Path, file: str):
    """null where a mapping is expected, a list of lists where names are, a mapping with a
    non-string key: every one is a ConfigError (exit 2), never another exception."""
    path = repo / "config" / file
    original = yaml.safe_load(path.read_text())
    checked = 0
    for where in _paths(original):
        for value in (None, [[1]], {1: 2}, -1):
            data = copy.deepcopy(original)
            parent = data
            for step in where[:-1]:
                parent = parent[step]
            parent[where[-1]] = value
            path.write_text(dump_yaml(data))
            try:
                load_platform(repo / "config")
            except ConfigError as exc:
                assert all(": " in line for line in str(exc).splitlines())
            checked += 1
    path.write_text(dump_yaml(original))
    assert checked > 20


def test_the_work_folder_itself_may_be_a_link(repo: Path, tmp_path_factory):
    """.tierform/ on another disk is a user's choice: generated folders follow it."""
    disk = tmp_path_factory.mktemp("bigdisk")
    (repo / ".tierform").symlink_to(disk, target_is_directory=True)
    assert confinement_problem(".tierform/airflow/local/dags", repo, generated=True) is None
    assert "inside .tierform/" in (confinement_problem("dags", repo, generated=True) or "")


def test_a_mistake_repeated_over_a_big_platform_prints_a_bounded_message(tmp_path: Path):
    # One unknown key in each of 1,000 schemas: the first 100 lines name file, field and
    # what was expected; one more line counts the rest. Exit 2, no traceback.
    from tierform.config.errors import MAX_SHOWN_ISSUES

    config = tmp_path / "config"
    (config / "tiers").mkdir(parents=True)
    (config / "platform.yaml").write_text("name: big\ntiers: [local]\n")
    schemas = "".join(f"        S{n:04d}: {{colour: red}}\n" for n in range(1_000))
    (config / "tiers" / "local.yaml").write_text(
        "kind: local\nsnowflake:\n  connection: {organization_name: ORG, account_name: ACCT}\n"
        "  databases:\n    RAW:\n      schemas:\n" + schemas
    )
    result = run("tierform", "validate", "--config", "config", cwd=tmp_path)
    lines = result.stderr.splitlines()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(lines) == MAX_SHOWN_ISSUES + 1, lines[-3:]
    assert lines[0].startswith(
        "config/tiers/local.yaml: snowflake.databases.RAW.schemas.S0000.colour"
    )
    assert "unknown key" in lines[0]
    assert lines[-1] == (
        "... and 900 more issue(s) not shown (1,000 in all); fix those above and validate again"
    )


@pytest.mark.parametrize(
    ("file", "edit", "expected"),
    [
        (
            "prod.yaml",  # dev extends staging extends prod: the role reaches dev
            lambda d: d["snowflake"]["roles"].update(SANDBOX_ALICE={"databases": {"RAW": "RO"}}),
            "tiers/prod.yaml: snowflake.roles.SANDBOX_ALICE: makes the role 'SANDBOX_ALICE_DEV', "
            "which is the Snowflake sandbox role of developer 'alice' (breaks tier dev",
        ),
        (
            "dev.yaml",
            lambda d: (
                d.setdefault("snowflake", {})
                .setdefault("databases", {})
                .update(ANALYTICS={"schemas": {"DEV_BOB": {}}})
            ),
            "tiers/dev.yaml: snowflake.databases.ANALYTICS.schemas.DEV_BOB: is the Snowflake "
            "sandbox schema of developer 'bob' (ANALYTICS_DEV.DEV_BOB)",
        ),
    ],
    ids=["role", "schema"],
)
def test_a_tier_object_that_is_a_developers_snowflake_sandbox_is_refused(
    repo: Path, file: str, edit, expected: str
):
    """Two stacks would manage one object: the dev stack's and the sandbox stack's."""
    edit_yaml(repo / "config" / "tiers" / file, edit)
    assert expected in issues_of(repo / "config")


def test_a_secret_in_a_yaml_comment_is_refused_and_not_printed(repo: Path):
    """YAML drops comments, so the values' check never saw `# loader password=…`; the file
    is committed all the same."""
    prod = repo / "config" / "tiers" / "prod.yaml"
    lines = prod.read_text().splitlines()
    lines.insert(2, "# the loader: password=Hunter2Hunter2xyz")
    prod.write_text("\n".join(lines) + "\n")
    result = run("tierform", "validate", "--config", "config", cwd=repo)
    assert_refused(
        result, "tiers/prod.yaml: line 3: a comment holds what looks like an inline credential"
    )
    assert "Hunter2Hunter2xyz" not in result.stdout + result.stderr
