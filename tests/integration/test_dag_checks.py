"""The DAG checks with the real Airflow 3.3 parser and serializer (tierform/release/dag_check.py):
serialization like the dag-processor, isolation (a copy of the folder, no credentials), the
per-file budget, and the per-tier rules. Nothing is mocked."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
import threading
from pathlib import Path

import airflow
import pytest
from release_support import make_repo_copy, tree

from tierform.config import load_platform
from tierform.config.dag_checks import DagChecksSpec, DagRulesSpec
from tierform.release.artifact import artifact_files, artifact_sha256
from tierform.release.dag_check import check_dags

pytestmark = pytest.mark.integration

ALL_RULES = DagRulesSpec(
    owner=True, tags=True, min_retries=1, no_cycles=True, explicit_catchup=True
)

GOOD_DAG = """
import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import dag

@dag(dag_id="{dag_id}", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False,
     tags=["t"], default_args={{"owner": "team", "retries": 1}})
def _build():
    EmptyOperator(task_id="only")

_build()
"""


def _write(folder: Path, name: str, source: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(source).lstrip())


def test_airflows_own_example_dags_unregistered_timetable_and_strategy_are_refused(
    tmp_path: Path,
):
    """Airflow's example DAGs: every one parses, two fail serialization (as on the real
    dag-processor) and are refused with the reason, not a traceback."""
    examples = Path(airflow.__file__).parent / "example_dags"
    folder = tmp_path / "example_dags"
    shutil.copytree(examples, folder, ignore=shutil.ignore_patterns("__pycache__"))
    check = check_dags(tmp_path, folder)
    failing = {p.file: p for p in check.problems}
    assert set(failing) == {"example_workday_timetable.py", "example_custom_weight.py"}
    timetable = failing["example_workday_timetable.py"]
    assert timetable.kind == "serialize" and timetable.dag_id == "example_workday_timetable"
    assert (
        "timetable airflow.example_dags.plugins.workday.AfterWorkdayTimetable is not registered"
        in timetable.message
    )
    assert "plugin" in timetable.message and "database access" not in timetable.message
    strategy = failing["example_custom_weight.py"]
    assert "priority-weight strategy" in strategy.message and "not registered" in strategy.message
    # The rest of the examples still count as checked DAGs.
    assert "example_simplest_dag" in check.dags and "example_workday_timetable" not in check.dags
    assert len(check.dags) > 50


def test_a_dag_writing_files_at_parse_time_publishes_nothing_extra(tmp_path: Path):
    """Through the release CLI: what a DAG writes while it is checked lands in the check's
    copy, never in the release; RELEASE.json and the content hash are the release's own."""
    repo = make_repo_copy(tmp_path)
    source = repo.root / "examples" / "dags"
    _write(
        source,
        "writer.py",
        GOOD_DAG.format(dag_id="writer")
        + textwrap.dedent(
            """
            from pathlib import Path
            here = Path(__file__).parent
            (here / "written_at_parse.txt").write_text("leak")
            (here / "RELEASE.json").write_text('{"tampered": true}')
            Path("relative_write.txt").write_text("leak")
            """
        ),
    )
    # The release is the artifact (the DAGs + the dbt project they run), computed before
    # anything is parsed: what the parse writes must change neither its files nor its hash.
    platform = load_platform(repo.root / "config")
    artifact = artifact_files(platform, platform.tiers["local"])
    expected_hash = artifact_sha256(artifact)
    source_files = set(tree(source))
    result = repo.release_cli("dags", "--tier", "local")
    assert result.returncode == 0, result.stdout + result.stderr
    published = tree(repo.dags_folder)
    assert set(published) == set(artifact) | {"RELEASE.json"}
    assert source_files <= set(published)
    manifest = json.loads(published["RELEASE.json"])
    assert "tampered" not in manifest
    assert manifest["content_sha256"] == expected_hash
    assert "writer" in manifest["dag_ids"]
    assert "written_at_parse.txt" not in manifest["files"]
    assert set(tree(source)) == source_files  # the repository's folder is untouched too
    assert not (repo.root / "relative_write.txt").exists()


