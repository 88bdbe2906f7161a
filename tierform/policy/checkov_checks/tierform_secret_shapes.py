"""What a secret looks like: the one definition used by config validation
(tierform.config.secrets) and by the release-step check inside checkov (tierform_release.py).

Pure Python, standard library only, and no import of the tierform package: checkov loads
this folder from its own virtualenv (put on sys.path as a plain folder), while the tierform
package imports this module by its dotted name. Registers no check.

Shapes are recognised by what the value *is* (a key header, a vendor token prefix, a DER
private-key body), so they are found under any field name; `SECRET_NAME` adds the fields
whose literal value is a secret whatever it looks like.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

# Command flags whose value is a secret (`--password x`, `--token=x`).
_FLAG_NAMES = (
    "password|passwd|pwd|passphrase|secret|client-secret|client_secret|token|access-token|"
    "api-key|api_key|private-key|private_key|secret-key|secret_key|key-file-content"
)
# A flag alone, its value the next item of an argument list (`["--password", "x"]`).
SECRET_FLAG = re.compile(rf"(?i)--?({_FLAG_NAMES})")

# (pattern, what it is). Order matters only for the name given in messages.
SECRET_SHAPES: list[tuple[re.Pattern[str], str]] = [
    (
        # The whole block (or to the end of the text when its END line is missing).
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*(PRIVATE KEY|CERTIFICATE|KEY BLOCK)[A-Z ]*-----"
            r"(?:[\s\S]*?-----END [A-Z0-9 ]+-----|[\s\S]*)"
        ),
        "key material",
    ),
    (re.compile(r"(?<![A-Z0-9])(AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16}(?![A-Z0-9])"), "an AWS key id"),
    (
        re.compile(
            r"(?i)aws_?secret_?(access_?)?key[\"']?\s*[=:]?\s*[\"']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])"
        ),
        "an AWS secret access key",
    ),
    (re.compile(r"(?i)aws_?session_?token\s*[=:]\s*\S{16,}"), "an AWS session token"),
    (re.compile(r"dapi[0-9a-fA-F]{32}(-\d+)?(?![0-9a-fA-F])"), "a Databricks access token"),
    (re.compile(r"dose[0-9a-fA-F]{32}(?![0-9a-fA-F])"), "a Databricks OAuth secret"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"), "a GitHub token"),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}"), "a GitHub token"),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}"), "a GitLab token"),
    (re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (
        re.compile(r"hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+"),
        "a Slack webhook",
    ),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), "a Google API key"),
    (re.compile(r"\bya29\.[0-9A-Za-z_-]{20,}"), "a Google OAuth token"),
    (re.compile(r"\b[sr]k_(live|test)_[0-9A-Za-z]{16,}"), "a Stripe key"),
    (re.compile(r"\bnpm_[A-Za-z0-9]{36}"), "an npm token"),
    (re.compile(r"\bpypi-[A-Za-z0-9_-]{50,}"), "a PyPI token"),
    (re.compile(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{40,}"), "a Terraform Cloud token"),
    (re.compile(r"\bsk-(proj-|ant-)?[A-Za-z0-9_-]{32,}"), "an API secret key"),
    (re.compile(r"(?i)AccountKey=[A-Za-z0-9/+]{40,}={0,2}"), "an Azure storage key"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."), "a JWT"),
    (
        re.compile(r"(?i)\bauthorization\s*[:=]\s*(bearer|basic|token)\s+\S{8,}"),
        "an authorization header",
    ),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/-]{20,}=*"), "a bearer token"),
    # `password=…`, `"client_secret": "…"`, `export DB_TOKEN=…`, `$` inside the value
    # included (`Hu$tler99`); not a value that is a reference (`${…}`, `$VAR`) or a Jinja
    # expression (`token={{env_var('X')}}` in a dbt profile); not a name that is a segment
    # of a resource path (`arn:aws:secretsmanager:…:secret:name`, `…/secrets/token:latest`)
    (
        re.compile(
            r"(?i)(?<![:/])(password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|"
            r"private[_-]?key|credentials?)[\"']?\s*[=:]\s*[\"']?[^\s\"'${](?:(?!\$\{)[^\s\"']){3,}"
        ),
        "an inline credential",
    ),
    # `--password hunter2`, `-p=…`, `--token=…`: a secret passed as a command flag
    (
        re.compile(rf"(?i)(?:^|\s)--?({_FLAG_NAMES})(?:=|\s+)(?![\"']?\$)[^\s-][^\s]{{3,}}"),
        "a secret passed as a command flag",
    ),
    (re.compile(r"://[^/\s:@]+:[^/\s@]+@"), "credentials in a URL"),
    # `https://<token>@github.com/…`: a token as the URL's user name (Git over HTTPS takes
    # one there); a real user name (`git@`, `alice@`) is short or not an opaque token.
    (
        re.compile(r"://(?:[0-9a-fA-F]{32,}|(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{30,})@"),
        "a token in a URL",
    ),
]

# A necessary condition of every shape above and of `_BASE64_RUN`: a literal each of their
# matches contains (case-insensitive where the shape is). One search rules out most config
# strings (names, comments, references) before the ~25 searches of `find_secret`; a shape
# added above must add its literal here (tests/unit/test_secret_prefilter.py checks samples).
_MAYBE_SECRET = re.compile(
    r"-----BEGIN |AKIA|ASIA|AROA|AIDA|dapi|dose|gh[pousr]_|github_pat_|glpat-|xox|"
    r"hooks\.slack\.com/services/|AIza|ya29\.|k_live_|k_test_|npm_|pypi-|\.atlasv1\.|sk-|eyJ|"
    r"://|MII|MIG|MH|MC4C|LS0tLS1CRUdJTi|(?i:aws|accountkey=|authorization|bearer|pass|pwd|secret|token|"
    r"api[_-]?key|access[_-]?key|private[_-]?key|credential|key-file)"
)

# Field names whose literal value is a secret (a reference to a variable is fine: the value
# then comes from the environment at apply time).
SECRET_NAME = re.compile(
    r"(?i)(password|passwd|passphrase|secret|token|private_key|privatekey|api_key|apikey|"
    r"access_key|credential)"
)

# A map key (a tag, an Airflow configuration option, a job parameter) whose literal value is
# a secret: the key *ends* in a secret's word (`db_password`, `smtp.smtp_password`,
# `core.fernet_key`, `api_token`); `password_policy`, `token_env`, `secret_name` say which
# or where, not what.
# (A suffix test, not a regex: it runs on every key of a 50,000-instance config.)
_SECRET_KEY_ENDINGS = (
    "password", "passwd", "passphrase", "secret", "token", "private_key", "privatekey",
    "api_key", "apikey", "access_key", "accesskey", "secret_key", "secretkey", "fernet_key",
    "credential", "credentials",
)  # fmt: skip


def is_secret_key(name: str) -> bool:
    return name.lower().endswith(_SECRET_KEY_ENDINGS)


# A bare base64 body (no PEM header) long enough to be a key: checked by DER structure.
# A DER SEQUENCE encodes to `M` then its length: `MII`/`MIG` (long form: RSA, PKCS#8 EC),
# `MH…` (SEC1 P-256), `MC4C` (Ed25519 / X25519, 64 characters in all). Line breaks may be
# real or written as `\n` (a repr() of the value).
_BASE64_RUN = re.compile(
    r"(?<![A-Za-z0-9+/=])M(?:II|IG|H[A-Za-z0-9+/]|C4C)(?:[A-Za-z0-9+/\s]|\\n){56,}={0,2}"
)
# A PEM block base64-encoded once more (how a key often goes in one environment variable:
# `LS0tLS1CRUdJTi…` is `-----BEGIN`): decoded and checked as a PEM block.
_BASE64_PEM = re.compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}")


def der_children(data: bytes) -> list[tuple[int, bytes]] | None:
    """The (tag, content) elements of a DER SEQUENCE `data`, or None if it is not one."""
    if len(data) < 2 or data[0] != 0x30:
        return None
    body = _der_content(data, 0)
    if body is None:
        return None
    content, end = body
    if end != len(data):
        return None
    out = []
    i = 0
    while i < len(content):
        element = _der_content(content, i)
        if element is None:
            return None
        value, nxt = element
        out.append((content[i], value))
        i = nxt
    return out


def _der_content(data: bytes, at: int) -> tuple[bytes, int] | None:
    if at + 2 > len(data):
        return None
    length = data[at + 1]
    start = at + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or start + count > len(data):
            return None
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    if start + length > len(data):
        return None
    return data[start : start + length], start + length


def decode_key_body(text: str) -> bytes | None:
    """The DER bytes of a PEM block or bare base64 key body, or None."""
    body = re.sub(r"-----(BEGIN|END) [A-Z0-9 ]+-----", "", text)
    body = re.sub(r"\s+|\\n", "", body)
    if len(body) < 64:
        return None
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def der_key_kind(der: bytes) -> str | None:
    """ "public" (SubjectPublicKeyInfo), "private" (PKCS#8, PKCS#1, SEC1) or None."""
    children = der_children(der)
    if not children:
        return None
    tags = [tag for tag, _ in children]
    # SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE, subjectPublicKey BIT STRING }
    if tags == [0x30, 0x03]:
        return "public"
    # Private keys all open with a version INTEGER (PKCS#8 0/1, PKCS#1 0, SEC1 1).
    if tags and tags[0] == 0x02 and len(children) >= 3:
        return "private"
    return None


def is_public_key(text: str) -> bool:
    """A PEM `PUBLIC KEY` block or its bare base64 body that decodes to an SPKI key."""
    if "PRIVATE" in text.upper():
        return False
    der = decode_key_body(text)
    return der is not None and der_key_kind(der) == "public"


def _private_bodies(text: str) -> Iterator[tuple[int, int]]:
    """Spans of bare base64 runs that decode to a private key. A run may end in ordinary
    words ("MIIE… rotated monthly"): try it whole, then without its trailing words."""
    for match in _BASE64_RUN.finditer(text):
        words = list(re.finditer(r"\S+", match.group(0)))
        for count in range(len(words), 0, -1):
            end = match.start() + words[count - 1].end()
            der = decode_key_body(text[match.start() : end])
            if der is not None and der_key_kind(der) == "private":
                yield match.start(), end
                break


def _base64_pems(text: str) -> Iterator[tuple[int, int]]:
    """Spans of base64 runs that decode to a PEM block other than a public key."""
    for match in _BASE64_PEM.finditer(text):
        body = match.group(0)
        try:
            pem = base64.b64decode(body + "=" * (-len(body) % 4)).decode("ascii", "replace")
        except (binascii.Error, ValueError):
            continue
        if SECRET_SHAPES[0][0].search(pem) and not is_public_key(pem):
            yield match.span()


def find_secret(text: str) -> str | None:
    """What secret `text` holds (e.g. "a GitHub token"), or None."""
    if not _MAYBE_SECRET.search(text):
        return None
    for pattern, what in SECRET_SHAPES:
        if pattern.search(text):
            return what
    for _ in _private_bodies(text):
        return "a private key body"
    for _ in _base64_pems(text):
        return "key material (base64-encoded)"
    return None


def secret_spans(text: str) -> Iterator[tuple[int, int]]:
    for pattern, _ in SECRET_SHAPES:
        for match in pattern.finditer(text):
            yield match.span()
    yield from _private_bodies(text)
    yield from _base64_pems(text)


def mask_secrets(text: str) -> str:
    """`text` with every secret-shaped part replaced by `<redacted: what>`."""
    if find_secret(text) is None:
        return text
    spans = sorted(secret_spans(text))
    out, last = [], 0
    for start, end in spans:
        if start < last:
            last = max(last, end)
            continue
        out.append(text[last:start])
        out.append(f"<redacted {find_secret(text[start:end]) or 'secret'}>")
        last = end
    out.append(text[last:])
    return "".join(out)
