"""cdktf app entry point (see cdktf.json): validate config/, synthesize every tier's stack."""

import sys

from tierform.synth import main

if __name__ == "__main__":
    sys.exit(main())