FAKE_SECRETS = {
    "SNOWFLAKE_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----tierformfakekeymaterial0123456789",
    "SNOWFLAKE_PASSWORD": "tierform-fake-password-8c1f",
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "tierformFAKEawsSECRET0123456789abcdefghij",
    "DATABRICKS_TOKEN": "dapitierformfake0123456789",
    "ASTRO_API_TOKEN": "tierform-fake-astro-token-5d2e",
    "GOOGLE_APPLICATION_CREDENTIALS": "/tmp/tierform-fake-adc.json",
    "DEPLOY_NOTE": "ghp_" + "a" * 36,  # an innocent name, a GitHub token's shape
}


def test_a_dag_reading_credentials_at_parse_time_sees_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name, value in FAKE_SECRETS.items():
        monkeypatch.setenv(name, value)
    real_home = os.path.expanduser("~")
    folder = tmp_path / "dags"
    _write(
        folder,
        "reader.py",
        textwrap.dedent(
            f"""
        import os
        from pathlib import Path
        seen = sorted(n for n in {sorted(FAKE_SECRETS)!r} if n in os.environ)
        seen += [n for n, v in os.environ.items() if v in {sorted(FAKE_SECRETS.values())!r}]
        if str(Path.home()) == {real_home!r}:
            seen.append("the real HOME")
        if seen:
            raise RuntimeError("parse time saw " + ", ".join(seen))
        """
        )
        + GOOD_DAG.format(dag_id="reader"),
    )
    check = check_dags(
        tmp_path, folder, {"SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "tierform-fake-passphrase"}
    )
    assert check.ok, check.error_lines()
    assert check.dags == {"reader": "reader.py"}
    assert set(FAKE_SECRETS) | {"SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"} <= set(check.removed_env)


def test_hanging_dags_are_reported_by_name_within_the_budget(tmp_path: Path):
    """Airflow's own timeout is a SIGALRM in the parsing process: these files defeat it
    (one ignores the signal, one blocks it and sleeps in C, after starting a child process).
    Each is reported by name; the check finishes (bounded here by a thread join)."""
    folder = tmp_path / "dags"
    header = "from airflow.sdk import dag  # noqa\n"
    _write(
        folder,
        "ignores_alarm.py",
        header
        + "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(3600)\n",
    )
    _write(
        folder,
        "blocks_in_c.py",
        header
        + "import ctypes, signal, subprocess\n"
        + "subprocess.Popen(['sleep', '3607'])\n"
        + "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
        + "ctypes.CDLL(None).sleep(3600)\n",
    )
    _write(folder, "slow_python.py", header + "import time\ntime.sleep(3600)\n")
    _write(folder, "good.py", GOOD_DAG.format(dag_id="good"))
    outcome: dict = {}
    worker = threading.Thread(
        target=lambda: outcome.update(
            check=check_dags(tmp_path, folder, checks=DagChecksSpec(parse_timeout_seconds=3))
        ),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "the DAG check did not finish"
    check = outcome["check"]
    by_file = {p.file: p for p in check.problems}
    assert set(by_file) == {"ignores_alarm.py", "blocks_in_c.py", "slow_python.py"}
    for name in ("ignores_alarm.py", "blocks_in_c.py"):
        assert by_file[name].kind == "timeout"
        assert "over the per-file budget of 3 s" in by_file[name].message
        assert "killed" in by_file[name].message
    slow = by_file["slow_python.py"]
    assert slow.kind == "timeout" and "took longer than 3 s" in slow.message
    for problem in check.problems:  # the reason, not a documentation URL
        assert "http" not in problem.one_line()
    assert check.dags == {"good": "good.py"}
    assert not _running("sleep", "3607"), "a process the DAG file started is still running"


def _running(*argv: str) -> bool:
    wanted = "\0".join(argv).encode()
    for proc in Path("/proc").iterdir():
        try:
            if (proc / "cmdline").read_bytes().rstrip(b"\0") == wanted:
                return True
        except OSError:
            continue
    return False


def test_rules_are_off_by_default_and_each_one_fires_when_switched_on(tmp_path: Path):
    folder = tmp_path / "dags"
    _write(
        folder,
        "lax.py",
        """
        import pendulum
        from airflow.providers.standard.operators.empty import EmptyOperator
        from airflow.sdk import DAG

        with DAG("lax", schedule=None, start_date=pendulum.datetime(2024, 1, 1)):
            EmptyOperator(task_id="anonymous")
        """,
    )
    asset_dag = """
        import pendulum
        from airflow.providers.standard.operators.empty import EmptyOperator
        from airflow.sdk import Asset, dag

        @dag(dag_id="{me}", schedule=[Asset("{waits_for}")], start_date=pendulum.datetime(2024, 1, 1),
             catchup=False, tags=["t"], default_args={{"owner": "team", "retries": 2}})
        def _build():
            EmptyOperator(task_id="produce", outlets=[Asset("{me}_out")])

        _build()
        """
    _write(folder, "asset_a.py", asset_dag.format(me="asset_a", waits_for="asset_b_out"))
    _write(folder, "asset_b.py", asset_dag.format(me="asset_b", waits_for="asset_a_out"))
    trigger_dag = """
        import pendulum
        from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
        from airflow.sdk import dag

        @dag(dag_id="{me}", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False,
             tags=["t"], default_args={{"owner": "team", "retries": 1}})
        def _build():
            TriggerDagRunOperator(task_id="next", trigger_dag_id="{other}")

        _build()
        """
    _write(folder, "trigger_c.py", trigger_dag.format(me="trigger_c", other="trigger_d"))
    _write(folder, "trigger_d.py", trigger_dag.format(me="trigger_d", other="trigger_c"))
    _write(folder, "good.py", GOOD_DAG.format(dag_id="good"))

    off = check_dags(tmp_path, folder)
    assert off.ok, off.error_lines()
    assert len(off.dags) == 6

    on = check_dags(tmp_path, folder, checks=DagChecksSpec(rules=ALL_RULES))
    fired = sorted((p.rule, p.file, p.line) for p in on.problems)
    assert fired == [
        ("explicit_catchup", "lax.py", 5),
        ("min_retries", "lax.py", 5),
        ("no_cycles", "asset_a.py", 5),
        ("no_cycles", "trigger_c.py", 5),
        ("owner", "lax.py", 5),
        ("tags", "lax.py", 5),
    ]
    messages = "\n".join(on.error_lines())
    assert "asset_a → asset_b → asset_a" in messages
    assert "trigger_c → trigger_d → trigger_c" in messages
    assert "task(s) anonymous" in messages and "'airflow'" in messages


def test_a_timetable_registered_by_the_tiers_plugins_serializes(tmp_path: Path):
    """`checks.plugins_folder`: the plugins the tier's Airflow loads register the timetable,
    so the DAG Airflow ships as an example of it passes; without them it is refused."""
    folder = tmp_path / "dags"
    folder.mkdir()
    examples = Path(airflow.__file__).parent / "example_dags"
    shutil.copy2(examples / "example_workday_timetable.py", folder)
    _write(
        tmp_path / "plugins",
        "workday_plugin.py",
        "from airflow.example_dags.plugins.workday import WorkdayTimetablePlugin  # noqa: F401\n",
    )
    without = check_dags(tmp_path, folder)
    assert [p.kind for p in without.problems] == ["serialize"]
    with_plugins = check_dags(tmp_path, folder, checks=DagChecksSpec(plugins_folder="plugins"))
    assert with_plugins.ok, with_plugins.error_lines()
    assert with_plugins.dags == {"example_workday_timetable": "example_workday_timetable.py"}


def test_dag_check_command_passes_the_example_and_names_a_failing_file(tmp_path: Path):
    """`tierform dag-check --tier prod`: the example passes every prod rule; a DAG without
    tags fails with its file and rule (exit 1), and --json holds the structured problem."""
    from support import copy_config, run_tierform

    config = copy_config(tmp_path)
    passed = run_tierform("dag-check", "--tier", "prod", "--config", str(config))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "3 DAG(s)" in passed.stdout and "every DAG file passed" in passed.stdout

    _write(
        tmp_path / "examples" / "dags",
        "untagged.py",
        GOOD_DAG.format(dag_id="untagged").replace('tags=["t"], ', ""),
    )
    out = tmp_path / "result.json"
    failed = run_tierform(
        "dag-check", "--tier", "prod", "--config", str(config), "--json", str(out)
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "untagged.py: DAG 'untagged' has no tags" in failed.stdout
    (problem,) = json.loads(out.read_text())["problems"]
    assert problem["file"] == "untagged.py" and problem["rule"] == "tags" and problem["line"] == 5


@pytest.mark.parametrize("platform", ["example", "helix"])
def test_both_platforms_pass_the_dag_checks_of_their_tiers(tmp_path: Path, platform: str):
    """The example and the helix fixture (other rules, a 10 s budget on prod) pass the
    checks of their tiers, through the command CI and laptops run (one run per distinct
    set of checks)."""
    from support import HELIX_ROOT, PLATFORMS, copy_config, run_tierform

    from tierform.config.loader import load_platform

    config = PLATFORMS[platform]
    root = tmp_path / platform
    if platform == "example":
        copy_config(root)  # config/ and the examples/ it names
    else:
        shutil.copytree(HELIX_ROOT, root, ignore=shutil.ignore_patterns(".tierform", "__pycache__"))
    folder = load_platform(config).platform.release.dags.folder
    distinct: dict[str, str] = {}
    for name, tier in load_platform(config).tiers.items():
        distinct.setdefault(tier.release.dags.checks.model_dump_json(), name)
    assert len(distinct) >= 2  # each platform has tiers with different checks
    for tier in distinct.values():
        result = run_tierform(
            "dag-check",
            "--tier",
            tier,
            "--config",
            str(root / "config"),
            "--folder",
            str(root / folder),
        )
        assert result.returncode == 0, f"{tier}: {result.stdout}{result.stderr}"
        assert " 0 DAG(s)" not in result.stdout, result.stdout


def test_stopping_the_check_stops_its_parsers(tmp_path: Path):
    """A release or CI job killed mid-check (SIGKILL: no cleanup of its own) leaves neither
    the worker nor a hanging file's parser running."""
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "dags"
    pids = tmp_path / "pids"
    _write(
        folder,
        "hangs.py",
        "from airflow.sdk import dag  # noqa\nimport os, signal, time\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{os.getppid()}}')\n"
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(3600)\n",
    )
    script = (
        "import sys; from pathlib import Path; from tierform.release.dag_check import check_dags; "
        "from tierform.config.dag_checks import DagChecksSpec; "
        "check_dags(Path(sys.argv[1]), Path(sys.argv[2]), checks=DagChecksSpec(parse_timeout_seconds=600))"
    )
    scratch = tmp_path / "scratch"  # the killed job cannot remove its scratch folder
    scratch.mkdir()
    job = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path), str(folder)],
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        for _ in range(600):  # until the file is being parsed (Airflow imported)
            if pids.is_file() and pids.read_text().strip():
                break
            time.sleep(0.5)
        parser, worker = (int(p) for p in pids.read_text().split())
    finally:
        job.send_signal(signal.SIGKILL)
        job.wait()
    for _ in range(60):
        if not (_alive(parser) or _alive(worker)):
            break
        time.sleep(0.5)
    assert not _alive(worker), "the worker outlived the job that started it"
    assert not _alive(parser), "the file's parser outlived the job that started it"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status is left


def test_an_airflow_2_tier_refuses_airflow_sdk_and_says_what_it_could_not_check(tmp_path):
    """The checks parse with Airflow 3: for a tier whose environment runs Airflow 2 (MWAA
    2.10.3, a composer-…-airflow-2 image), a DAG importing airflow.sdk passed and was
    published, then failed on every parse there. The same DAG is fine for an Airflow 3 tier."""
    folder = tmp_path / "dags"
    _write(folder, "modern.py", GOOD_DAG.format(dag_id="modern"))
    _write(
        folder,
        "both.py",
        GOOD_DAG.format(dag_id="both").replace("airflow.sdk", "airflow.decorators"),
    )
    older = check_dags(tmp_path, folder, airflow_major=2)
    assert [(p.file, p.rule) for p in older.problems] == [("modern.py", "airflow_version")]
    assert "which Airflow 2 does not have" in older.problems[0].message
    assert set(older.dags) == {"modern", "both"}  # parsed fine by the checker all the same
    assert len(older.notes) == 1 and f"checked with Airflow {airflow.__version__}" in older.notes[0]
    same = check_dags(tmp_path, folder, airflow_major=3)
    assert same.ok and same.notes == []
