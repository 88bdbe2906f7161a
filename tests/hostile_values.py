"""Hostile values shared by the hostile-input suites: secret shapes, alias bombs, names
that break identifiers. Tokens are assembled at run time (they are fakes, but a scanner
reading this file should not take them for leaks)."""

from __future__ import annotations

import base64
import textwrap

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_EC = ec.generate_private_key(ec.SECP256R1())


def _pem(key, fmt) -> str:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


def _body(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


PKCS8_PEM = _pem(_RSA, serialization.PrivateFormat.PKCS8)
PKCS1_PEM = _pem(_RSA, serialization.PrivateFormat.TraditionalOpenSSL)
OPENSSH_PEM = _pem(_RSA, serialization.PrivateFormat.OpenSSH)
EC_PEM = _pem(_EC, serialization.PrivateFormat.TraditionalOpenSSL)
PUBLIC_PEM = (
    _RSA.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
PUBLIC_BODY = _body(PUBLIC_PEM)
PKCS8_BODY = _body(PKCS8_PEM)
PKCS1_BODY = _body(PKCS1_PEM)
EC_PKCS8_BODY = _body(_pem(_EC, serialization.PrivateFormat.PKCS8))  # MIGH…
EC_SEC1_BODY = _body(EC_PEM)  # MHcC…
ED25519_BODY = _body(  # MC4C…, 64 characters
    _pem(ed25519.Ed25519PrivateKey.generate(), serialization.PrivateFormat.PKCS8)
)
PKCS8_PEM_BASE64 = base64.b64encode(PKCS8_PEM.encode()).decode()  # one env variable's form
PUBLIC_PEM_BASE64 = base64.b64encode(PUBLIC_PEM.encode()).decode()

_HEX32 = "0123456789abcdef" * 2
_B40 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKE"


def _join(*parts: str) -> str:
    return "".join(parts)


# name → a value that is (or holds) a secret. Each must be refused in config and flagged by
# the release-step check (CKV_TF_REL_001) under a neutral name.
SECRETS: dict[str, str] = {
    "pem_pkcs8": PKCS8_PEM,
    "pem_pkcs1": PKCS1_PEM,
    "pem_openssh": OPENSSH_PEM,
    "pem_ec": EC_PEM,
    "pem_header_only": "-----BEGIN PRIVATE KEY-----",
    "pgp_private": _join("-----BEGIN PGP ", "PRIVATE KEY BLOCK-----\nlQOYBF...\n"),
    "bare_pkcs8_body": PKCS8_BODY,
    "bare_pkcs1_body": PKCS1_BODY,
    "bare_body_wrapped": "\n".join(textwrap.wrap(PKCS8_BODY, 64)),
    "bare_ec_pkcs8_body": EC_PKCS8_BODY,
    "bare_ec_sec1_body": EC_SEC1_BODY,
    "bare_ed25519_body": ED25519_BODY,
    "pem_base64": PKCS8_PEM_BASE64,
    "aws_access_key_id": _join("AKIA", "IOSFODNN7EXAMPLE"),
    "aws_temporary_key_id": _join("ASIA", "IOSFODNN7EXAMPLE"),
    "aws_secret_key_assignment": _join("aws_secret_access_key = ", _B40),
    "aws_secret_key_export": _join("export AWS_SECRET_ACCESS_KEY=", _B40),
    "aws_session_token": _join("AWS_SESSION_TOKEN=", "IQoJb3JpZ2luX2VjEJr" * 3),
    "databricks_pat": _join("dapi", _HEX32),
    "databricks_pat_suffix": _join("dapi", _HEX32, "-2"),
    "databricks_oauth_secret": _join("dose", _HEX32),
    "github_classic": _join("ghp", "_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
    "github_app": _join("ghs", "_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
    "github_fine_grained": _join("github", "_pat_", "11ABCDEFG0", "x" * 72),
    "gitlab": _join("glpat", "-", "A1b2C3d4E5f6G7h8I9j0"),
    "slack_bot": _join("xoxb", "-", "123456789012-1234567890123-AbCdEfGhIjKl"),
    "slack_webhook": _join("https://hooks.slack.com/services/", "T00000000/B00000000/", "X" * 24),
    "google_api_key": _join("AIza", "SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"),
    "stripe": _join("sk", "_live_", "4eC39HqLyjWDarjtT1zdp7dc"),
    "npm": _join("npm", "_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
    "terraform_cloud": _join("AbCdEfGhIjKlMn", ".atlasv1.", "x" * 60),
    "jwt": _join("eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".sig"),
    "inline_password": "password=hunter2hunter2",
    "inline_password_dollar": "password=Hu$tler99",
    "json_client_secret": '{"client_secret": "s3cr3t-v4lue"}',
    "flag_password": "dbt run --password hunter2hunter2",
    "flag_token_equals": "astro deploy --token=abcd1234efgh",
    "flag_client_secret": "databricks auth login --client-secret s3cr3tv4lue",
    "url_credentials": "postgresql://loader:hunter2@db.internal:5432/raw",
    "url_token_user": _join("https://", _HEX32, "0a1b2c3d", "@github.com/org/repo.git"),
    "bearer_header": "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345",
    "azure_account_key": _join("AccountKey=", "A" * 86, "=="),
}

ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{','.join(['*' + p] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)

# Values a name field must refuse.
BAD_NAMES = {
    "trailing_newline": "RAW\n",
    "leading_newline": "\nRAW",
    "too_long": "A" * 300,
    "quote": 'RAW"; DROP',
    "space": "RAW DATA",
    "template": '${file("/proc/self/environ")}',
}
