"""A throwaway copy of the repository for release tests: real synth, real Terraform, real
dbt and Airflow, with its own state, DuckDB file, DAGs folder and release records."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from support import REPO, tool_env

# What a release needs from the repository. tierform itself runs from the project's
# editable install (.venv is linked), exactly like a checkout's own virtualenv.
COPIED = ("config", "examples", "main.py", "cdktf.json", "package.json")
LINKED = (".venv", "node_modules")


@dataclass
class RepoCopy:
    root: Path

    @property
    def stack_dir(self) -> Path:
        return self.root / "cdktf.out" / "stacks" / "local"

    @property
    def state_file(self) -> Path:
        return self.root / ".tierform" / "state" / "local.tfstate"

    @property
    def dags_folder(self) -> Path:
        return self.root / ".tierform" / "airflow" / "local" / "dags"

    @property
    def duckdb_file(self) -> Path:
        return self.root / ".tierform" / "duckdb" / "local.duckdb"

    @property
    def releases_dir(self) -> Path:
        """This machine's scratch space for the tier (dbt target, materialized DAG releases)."""
        return self.root / ".tierform" / "releases" / "local"

    @property
    def ledger_dir(self) -> Path:
        """The tier's release ledger: the default local store next to the local state."""
        return self.root / ".tierform" / "ledger" / "local"

    def env(self, **extra: str) -> dict[str, str]:
        settings = {
            "TF_CLI_CONFIG_FILE": str(self.root / ".tierform" / "terraformrc"),
            "TF_IN_AUTOMATION": "1",
            "TIERFORM_TIERS": "local",
        }
        env = tool_env(**{**settings, **extra})
        # Anything pointing at another checkout would defeat the test's isolation.
        for name in ("TIERFORM_ROOT", "TIERFORM_PYTHON", "TIERFORM_CONFIG", "TIERFORM_DUCKDB_PATH"):
            if name not in extra:
                env.pop(name, None)
        env.pop("CDKTF_OUTDIR", None)
        return env

    def run(self, *args: str, cwd: Path | None = None, timeout: int = 900, **env: str):
        return subprocess.run(
            list(args),
            cwd=cwd or self.root,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def synth(self, **env: str) -> None:
        result = self.run(str(self.root / ".venv" / "bin" / "python"), "main.py", **env)
        assert result.returncode == 0, result.stderr

    def terraform(self, *args: str, **env: str):
        return self.run("terraform", *args, "-no-color", cwd=self.stack_dir, **env)

    def deploy(self, **env: str) -> subprocess.CompletedProcess:
        """synth + terraform init + apply in the stack folder: what `cdktf deploy` does,
        ~30x faster than the CLI wrapper (FIELD-NOTES)."""
        self.synth(**env)
        if not (self.stack_dir / ".terraform").exists():
            init = self.terraform("init", "-input=false", **env)
            assert init.returncode == 0, init.stdout + init.stderr
        return self.terraform("apply", "-auto-approve", "-input=false", **env)

    def plan_actions(self) -> dict[str, list[str]]:
        """address → planned actions (['no-op'], ['delete', 'create'], …)."""
        self.synth()
        plan = self.terraform("plan", "-input=false", "-out=tfplan")
        assert plan.returncode == 0, plan.stdout + plan.stderr
        show = self.terraform("show", "-json", "tfplan")
        assert show.returncode == 0, show.stderr
        changes = json.loads(show.stdout).get("resource_changes", [])
        return {c["address"]: c["change"]["actions"] for c in changes}

    def release_cli(self, *args: str, **env: str):
        return self.run(
            str(self.root / ".venv" / "bin" / "python"), "-m", "tierform.release", *args, **env
        )

    def dag_releases(self) -> dict:
        path = self.ledger_dir / "dags" / "state.json"
        return json.loads(path.read_text()) if path.exists() else {"releases": [], "active": None}

    def dbt_last(self) -> dict | None:
        """The latest dbt result, with `run_dir`: its run folder in the ledger (repo-relative)."""
        path = self.ledger_dir / "dbt" / "local" / "last.json"
        if not path.exists():
            return None
        last = json.loads(path.read_text())
        run = self.ledger_dir / "dbt" / "local" / "runs" / last["run_id"]
        return {**last, "run_dir": str(run.relative_to(self.root))}

    def query(self, sql: str) -> list[tuple]:
        import duckdb

        with duckdb.connect(str(self.duckdb_file), read_only=True) as con:
            return con.sql(sql).fetchall()


def make_repo_copy(dest: Path) -> RepoCopy:
    root = dest / "repo"
    root.mkdir(parents=True)
    ignore = shutil.ignore_patterns("target", "logs", "dbt_packages", "__pycache__", ".user.yml")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    for name in LINKED:
        (root / name).symlink_to(REPO / name, target_is_directory=True)
    (root / ".tierform").mkdir()
    shutil.copy2(REPO / ".tierform" / "terraformrc", root / ".tierform" / "terraformrc")
    return RepoCopy(root)


def copy_deployed(source: RepoCopy, dest: Path) -> RepoCopy:
    root = dest / "repo"
    shutil.copytree(source.root, root, symlinks=True)
    copy = RepoCopy(root)
    assert copy.dags_folder.resolve().is_relative_to(root)  # the link moved with the copy
    return copy


def tree(folder: Path) -> dict[str, bytes]:
    """Files under a folder (following the DAGs folder's symlink) with their content."""
    folder = folder.resolve()
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
