"""Helpers shared by the test suites: the example config, running the real commands."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO / "config"


def tool_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CHECKPOINT_DISABLE="1",
        TF_CLI_CONFIG_FILE=str(REPO / ".tierform" / "terraformrc"),
    )
    env.pop("TIERFORM_TIERS", None)
    env.update(extra)
    return env


def copy_config(dest: Path) -> Path:
    """A writable copy of the example configuration, with the repository files it refers
    to (notebooks, the dbt project: paths in config are relative to config/'s parent)."""
    target = dest / "config"
    shutil.copytree(EXAMPLE_CONFIG, target)
    copy_examples(dest)
    return target


def copy_examples(dest: Path) -> None:
    """examples/ next to a copied config/, without build output."""
    if not (dest / "examples").exists():
        shutil.copytree(
            REPO / "examples",
            dest / "examples",
            ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "__pycache__"),
        )


# libyaml's dumper when PyYAML has it (it does in .venv): the tests write thousands of edited
# configs, and the pure-Python emitter was half the time of the biggest of them. The same
# data either way; the loader under test reads it back.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data: Any, **options: Any) -> str:
    """yaml.safe_dump(data, **options), through libyaml when PyYAML has it."""
    return yaml.dump(data, Dumper=_DUMPER, **options)


def edit_yaml(path: Path, edit) -> None:
    data = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    edit(data)
    path.write_text(dump_yaml(data, sort_keys=False))


def run_synth(config_dir: Path, outdir: Path, *, cwd: Path | None = None, **env: str):
    """Run main.py exactly as `cdktf synth` does (a subprocess with CDKTF_OUTDIR set)."""
    return subprocess.run(
        [sys.executable, str(REPO / "main.py")],
        cwd=cwd or REPO,
        env=tool_env(TIERFORM_CONFIG=str(config_dir), CDKTF_OUTDIR=str(outdir), **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def stack_json(outdir: Path, stack: str) -> dict[str, Any]:
    return json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text())


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root with its content, to prove a folder was left untouched."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def run_synth_in_process(
    config_dir: Path, outdir: Path, *, cwd: Path | None = None, **env: str
) -> SimpleNamespace:
    """`tierform.synth.main()` — the function `python main.py` runs — in this process, with
    its stderr and exit code captured, in `cwd` when given. A subprocess pays the cdktf and
    provider imports (~5 s) again; the test process has them already. The real entry point
    keeps its subprocess tests in tests/integration (`run_synth`)."""
    settings = {
        "TIERFORM_CONFIG": str(config_dir),
        "CDKTF_OUTDIR": str(outdir),
        "TIERFORM_TIERS": "",
    }
    settings.update(env)
    saved = {name: os.environ.get(name) for name in settings}
    stderr, stdout = io.StringIO(), io.StringIO()
    os.environ.update(settings)
    saved_cwd = os.getcwd()
    try:
        from tierform.synth import main

        os.chdir(cwd or saved_cwd)
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            code = main()
    finally:
        os.chdir(saved_cwd)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return SimpleNamespace(returncode=code, stdout=stdout.getvalue(), stderr=stderr.getvalue())


# --- the second platform (tests/fixtures/platforms/helix): shaped unlike the example --------
# Tiers local/dev/qa/uat/prod, one Snowflake account per tier, Astronomer on uat and MWAA on
# qa, a shared Databricks catalog, gcs and cloud backends. Its repository root (what config
# paths are relative to) is the fixture folder itself.
HELIX_ROOT = REPO / "tests" / "fixtures" / "platforms" / "helix"
HELIX_CONFIG = HELIX_ROOT / "config"
PLATFORMS = {"example": EXAMPLE_CONFIG, "helix": HELIX_CONFIG}


def helix_with_databricks_dbt(dest: Path) -> Path:
    """A writable copy of helix whose qa builds dbt on Databricks (target lake_qa), a shape
    neither fixture platform has. Returns the copy's root."""
    root = dest / "helix"
    shutil.copytree(HELIX_ROOT, root)
    profiles = root / "dbt/profiles/profiles.yml"
    profiles.write_text(
        profiles.read_text()
        + "    lake_qa:\n      type: databricks\n      host: example.cloud.databricks.com\n"
        + "      http_path: /sql/1.0/warehouses/x\n      schema: core\n"
    )
    edit_yaml(root / "config/tiers/qa.yaml", lambda d: d["release"]["dbt"].update(target="lake_qa"))
    return root


def helix_with_requires(dest: Path) -> Path:
    """A writable copy of helix whose promotion rules read ledgers in the other cloud:
    uat (HCP Terraform state, ledger in S3, nothing of Google) requires qa, whose ledger is
    in Cloud Storage (dev inherits it); prod (ledger moved to Cloud Storage: no AWS of its
    own) requires uat. Returns the copy's root."""
    root = dest / "helix"
    shutil.copytree(HELIX_ROOT, root)
    for tier, bucket in (("qa", "helix-ledger-qa"), ("prod", "helix-ledger-prod")):
        store = {"type": "gcs", "bucket": bucket, "prefix": tier}
        edit_yaml(
            root / f"config/tiers/{tier}.yaml", lambda d, s=store: d["release"].update(store=s)
        )

    def requires(data: dict) -> None:
        data["promotion"]["tiers"]["uat"]["requires"] = ["qa"]
        data["promotion"]["tiers"]["prod"]["requires"] = ["uat"]

    edit_yaml(root / "config/platform.yaml", requires)
    return root


