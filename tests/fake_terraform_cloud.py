"""A stand-in for `terraform` in a stack with an HCP Terraform `cloud` backend.

HCP Terraform cannot be reached from the test machine, so the cloud-backend tests put this
on PATH as `terraform`. It answers as Terraform >= 1.6 does with a `cloud` block
(internal/cloud/backend_plan.go, backend_apply.go, command/show.go):

- `plan` saves a plan only when `-out` is given, in argv or in TF_CLI_ARGS_plan (which real
  Terraform splices into the arguments); the file is the run's bookmark, not a zip archive;
- `show -json BOOKMARK` prints the run's JSON plan (FAKE_TF_PLAN_JSON, a file);
- `apply BOOKMARK` applies a confirmable run, or fails with Terraform's message for a run
  that was discarded (FAKE_TF_APPLY=discarded), has no changes (=no-changes) or was
  applied already (=applied);
- `init`, `providers lock` succeed; `version` is the real terraform's (FAKE_TF_REAL).

Every invocation is appended to FAKE_TF_LOG as one JSON line: argv and TF_CLI_ARGS_plan.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

# Terraform's own spelling (it reads TF_CLI_ARGS_<command>, lower-case command).
PLAN_ARGS = "TF_CLI_ARGS_" + "plan"
BOOKMARK = {"remote_plan_format": 1, "run_id": "run-fAkE1234", "hostname": "app.terraform.io"}


def _log(args: list[str]) -> None:
    with open(os.environ["FAKE_TF_LOG"], "a", encoding="utf-8") as log:
        record = {"args": args, "TF_CLI_ARGS_plan": os.environ.get(PLAN_ARGS, "")}
        log.write(json.dumps(record) + "\n")


def _out_path(args: list[str]) -> str | None:
    found = None
    for index, arg in enumerate(args):
        if arg.startswith("-out="):
            found = arg.split("=", 1)[1]
        elif arg == "-out" and index + 1 < len(args):
            found = args[index + 1]
    return found


def main(argv: list[str]) -> int:
    _log(argv)
    command = argv[0] if argv else ""
    if command in ("version", "-version", "--version"):
        return subprocess.run([os.environ["FAKE_TF_REAL"], *argv]).returncode
    if command == "plan":
        args = [argv[0], *shlex.split(os.environ.get(PLAN_ARGS, "")), *argv[1:]]
        print("Running plan in HCP Terraform. Output will stream here.")
        print("Plan: 1 to add, 0 to change, 0 to destroy.")
        out = _out_path(args)
        if out is not None:
            with open(out, "w", encoding="utf-8") as handle:
                json.dump(BOOKMARK, handle)
        return 0
    if command == "show":
        with open(argv[-1], encoding="utf-8") as handle:
            assert json.load(handle) == BOOKMARK, "show of something else than our bookmark"
        with open(os.environ["FAKE_TF_PLAN_JSON"], encoding="utf-8") as handle:
            sys.stdout.write(handle.read())
        return 0
    if command == "apply":
        outcome = os.environ.get("FAKE_TF_APPLY", "ok")
        if outcome == "discarded":
            print("Error: Saved plan is discarded\n\nThe given plan file can no longer be applied")
            return 1
        if outcome == "applied":
            print("Error: Saved plan is already applied\n\nThe given plan file was already")
            return 1
        if outcome == "no-changes":
            print("Error: Saved plan has no changes\n\nThe given plan file contains no changes")
            return 1
        print("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.")
        return 0
    return 0  # init, providers lock, get: nothing to do without a server


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
