"""The per-tier DAG rules over the facts the worker reads (tierform/dags/rules.py), and the
one-line messages made from Airflow's errors (tierform/dags/problems.py). No Airflow here:
tests/integration/test_dag_checks.py runs the same rules on DAGs parsed by Airflow."""

from __future__ import annotations

import pytest

from tierform.config.dag_checks import DagRulesSpec
from tierform.dags.problems import error_line, import_message, serialize_message
from tierform.dags.rules import dag_cycles, rule_problems


def _dag(dag_id: str, **overrides) -> dict:
    facts = {
        "dag_id": dag_id,
        "file": f"{dag_id}.py",
        "tags": ["team"],
        "tasks": [{"task_id": "t", "owner": "data", "retries": 2}],
        "catchup": False,
        "catchup_explicit": True,
        "produces": [],
        "consumes": [],
        "triggers": [],
    }
    return {**facts, **overrides}


def _lines(file: str, dag_id: str) -> int:
    return 7


LAX = _dag(
    "lax",
    tags=[],
    tasks=[{"task_id": "t", "owner": "airflow", "retries": 0}],
    catchup_explicit=False,
    triggers=["lax"],
)

RULES = {
    "owner": DagRulesSpec(owner=True),
    "tags": DagRulesSpec(tags=True),
    "min_retries": DagRulesSpec(min_retries=1),
    "no_cycles": DagRulesSpec(no_cycles=True),
    "explicit_catchup": DagRulesSpec(explicit_catchup=True),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_fires_only_when_switched_on(rule: str):
    on = rule_problems([LAX, _dag("good")], RULES[rule], _lines)
    assert [(p.rule, p.file, p.line) for p in on] == [(rule, "lax.py", 7)]
    assert f"[rule release.dags.checks.rules.{rule}]" in on[0].message
    assert rule_problems([LAX], DagRulesSpec(), _lines) == []


def test_a_dag_without_tasks_has_no_owner():
    (problem,) = rule_problems([_dag("empty", tasks=[])], DagRulesSpec(owner=True), _lines)
    assert "has no task, so no owner" in problem.message


def test_retries_count_against_the_configured_minimum():
    dag = _dag("d", tasks=[{"task_id": "a", "owner": "x", "retries": 2}])
    assert rule_problems([dag], DagRulesSpec(min_retries=2), _lines) == []
    (problem,) = rule_problems([dag], DagRulesSpec(min_retries=3), _lines)
    assert "task(s) a retry fewer than 3" in problem.message


def test_cycles_through_assets_and_triggers_are_found_once_each():
    dags = [
        _dag("a", produces=["name:x", "uri:s3://b/x"], consumes=["name:y"]),
        _dag("b", produces=["name:y", "uri:y"], consumes=["uri:s3://b/x"]),
        _dag("c", triggers=["d"]),
        _dag("d", triggers=["e"]),
        _dag("e", triggers=["c", "not_in_folder"]),
        _dag("f", consumes=["name:x"]),  # downstream of a cycle, not in one
        _dag("g", produces=["name:g"], consumes=["name:g"]),  # schedules itself
    ]
    assert dag_cycles(dags) == [["a", "b"], ["c", "d", "e"], ["g"]]
    messages = [p.message for p in rule_problems(dags, DagRulesSpec(no_cycles=True), _lines)]
    assert any("c → d → e → c" in m for m in messages)
    assert len(messages) == 3


def test_airflows_timeout_reads_as_its_reason_not_a_docs_url():
    text = (
        "Traceback (most recent call last):\n  ...\nairflow.sdk.exceptions.AirflowTaskTimeout: "
        "DagBag import timeout for /tmp/x/slow.py after 30.0s.\nPlease take a look at these docs "
        "to improve your DAG import time:\n* https://airflow.apache.org/docs/best-practices.html\n"
    )
    kind, message = import_message(text, 30, "release.dags.checks.parse_timeout_seconds")
    assert kind == "timeout"
    assert message.startswith("took longer than 30 s to import")
    assert "http" not in message


def test_an_unregistered_timetable_names_the_class_and_the_fix():
    message = serialize_message(
        "wd",
        "Failed to serialize DAG 'wd': Timetable class 'pkg.Workday' is not registered or you "
        "have a top level database access that disrupted the session.",
    )
    assert "timetable pkg.Workday is not registered" in message
    assert "AirflowPlugin.timetables" in message and "database access" not in message


def test_the_line_of_an_import_error_is_the_last_frame_in_the_file():
    text = (
        'Traceback (most recent call last):\n  File "/tmp/copy/dags/sub/x.py", line 3, in <module>\n'
        '    helper()\n  File "/tmp/copy/dags/sub/x.py", line 9, in helper\n    import nope\n'
        "ModuleNotFoundError: No module named 'nope'\n"
    )
    assert error_line(text, "sub/x.py") == 9
    assert error_line("SyntaxError: invalid syntax (x.py, line 4)", "x.py") == 4
    assert error_line("something else", "x.py") is None


def test_worker_results_become_one_line_problems_without_secrets(tmp_path):
    """The parent's reading of the worker's JSON (tierform/release/dag_check.py), no Airflow."""
    from tierform.config.dag_checks import DagChecksSpec
    from tierform.release.dag_check import _interpret

    token = "ghp_" + "b" * 36
    results = {
        "hang.py": {"status": "killed", "elapsed": 32.0},
        "exits.py": {"status": "crashed", "exitcode": 3, "elapsed": 0.2, "log_tail": ""},
        "bad.py": {
            "status": "parsed",
            "dags": [],
            "errors": [
                {
                    "file": "bad.py",
                    "stage": "import",
                    "text": f'File "/x/bad.py", line 4, in <module>\nValueError: token {token} refused',
                }
            ],
        },
        "good.py": {"status": "parsed", "dags": [_dag("good", file="good.py")], "errors": []},
    }
    (tmp_path / "good.py").write_text('x = 1\ndag_id = "good"\n')
    check = _interpret(
        {"files": sorted(results), "results": results}, DagChecksSpec(), tmp_path, []
    )
    by_file = {p.file: p for p in check.problems}
    assert by_file["hang.py"].kind == "timeout" and "killed" in by_file["hang.py"].message
    assert (
        by_file["exits.py"].kind == "crash" and "exited with code 3" in by_file["exits.py"].message
    )
    assert by_file["bad.py"].line == 4
    assert token not in by_file["bad.py"].message + by_file["bad.py"].detail
    assert "<redacted" in by_file["bad.py"].message
    assert check.dags == {"good": "good.py"} and not check.ok
    assert check.as_dict()["problems"][0]["file"] == "bad.py"