def synth_platform(config_dir: Path, outdir: Path, *, in_process: bool = False, **env: str):
    """Synthesize every stack of `config_dir` into `outdir` (the real main.py, or its main()
    in this process); fails the test with synth's own message when it does not succeed.
    Returns `outdir`; synth's stderr (the summary) is left in `outdir`'s sibling synth.stderr."""
    run = run_synth_in_process if in_process else run_synth
    result = run(config_dir, outdir, **env)
    if result.returncode != 0:
        raise AssertionError(f"synth of {config_dir} failed:\n{result.stdout}{result.stderr}")
    (outdir.parent / "synth.stderr").write_text(result.stderr)
    return outdir


def shared_synth(name: str, tmp_path_factory) -> Path:
    """Every stack of platform `name` (a PLATFORMS key), synthesized once per test run and
    shared by all xdist workers: a full synth costs seconds of CPU, and many tests only read
    its output. Synthesized in this process (main(), as `python main.py` runs it): the test
    process has cdktf and the providers imported already. Read-only: a test that edits
    files must copy. Its stderr (the summary synth prints) is in `outdir.parent/synth.stderr`."""
    import fcntl

    # Under xdist every worker's basetemp is a child of this run's folder; without xdist the
    # basetemp is the run's folder (its parent would outlive the run and serve stale output).
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-synth"
    shared.mkdir(parents=True, exist_ok=True)
    outdir = shared / name / "cdktf.out"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker synthesizes, the others wait
        if not (shared / name / "done").is_file():
            shutil.rmtree(shared / name, ignore_errors=True)
            synth_platform(PLATFORMS[name], outdir, in_process=True)
            (shared / name / "done").write_text("ok")
    return outdir


@functools.cache
def stack_synth(config_dir: Path, stack: str) -> str:
    """cdktf.Testing.synth of one tier or sandbox stack of a read-only platform (EXAMPLE_CONFIG,
    HELIX_CONFIG), built as the construct tests build it (its own App, no release steps), once
    per test process: several test files read the same stacks. The JSON text; json.loads it."""
    import cdktf

    from tierform.config import load_platform
    from tierform.stacks.sandbox_stack import SandboxStack
    from tierform.stacks.tier_stack import TierStack

    assert config_dir in PLATFORMS.values(), f"{config_dir}: only read-only platforms are cached"
    platform = load_platform(config_dir)
    app = cdktf.App(stack_traces=False)
    if stack in platform.tiers:
        return cdktf.Testing.synth(TierStack(app, platform.tier(stack)))
    sandbox = next(s for s in platform.sandboxes if s.stack == stack)
    return cdktf.Testing.synth(SandboxStack(app, sandbox))


def run_tierform(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    """`python -m tierform ARGS` as a subprocess, with the project's tool environment."""
    return subprocess.run(
        [sys.executable, "-m", "tierform", *args],
        cwd=cwd or REPO,
        env=tool_env(**env),
        capture_output=True,
        text=True,
        timeout=600,
    )


# What `python -m MODULE` runs: its __main__ calls MODULE_cli.main(), which is
# run_guarded(app, PROG) — the typer app under the guard, with these names.
_IN_PROCESS_APPS = {
    "tierform": ("tierform.cli", "tierform"),
    "tierform.release": ("tierform.release.cli", "tierform.release"),
}


@functools.cache
def _click_command(module: str):
    """The click command typer builds from the app on every call (what `app()` runs), built
    once: rebuilding it from ~40 commands' signatures cost ~0.1 s per in-process call."""
    import importlib

    import typer.main

    return typer.main.get_command(importlib.import_module(_IN_PROCESS_APPS[module][0]).app)


def run_tierform_in_process(
    *args: str, cwd: Path | None = None, module: str = "tierform", **env: str
) -> subprocess.CompletedProcess:
    """`python -m tierform ARGS` (or `python -m tierform.release`) run in this process: the
    same command under the same guard as main(), with tool_env()'s environment, `cwd` as the working
    folder, and stdout, stderr and the exit code captured. A subprocess pays ~1 s of imports
    per call; the unit tests make hundreds of these calls, so they run here, while the
    integration tests keep the real subprocess (run_tierform) for each command's entry point.
    Everything the command changes in os.environ, the working folder and sys.argv is put back."""
    from tierform.guard import run_guarded

    command, prog = _click_command(module), _IN_PROCESS_APPS[module][1]
    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    out, err = _Capture(), _Capture()
    command_env = tool_env(**env)
    os.environ.clear()
    os.environ.update(command_env)
    sys.argv = [f"python -m {module}", *args]
    code: object = 0
    try:
        os.chdir(cwd or REPO)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                run_guarded(command, prog)  # = main(): typer's app() calls this command
            except SystemExit as exc:
                code = exc.code
                if isinstance(code, str):  # sys.exit("message"): printed, exit 1
                    print(code, file=sys.stderr)
                    code = 1
    finally:
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(
        [sys.executable, "-m", module, *args], code or 0, out.text(), err.text()
    )


class _Capture(io.TextIOWrapper):
    """A text stream with a .buffer, as sys.stdout has (some commands write bytes)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="replace", write_through=True)

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8", errors="replace")
