"""DAG checks: every DAG file parsed and serialized the way Airflow's dag-processor does, in
an isolated, killable subprocess, plus the rules a tier switches on. `check_dags`
(tierform/release/dag_check.py) is the entry point shared by the release gate and the data CI.

Modules: problems.py (what a finding is and how Airflow's errors read as one line),
rules.py (the per-tier rules, pure Python over the facts the worker collects),
facts.py (inside the worker: what a parsed DAG looks like to the rules),
worker.py (inside the worker: one forked, killable child per file).
Only facts.py and worker.py import Airflow, and only in the worker process.
"""
