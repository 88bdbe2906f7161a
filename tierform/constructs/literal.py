"""Config text reaches Terraform as a literal, never as an expression.

In Terraform JSON every string of an expression (attribute values, map values AND map keys,
provisioner commands, for_each maps) is a template: `${…}` is evaluated and `%{…}` is a
directive. A comment `${file("/proc/self/environ")}` would put the environment into the plan.
`$${` and `%%{` are Terraform's escapes for a literal `${` and `%{`.

One rule, applied once, where a tier's specs enter the constructs: `literal_spec(tier)` is
the tier with every string escaped (field values, map keys, list items, at any depth), so a
construct cannot emit config text unescaped, whatever new field it reads. Intentional
references (`${aws_s3_bucket.x.id}`, `${each.value.name}`) come from cdktf tokens and our own
code, never from a spec, and survive. `tierform/stacks/template_check.py` checks the result.

Not escaped: the `terraform` block (backend settings). Terraform reads backend settings as
plain strings (checked with terraform 1.11: a local backend `path` of `st/$${x}` creates a
file named `$${x}`), so escaping there would change the value instead of protecting it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

# Views already escaped (by id, kept alive so an id is never reused): escaping twice would
# turn a literal `${` into `$${`, so a construct handed a view must not escape it again.
_VIEWS: dict[int, Any] = {}


def literal(text: str) -> str:
    """`text` as a Terraform template that evaluates to exactly `text`.

    A plain replace is enough: `$${x}` (the user really means `$${x}`) becomes `$$${x}`,
    which Terraform reads as `$` followed by the escape `$${` → `$${x}`.
    """
    return text.replace("${", "$${").replace("%{", "%%{")


def literal_spec(spec: T) -> T:
    """A copy of `spec` (a config model, mapping, list or string) whose every string is
    `literal(...)`. Non-string values (numbers, booleans) are kept; private state (an
    Airflow spec's naming rule) is carried over; unchanged parts are shared, not copied."""
    if id(spec) in _VIEWS and _VIEWS[id(spec)] is spec:
        return spec
    view = _escape(spec)
    if isinstance(view, BaseModel):
        _VIEWS[id(view)] = view
    return view


def _escape(value: Any) -> Any:
    kind = type(value)
    # Fast paths for what a big tier is made of (~70,000 values per 50,000 instances): a
    # plain string without `{` is its own escape (str.replace would return it too), and a
    # number or boolean is kept. A str subclass (an enum) still goes through literal(),
    # which hands back a plain str, as before.
    if kind is str:
        return literal(value) if "{" in value else value
    if kind is int or kind is float or kind is bool or value is None:
        return value
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, BaseModel):
        updates = {}
        # A pydantic model keeps exactly its field values in __dict__ (private state lives
        # elsewhere): read there, not by getattr over `model_fields` (a deprecated-access
        # descriptor), and plain strings are checked inline: ~3x faster over a big tier.
        for name, current in value.__dict__.items():
            kind = type(current)
            if kind is str:
                if "{" in current:
                    updates[name] = literal(current)
                continue
            if kind is bool or kind is int or kind is float or current is None:
                continue  # kept as is (see above), without a call per field
            escaped = _escape(current)
            if escaped is not current:
                updates[name] = escaped
        # model_copy keeps private attributes and skips validation (the values are valid;
        # only their spelling for Terraform changes).
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, dict):
        items = {}
        changed = False
        for key, item in value.items():
            escaped_key = key if type(key) is str and "{" not in key else _escape(key)
            escaped = item if type(item) is str and "{" not in item else _escape(item)
            changed = changed or escaped_key is not key or escaped is not item
            items[escaped_key] = escaped
        return items if changed else value
    if isinstance(value, list | tuple):
        items = [_escape(v) for v in value]
        if all(a is b for a, b in zip(value, items, strict=True)):
            return value
        return type(value)(items)
    return value
