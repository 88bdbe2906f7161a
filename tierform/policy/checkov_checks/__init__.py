"""Tierform's own checkov checks. Loaded ONLY by checkov (`--external-checks-dir`), inside
checkov's virtualenv: nothing in the tierform package imports this folder, because checkov
cannot be installed next to apache-airflow 3 (see the Makefile)."""
