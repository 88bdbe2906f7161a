"""The rules a tier switches on (`release.dags.checks.rules`, tierform/config/dag_checks.py),
over the facts the worker read from each parsed DAG (facts.py). Pure Python: no Airflow.
"""

from __future__ import annotations

from collections.abc import Callable

from tierform.config.dag_checks import DagRulesSpec
from tierform.dags.problems import RULE, DagProblem

SETTING = "release.dags.checks.rules"
LineOf = Callable[[str, str], "int | None"]  # (file, dag_id) → line of the DAG's definition


def rule_problems(
    dags: list[dict], rules: DagRulesSpec, line_of: LineOf, default_owner: str = "airflow"
) -> list[DagProblem]:
    problems: list[DagProblem] = []
    for dag in dags:

        def problem(rule: str, message: str, dag: dict = dag) -> DagProblem:
            return DagProblem(
                file=dag["file"],
                line=line_of(dag["file"], dag["dag_id"]),
                message=f"{message} [rule {SETTING}.{rule}]",
                kind=RULE,
                dag_id=dag["dag_id"],
                rule=rule,
            )

        dag_id = dag["dag_id"]
        if rules.owner:
            unowned = [t["task_id"] for t in dag["tasks"] if t["owner"] in ("", default_owner)]
            if not dag["tasks"]:
                problems.append(problem("owner", f"DAG {dag_id!r} has no task, so no owner"))
            elif unowned:
                problems.append(
                    problem(
                        "owner",
                        f"DAG {dag_id!r} has no owner for task(s) {_names(unowned)} (Airflow's "
                        f"default owner {default_owner!r}); set default_args={{'owner': …}}",
                    )
                )
        if rules.tags and not dag["tags"]:
            problems.append(problem("tags", f"DAG {dag_id!r} has no tags; set tags=[…]"))
        if rules.min_retries:
            few = [t["task_id"] for t in dag["tasks"] if t["retries"] < rules.min_retries]
            if few:
                problems.append(
                    problem(
                        "min_retries",
                        f"DAG {dag_id!r}: task(s) {_names(few)} retry fewer than "
                        f"{rules.min_retries} time(s); set default_args={{'retries': "
                        f"{rules.min_retries}}}",
                    )
                )
        if rules.explicit_catchup and not dag["catchup_explicit"]:
            problems.append(
                problem(
                    "explicit_catchup",
                    f"DAG {dag_id!r} does not set catchup, so it depends on the scheduler's "
                    "[scheduler] catchup_by_default; set catchup=False (or True)",
                )
            )
    if rules.no_cycles:
        by_id = {dag["dag_id"]: dag for dag in dags}
        for cycle in dag_cycles(dags):
            first = by_id[cycle[0]]
            problems.append(
                DagProblem(
                    file=first["file"],
                    line=line_of(first["file"], first["dag_id"]),
                    message=(
                        f"DAGs form a cycle: {' → '.join([*cycle, cycle[0]])} (through "
                        f"TriggerDagRunOperator and asset schedules) [rule {SETTING}.no_cycles]"
                    ),
                    kind=RULE,
                    dag_id=first["dag_id"],
                    rule="no_cycles",
                )
            )
    return problems


def dag_edges(dags: list[dict]) -> dict[str, set[str]]:
    """A → B when A triggers B or produces an asset B's schedule waits for."""
    producers: dict[str, set[str]] = {}
    for dag in dags:
        for key in dag["produces"]:
            producers.setdefault(key, set()).add(dag["dag_id"])
    known = {dag["dag_id"] for dag in dags}
    edges: dict[str, set[str]] = {dag["dag_id"]: set() for dag in dags}
    for dag in dags:
        edges[dag["dag_id"]].update(t for t in dag["triggers"] if t in known)
        for key in dag["consumes"]:
            for producer in producers.get(key, ()):
                edges[producer].add(dag["dag_id"])
    return edges


def dag_cycles(dags: list[dict]) -> list[list[str]]:
    """One cycle per strongly connected group of DAGs (Tarjan), each starting at its
    smallest DAG id, so the report is stable."""
    edges = dag_edges(dags)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # recursion depth ≤ number of DAGs in one chain
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges[node]:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted((_cycle_in(group, edges) for group in groups), key=lambda c: c[0])


def _cycle_in(group: set[str], edges: dict[str, set[str]]) -> list[str]:
    """A path from the group's smallest id back to itself, inside the group."""
    start = min(group)
    path, seen = [start], {start}
    while True:
        options = sorted(n for n in edges[path[-1]] if n in group)
        if start in options:
            return path
        step = next((n for n in options if n not in seen), None)
        if step is None:  # dead end inside the group: back up (the group is strongly connected)
            path.pop()
            if not path:
                return [start]
            continue
        path.append(step)
        seen.add(step)


def _names(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
