"""dbt Cloud as a tier's dbt runner, at run time: the API client (api.py), a run and its
states (run.py), waiting for a run with a time limit and cancellation (watch.py), the tier's
dbt release step (release_step.py), setting its credential's secret (credential.py) and the pull request's CI job (ci_job.py).

The stack side (the dbtcloud resources, the job ids handed to the release step) is
tierform/constructs/; the interface between both is tierform/config/dbt_cloud_step.py."""
