"""DAG releases in the ledger:

  dags/releases/<id>/files/<path>        the release's files, uploaded first
  dags/releases/<id>/RELEASE.json        its manifest, uploaded last: present = complete
  dags/activations/<time>-<id>.json      one per switch (publish or rollback), append-only
  dags/state.json                        the pointer: releases kept, active, history, and
                                         `switching` while a switch is under way

A release is recorded (state lists it, `switching` names it) before the target is switched,
and marked active only after the switch succeeded, so the record never claims what is not
live; an interrupted switch stays visible as `switching` until `repair` settles it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath

from tierform.ledger.errors import CorruptRecord
from tierform.ledger.tier_ledger import TierLedger

STATE = "dags/state.json"
MANIFEST = "RELEASE.json"
RELEASES = "dags/releases"
ACTIVATIONS = "dags/activations"
# Release ids become object keys and folder names: nothing else may pass (no `/`, no `..`).
RELEASE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,80}$")


def _ids_ok(values) -> bool:
    return isinstance(values, list) and all(
        isinstance(i, str) and RELEASE_ID.match(i) for i in values
    )


def _safe_file(relative) -> bool:
    path = PurePosixPath(relative) if isinstance(relative, str) else None
    return (
        path is not None
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in relative
    )


def empty_state() -> dict:
    return {"releases": [], "active": None, "history": [], "switching": None}


def read_state(ledger: TierLedger) -> dict:
    state = ledger.read_json(STATE)
    if state is None:
        return empty_state()
    ids = state.get("releases")
    history = state.get("history")
    problems = []
    if not _ids_ok(ids):
        problems.append("`releases` is not a list of release ids")
    if not _ids_ok(history):
        problems.append("`history` is not a list of release ids")
    for field in ("active", "switching"):
        if state.get(field) is not None and not _ids_ok([state.get(field)]):
            problems.append(f"`{field}` is not a release id")
    if not problems and state.get("active") and state["active"] not in ids:
        problems.append(f"the active release {state['active']} is not among `releases`")
    if problems:
        raise CorruptRecord(ledger.url(STATE), "; ".join(problems), ledger.tier)
    state.setdefault("switching", None)
    return state


def write_state(ledger: TierLedger, state: dict) -> None:
    ledger.write_json(STATE, state)


def manifest(ledger: TierLedger, release_id: str) -> dict:
    key = f"{RELEASES}/{release_id}/{MANIFEST}"
    found = ledger.read_json(key, required=True)
    if found.get("release_id") != release_id or not isinstance(found.get("files"), list):
        raise CorruptRecord(
            ledger.url(key), f"is not the manifest of release {release_id}", ledger.tier
        )
    if not all(_safe_file(f) for f in found["files"]):
        raise CorruptRecord(ledger.url(key), "lists a file outside the release folder", ledger.tier)
    return found


def upload(ledger: TierLedger, folder: Path, release: dict) -> None:
    """Files first, the manifest last: a release without RELEASE.json is a partial upload."""
    base = f"{RELEASES}/{release['release_id']}"
    for relative in release["files"]:
        ledger.put_bytes(f"{base}/files/{relative}", (folder / relative).read_bytes())
    ledger.write_json(f"{base}/{MANIFEST}", release)


def download(ledger: TierLedger, release_id: str, dest: Path) -> dict:
    """Materialize a release into dest (complete or not at all); returns its manifest."""
    release = manifest(ledger, release_id)
    tmp = dest.with_name(f".{dest.name}.download")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for relative in release["files"]:
            key = f"{RELEASES}/{release_id}/files/{relative}"
            data = ledger.get_bytes(key)
            if data is None:
                raise CorruptRecord(
                    ledger.url(key), f"is missing (listed in release {release_id})", ledger.tier
                )
            path = tmp / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (tmp / MANIFEST).write_text(_json(release), encoding="utf-8")
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return release


def _json(value: dict) -> str:
    import json

    return json.dumps(value, indent=2, sort_keys=True) + "\n"


def record_activation(ledger: TierLedger, release_id: str, kind: str, at: str) -> None:
    stamp = at.replace("-", "").replace(":", "")
    ledger.write_json(
        f"{ACTIVATIONS}/{stamp}-{release_id}.json",
        {"release_id": release_id, "kind": kind, "at": at},
    )


def delete_release(ledger: TierLedger, release_id: str) -> None:
    # Manifest first: a half-deleted release is then a partial one, cleaned up next time.
    ledger.delete(f"{RELEASES}/{release_id}/{MANIFEST}")
    for key in ledger.list(f"{RELEASES}/{release_id}"):
        ledger.delete(key)


def stored_releases(ledger: TierLedger) -> tuple[list[str], list[str]]:
    """(complete release ids, partial release ids) found under dags/releases/."""
    ids: dict[str, bool] = {}
    for key in ledger.list(RELEASES):
        parts = key.split("/")
        ids.setdefault(parts[2], False)
        if parts[3:] == [MANIFEST]:
            ids[parts[2]] = True
    complete = sorted(i for i, done in ids.items() if done)
    return complete, sorted(i for i, done in ids.items() if not done)


def clean_partial(ledger: TierLedger, state: dict, keep: str | None = None) -> list[str]:
    """Remove uploads that never became a recorded release (a killed publish)."""
    complete, partial = stored_releases(ledger)
    orphans = [i for i in partial + complete if i not in state["releases"] and i != keep]
    for release_id in orphans:
        delete_release(ledger, release_id)
    return orphans


def replay_activations(ledger: TierLedger, kept: set[str]) -> list[str]:
    """The activation history rebuilt from the append-only events (publish pushes, rollback
    pops, activating a chosen release pushes it)."""
    history: list[str] = []
    for key in ledger.list(ACTIVATIONS):
        try:
            event = ledger.read_json(key) or {}
        except CorruptRecord:
            continue  # one unreadable event must not block rebuilding the rest
        release_id = event.get("release_id")
        if not (isinstance(release_id, str) and RELEASE_ID.match(release_id)):
            continue
        if event.get("kind") == "rollback" and len(history) >= 2 and history[-2] == release_id:
            history.pop()
        else:
            history.append(release_id)
    return [h for h in history if h in kept]
