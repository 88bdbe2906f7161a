import os

# jsii prints a Node end-of-life banner on every import of cdktf; terraform and cdktf
# would phone home. Neither belongs in test output.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")
