"""How the gate splits stacks over checkov runs and merges their reports (pure logic; the
real checkov runs in tests/policy)."""

from __future__ import annotations

from tierform.policy import checkov_run
from tierform.policy.checkov_run import CheckovReport, group_files, merge_reports


def _stacks(tmp_path, sizes: dict[str, int]):
    files = {}
    for name, size in sizes.items():
        path = tmp_path / name / "cdk.tf.json"
        path.parent.mkdir()
        path.write_text("x" * size)
        files[name] = path
    return files


def test_every_stack_lands_in_exactly_one_run_balanced_by_size(tmp_path):
    files = _stacks(tmp_path, {"prod": 900, "staging": 800, "dev": 300, "local": 100})
    groups = group_files(list(files.values()), jobs=2)
    assert sorted(f for g in groups for f in g) == sorted(files.values())
    assert len(groups) == 2
    loads = sorted(sum(f.stat().st_size for f in g) for g in groups)
    assert loads == [1000, 1100]  # prod+local, staging+dev


def test_one_job_is_one_run_and_never_more_runs_than_stacks(tmp_path):
    files = list(_stacks(tmp_path, {"prod": 10, "dev": 10}).values())
    assert len(group_files(files, jobs=1)) == 1
    assert len(group_files(files, jobs=8)) == 2


def test_a_large_output_gets_more_runs_than_cores(tmp_path, monkeypatch):
    monkeypatch.setattr(checkov_run, "GROUP_BYTES", 1000)
    files = list(_stacks(tmp_path, {f"s{i}": 900 for i in range(4)}).values())
    assert len(group_files(files, jobs=1)) == 4


def test_jobs_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TIERFORM_POLICY_JOBS", "3")
    assert checkov_run.policy_jobs() == 3
    monkeypatch.setenv("TIERFORM_POLICY_JOBS", "nonsense")
    assert checkov_run.policy_jobs() >= 1


def test_merged_report_keeps_every_record_and_sums_the_summary():
    def report(name: str, passed: int, parsing_errors: list[str]) -> CheckovReport:
        records = [{"check_id": "CKV_TF_TF_000", "file_abs_path": f"/{name}"}] * passed
        summary = {"passed": passed, "failed": 1, "parsing_errors": len(parsing_errors),
                   "checkov_version": "3.3.30"}  # fmt: skip
        failed = [{"check_id": "CKV_TF_SF_001", "file_abs_path": f"/{name}"}]
        raw = {"check_type": "terraform_json", "results": {"skipped_checks": [{"id": name}]}}
        return CheckovReport(summary, records, failed, parsing_errors, raw, f"{name}\n")

    merged = merge_reports([report("a", 2, []), report("b", 3, ["/b/cdk.tf.json"])])
    assert merged.summary == {
        "passed": 5, "failed": 2, "parsing_errors": 1, "checkov_version": "3.3.30"
    }  # fmt: skip
    assert len(merged.passed) == 5 and len(merged.failed) == 2
    assert merged.parsing_errors == ["/b/cdk.tf.json"]
    assert merged.raw["results"]["skipped_checks"] == [{"id": "a"}, {"id": "b"}]
    assert merged.raw["check_type"] == "terraform_json"
    assert merged.stderr == "a\nb\n"
