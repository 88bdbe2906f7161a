import atexit
import os
import shutil
import tempfile

# jsii prints a Node end-of-life banner on every import of cdktf; terraform and cdktf
# would phone home. Neither belongs in test output.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

# What the tests' child processes leave in the temp folder goes into one folder per pytest
# process, removed when it exits: cdktf's `Testing.synth` (node, through jsii) makes a
# `cdktf.outdir.*` folder per call and never removes it (~100 per `make test`). Python's
# own temp folder is looked up first and kept, so pytest's tmp_path folders stay where
# pytest keeps them; xdist workers inherit the variable, and their folders sit inside.
tempfile.gettempdir()
_SCRATCH = tempfile.mkdtemp(prefix="tierform-tests-")
os.environ["TMPDIR"] = _SCRATCH
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
