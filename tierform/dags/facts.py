"""What the rules need to know about one parsed DAG, read from Airflow's own DAG object.
Runs inside the DAG-check worker (Airflow imported); the result is plain JSON data, so the
rules themselves (rules.py) run without Airflow.
"""

from __future__ import annotations

import sys
from typing import Any

# id(dag) of every DAG whose constructor was given `catchup=` (see record_explicit_catchup).
_EXPLICIT_CATCHUP: set[int] = set()


def record_explicit_catchup() -> None:
    """Wrap DAG.__init__ to note whether `catchup` was passed. A DAG built without it takes
    the scheduler's `catchup_by_default` when it is *constructed*, so the parsed object alone
    cannot tell "catchup=False" from "whatever this Airflow defaults to". `@dag(...)` and
    `DAG(...)` both end in this constructor, so DAGs made by helper functions count too."""
    from airflow.sdk.definitions.dag import DAG

    original = DAG.__init__
    if getattr(original, "_tierform_wrapped", False):
        return

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if "catchup" in kwargs:
            _EXPLICIT_CATCHUP.add(id(self))
        # DAG's default fileloc is "the caller of the constructor": without this it would
        # be this file; the caller of this wrapper is who called DAG(...).
        if getattr(self, "fileloc", None) == __file__:
            self.fileloc = sys._getframe(1).f_code.co_filename

    __init__._tierform_wrapped = True  # type: ignore[attr-defined]
    DAG.__init__ = __init__  # type: ignore[method-assign]


def dag_facts(dag: Any) -> dict[str, Any]:
    tasks = [
        {
            "task_id": task.task_id,
            "owner": getattr(task, "owner", "") or "",
            "retries": _int(getattr(task, "retries", 0)),
        }
        for task in dag.tasks
    ]
    produces: set[str] = set()
    triggers: set[str] = set()
    for task in dag.tasks:
        for outlet in getattr(task, "outlets", None) or []:
            produces.update(_asset_keys(outlet, produced=True))
        target = getattr(task, "trigger_dag_id", None)
        if isinstance(target, str) and "{{" not in target:  # a template is known only at run time
            triggers.add(target)
    condition = getattr(dag.timetable, "asset_condition", None)
    return {
        "dag_id": dag.dag_id,
        "tags": sorted(str(tag) for tag in (dag.tags or ())),
        "tasks": tasks,
        "catchup": bool(dag.catchup),
        "catchup_explicit": id(dag) in _EXPLICIT_CATCHUP,
        "produces": sorted(produces),
        "consumes": sorted(_asset_keys(condition)) if condition is not None else [],
        "triggers": sorted(triggers),
    }


def _asset_keys(item: Any, produced: bool = False) -> set[str]:
    """Keys an asset is known by: a produced asset by its name and its URI, a schedule's
    reference by what it names (Asset → name, Asset.ref(name=…), Asset.ref(uri=…))."""
    from airflow.sdk.definitions.asset import (
        Asset,
        AssetBooleanCondition,
        AssetNameRef,
        AssetUriRef,
    )

    if isinstance(item, Asset):
        keys = {f"name:{item.name}"}
        if produced:
            keys.add(f"uri:{item.uri}")
        return keys
    if isinstance(item, AssetNameRef):
        return {f"name:{item.name}"}
    if isinstance(item, AssetUriRef):
        return {f"uri:{item.uri}"}
    if isinstance(item, AssetBooleanCondition):
        return set().union(*(_asset_keys(o) for o in item.objects)) if item.objects else set()
    return set()  # aliases resolve at run time


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
