"""Tierform's own checkov checks. Loaded ONLY by checkov (`--external-checks-dir`), inside
checkov's virtualenv: nothing in the tierform package imports the checks, because checkov
cannot be installed next to apache-airflow 3 (see the Makefile). One exception:
`tierform_secret_shapes` is standard-library Python, and tierform.config.secrets imports it
so that config validation and the release-step check share one definition of a secret."""
