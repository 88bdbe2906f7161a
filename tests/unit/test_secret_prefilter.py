"""The secret-shape pre-filter (`_MAYBE_SECRET` in tierform_secret_shapes.py) is a necessary
condition of every shape: whatever any shape matches also hits the pre-filter, so
`find_secret` answers as the shapes alone would."""

from __future__ import annotations

import pytest
from hostile_values import PKCS8_BODY, PUBLIC_PEM_BASE64, SECRETS

from tierform.policy.checkov_checks import tierform_secret_shapes as shapes

# Shapes SECRETS does not sample, plus near misses that must stay what they were.
EXTRA = {
    "google_oauth": "ya29." + "a0AfH6SMB" * 4,
    "pypi": "pypi-" + "AgEIcHlwaS5vcmc" * 5,
    "openai": "sk-proj-" + "A1b2C3d4" * 5,
    "github_oauth": "gho_" + "A1b2C3d4E5" * 4,
    "slack_user": "xoxp-1234567890-abcdefghij",
    "stripe_restricted": "rk_test_" + "4eC39HqLyjWDarjt",
    "bearer": "curl -H 'bearer " + "abcdefghij" * 3 + "'",
    "session_token": "aws_session_token: " + "IQoJb3JpZ2luX2VjEJr",
    "api_key": "API-KEY: abcd1234",
    "private_key_field": "Private_Key=abcd1234",
    "credentials": "credentials: abcd1234",
    "key_file_flag": "gcloud --key-file-content abcd1234",
    "pwd_flag": "tool -pwd=abcd1234",
    "bare_body_in_words": f"rotated monthly {PKCS8_BODY} by ops",
    "plain": "Raw data landed by the loader",
    "reference": "${each.value.name}",
    "access_word": "access roles of the RAW database",
    "public_pem_base64": PUBLIC_PEM_BASE64,
    "git_user_url": "https://git@github.com/org/repo.git",
    "named_user_url": "https://alice.example-user@example.com/x",
    "password_reference": "password=$DB_PASSWORD and token=${var.token}",
    # A secret's name as a segment of a resource path names where it is, not what it is.
    "secrets_manager_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:airflow/conn-x",
    "secret_manager_version": "projects/p1/secrets/token:latest",
}
SAMPLES = {**SECRETS, **EXTRA}


def _unfiltered(text: str) -> str | None:
    for pattern, what in shapes.SECRET_SHAPES:
        if pattern.search(text):
            return what
    for _ in shapes._private_bodies(text):
        return "a private key body"
    for _ in shapes._base64_pems(text):
        return "key material (base64-encoded)"
    return None


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_match_of_every_shape_hits_the_prefilter(name):
    text = SAMPLES[name]
    for pattern, what in shapes.SECRET_SHAPES:
        for match in pattern.finditer(text):
            assert shapes._MAYBE_SECRET.search(match.group(0)), (what, match.group(0))
    for start, end in [*shapes._private_bodies(text), *shapes._base64_pems(text)]:
        assert shapes._MAYBE_SECRET.search(text[start:end])


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_find_secret_answers_as_the_shapes_alone(name):
    assert shapes.find_secret(SAMPLES[name]) == _unfiltered(SAMPLES[name])


def test_extra_samples_are_secrets_except_the_near_misses():
    found = {name for name, text in EXTRA.items() if shapes.find_secret(text)}
    near_misses = {"plain", "reference", "access_word", "public_pem_base64", "git_user_url"}
    near_misses |= {"named_user_url", "password_reference", "secrets_manager_arn"}
    near_misses |= {"secret_manager_version"}
    assert found == set(EXTRA) - near_misses
