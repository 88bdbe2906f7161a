"""Data impact of a PR: for every model the PR environment built, its columns added, removed
or retyped and its row count against the target tier's relation, with a flag when the count
moves by more than `ci.row_count_change` of the tier's.

Read through the dbt adapter (`dbt compile --inline` renders Jinja that calls
`adapter.get_relation`, `adapter.get_columns_in_relation` and `run_query`), so the same code
serves DuckDB, Snowflake and Databricks: no SQL dialect of our own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tierform.ci import dbt_invoke
from tierform.ci.result import CheckOutcome
from tierform.gitops.markdown import cell, code

CHECK = "data-impact"

# One JSON list, one entry per relation: null when it does not exist.
_PROBE = """{%- set out = [] -%}
{%- for r in RELATIONS -%}
{%- set rel = adapter.get_relation(database=r[0], schema=r[1], identifier=r[2]) -%}
{%- if rel is none -%}{%- do out.append(none) -%}{%- else -%}
{%- set cols = adapter.get_columns_in_relation(rel) -%}
{%- set n = run_query('select count(*) from ' ~ rel).columns[0].values()[0] -%}
{%- do out.append({'columns': cols | map(attribute='name') | list,
                   'types': cols | map(attribute='dtype') | list, 'rows': n | int}) -%}
{%- endif -%}
{%- endfor -%}
__TIERFORM__{{ tojson(out) }}__TIERFORM__"""


@dataclass
class ModelImpact:
    model: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retyped: list[str] = field(default_factory=list)  # "col: OLD → NEW"
    rows_tier: int | None = None
    rows_pr: int | None = None
    flagged: bool = False
    new: bool = False


def probe(relations: list[tuple[str, str, str]], dbt_args: list[str], paths: list[str]):
    """[{columns, types, rows} | None] per relation, read through dbt's adapter."""
    if not relations:
        return []
    sql = _PROBE.replace("RELATIONS", json.dumps([list(r) for r in relations]))
    # --log-level none: `compile` prints the compiled text otherwise, even with --quiet.
    args = ["compile", *dbt_args, *paths, "--log-level", "none", "--inline", sql]
    result = dbt_invoke.invoke(args)
    if not result.success or not getattr(result.result, "results", None):
        raise RuntimeError(f"the data impact query failed: {dbt_invoke.why(result)}")
    text = result.result.results[0].node.compiled_code
    return json.loads(text.split("__TIERFORM__")[1])


def compare(model: str, tier: dict | None, pr: dict, share: float) -> ModelImpact:
    impact = ModelImpact(model, rows_pr=pr["rows"])
    if tier is None:
        impact.new = True
        impact.added = list(pr["columns"])
        return impact
    impact.rows_tier = tier["rows"]
    before = {c.lower(): (c, t) for c, t in zip(tier["columns"], tier["types"], strict=True)}
    after = {c.lower(): (c, t) for c, t in zip(pr["columns"], pr["types"], strict=True)}
    impact.added = [after[k][0] for k in after if k not in before]
    impact.removed = [before[k][0] for k in before if k not in after]
    impact.retyped = [
        f"{after[k][0]}: {before[k][1]} → {after[k][1]}"
        for k in after
        if k in before and before[k][1].lower() != after[k][1].lower()
    ]
    moved = abs(impact.rows_pr - impact.rows_tier)
    impact.flagged = moved > share * max(impact.rows_tier, 1)
    return impact


def data_impact(models: dict, dbt_args: list[str], paths: list[str], share: float, tier: str):
    """The check's outcome and the per-model impacts (models: see DbtCiRun.models)."""
    if not models:
        return CheckOutcome(CHECK, "skip", "no model built", "No model was built."), []
    order = sorted(models)
    relations = []
    for node_id in order:
        pr_rel, tier_rel = models[node_id]
        relations += [pr_rel, tier_rel or pr_rel]
    found = probe(relations, dbt_args, paths)
    impacts = []
    for i, node_id in enumerate(order):
        pr_found, tier_found = found[2 * i], found[2 * i + 1]
        if pr_found is None:
            continue
        tier_found = tier_found if models[node_id][1] is not None else None
        impacts.append(compare(node_id.split(".")[-1], tier_found, pr_found, share))
    return _outcome(impacts, share, tier), impacts


def _outcome(impacts: list[ModelImpact], share: float, tier: str) -> CheckOutcome:
    rows = [
        f"| model | columns added | removed | retyped | rows on {tier} | rows in PR | |",
        "|---|---|---|---|---:|---:|---|",
    ]
    for m in impacts:
        flag = f"⚠ moved > {share:.0%}" if m.flagged else ("new model" if m.new else "")
        rows.append(
            f"| {code(m.model)} | {cell(', '.join(m.added))} | {cell(', '.join(m.removed))} | "
            f"{cell(', '.join(m.retyped))} | {'' if m.rows_tier is None else m.rows_tier} | "
            f"{m.rows_pr} | {flag} |"
        )
    new = [m for m in impacts if m.new]
    changed = [m for m in impacts if not m.new and (m.added or m.removed or m.retyped)]
    flagged = [m for m in impacts if m.flagged]
    summary = f"{len(impacts)} model(s): {len(changed)} with column changes"
    summary += f", {len(new)} new on {tier}" if new else ""
    summary += f", {len(flagged)} with a row count moved > {share:.0%}"
    # Impact informs the review; it fails nothing (a removed column may be the point).
    return CheckOutcome(CHECK, "pass", summary, "\n".join(rows))
