"""cdktf app entry point (see cdktf.json): validate config/, synthesize every tier's stack."""

import gc

from tierform.guard import run_guarded
from tierform.synth import main

if __name__ == "__main__":
    # main() runs without Python's cyclic GC (tierform/synth.py says why) and turns it back
    # on for callers that go on running. This process exits instead, and re-enabling would
    # cost it a collection over every object the synth made (~0.15 s of CPU at 50,000
    # instances, on garbage the exit drops anyway): off here, main() leaves it off.
    gc.disable()
    run_guarded(main, "tierform synth")
