"""cdktf app entry point (see cdktf.json): validate config/, synthesize every tier's stack."""

from tierform.guard import run_guarded
from tierform.synth import main

if __name__ == "__main__":
    run_guarded(main, "tierform synth")
