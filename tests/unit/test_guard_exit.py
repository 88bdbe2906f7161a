"""Every Tierform command (main.py, `tierform`, `tierform.release`, all through
`run_guarded`) skips the cyclic-garbage collections of interpreter shutdown: ~1.5 s of CPU
per synth spent on objects the process is about to drop (tierform/guard.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# An exit handler registered before the command runs is called after the guard's own
# (atexit is last in, first out): it sees what the interpreter's shutdown will see.
_PROBE = textwrap.dedent(
    """
    import atexit, gc, runpy, sys
    atexit.register(lambda: print(f"frozen at exit: {gc.get_freeze_count() > 0}"))
    sys.argv = ["main.py"]
    runpy.run_path("main.py", run_name="__main__")
    """
)


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # An empty config folder: main.py refuses it in a fraction of a second (exit 2) without
    # importing cdktf, which is all this needs.
    env = {"PATH": "/usr/bin:/bin", "TIERFORM_CONFIG": str(tmp_path), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_command_process_freezes_its_objects_before_shutdown(tmp_path):
    done = _run(_PROBE, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "frozen at exit: True" in done.stdout


def test_without_the_guard_nothing_is_frozen(tmp_path):
    # The probe itself must be able to see the difference.
    plain = _PROBE.replace('runpy.run_path("main.py", run_name="__main__")', "pass")
    done = _run(plain, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "frozen at exit: False" in done.stdout


def test_the_handler_is_registered_once_per_process(monkeypatch):
    import tierform.guard as guard

    registered = []
    monkeypatch.setattr(guard, "_EXIT_COLLECTION_SKIPPED", False)
    monkeypatch.setattr(guard.atexit, "register", registered.append)
    guard.skip_exit_collection()
    guard.skip_exit_collection()
    assert registered == [guard.gc.freeze]


# main() gives the GC back to a caller that goes on running; main.py exits, and turning the
# GC back on there would run one collection over everything the synth made (tierform/
# synth.py, main.py). What the interpreter's shutdown sees is the process's final state.
_GC_PROBE = textwrap.dedent(
    """
    import atexit, gc, runpy, sys
    atexit.register(lambda: print(f"gc enabled at exit: {gc.isenabled()}"))
    sys.argv = ["main.py"]
    runpy.run_path("main.py", run_name="__main__")
    """
)


def test_the_synth_process_never_turns_the_gc_back_on(tmp_path):
    done = _run(_GC_PROBE, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "gc enabled at exit: False" in done.stdout


def test_main_in_a_caller_process_gives_the_gc_back(tmp_path):
    # The control: the same main(), called as a library caller would, not as main.py.
    code = _GC_PROBE.replace(
        'runpy.run_path("main.py", run_name="__main__")',
        "from tierform.synth import main\nmain()",
    )
    done = _run(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "gc enabled at exit: True" in done.stdout
